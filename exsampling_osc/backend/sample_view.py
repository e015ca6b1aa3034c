"""One view of a sample, and the one label rule: the overridden label, else the analysed one."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol


class TrackRule(Protocol):
    """What a view needs of the mapping (:class:`exsampling_osc.mapping.Mapping` has it)."""

    def track_of(self, label: str) -> str: ...

    def mode_of(self, track: str) -> str: ...


def label_of(row: dict) -> str:
    """The label a sample plays under: the performer's override, else the analysed label."""
    return row.get("overridden_label") or row["label"]


def sample_view(row: dict, mapping: TrackRule) -> dict[str, Any]:
    """A library row as the devices, the console and the API see it (track and mode from ``mapping``)."""
    label = label_of(row)
    track = mapping.track_of(label)
    return {
        "sample_id": row["id"],
        "id": row["id"],
        "track": track,
        "label": label,
        "confidence": row["confidence"],
        "path": Path(row["path"]).as_posix(),
        "root_midi": row["root_midi"],
        "mode": mapping.mode_of(track),
        "analysed_mode": row["analysed_mode"],
        "latitude": row["latitude"],
        "longitude": row["longitude"],
        "accuracy": row["accuracy"],
        "recording_id": row["recording_id"],
        "duration": row["duration"],
        "state": row["state"],
        "start": row["start"],
        "piece_index": row["piece_index"],
        "analysed_label": row["label"],
        "overridden_label": row["overridden_label"],
        "top": row["top"],
        "pitch_confidence": row["pitch_confidence"],
        "loudness_lufs": row.get("loudness_lufs"),
        "peak_db": row.get("peak_db"),
        "loop_start": row.get("loop_start"),
        "loop_end": row.get("loop_end"),
        "created": row["created"],
        "audio_url": f"/api/samples/{row['id']}/audio",
    }
