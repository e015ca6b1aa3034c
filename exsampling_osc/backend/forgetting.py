"""Participants' sounds stay theirs: the deletion key handed to the phone with each upload, deleting a
recording on request (its file, rows, samples and photo), and the show's retention (``--keep-days``).

One part of the service (:class:`Forgetting`). A recording is forgotten while the analysis worker is idle
(:attr:`Ingest.busy`), so no sample of it is written after its rows are gone; every device hears
``/exsampling/deleted`` with the recording and its sample ids, the console the event ``deleted``.
"""

from __future__ import annotations

import logging
import time

from exsampling_osc.library import Library
from exsampling_osc.library.retention import (
    forget_recording,
    key_matches,
    new_deletion_key,
    recordings_older_than,
    set_deletion_key,
)

log = logging.getLogger(__name__)

#: Seconds between two retention sweeps while serving (one also runs at start).
SWEEP_INTERVAL_S = 3600.0


class Forgetting:
    """Deletion keys, deletion on request and retention; ``ingest`` is the part whose worker writes samples."""

    def __init__(self, library: Library, ingest, events, keep_days: float | None = None, samples=None):
        self.library, self.ingest, self.events, self.samples = library, ingest, events, samples
        self.keep_days = keep_days
        self.last_sweep = 0.0

    def issue_key(self, recording_id: int) -> str:
        """A new deletion key for the recording (only its hash is kept); handed to the phone once."""
        key = new_deletion_key()
        set_deletion_key(self.library.store, recording_id, key)
        return key

    def delete(self, recording_id: int, key: str) -> dict | None:
        """Forget the recording when ``key`` is its deletion key; None (nothing done) otherwise."""
        if not key_matches(self.library.store, recording_id, key):
            return None
        return self.forget(recording_id, "deleted by its participant")

    def forget(self, recording_id: int, reason: str) -> dict | None:
        """Remove the recording's file, rows, samples and photo; tell the devices and the console."""
        store = self.library.store
        with self.ingest.busy:
            if store.recording(recording_id) is None:
                return None
            sample_ids = [int(s["id"]) for s in store.samples(recording_id)]
            tracks = self._tracks_of(sample_ids)
            files = forget_recording(store, recording_id)
            self.ingest.release(recording_id)
        gone = {"recording_id": recording_id, "sample_ids": sample_ids, "files": len(files), "reason": reason}
        log.info(
            "recording %d forgotten (%s): %d sample(s), %d file(s)", recording_id, reason, len(sample_ids), len(files)
        )
        self.events.send("/exsampling/deleted", [recording_id, " ".join(map(str, sample_ids))])
        self.events.emit("deleted", gone)
        gone["replaced"] = self._replace_on(tracks)
        return gone

    def _tracks_of(self, sample_ids: list[int]) -> set[str]:
        if self.samples is None:
            return set()
        views = (self.samples.get_sample(sid) for sid in sample_ids)
        return {v["track"] for v in views if v is not None}

    def _replace_on(self, tracks: set[str]) -> dict[str, int]:
        """The samplers play the newest sample of their track: send each track that lost one its newest
        remaining playable sample again, so no sampler keeps playing the deleted sound; a track with none
        left hears ``/exsampling/unload`` and empties its sampler. Returns track -> sample id sent, 0 for an
        unloaded track."""
        replaced: dict[str, int] = {}
        for track in sorted(tracks):
            newest = next((s for s in self.samples.list_samples(track) if s["state"] in ("ready", "accepted")), None)
            if newest is not None and newest["track"] == track:
                self.samples.announce(newest["id"])
                replaced[track] = newest["id"]
            else:
                self.events.send("/exsampling/unload", [track])
                replaced[track] = 0
        return replaced

    def sweep(self, now: float | None = None) -> list[int]:
        """With ``keep_days``: forget every recording older than that; returns their ids."""
        self.last_sweep = time.monotonic()
        if not self.keep_days:
            return []
        old = recordings_older_than(self.library.store, self.keep_days, now)
        return [r["id"] for r in old if self.forget(int(r["id"]), f"older than {self.keep_days:g} days")]

    def sweep_due(self) -> list[int]:
        """Sweep when the last one is :data:`SWEEP_INTERVAL_S` old (the status loop asks every few seconds)."""
        if self.keep_days and time.monotonic() - self.last_sweep >= SWEEP_INTERVAL_S:
            return self.sweep()
        return []
