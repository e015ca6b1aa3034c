"""The threaded HTTP(S) server (cheroot) running a WSGI app in a background thread."""

from __future__ import annotations

import logging
import threading

from cheroot import wsgi

from exsampling_osc.errors import ExSamplingError

log = logging.getLogger(__name__)


class WebServer:
    """Binds on construction (so a busy port fails early and port 0 gets a real number), serves on start."""

    def __init__(self, app, host: str, port: int, *, probe: bool = False, ssl_adapter=None,
                 threads: int = 10, tries: int = 50):
        last: OSError | None = None
        for candidate in range(port, port + (tries if probe and port else 1)):
            server = wsgi.Server((host, candidate), app, numthreads=threads, server_name="exsampling",
                                 request_queue_size=128, accepted_queue_timeout=30)
            server.ssl_adapter = ssl_adapter
            try:
                server.prepare()
            except OSError as exc:
                last = exc
                continue
            self.server = server
            break
        else:
            hint = "" if probe else " (use --probe-ports to take the next free one, or choose another --http-port)"
            reason = last.strerror if isinstance(last, OSError) and last.strerror else str(last)
            raise ExSamplingError(f"HTTP port {port} on {host} is in use: {reason}{hint}")
        self.host = host
        self.port = int(self.server.bind_addr[1])
        self.tls = ssl_adapter is not None
        self._thread: threading.Thread | None = None

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._serve, name=f"http-{self.port}", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            self.server.serve()
        except Exception:
            log.exception("HTTP server on port %s stopped", self.port)

    def stop(self) -> None:
        self.server.stop()
        if self._thread:
            self._thread.join(5)


def lan_address() -> str:
    """This computer's address on the local network (127.0.0.1 when there is none)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # no packet is sent for a UDP connect
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"
