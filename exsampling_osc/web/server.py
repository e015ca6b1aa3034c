"""The threaded HTTP(S) server (cheroot) running a WSGI app in a background thread.

Slow clients: cheroot gives each request a worker thread from the moment its first byte arrives until the
answer is sent, and its socket timeout restarts with every byte, so a client sending its headers one byte
at a time would hold a thread for ever. Here every request gets deadlines for the whole request line and
headers (:data:`HEADER_TIMEOUT_S`) and for the body and the answer (:data:`BODY_TIMEOUT_S`); a watchdog
thread shuts the socket of a request past its deadline, which frees its thread. With :data:`THREADS`
threads, that many slow clients can be open at once while others are still served (measured in
bench/bench_slow_clients.py). Idle keep-alive connections hold no thread (cheroot keeps them in a selector).
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time

from cheroot import server as cheroot_server
from cheroot import wsgi

from exsampling_osc.errors import ExSamplingError

log = logging.getLogger(__name__)

THREADS = 128
HEADER_TIMEOUT_S = 10.0  # the request line and all headers
BODY_TIMEOUT_S = 120.0  # the body and the answer (the recorder page gives an upload 120 s too)
IDLE_TIMEOUT_S = 10  # a connection that sends nothing (cheroot's own timeout)


class Deadlines:
    """Per worker thread: the socket it serves and when that request must be done; a watchdog thread
    shuts sockets past their deadline."""

    def __init__(self, header_s: float = HEADER_TIMEOUT_S, body_s: float = BODY_TIMEOUT_S, tick: float = 0.1):
        self.header_s, self.body_s, self.tick = header_s, body_s, tick
        self._armed: dict[int, tuple[float, socket.socket]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.expired = 0
        self._thread = threading.Thread(target=self._watch, name="http-deadlines", daemon=True)
        self._thread.start()

    def headers_begin(self, sock: socket.socket) -> None:
        with self._lock:
            self._armed[threading.get_ident()] = (time.monotonic() + self.header_s, sock)

    def body_begin(self) -> None:
        """The headers are in (the app is called): the body deadline starts."""
        with self._lock:
            armed = self._armed.get(threading.get_ident())
            if armed:
                self._armed[threading.get_ident()] = (time.monotonic() + self.body_s, armed[1])

    def done(self) -> None:
        with self._lock:
            self._armed.pop(threading.get_ident(), None)

    def _watch(self) -> None:
        while not self._stop.wait(self.tick):
            now = time.monotonic()
            with self._lock:
                late = [(k, s) for k, (deadline, s) in self._armed.items() if deadline < now]
                for key, _ in late:
                    del self._armed[key]
            for _, sock in late:
                self.expired += 1
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self) -> None:
        self._stop.set()


class _Connection(cheroot_server.HTTPConnection):
    """A cheroot connection whose every request runs under the server's :class:`Deadlines`."""

    def communicate(self):
        deadlines: Deadlines = self.server.deadlines
        deadlines.headers_begin(self.socket)
        try:
            if isinstance(self.socket, ssl.SSLSocket) and self.socket.version() is None:
                try:  # the TLS handshake, deferred to this worker by web/tls.py, under the header deadline
                    self.socket.do_handshake()
                except OSError as exc:  # plain HTTP on the HTTPS port, a stalled or broken client
                    log.info("TLS handshake with %s failed: %s", self.remote_addr, exc)
                    return False
            return super().communicate()
        finally:
            deadlines.done()


class WebServer:
    """Binds on construction (so a busy port fails early and port 0 gets a real number), serves on start."""

    def __init__(
        self,
        app,
        host: str,
        port: int,
        *,
        probe: bool = False,
        ssl_adapter=None,
        threads: int = THREADS,
        tries: int = 50,
        header_timeout: float = HEADER_TIMEOUT_S,
        body_timeout: float = BODY_TIMEOUT_S,
    ):
        self.deadlines = Deadlines(header_timeout, body_timeout)

        def guarded(environ, start_response):
            self.deadlines.body_begin()
            return app(environ, start_response)

        last: OSError | None = None
        for candidate in range(port, port + (tries if probe and port else 1)):
            server = wsgi.Server(
                (host, candidate),
                guarded,
                numthreads=threads,
                server_name="exsampling",
                request_queue_size=256,
                accepted_queue_timeout=30,
                timeout=IDLE_TIMEOUT_S,
            )
            server.ConnectionClass = _Connection
            server.deadlines = self.deadlines  # type: ignore[attr-defined]  # read by _Connection
            server.ssl_adapter = ssl_adapter
            try:
                server.prepare()
            except OSError as exc:
                last = exc
                continue
            self.server = server
            break
        else:
            self.deadlines.stop()
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
        self.deadlines.stop()
        if self._thread:
            self._thread.join(5)


def lan_address() -> str:
    """This computer's address on the local network (127.0.0.1 when there is none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # no packet is sent for a UDP connect
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"
