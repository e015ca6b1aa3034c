"""The core operations of :class:`~exsampling_osc.service.Service`: ingest, queries and live changes
(OSC handlers and HTTP routes both call these)."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

from exsampling_osc.errors import AudioError, ExSamplingError
from exsampling_osc.ingest import Job, analyse_recording, check_audio, reanalyse_sample, size_text, warm_up
from exsampling_osc.service_events import _num

_PHRASE_IDS = itertools.count(1)  # numbers the phrases of this process (next() is atomic)


class ServiceOperations:
    """Mixin of :class:`Service`: recordings in, samples and mapping out, corrections."""

    def ingest_upload(self, tmp_path: str | Path, original_name: str, *, source: str = "upload",
                      latitude: float | None = None, longitude: float | None = None,
                      accuracy: float | None = None, uploader: str | None = None,
                      drop_key: str | None = None, client_id: str | None = None) -> int:
        """Check, store durably and queue a recording; returns its id once it is safe on disk.

        ``tmp_path`` is copied (the caller removes it). Raises :class:`AudioError` for unusable audio or a
        file over the size limit, leaving no file and no row behind.
        """
        received = time.perf_counter()
        path = Path(tmp_path)
        name = Path(original_name).name or "recording"
        size = path.stat().st_size if path.is_file() else 0
        if size > self.max_upload_bytes:
            raise AudioError(f"{name}: the file is too large ({size / 1e6:.1f} MB; "
                             f"the limit is {size_text(self.max_upload_bytes)})")
        y = check_audio(self, path, name)
        rid = self.library.keep_recording(path, name, source=source, latitude=latitude, longitude=longitude,
                                          accuracy=accuracy, uploader=uploader, drop_key=drop_key,
                                          client_id=client_id)
        # hand the decoded signal to the worker while the queue is short; a long queue re-reads the file
        self._signals[rid] = (y if len(self._signals) < 16 else None, received)
        self.queue.put(("recording", rid))
        rec = self.get_recording(rid) or {"id": rid}
        self.send("/exsampling/recording", [rid, source, _num(latitude), _num(longitude),
                                            -1.0 if accuracy is None else accuracy, name[:200]])
        self._emit("recording", rec)
        self._hook("recording_received", service=self, recording=rec)
        return rid

    def _ingest_dropped(self, path: Path, key: str) -> None:
        try:
            self.ingest_upload(path, path.name, source="drop", drop_key=key)
        except AudioError as exc:
            self.error(f"drop folder: {exc}")

    def _run_job(self, job: Job) -> None:
        kind, ident = job
        if kind == "warmup":
            warm_up(self.analyzer)
        elif kind == "recording":
            analyse_recording(self, ident)
        elif kind == "reanalyse":
            reanalyse_sample(self, ident)

    def _job_failed(self, job: Job, exc: Exception) -> None:
        kind, ident = job
        if kind == "recording":
            self.library.store.set_failed(ident, str(exc))
        self.error(f"{kind} {ident}: {exc}")


    # ------------------------------------------------------------------ queries
    def _sample_dict(self, row: dict) -> dict:
        label = row["overridden_label"] or row["label"]
        track = self._mapping.track_of(label)
        return {"sample_id": row["id"], "id": row["id"], "track": track, "label": label,
                "confidence": row["confidence"], "path": row["path"], "root_midi": row["root_midi"],
                "mode": self._mapping.mode_of(track), "analysed_mode": row["analysed_mode"],
                "latitude": row["latitude"], "longitude": row["longitude"], "accuracy": row["accuracy"],
                "recording_id": row["recording_id"], "duration": row["duration"], "state": row["state"],
                "start": row["start"], "piece_index": row["piece_index"], "analysed_label": row["label"],
                "overridden_label": row["overridden_label"], "top": row["top"],
                "pitch_confidence": row["pitch_confidence"], "created": row["created"],
                "audio_url": f"/api/samples/{row['id']}/audio"}

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
        devices = [{"name": d["name"], "port": d["port"], "seconds_ago": round(now - d["seen"], 1)}
                   for d in self.devices.values() if now - d["seen"] < 60]
        beat = None if self.last_heartbeat is None else round(now - self.last_heartbeat, 2)
        lat = sorted(self.latency)
        latency = {"n": len(lat), "p50_ms": round(1000 * lat[len(lat) // 2], 1) if lat else None,
                   "p95_ms": round(1000 * lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1) if lat else None}
        return {"queue": len(self.queue), **counts, "uptime": round(now - self.started, 1),
                "ingest_latency": latency,
                "osc": {"port": self.settings.osc_port, "device_port": self.settings.device_port,
                        "reply_ports": self.sender.ports() if self.sender else [],
                        "received": self.osc.received if self.osc else 0,
                        "rejected": self.osc.rejected if self.osc else 0,
                        "sent": self.sender.sent if self.sender else 0,
                        "link": "up" if beat is not None and beat < 10 or devices else "waiting"},
                "seconds_since_heartbeat": beat, "devices": devices}


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

    def override(self, sample_id: int, label: str) -> dict:
        """Correct a sample's label (kept across restarts); it is re-sent to its track."""
        if label not in self._mapping.labels and label != "unknown":
            raise ValueError(f"unknown label {label!r}")
        self._require(sample_id)
        self.library.store.update_sample(int(sample_id), overridden_label=label)
        return self._announce(int(sample_id))

    def set_state(self, sample_id: int, state: str) -> dict:
        """Mark a sample ``accepted`` or ``rejected`` (or back to ``ready``)."""
        if state not in ("accepted", "rejected", "ready"):
            raise ValueError(f"state must be accepted, rejected or ready, not {state!r}")
        self._require(sample_id)
        self.library.store.update_sample(int(sample_id), state=state)
        return self._announce(int(sample_id))

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
        out_dir = Path(self.settings.data_dir) / "phrases"
        out_dir.mkdir(exist_ok=True)
        phrase = phrase_at(x, y, seed, out_dir)
        pid = next(_PHRASE_IDS)
        notes = [{"note": int(n.note), "velocity": int(n.velocity), "start_beats": float(n.start_beats),
                  "duration_beats": float(n.duration_beats)} for n in phrase.notes]
        self.send("/exsampling/phrase", [pid, len(notes), float(phrase.length_beats), str(phrase.midi_path), x, y],
                  ports)
        for i, n in enumerate(notes):
            self.send("/exsampling/phrase/note",
                      [pid, i, n["note"], n["velocity"], n["start_beats"], n["duration_beats"]], ports)
        self.send("/exsampling/done", [len(notes) + 1, "compose"], ports)
        return {"phrase_id": pid, "x": x, "y": y, "seed": seed, "length_beats": float(phrase.length_beats),
                "midi_path": str(phrase.midi_path), "notes": notes}

    def _require(self, sample_id: int) -> None:
        if self.library.store.sample(int(sample_id)) is None:
            raise ValueError(f"no sample {sample_id}")



def _public_recording(rec: dict) -> dict:
    rec = dict(rec)
    rec.pop("drop_key", None)
    rec["name"] = rec["original_name"]
    return rec

