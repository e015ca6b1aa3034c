"""Per-client limits for participant uploads: at most N uploads per client in any 60-second window.

:class:`RateLimiter` is a thread-safe sliding window keyed by any string; :func:`client_key` says who a
request comes from. The recorder routes register a guard built on both into ``service.upload_guards``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from exsampling_osc.web.answers import Refused
from exsampling_osc.web.doors import is_loopback_address

WINDOW_S = 60.0


class RateLimited(Refused):
    """Too many uploads from one client (429); ``retry_after``: seconds until the next one is allowed."""

    def __init__(self, message: str, retry_after: float):
        super().__init__(message, 429)
        self.retry_after = retry_after


class RateLimiter:
    """Allow ``per_minute`` events per key in any sliding ``window`` seconds (0 or less: no limit)."""

    def __init__(self, per_minute: int, window: float = WINDOW_S, clock: Callable[[], float] = time.monotonic):
        self.per_minute = int(per_minute)
        self.window = float(window)
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._last_sweep = clock()

    def wait_for(self, key: str) -> float:
        """Record an event for ``key`` and return 0.0, or return the seconds to wait (nothing recorded)."""
        if self.per_minute <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            self._sweep(now)
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] >= self.window:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return max(0.001, self.window - (now - hits[0]))
            hits.append(now)
            return 0.0

    def _sweep(self, now: float) -> None:
        """Forget clients idle for a whole window (keeps memory flat over a long show)."""
        if now - self._last_sweep < self.window:
            return
        self._last_sweep = now
        for key in [k for k, h in self._hits.items() if not h or now - h[-1] >= self.window]:
            del self._hits[key]

    def check(self, key: str) -> None:
        """Record an event for ``key`` or raise :class:`RateLimited` with a message a participant reads."""
        wait = self.wait_for(key)
        if wait:
            seconds = int(wait) + 1
            raise RateLimited(
                f"too many sounds from this phone: at most {self.per_minute} a minute. "
                f"Wait {seconds} s and send again.",
                wait,
            )


def client_key(environ: dict) -> str:
    """Who sent a request: the peer address, or, when the peer is this machine (a tunnel such as
    cloudflared or ngrok running here), the last address in ``X-Forwarded-For``, which the tunnel
    appends. Entries a client writes itself come earlier in that header and are ignored."""
    peer = environ.get("REMOTE_ADDR", "") or "?"
    if is_loopback_address(peer):
        forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip() if forwarded else ""
        if last:
            return last
    return peer
