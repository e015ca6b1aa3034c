"""The library as the performers see it: samples and recordings through the one sample view, and the changes
both doors make (re-map, override, accept/reject). One part of the service (:class:`Samples`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from exsampling_osc.backend.events import Events
from exsampling_osc.backend.sample_view import sample_view

if TYPE_CHECKING:
    from exsampling_osc.backend.teaching import Teaching
    from exsampling_osc.library.store import Store
    from exsampling_osc.mapping import Mapping

STATES = ("pending", "ready", "accepted", "rejected")


class Samples:
    """Queries and changes over ``store``, with tracks from ``mapping``; changes are announced on ``events``.
    ``teaching`` learns from a sample accepted or re-labelled as a taught label."""

    def __init__(self, store: Store, mapping: Mapping, events: Events, teaching: Teaching) -> None:
        self.store, self.mapping_rule, self.events, self.teaching = store, mapping, events, teaching

    # ------------------------------------------------------------------ queries
    def get_sample(self, sample_id: int) -> dict | None:
        row = self.store.sample(int(sample_id))
        return sample_view(row, self.mapping_rule) if row else None

    def get_recording(self, recording_id: int) -> dict | None:
        rec = self.store.recording(int(recording_id))
        if rec is None:
            return None
        rec = public_recording(rec)
        rec["samples"] = [sample_view(r, self.mapping_rule) for r in self.store.samples(recording_id=rec["id"])]
        return rec

    def list_recordings(self, limit: int | None = None) -> list[dict]:
        return [public_recording(r) for r in self.store.recordings(limit)]

    def list_samples(self, what: str = "all", limit: int | None = None) -> list[dict]:
        """Samples newest first; ``what`` is `all`, a track name or a label (after overrides)."""
        out = []
        for row in self.store.samples():
            s = sample_view(row, self.mapping_rule)
            if what in ("all", "", None) or s["track"] == what or s["label"] == what:
                out.append(s)
                if limit and len(out) >= limit:
                    break
        return out

    def mapping(self) -> dict:
        return self.mapping_rule.as_dict()

    def classes(self) -> list[str]:
        return list(self.mapping_rule.labels)

    def tracks(self) -> list[dict]:
        return self.mapping_rule.tracks()

    def mode_of(self, track: str) -> str:
        return self.mapping_rule.mode_of(track)

    # ------------------------------------------------------------------ changes
    def announce(self, sample_id: int) -> dict | None:
        """Send a sample to the devices, the subscribers and the plugins; returns it (None if it is gone)."""
        sample = self.get_sample(sample_id)
        if sample is not None:
            self.events.sample(sample)
        return sample

    def remap(self, label: str, track: str) -> dict:
        """Send ``label`` to ``track`` (kept across restarts) and re-send its samples. ValueError if unknown."""
        self.mapping_rule.remap(label, track)
        self.store.set_remap(label, track)
        mode = self.mapping_rule.mode_of(track)
        self.events.send("/exsampling/mapping", [label, track, mode])
        change = {"label": label, "track": track, "mode": mode}
        self.events.emit("mapping", change)
        self.events.hook("mapping_changed", label=label, track=track)
        for s in reversed(self.list_samples(label)):
            self.announce(s["sample_id"])
        return change

    def override(self, sample_id: int, label: str) -> dict | None:
        """Correct a sample's label (kept across restarts); it is re-sent to its track. A sample re-labelled as
        a taught label becomes one more example of it."""
        if label not in self.mapping_rule.labels and label != "unknown":
            raise ValueError(f"unknown label {label!r}")
        self.require(sample_id)
        self.store.update_sample(int(sample_id), overridden_label=label)
        if label in self.teaching.labels:
            self.teaching.teach(label, [int(sample_id)])
        return self.announce(int(sample_id))

    def set_state(self, sample_id: int, state: str) -> dict | None:
        """Mark a sample ``accepted`` or ``rejected`` (or back to ``ready``). Accepting a sample whose label is
        a taught label makes it one more example of it."""
        if state not in ("accepted", "rejected", "ready"):
            raise ValueError(f"state must be accepted, rejected or ready, not {state!r}")
        self.require(sample_id)
        self.store.update_sample(int(sample_id), state=state)
        sample = self.get_sample(int(sample_id))
        if state == "accepted" and sample and sample["label"] in self.teaching.labels:
            self.teaching.teach(sample["label"], [int(sample_id)])
        return self.announce(int(sample_id))

    def require(self, sample_id: int) -> None:
        """ValueError unless the library holds sample ``sample_id``."""
        if self.store.sample(int(sample_id)) is None:
            raise ValueError(f"no sample {sample_id}")


def public_recording(rec: dict) -> dict:
    """A recording row as the API shows it (no drop-folder key; ``name`` for the original name)."""
    rec = dict(rec)
    rec.pop("drop_key", None)
    rec.pop("deletion_key_hash", None)  # the phone holds the key; not even its hash is shown
    if isinstance(rec.get("moderation"), str):
        rec["moderation"] = json.loads(rec["moderation"])
    rec["name"] = rec["original_name"]
    return rec
