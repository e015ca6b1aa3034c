"""The core operations of :class:`~exsampling_osc.backend.service.Service`: ingest, queries and live changes
(OSC handlers and HTTP routes both call these)."""

from __future__ import annotations

import errno
import itertools
import sqlite3
import time
from pathlib import Path

from exsampling_osc.backend.ingest import (
    Job,
    analyse_recording,
    check_audio,
    client_key,
    reanalyse_sample,
    require_space,
    size_text,
    warm_up,
)
from exsampling_osc.backend.sample_view import sample_view
from exsampling_osc.backend.state import ServiceState
from exsampling_osc.errors import AudioError, ExSamplingError, NotFound, StorageFull
from exsampling_osc.library.store import STORAGE_FULL_PREFIX
from exsampling_osc.osc.protocol import osc_number as _num

_PHRASE_IDS = itertools.count(1)  # numbers the phrases of this process (next() is atomic)


class ServiceOperations(ServiceState):
    """Mixin of :class:`Service`: recordings in, samples and mapping out, corrections."""

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
        key = drop_key
        if client_id:
            key = client_key(client_id)
            existing = self.library.store.recording_with_key(key)
            if existing is not None:
                return existing
        path = Path(tmp_path)
        name = Path(original_name).name or "recording"
        size = path.stat().st_size if path.is_file() else 0
        if size > self.max_upload_bytes:
            raise AudioError(
                f"{name}: the file is too large ({size / 1e6:.1f} MB; the limit is {size_text(self.max_upload_bytes)})"
            )
        require_space(self.library.data_dir, size)
        y = check_audio(self, path, name)
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
            existing = self.library.store.recording_with_key(key) if key else None
            if existing is None:
                raise
            return existing  # the same client id arrived twice at once: the first copy wins
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise StorageFull(f"{name}: the disk is full; nothing was stored") from None
            raise
        # hand the decoded signal to the worker while the queue is short; a long queue re-reads the file
        self._signals[rid] = (y if len(self._signals) < 16 else None, received)
        self.queue.put(("recording", rid))
        rec = self.get_recording(rid) or {"id": rid}
        self.send(
            "/exsampling/recording",
            [rid, source, _num(latitude), _num(longitude), -1.0 if accuracy is None else accuracy, name[:200]],
        )
        self._emit("recording", rec)
        self._hook("recording_received", service=self, recording=rec)
        return rid

    def _ingest_dropped(self, path: Path, key: str) -> bool:
        """Ingest a complete file of the drop folder; False (after one error message) when it cannot be."""
        try:
            self.ingest_upload(path, path.name, source="drop", drop_key=key)
        except (AudioError, StorageFull, OSError) as exc:
            self.error(f"drop folder: {exc}")
            return False
        return True

    def _run_job(self, job: Job) -> None:
        kind, ident = job
        if kind == "warmup":
            warm_up(self.analyzer)
        elif kind == "recording":
            require_space(self.library.data_dir, 0)
            analyse_recording(self, ident)
        elif kind == "reanalyse":
            reanalyse_sample(self, ident)

    def _job_failed(self, job: Job, exc: Exception) -> None:
        kind, ident = job
        if kind == "recording":
            full = isinstance(exc, StorageFull) or isinstance(exc, OSError) and exc.errno == errno.ENOSPC
            self.library.store.set_failed(ident, (STORAGE_FULL_PREFIX if full else "") + str(exc))
        self.error(f"{kind} {ident}: {exc}")

    def retry_space_failures(self) -> list[int]:
        """Queue again the recordings whose analysis failed for lack of space, when space is back."""
        ids = self.library.store.failed_for_space()
        if not ids:
            return []
        try:
            require_space(self.library.data_dir, 0)
        except StorageFull:
            return []
        for rid in ids:
            self.library.store.set_received(rid)
            self.queue.put(("recording", rid))
        return ids

    # ------------------------------------------------------------------ queries
    def _sample_dict(self, row: dict) -> dict:
        return sample_view(row, self._mapping)

    def get_sample(self, sample_id: int) -> dict | None:
        row = self.library.store.sample(int(sample_id))
        return self._sample_dict(row) if row else None

    def get_recording(self, recording_id: int) -> dict | None:
        rec = self.library.store.recording(int(recording_id))
        if rec is None:
            return None
        rec = _public_recording(rec)
        rec["samples"] = [self._sample_dict(r) for r in self.library.store.samples(recording_id=rec["id"])]
        return rec

    def list_recordings(self, limit: int | None = None) -> list[dict]:
        return [_public_recording(r) for r in self.library.store.recordings(limit)]

    def list_samples(self, what: str = "all", limit: int | None = None) -> list[dict]:
        """Samples newest first; ``what`` is `all`, a track name or a label (after overrides)."""
        out = []
        for row in self.library.store.samples():
            s = self._sample_dict(row)
            if what in ("all", "", None) or s["track"] == what or s["label"] == what:
                out.append(s)
                if limit and len(out) >= limit:
                    break
        return out

    def mapping(self) -> dict:
        return self._mapping.as_dict()

    def classes(self) -> list[str]:
        return list(self._mapping.labels)

    def tracks(self) -> list[dict]:
        return self._mapping.tracks()

    def mode_of(self, track: str) -> str:
        return self._mapping.mode_of(track)

    def status(self) -> dict:
        counts = self.library.store.counts()
        now = time.monotonic()
        devices = [
            {"name": d["name"], "port": d["port"], "seconds_ago": round(now - d["seen"], 1)}
            for d in self.devices.values()
            if now - d["seen"] < 60
        ]
        beat = None if self.last_heartbeat is None else round(now - self.last_heartbeat, 2)
        lat = sorted(self.latency)
        latency = {
            "n": len(lat),
            "p50_ms": round(1000 * lat[len(lat) // 2], 1) if lat else None,
            "p95_ms": round(1000 * lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1) if lat else None,
        }
        return {
            "queue": len(self.queue),
            **counts,
            "uptime": round(now - self.started, 1),
            "warm_up_seconds": None if self.warm_seconds is None else round(self.warm_seconds, 3),
            "ingest_latency": latency,
            "osc": {
                "port": self.settings.osc_port,
                "device_port": self.settings.device_port,
                "reply_ports": self.sender.ports() if self.sender else [],
                "received": self.osc.received if self.osc else 0,
                "rejected": self.osc.rejected if self.osc else 0,
                "sent": self.sender.sent if self.sender else 0,
                "link": "up" if beat is not None and beat < 10 or devices else "waiting",
            },
            "seconds_since_heartbeat": beat,
            "devices": devices,
        }

    # ------------------------------------------------------------------ changes
    def remap(self, label: str, track: str) -> dict:
        """Send ``label`` to ``track`` (kept across restarts) and re-send its samples. ValueError if unknown."""
        self._mapping.remap(label, track)
        self.library.store.set_remap(label, track)
        self.send("/exsampling/mapping", [label, track, self._mapping.mode_of(track)])
        change = {"label": label, "track": track, "mode": self._mapping.mode_of(track)}
        self._emit("mapping", change)
        self._hook("mapping_changed", service=self, label=label, track=track)
        for s in reversed(self.list_samples(label)):
            self._announce(s["sample_id"])
        return change

    def override(self, sample_id: int, label: str) -> dict | None:
        """Correct a sample's label (kept across restarts); it is re-sent to its track. A sample re-labelled as
        a taught label becomes one more example of it."""
        if label not in self._mapping.labels and label != "unknown":
            raise ValueError(f"unknown label {label!r}")
        self._require(sample_id)
        self.library.store.update_sample(int(sample_id), overridden_label=label)
        if label in self.teaching.labels:
            self.teach(label, [int(sample_id)])
        return self._announce(int(sample_id))

    def set_state(self, sample_id: int, state: str) -> dict | None:
        """Mark a sample ``accepted`` or ``rejected`` (or back to ``ready``). Accepting a sample whose label is
        a taught label makes it one more example of it."""
        if state not in ("accepted", "rejected", "ready"):
            raise ValueError(f"state must be accepted, rejected or ready, not {state!r}")
        self._require(sample_id)
        self.library.store.update_sample(int(sample_id), state=state)
        sample = self.get_sample(int(sample_id))
        if state == "accepted" and sample and sample["label"] in self.teaching.labels:
            self.teach(sample["label"], [int(sample_id)])
        return self._announce(int(sample_id))

    # ------------------------------------------------------------------ teaching
    def teach(self, label: str, sample_ids: list[int]) -> dict:
        """Teach ``label`` from library samples (each one example); it applies to new pieces at once and gets
        a track like any label (the unlisted track until re-mapped). Returns ``{label, examples, labels}``."""
        samples = []
        for sid in sample_ids:
            row = self.library.store.sample(int(sid))
            if row is None:
                raise NotFound(f"no sample {sid}")
            samples.append((int(sid), Path(row["path"])))
        result = self.teaching.teach(label, samples)
        self._taught_changed(result)
        return result

    def untaught(self, label: str) -> dict:
        """Forget a taught label; samples keep the label they were given until re-analysed."""
        result = self.teaching.untaught(label)
        self._taught_changed(result)
        return result

    def _taught_changed(self, result: dict) -> None:
        self._mapping.set_extra_labels(self.teaching.labels)
        self.send("/exsampling/taught", [result["label"], int(result["examples"]), " ".join(result["labels"])])
        self._emit("taught", result)

    def reanalyse(self, sample_id: int) -> None:
        """Queue the sample for analysis again; a sample event follows when done."""
        self._require(sample_id)
        self.queue.put(("reanalyse", int(sample_id)))

    def compose(self, x: float, y: float, seed: int | None = None, ports: list[int] | None = None) -> dict:
        """A phrase from the soundscape composer at latent (x, y), sent to the devices (or ``ports``) as
        /exsampling/phrase, its /exsampling/phrase/note events and /exsampling/done; returned as a dict.

        ``seed`` None gives the most likely phrase at that point; an integer a repeatable variation.
        """
        try:
            from exsampling_osc.composer.live import phrase_at
        except ImportError as exc:
            raise ExSamplingError(f"compose: no composer is installed ({exc})") from None
        x, y = float(x), float(y)
        assert self.settings.data_dir is not None  # resolved in Service.__init__
        out_dir = self.settings.data_dir / "phrases"
        out_dir.mkdir(exist_ok=True)
        phrase = phrase_at(x, y, seed, out_dir)
        pid = next(_PHRASE_IDS)
        notes = [
            {
                "note": int(n.note),
                "velocity": int(n.velocity),
                "start_beats": float(n.start_beats),
                "duration_beats": float(n.duration_beats),
            }
            for n in phrase.notes
        ]
        self.send(
            "/exsampling/phrase", [pid, len(notes), float(phrase.length_beats), str(phrase.midi_path), x, y], ports
        )
        for i, n in enumerate(notes):
            self.send(
                "/exsampling/phrase/note",
                [pid, i, n["note"], n["velocity"], n["start_beats"], n["duration_beats"]],
                ports,
            )
        self.send("/exsampling/done", [len(notes) + 1, "compose"], ports)
        return {
            "phrase_id": pid,
            "x": x,
            "y": y,
            "seed": seed,
            "length_beats": float(phrase.length_beats),
            "midi_path": str(phrase.midi_path),
            "notes": notes,
        }

    def _require(self, sample_id: int) -> None:
        if self.library.store.sample(int(sample_id)) is None:
            raise ValueError(f"no sample {sample_id}")


def _public_recording(rec: dict) -> dict:
    rec = dict(rec)
    rec.pop("drop_key", None)
    rec["name"] = rec["original_name"]
    return rec
