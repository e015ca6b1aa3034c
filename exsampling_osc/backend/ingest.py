"""The ingest stage: :class:`Ingest` checks an upload, stores it durably and queues it; one worker thread
(:class:`IngestQueue`, the only user of the classifier) analyses each recording into samples and hands each to
the library view to announce. The stage owns its queue, the decoded signals it holds for the worker, and the
latency figures.

Jobs are plain tuples ``(kind, id)``: ``recording``, ``reanalyse`` (one sample) or ``warmup``. Stopping
finishes the job in hand and leaves the rest: whatever is left is recorded in the library and analysed on next
start.
"""

from __future__ import annotations

import errno
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exsampling_osc.analysis.audio import load_audio, require_sound
from exsampling_osc.analysis.moderation import held, moderation_flags
from exsampling_osc.backend.events import Events
from exsampling_osc.errors import AudioError, ModelError, StorageFull
from exsampling_osc.library.retention import set_moderation
from exsampling_osc.library.store import STORAGE_FULL_PREFIX
from exsampling_osc.osc.codec import osc_number
from exsampling_osc.units import size_text

if TYPE_CHECKING:
    from exsampling_osc.backend.samples import Samples
    from exsampling_osc.library import Library

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


def client_key(client_id: str) -> str:
    """The library key of an upload id made up by the uploading page (one recording per id)."""
    return "client:" + str(client_id)[:200]


def check_audio(analyzer, path: Path, name: str):
    """Decode a whole file once (the worker reuses the signal); AudioError names the original file."""
    try:
        y = load_audio(path, analyzer.sample_rate, analyzer.config.max_seconds)
    except AudioError as exc:
        raise AudioError(str(exc).replace(path.name, name, 1)) from None
    require_sound(y, name)
    return y


def warm_up(analyzer) -> None:
    """Import librosa and load the compiled functions before the first participant waits for them: a tone
    (pitch, loop points) and a few knocks (onsets, hits)."""
    import numpy as np

    from exsampling_osc.analysis.onsets import detect_onsets

    sr = analyzer.sample_rate
    t = np.arange(sr, dtype=np.float32) / sr
    analyzer.analyse_signal((0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))
    knocks = np.zeros(2 * sr, np.float32)
    burst = (np.random.default_rng(0).standard_normal(sr // 20) * np.exp(-np.arange(sr // 20) / 200)).astype(np.float32)
    for k in range(4):
        knocks[k * sr // 2 : k * sr // 2 + burst.size] += 0.5 * burst
    detect_onsets(knocks, sr)


def timed_warm_up(analyzer) -> float:
    """:func:`warm_up`, returning the seconds it took (numba compiles librosa's kernels the first time), then
    share what compiled with later processes (:func:`~exsampling_osc.compiled_cache.publish_numba_cache`)."""
    from exsampling_osc.compiled_cache import publish_numba_cache

    t = time.perf_counter()
    warm_up(analyzer)
    seconds = time.perf_counter() - t
    publish_numba_cache()
    return seconds


def moderate(store, rid: int, y, sr: int, hold: str) -> str:
    """Flag the recording (clipped, near-silent, likely speech; kept in ``recordings.moderation``) and say the
    state its samples start in: ``pending`` (held until the performer accepts) or ``ready``. Flags are kept
    (and shown in the console) whatever the policy."""
    try:
        flags = moderation_flags(y, sr)
    except ModelError as exc:  # the voice detector cannot load here: hold it, and say why
        log.warning("recording %d: no moderation flags (%s); held for the performer", rid, exc)
        set_moderation(store, rid, {"flags": ["unchecked"], "error": str(exc)})
        return "ready" if hold == "none" else "pending"
    set_moderation(store, rid, flags.as_dict())
    return "pending" if held(flags, hold) else "ready"


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


class Ingest:
    """Recordings in: ``ingest_upload`` (HTTP route, drop folder) stores and queues; the worker analyses with
    ``analyzer`` into ``library`` and announces each new sample through ``samples``; ``events`` hears of each
    recording and each failure."""

    #: Decoded signals held for the worker at most (a longer queue re-reads the files).
    HELD = 16

    def __init__(
        self, analyzer, library: Library, samples: Samples, events: Events, max_upload_bytes: int, hold: str = "none"
    ):
        self.analyzer, self.library, self.samples, self.events = analyzer, library, samples, events
        self.max_upload_bytes = max_upload_bytes
        self.hold = hold  # moderation: which recordings' samples wait as `pending` (flagged, all, none)
        self.queue = IngestQueue(self.run_job, self.job_failed)
        self._held: dict[int, tuple[Any, float]] = {}  # recording id → (decoded signal or None, time received)
        self.latency: list[float] = []  # seconds from received to announced, the last 1000
        self.busy = threading.Lock()  # held while a job runs: a recording is forgotten between jobs

    def start(self) -> None:
        """Queue what an earlier run left unanalysed (and space failures, when space is back); start the worker."""
        self.retry_space_failures()
        for rid in self.library.store.unanalysed():
            self.queue.put(("recording", rid))
        self.queue.start()

    def ingest_upload(
        self,
        tmp_path: str | Path,
        original_name: str,
        *,
        source: str = "upload",
        latitude: float | None = None,
        longitude: float | None = None,
        accuracy: float | None = None,
        uploader: str | None = None,
        drop_key: str | None = None,
        client_id: str | None = None,
    ) -> int:
        """Check, store durably and queue a recording; returns its id once it is safe on disk.

        ``tmp_path`` is copied (the caller removes it). Raises :class:`AudioError` for unusable audio or a
        file over the size limit, :class:`StorageFull` when the disk cannot hold it safely, leaving no file
        and no row behind. ``client_id`` (an id the uploading page made up) makes a retry idempotent: the same
        id again returns the recording already stored, without a second copy.
        """
        received = time.perf_counter()
        store = self.library.store
        key = drop_key
        if client_id:
            key = client_key(client_id)
            existing = store.recording_with_key(key)
            if existing is not None:
                return existing
        path = Path(tmp_path)
        name = Path(original_name).name or "recording"
        size = path.stat().st_size if path.is_file() else 0
        if size > self.max_upload_bytes:
            raise AudioError(
                f"{name}: the file is too large ({size / 1e6:.1f} MB; the limit is {size_text(self.max_upload_bytes)})"
            )
        self.library.check_space(size)
        y = check_audio(self.analyzer, path, name)
        try:
            rid = self.library.keep_recording(
                path,
                name,
                source=source,
                latitude=latitude,
                longitude=longitude,
                accuracy=accuracy,
                uploader=uploader,
                drop_key=key,
                client_id=client_id,
            )
        except sqlite3.IntegrityError:
            existing = store.recording_with_key(key) if key else None
            if existing is None:
                raise
            return existing  # the same client id arrived twice at once: the first copy wins
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise StorageFull(f"{name}: the disk is full; nothing was stored") from None
            raise
        # hand the decoded signal to the worker while the queue is short; a long queue re-reads the file
        self._held[rid] = (y if len(self._held) < self.HELD else None, received)
        self.queue.put(("recording", rid))
        rec = self.samples.get_recording(rid) or {"id": rid}
        place = [osc_number(latitude), osc_number(longitude), -1.0 if accuracy is None else accuracy]
        self.events.send("/exsampling/recording", [rid, source, *place, name[:200]])
        self.events.emit("recording", rec)
        self.events.hook("recording_received", recording=rec)
        return rid

    def ingest_dropped(self, path: Path, key: str) -> bool:
        """Ingest a complete file of the drop folder; False (after one error message) when it cannot be."""
        try:
            self.ingest_upload(path, path.name, source="drop", drop_key=key)
        except (AudioError, StorageFull, OSError) as exc:
            self.events.error(f"drop folder: {exc}")
            return False
        return True

    def reanalyse(self, sample_id: int) -> None:
        """Queue the sample for analysis again; a sample event follows when done."""
        self.samples.require(sample_id)
        self.queue.put(("reanalyse", int(sample_id)))

    def run_job(self, job: Job) -> None:
        """Run one job (the worker calls this; tests may call it directly)."""
        kind, ident = job
        with self.busy:
            if kind == "warmup":
                warm_up(self.analyzer)
            elif kind == "recording":
                self.library.check_space(0)
                self.analyse_recording(ident)
            elif kind == "reanalyse":
                self.reanalyse_sample(ident)

    def release(self, recording_id: int) -> None:
        """Drop the decoded signal held for a recording that was forgotten before its analysis."""
        self._held.pop(recording_id, None)

    def job_failed(self, job: Job, exc: Exception) -> None:
        kind, ident = job
        if kind == "recording":
            full = isinstance(exc, StorageFull) or isinstance(exc, OSError) and exc.errno == errno.ENOSPC
            self.library.store.set_failed(ident, (STORAGE_FULL_PREFIX if full else "") + str(exc))
        self.events.error(f"{kind} {ident}: {exc}")

    def retry_space_failures(self) -> list[int]:
        """Queue again the recordings whose analysis failed for lack of space, when space is back."""
        store = self.library.store
        ids = store.failed_for_space()
        if not ids:
            return []
        try:
            self.library.check_space(0)
        except StorageFull:
            return []
        for rid in ids:
            store.set_received(rid)
            self.queue.put(("recording", rid))
        return ids

    def analyse_recording(self, rid: int) -> None:
        """Analyse a received recording: sample files, one transaction for its rows, then announce each."""
        store = self.library.store
        rec = store.recording(rid)
        if rec is None or rec["status"] != "received":
            return
        held = self._held.pop(rid, None)
        analyzer = self.analyzer
        try:
            if held and held[0] is not None:
                y = held[0]
            else:
                y = load_audio(rec["path"], analyzer.sample_rate, analyzer.config.max_seconds)
            state = moderate(store, rid, y, analyzer.sample_rate, self.hold)
            pieces = analyzer.analyse_signal(y)
        except AudioError as exc:
            store.set_failed(rid, str(exc))
            self.events.error(f"recording {rid} ({rec['original_name']}): {exc}")
            return
        rows = []
        for p in pieces:
            path = self.library.write_sample(rid, p.index, p.audio, p.sample_rate)
            rows.append({**p.stored_fields(), "path": str(path), "state": state})
        for sid in store.store_analysis(rid, rows):
            self.samples.announce(sid)
        if held:
            self.latency.append(time.perf_counter() - held[1])
            del self.latency[:-1000]

    def reanalyse_sample(self, sid: int) -> None:
        """Classify and pitch one sample's file again (its override and state are kept)."""
        row = self.library.store.sample(sid)
        if row is None:
            return
        analyzer = self.analyzer
        pred, pitch = analyzer.analyse_piece(load_audio(row["path"], analyzer.sample_rate))
        self.library.store.update_sample(
            sid,
            label=pred.label,
            confidence=pred.confidence,
            top=[[lbl, float(p)] for lbl, p in pred.top],
            root_midi=pitch.root_midi,
            pitch_confidence=pitch.confidence,
            analysed_mode=pitch.mode,
        )
        self.samples.announce(sid)

    def latency_figures(self) -> dict:
        """``{n, p50_ms, p95_ms}`` of received → announced."""
        lat = sorted(self.latency)
        return {
            "n": len(lat),
            "p50_ms": round(1000 * lat[len(lat) // 2], 1) if lat else None,
            "p95_ms": round(1000 * lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1) if lat else None,
        }
