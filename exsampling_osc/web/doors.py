"""Who may call what: one door policy, applied by the app to every route from the route's ``door`` setting.

Every route names its door as a route argument (``@app.get("/api/samples", door=THIS_COMPUTER)``); the
:class:`Doors` plugin enforces it, so no route checks anything itself. A route without a door is shut
(``NOBODY``). The doors:

``ANYONE``
    the participant page and its static files (they carry no data).
``PARTICIPANT``
    needs the session token (query ``token`` or header ``X-Exsampling-Token``): uploads, and the page's
    poll of its own recordings. Tunnels and proxies are fine here.
``THIS_COMPUTER``
    everything that reads the library or changes state. The peer address must be loopback, AND the Host
    header a loopback name (``127.0.0.1``, ``localhost``, ``[::1]``, any port; against DNS rebinding),
    AND no proxy header may be present (a tunnel such as cloudflared or ngrok runs on this computer, so
    without that check the whole internet would look local). A state change (any method but GET/HEAD)
    also needs ``Content-Type: application/json`` (a page on another site cannot send that without a
    CORS preflight, which is never granted) and, when an ``Origin`` header is present, the same origin
    as the request. A request without ``Origin`` comes from a non-browser client (curl, a script, a
    device): browsers always send ``Origin`` on a cross-site POST, so it cannot be a forged one.
``NOBODY``
    shut.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from urllib.parse import urlsplit

import bottle

from exsampling_osc.errors import InvalidRequest
from exsampling_osc.web.answers import Refused

ANYONE, PARTICIPANT, THIS_COMPUTER, NOBODY = "anyone", "participant", "this computer", "nobody"
DOORS = (ANYONE, PARTICIPANT, THIS_COMPUTER, NOBODY)
#: Headers a proxy or tunnel adds (cloudflared: CF-Connecting-IP, CF-Ray, X-Forwarded-For/-Proto; ngrok:
#: X-Forwarded-For/-Host/-Proto): their requests arrive from 127.0.0.1, and any of these makes them remote.
PROXY_HEADERS = (
    "Forwarded",
    "X-Forwarded-For",
    "X-Forwarded-Host",
    "X-Forwarded-Proto",
    "X-Real-IP",
    "CF-Connecting-IP",
    "CF-Ray",
    "True-Client-IP",
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})
SAFE_METHODS = frozenset({"GET", "HEAD"})
TOKEN_HEADER = "X-Exsampling-Token"


def host_name(host_header: str | None) -> str:
    """The host part of a Host header, lower-case, port removed (``[::1]:8765`` → ``[::1]``)."""
    host = (host_header or "").strip().lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_loopback_address(address: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and ::ffff:127.x (a zone index such as ``%lo`` is ignored)."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool(ip.is_loopback or (mapped is not None and mapped.is_loopback))


def from_this_computer(environ: dict) -> bool:
    """True when a request comes from this computer, directly (no proxy), for a loopback host name."""
    if not is_loopback_address(environ.get("REMOTE_ADDR")):
        return False
    if any(environ.get("HTTP_" + h.upper().replace("-", "_")) for h in PROXY_HEADERS):
        return False
    return host_name(environ.get("HTTP_HOST")) in LOOPBACK_HOSTS


def same_origin_or_none(environ: dict) -> bool:
    """True when the request has no ``Origin`` header, or one naming this request's scheme, host and port."""
    origin = environ.get("HTTP_ORIGIN")
    if origin is None:
        return True
    parts = urlsplit(origin)
    scheme = environ.get("wsgi.url_scheme", "http")
    host = (environ.get("HTTP_HOST") or "").lower()
    if ":" not in host.rsplit("]", 1)[-1]:
        host += ":443" if scheme == "https" else ":80"
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return False
    netloc = f"{(parts.hostname or '')}"
    netloc = f"[{netloc}]" if ":" in netloc else netloc
    return parts.scheme == scheme and f"{netloc}:{port}".lower() == host


def is_json(environ: dict) -> bool:
    ctype = (environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
    return ctype == "application/json"


def token_of(request: bottle.BaseRequest) -> str:
    """The session token a request carries (query ``token`` or header ``X-Exsampling-Token``), or ""."""
    return request.query.get("token") or request.get_header(TOKEN_HEADER) or ""


def json_body(request: bottle.BaseRequest | None = None) -> dict:
    """A state change's JSON object (an empty body is ``{}``); InvalidRequest for anything else."""
    request = request or bottle.request
    raw = request.body.read()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InvalidRequest("the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise InvalidRequest("send a JSON object")
    return data


class Doors:
    """Bottle plugin enforcing each route's ``door`` (route config key ``door``; no door: ``NOBODY``).

    ``check_token`` says whether a token is the current one (the service's ``tokens.check``).
    """

    name = "doors"
    api = 2

    def __init__(self, check_token: Callable[[str], bool]):
        self.check_token = check_token

    def setup(self, app: bottle.Bottle) -> None:
        for route in app.routes:
            door = route.config.get("door", NOBODY)
            if door not in DOORS:
                raise ValueError(f"{route.rule}: unknown door {door!r} (known: {', '.join(DOORS)})")

    def apply(self, callback, route):
        door = route.config.get("door", NOBODY)
        if door not in DOORS:
            raise ValueError(f"{route.rule}: unknown door {door!r} (known: {', '.join(DOORS)})")

        def wrapper(*args, **kwargs):
            self.check(door, bottle.request)
            return callback(*args, **kwargs)

        return wrapper

    def check(self, door: str, request: bottle.BaseRequest) -> None:
        """Raise :class:`Refused` unless ``request`` may pass ``door``."""
        env = request.environ
        if door == ANYONE:
            return
        if door == PARTICIPANT:
            if not self.check_token(token_of(request)):
                raise Refused("this link is not valid any more: scan the QR code again", 403)
            return
        if door == THIS_COMPUTER:
            if not from_this_computer(env):
                raise Refused(
                    "this is served to this computer only (open it on the performer's computer "
                    "at http://127.0.0.1, not through a tunnel or another name)",
                    403,
                )
            if request.method not in SAFE_METHODS:
                if not same_origin_or_none(env):
                    raise Refused("refused: a page of another site may not change this show", 403)
                if not is_json(env):
                    raise Refused("send the change as JSON (Content-Type: application/json)", 415)
            return
        raise Refused("nobody may call this", 403)
