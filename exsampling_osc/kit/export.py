"""``export_kit``: a library's accepted samples → one SFZ instrument per track, its WAVs, and CREDITS.md.

Per track (its mode from the config): melodic samples split the keyboard around their root keys
(``pitch_keycenter`` the rounded root, ``tune`` the cents left over, so each key sounds its own pitch),
percussive ones each sit on a key of their own at rate 1. A sample with loop points loops
(``loop_continuous``); ``volume`` brings every region to the loudness target, never past the peak ceiling.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from exsampling_osc.analysis.loops import crossfade_loop, find_loop
from exsampling_osc.analysis.loudness import DEFAULT_TARGET_LUFS, PEAK_CEILING_DB, integrated_lufs, peak_db
from exsampling_osc.errors import ExSamplingError
from exsampling_osc.kit.layout import drum_keys, key_ranges
from exsampling_osc.library.store import Store
from exsampling_osc.mapping import Config, Mapping
from exsampling_osc.sampler.sfz import Region, format_sfz

DEFAULT_ROOT = 60.0  # as the devices play a sample without a pitch
PLACE_DECIMALS = 2  # 0.01° ≈ 1.1 km: places are blurred to about a kilometre
LICENCE_NOTE = (
    "These sounds were recorded by members of the audience, who agreed that they be analysed and played in the "
    "performance. That is not a licence to publish or redistribute them: keep this kit for the performance, or ask "
    "the people who recorded them. The SFZ files and the credits are free to use."
)


@dataclass(frozen=True)
class KitTrack:
    """What was written for one track."""

    name: str
    mode: str
    sfz: Path
    samples: int
    looped: int


def label_of(row: dict) -> str:
    """The label a sample plays under (the one rule of ``backend/sample_view.py``: the override, else analysed)."""
    return row.get("overridden_label") or row["label"]


def export_kit(data_dir: Path, out: Path, config: Config, target_lufs: float = DEFAULT_TARGET_LUFS) -> list[KitTrack]:
    """Write the kit of the library in ``data_dir`` into ``out``; the tracks written (tracks without an accepted
    sample are skipped). Raises :class:`ExSamplingError` when there is no library or nothing is accepted."""
    db = Path(data_dir) / "library.sqlite3"
    if not db.is_file():
        raise ExSamplingError(f"{data_dir}: no library here (no library.sqlite3)")
    store = Store(db)
    try:
        rows = [r for r in store.samples() if r["state"] == "accepted"]
        recordings = {r["recording_id"]: store.recording(r["recording_id"]) for r in rows}
        mapping = Mapping(config, [], store.remaps())
    finally:
        store.close()
    if not rows:
        raise ExSamplingError(f"{data_dir}: no accepted samples to export (accept some in the console first)")
    out = Path(out)
    written, credits = [], []
    for track in config.tracks:
        mine = sorted((r for r in rows if mapping.track_of(label_of(r)) == track.name), key=lambda r: r["id"])
        if not mine:
            continue
        placed = _track_regions(mine, track.mode, out, track.name, target_lufs)
        regions = [reg for reg, _ in placed]
        sfz = out / f"{track.name}.sfz"
        sfz.write_text(format_sfz(regions, f"ExSampling OSC kit: track {track.name} ({track.mode})"), "utf-8")
        looped = sum(r.loop_start is not None for r in regions)
        written.append(KitTrack(track.name, track.mode, sfz, len(regions), looped))
        credits += [(track.name, reg.sample, row, recordings[row["recording_id"]]) for reg, row in placed]
    (out / "CREDITS.md").write_text(_credits(credits), "utf-8")
    return written


def _file_name(row: dict) -> str:
    return f"s{row['id']:06d}.wav"


def _track_regions(rows: list[dict], mode: str, out: Path, track: str, target_lufs: float) -> list[tuple[Region, dict]]:
    """Each row's region (its WAV written under ``out/samples/TRACK/``), in key order."""
    folder = out / "samples" / track
    folder.mkdir(parents=True, exist_ok=True)
    prepared = [_prepare(row, mode, folder / _file_name(row), target_lufs) for row in rows]
    if mode == "percussive":
        keys = drum_keys(len(prepared))
        return [
            (Region(f"samples/{track}/{_file_name(row)}", k, k, k, 0, 0, vol), row)
            for (row, vol, _, _), k in zip(prepared, keys, strict=True)
        ]
    roots = [DEFAULT_ROOT if row["root_midi"] is None else float(row["root_midi"]) for row, *_ in prepared]
    order = sorted(range(len(prepared)), key=lambda i: (roots[i], prepared[i][0]["id"]))
    centres = [min(127, max(0, round(roots[i]))) for i in order]
    placed = []
    for i, key, (lo, hi) in zip(order, centres, key_ranges(centres), strict=True):
        row, vol, start, end = prepared[i]
        tune = int(round((key - roots[i]) * 100))
        sample = f"samples/{track}/{_file_name(row)}"
        placed.append((Region(sample, lo, hi, key, 100, tune, vol, loop_start=start, loop_end=end), row))
    return placed


def _prepare(row: dict, mode: str, target: Path, target_lufs: float) -> tuple[dict, float, int | None, int | None]:
    """Write the sample's WAV into the kit; (row, volume dB, loop start, loop end). A melodic sample without
    stored loop points is searched for one here (and crossfaded into it)."""
    try:
        audio, sr = sf.read(row["path"], dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        raise ExSamplingError(f"sample {row['id']}: cannot read {row['path']} ({exc})") from None
    y = np.ascontiguousarray(audio.mean(axis=1))
    start, end = row.get("loop_start"), row.get("loop_end")
    if mode == "melodic" and (start is None or end is None):
        loop = find_loop(y, sr)
        if loop is not None:
            y, start, end = crossfade_loop(y, loop), loop.start, loop.end
    if mode != "melodic":
        start = end = None
    sf.write(str(target), y, sr, subtype="PCM_16")
    lufs, peak = integrated_lufs(y, sr), peak_db(y)
    volume = 0.0 if not math.isfinite(lufs) else min(target_lufs - lufs, PEAK_CEILING_DB - peak)
    return row, round(volume, 2), start, end


def _place(rec: dict) -> str:
    lat, lon = rec.get("latitude"), rec.get("longitude")
    if lat is None or lon is None:
        return "not given"
    return (
        f"{round(lat, PLACE_DECIMALS):.{PLACE_DECIMALS}f}, {round(lon, PLACE_DECIMALS):.{PLACE_DECIMALS}f} (about 1 km)"
    )


def _credits(entries: list[tuple[str, str, dict, dict | None]]) -> str:
    lines = [
        "# Credits",
        "",
        LICENCE_NOTE,
        "",
        "| track | file | sample | recording | recorded (UTC) | place | label |",
        "|---|---|---|---|---|---|---|",
    ]
    for track, file, row, rec in entries:
        rec = rec or {}
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(rec["created"])) if rec.get("created") else "unknown"
        lines.append(
            f"| {track} | {file} | {row['id']} | {row['recording_id']} | {when} | {_place(rec)} | {label_of(row)} |"
        )
    return "\n".join(lines) + "\n"
