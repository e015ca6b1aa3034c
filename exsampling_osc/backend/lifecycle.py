"""Staying alive only as long as the device that launched us: stdin EOF, parent gone, heartbeats missed.

:class:`ParentWatch` calls ``on_gone(reason)`` once when any of these happens. :func:`install_signals`
turns SIGTERM/SIGINT into the same clean stop (the current job finishes, the library is flushed).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

from exsampling_osc.liveness import parent_alive

log = logging.getLogger(__name__)


class ParentWatch:
    """Watches stdin, the parent process and the heartbeat; ``beat()`` records a heartbeat."""

    def __init__(
        self,
        on_gone: Callable[[str], None],
        heartbeat_timeout: float = 10.0,
        watch_stdin: bool = True,
        poll: float = 0.5,
    ):
        self.on_gone = on_gone
        self.heartbeat_timeout = heartbeat_timeout
        self.watch_stdin = watch_stdin
        self.poll = poll
        self.parent = os.getppid()
        self.last_beat = time.monotonic()
        self.beats = 0
        self._fired = threading.Event()

    def beat(self) -> None:
        self.last_beat = time.monotonic()
        self.beats += 1

    def seconds_since_beat(self) -> float:
        return time.monotonic() - self.last_beat

    def start(self) -> None:
        if self.watch_stdin:
            threading.Thread(target=self._stdin, name="watch-stdin", daemon=True).start()
        threading.Thread(target=self._watch, name="watch-parent", daemon=True).start()

    def _gone(self, reason: str) -> None:
        if not self._fired.is_set():
            self._fired.set()
            log.warning("parent gone: %s; stopping", reason)
            self.on_gone(reason)

    def _stdin(self) -> None:
        # os.read on the descriptor: a buffered reader would hold its lock at interpreter shutdown
        try:
            fd = sys.stdin.fileno()
            while os.read(fd, 4096):
                pass
        except (OSError, ValueError, AttributeError):
            pass
        self._gone("stdin closed")

    def _watch(self) -> None:
        while not self._fired.is_set():
            time.sleep(self.poll)
            if not parent_alive(self.parent):
                self._gone(f"parent process {self.parent} exited")
            elif self.heartbeat_timeout and self.seconds_since_beat() > self.heartbeat_timeout:
                self._gone(f"no heartbeat for {self.heartbeat_timeout:g} s")


def install_signals(stop: Callable[[str], None]) -> None:
    """SIGTERM, SIGINT (and SIGHUP) call ``stop(reason)``; only possible from the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return
    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            signal.signal(sig, lambda signum, _frame: stop(signal.Signals(signum).name))
