"""The ingest queue: one worker thread takes jobs in order and runs them (it alone owns the classifier),
and the jobs themselves: check an upload, analyse a recording into samples, re-analyse one sample.

Jobs are plain tuples ``(kind, id)``; the service decides what each kind means. Stopping finishes the
job in hand and leaves the rest: whatever is left is recorded in the library and analysed on next start.
"""

from __future__ import annotations

import logging
import queue
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from exsampling_osc.analysis.audio import load_audio, require_sound
from exsampling_osc.errors import AudioError, StorageFull
from exsampling_osc.units import size_text

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


#: Free space kept beyond what a recording needs: its samples, SQLite's journal, the rest of the system.
SPARE_BYTES = 64 * 1024 * 1024


def client_key(client_id: str) -> str:
    """The library key of an upload id made up by the uploading page (one recording per id)."""
    return "client:" + str(client_id)[:200]


def require_space(folder: Path, n_bytes: int) -> None:
    """Raise :class:`StorageFull` unless ``folder``'s disk has room for ``n_bytes`` twice (the recording and its
    samples) plus :data:`SPARE_BYTES`."""
    free = shutil.disk_usage(folder).free
    need = 2 * n_bytes + SPARE_BYTES
    if free < need:
        raise StorageFull(
            f"only {size_text(free)} free on the disk of {folder} ({size_text(need)} needed); "
            "free some space and try again"
        )


def check_audio(service, path: Path, name: str):
    """Decode a whole file once (the worker reuses the signal); AudioError names the original file."""
    try:
        y = load_audio(path, service.analyzer.sample_rate, service.analyzer.config.max_seconds)
    except AudioError as exc:
        raise AudioError(str(exc).replace(path.name, name, 1)) from None
    require_sound(y, name)
    return y


def warm_up(analyzer) -> None:
    """Import librosa and load the compiled functions before the first participant waits for them."""
    import numpy as np

    t = np.arange(analyzer.sample_rate, dtype=np.float32) / analyzer.sample_rate
    analyzer.analyse_signal((0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))


def timed_warm_up(analyzer) -> float:
    """:func:`warm_up`, returning the seconds it took (numba compiles librosa's kernels the first time)."""
    t = time.perf_counter()
    warm_up(analyzer)
    return time.perf_counter() - t


def sweep_upload_temporaries(data_dir: Path) -> int:
    """Remove ``incoming/.upload-*.tmp`` left by an upload that was killed mid-way; returns how many."""
    n = 0
    for p in (Path(data_dir) / "incoming").glob(".upload-*.tmp"):
        try:
            p.unlink()
            n += 1
        except OSError as exc:
            log.warning("cannot remove %s: %s", p, exc)
    if n:
        log.info("removed %d unfinished upload file(s)", n)
    return n


def analyse_recording(service, rid: int) -> None:
    """Analyse a received recording: sample files, one transaction for its rows, then announce each."""
    rec = service.library.store.recording(rid)
    if rec is None or rec["status"] != "received":
        return
    held = service._signals.pop(rid, None)
    analyzer = service.analyzer
    try:
        if held and held[0] is not None:
            y = held[0]
        else:
            y = load_audio(rec["path"], analyzer.sample_rate, analyzer.config.max_seconds)
        pieces = analyzer.analyse_signal(y)
    except AudioError as exc:
        service.library.store.set_failed(rid, str(exc))
        service.error(f"recording {rid} ({rec['original_name']}): {exc}")
        return
    rows = []
    for p in pieces:
        path = service.library.write_sample(rid, p.index, p.audio, p.sample_rate)
        rows.append(
            {
                "piece_index": p.index,
                "start": p.start,
                "duration": p.duration,
                "path": str(path),
                "label": p.prediction.label,
                "confidence": p.prediction.confidence,
                "top": [[lbl, float(pr)] for lbl, pr in p.prediction.top],
                "root_midi": p.pitch.root_midi,
                "pitch_confidence": p.pitch.confidence,
                "analysed_mode": p.pitch.mode,
                "state": "ready",
            }
        )
    for sid in service.library.store.store_analysis(rid, rows):
        service._announce(sid)
    if held:
        service.latency.append(time.perf_counter() - held[1])
        del service.latency[:-1000]


def reanalyse_sample(service, sid: int) -> None:
    """Classify and pitch one sample's file again (its override and state are kept)."""
    row = service.library.store.sample(sid)
    if row is None:
        return
    analyzer = service.analyzer
    pred, pitch = analyzer.analyse_piece(load_audio(row["path"], analyzer.sample_rate))
    service.library.store.update_sample(
        sid,
        label=pred.label,
        confidence=pred.confidence,
        top=[[lbl, float(p)] for lbl, p in pred.top],
        root_midi=pitch.root_midi,
        pitch_confidence=pitch.confidence,
        analysed_mode=pitch.mode,
    )
    service._announce(sid)
