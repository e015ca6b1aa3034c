"""A public HTTPS address for the participant page through a tunnel program (``cloudflared`` or ``ngrok``).

``start_tunnel("cloudflared", "http://127.0.0.1:8765")`` starts a quick tunnel, reads the public URL the
program prints, and returns a :class:`Tunnel` that stops the program on :meth:`Tunnel.stop`, on leaving a
``with`` block, or when Python exits. Nothing here talks to the network itself: the program does.

What the programs print (read from their output, not from an API):

- ``cloudflared tunnel --url URL`` writes a banner on stderr with a line
  ``... INF |  https://four-dashed-word-url.trycloudflare.com   |``.
- ``ngrok http URL --log stdout --log-format json`` writes one JSON object a line; the tunnel's line is
  ``{"msg": "started tunnel", "url": "https://….ngrok-free.app", ...}``.
"""

from __future__ import annotations

import atexit
import collections
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass

from exsampling_osc.errors import ConfigError

#: Seconds to wait for the program to print its public URL.
START_TIMEOUT_S = 30.0
#: Seconds between asking the program to stop and killing it.
STOP_TIMEOUT_S = 5.0

_CLOUDFLARED_URL = re.compile(r"https://[a-z0-9-]+\.trycloudflare\.com\b")


class TunnelError(ConfigError):
    """The tunnel could not be started (program missing, refused, or silent); the message says what to do."""


def _cloudflared_args(local_url: str) -> list[str]:
    args = ["tunnel", "--no-autoupdate", "--url", local_url]
    if local_url.startswith("https:"):
        args.append("--no-tls-verify")  # the local certificate is our own self-signed one
    return args


def _cloudflared_url(line: str) -> str | None:
    m = _CLOUDFLARED_URL.search(line)
    return m.group(0) if m else None


def _ngrok_args(local_url: str) -> list[str]:
    return ["http", local_url, "--log", "stdout", "--log-format", "json"]


def _ngrok_url(line: str) -> str | None:
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except ValueError:
        return None
    url = event.get("url") if isinstance(event, dict) else None
    if event.get("msg") == "started tunnel" and isinstance(url, str) and url.startswith("https://"):
        return url
    return None


@dataclass(frozen=True)
class TunnelKind:
    """How to run one tunnel program and read its URL."""

    program: str
    args: Callable[[str], list[str]]
    parse: Callable[[str], str | None]
    install: str


KINDS: dict[str, TunnelKind] = {
    "cloudflared": TunnelKind(
        "cloudflared",
        _cloudflared_args,
        _cloudflared_url,
        "Install cloudflared (no account needed for a quick tunnel): macOS `brew install cloudflared`, "
        "Windows `winget install --id Cloudflare.cloudflared`, Linux: the .deb/.rpm from Cloudflare's "
        "'cloudflared downloads' page. Then run serve again with --tunnel cloudflared.",
    ),
    "ngrok": TunnelKind(
        "ngrok",
        _ngrok_args,
        _ngrok_url,
        "Install ngrok: macOS `brew install ngrok`, Windows `winget install ngrok.ngrok`, Linux: ngrok's "
        "download page; then sign up for a free account and run `ngrok config add-authtoken <token>` once. "
        "Then run serve again with --tunnel ngrok.",
    ),
}


class Tunnel:
    """A running tunnel program and its public URL; :meth:`stop` ends it (terminate, then kill)."""

    def __init__(self, kind: str, proc: subprocess.Popen, public_url: str, output: collections.deque):
        self.kind = kind
        self.proc = proc
        self.public_url = public_url
        self._output = output

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    def output(self) -> list[str]:
        """The program's last lines of output (for a log or an error message)."""
        return list(self._output)

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> int | None:
        """Stop the program: terminate (SIGTERM), then kill after ``timeout`` s; returns its exit code."""
        atexit.unregister(self.stop)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        return self.proc.returncode

    def __enter__(self) -> Tunnel:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_tunnel(kind: str, local_url: str, *, timeout: float = START_TIMEOUT_S) -> Tunnel:
    """Start a quick tunnel of ``kind`` (``cloudflared`` or ``ngrok``) to ``local_url``; returns once it has a URL.

    Raises :class:`TunnelError` when the program is not installed (the message says how to install it),
    exits before printing a URL (its last lines are quoted), or prints none within ``timeout`` seconds.

    Examples
    --------
    >>> with start_tunnel("cloudflared", "http://127.0.0.1:8765") as t:  # doctest: +SKIP
    ...     print(t.public_url)
    https://four-dashed-word-url.trycloudflare.com
    """
    spec = KINDS.get(kind)
    if spec is None:
        raise TunnelError(f"--tunnel {kind!r}: choose one of {', '.join(KINDS)}")
    exe = shutil.which(spec.program)
    if exe is None:
        raise TunnelError(
            f"--tunnel {kind}: the program `{spec.program}` is not installed (not on PATH). {spec.install}"
        )
    try:
        proc = subprocess.Popen(
            [exe, *spec.args(local_url)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
        )
    except OSError as exc:
        raise TunnelError(f"--tunnel {kind}: cannot start {exe} ({exc})") from None
    output: collections.deque[str] = collections.deque(maxlen=40)
    found: list[str] = []
    ready = threading.Event()

    def read() -> None:  # keeps draining after the URL so the program never blocks on a full pipe
        assert proc.stdout is not None
        for line in proc.stdout:
            output.append(line.rstrip("\n"))
            if not found:
                url = spec.parse(line)
                if url:
                    found.append(url)
                    ready.set()
        ready.set()  # the program closed its output (it exited)

    threading.Thread(target=read, name=f"tunnel-{kind}", daemon=True).start()
    tunnel = Tunnel(kind, proc, "", output)
    atexit.register(tunnel.stop)
    ready.wait(timeout)
    if found:
        tunnel.public_url = found[0]
        return tunnel
    exited = proc.poll() is not None or ready.is_set()
    tunnel.stop()
    said = "\n    ".join(list(output)[-8:]) or "(nothing)"
    if exited:
        hint = " Is `ngrok config add-authtoken <token>` done?" if kind == "ngrok" else ""
        raise TunnelError(
            f"--tunnel {kind}: {spec.program} stopped before giving a public URL "
            f"(exit code {proc.returncode}).{hint} It said:\n    {said}"
        )
    raise TunnelError(
        f"--tunnel {kind}: {spec.program} gave no public URL within {timeout:g} s "
        f"(is this computer on the internet?). It said:\n    {said}"
    )
