"""Slow clients over real loopback sockets: connections that send their request one byte at a time.

Used by tests/test_web_slow_clients.py and bench/bench_slow_clients.py. Every loop is bounded in time.
"""

from __future__ import annotations

import socket
import threading
import time


class Trickle:
    """``n`` connections to ``port`` on 127.0.0.1, each sending ``prefix`` at once and then ``request`` one
    byte per ``every`` seconds (round-robin from one thread) until :meth:`close` or ``limit_s``."""

    def __init__(
        self,
        port: int,
        n: int = 100,
        request: bytes = b"GET /console HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        every: float = 0.5,
        limit_s: float = 60.0,
        prefix: bytes = b"",
    ):
        self.request, self.every, self.limit_s = request, every, limit_s
        self.socks = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(n)]
        for s in self.socks:
            s.sendall(prefix)  # sent at once (the headers, when the body is to trickle)
        self.sent = [0] * n
        self.closed_by_server = [False] * n
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        end = time.monotonic() + self.limit_s
        while not self._stop.is_set() and time.monotonic() < end:
            for i, s in enumerate(self.socks):
                if self.closed_by_server[i]:
                    continue
                try:
                    s.send(self.request[self.sent[i] % len(self.request) :][:1])
                    self.sent[i] += 1
                except OSError:
                    self.closed_by_server[i] = True
            self._stop.wait(self.every)

    def open_count(self) -> int:
        """How many connections the server has not closed (a closed one reads EOF or fails to send)."""
        for i, s in enumerate(self.socks):
            if self.closed_by_server[i]:
                continue
            s.setblocking(False)
            try:
                data = s.recv(65536)
                if data == b"" or data.startswith(b"HTTP/1.1 408"):
                    self.closed_by_server[i] = True
            except BlockingIOError:
                pass
            except OSError:
                self.closed_by_server[i] = True
            finally:
                s.setblocking(True)
        return self.closed_by_server.count(False)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for s in self.socks:
            s.close()
