"""The ingest queue: one worker thread takes jobs in order and runs them (it alone owns the classifier).

Jobs are plain tuples ``(kind, id)``; the service decides what each kind means. Stopping finishes the
job in hand and leaves the rest: whatever is left is recorded in the library and analysed on next start.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

Job = tuple[str, int]


class IngestQueue:
    """FIFO of jobs run by one worker thread with ``run(job)``; failures are logged and passed to ``on_error``."""

    def __init__(self, run: Callable[[Job], None], on_error: Callable[[Job, Exception], None] | None = None):
        self._run = run
        self._on_error = on_error
        self._q: queue.Queue[tuple[Job, float]] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.busy = False
        self.current: Job | None = None
        self.done = 0

    def put(self, job: Job) -> None:
        self._q.put((job, time.perf_counter()))

    def __len__(self) -> int:
        return self._q.qsize() + (1 if self.busy else 0)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="ingest-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60.0, skip: tuple[str, ...] = ()) -> None:
        """Finish the current job (unless its kind is in ``skip``), then stop; queued jobs stay undone."""
        self._stop.set()
        if self.current and self.current[0] in skip:
            return
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def alive(self) -> bool:
        return bool(self._thread and self._thread.is_alive())

    def idle(self) -> bool:
        return self._q.empty() and not self.busy

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                job, _queued = self._q.get(timeout=0.2)
            except queue.Empty:
                continue
            self.busy, self.current = True, job
            try:
                self._run(job)
            except Exception as exc:  # the worker must survive any one job
                log.exception("job %s failed", job)
                if self._on_error:
                    self._on_error(job, exc)
            finally:
                self.busy, self.current = False, None
                self.done += 1
