"""JSON answers for errors: one Bottle plugin turns our exceptions into ``{"error": message, "status": n}``.

The HTTP status follows the exception's TYPE (never its text): :class:`Refused` carries its own status,
:class:`~exsampling_osc.errors.InvalidRequest` is 400, ``NotFound`` 404, ``StorageFull`` 507, ``AudioError``
422. Bottle's own errors (no such route, wrong method) answer JSON on /api and /console/api paths too.
"""

from __future__ import annotations

import json
import logging

import bottle

from exsampling_osc.errors import AudioError, ExSamplingError, InvalidRequest, NotFound, StorageFull

log = logging.getLogger(__name__)

#: Exception type → HTTP status, most specific first. ``Refused`` (and subclasses) carry their own.
STATUS_BY_TYPE: tuple[tuple[type[Exception], int], ...] = (
    (InvalidRequest, 400),
    (NotFound, 404),
    (StorageFull, 507),
    (AudioError, 422),
    (ExSamplingError, 400),
)

#: An early refusal still reads a request body up to this size, so the client gets to read the answer.
DRAIN_LIMIT = 64 * 1024 * 1024


class Refused(ExSamplingError):
    """A request refused with an HTTP status (429 by default) and a message a person reads."""

    def __init__(self, message: str, status: int = 429):
        super().__init__(message)
        self.status = status


def status_of(exc: Exception) -> int:
    """The HTTP status for one of our exceptions, chosen by its type."""
    if isinstance(exc, Refused):
        return exc.status
    return next(status for kind, status in STATUS_BY_TYPE if isinstance(exc, kind))


def json_error(status: int, message: str) -> bottle.HTTPResponse:
    """An HTTP answer ``{"error": message, "status": status}``."""
    return bottle.HTTPResponse(
        json.dumps({"error": message, "status": status}),
        status=status,
        headers={"Content-Type": "application/json", "Cache-Control": "no-store"},
    )


def drain(request: bottle.BaseRequest) -> bool:
    """Read an unread request body of reasonable size (a client still sending gets a broken pipe instead of
    the answer otherwise); False when the body is too large to drain (close the connection instead)."""
    length = request.content_length
    if length <= 0 or "bottle.request.body" in request.environ or request.environ.get("exsampling.drained"):
        return True
    if length > DRAIN_LIMIT:
        return False
    stream, left = request.environ["wsgi.input"], length
    while left > 0:
        chunk = stream.read(min(left, 1 << 16))
        if not chunk:
            break
        left -= len(chunk)
    request.environ["exsampling.drained"] = True
    return True


def refusal(status: int, message: str) -> bottle.HTTPResponse:
    """An error answer for the current request, its unread body drained first (or the connection closed)."""
    resp = json_error(status, message)
    if not drain(bottle.request):
        resp.set_header("Connection", "close")
    return resp


class JsonErrors:
    """Bottle plugin: a route that raises one of our exceptions answers JSON with the type's status."""

    name = "json_errors"
    api = 2

    def apply(self, callback, route):
        def wrapper(*args, **kwargs):
            try:
                return callback(*args, **kwargs)
            except ExSamplingError as exc:
                return refusal(status_of(exc), str(exc))

        return wrapper


def error_page(error: bottle.HTTPError) -> str:
    """Bottle's error handler: JSON ``{"error": message}`` for API paths, Bottle's page elsewhere."""
    path = bottle.request.path
    if path.startswith(("/api", "/console/api", "/recorder/status")):
        bottle.response.content_type = "application/json"
        message = error.body if isinstance(error.body, str) and error.body else error.status_line
        if error.status_code == 404 and message.startswith("Not found: '"):
            message = f"no such address: {path}"
        return json.dumps({"error": message, "status": error.status_code})
    return bottle.Bottle.default_error_handler(bottle.default_app(), error)
