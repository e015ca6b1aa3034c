"""Render a phrase as a soundscape: the melody on a melodic sample (pitched as the devices pitch it), the
phrase's rhythm on percussive samples, and ambient samples as a bed underneath; then one WAV.

Samples come from explicit files or from the library (near a place, or from the latest session).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from exsampling_osc.composer.midi import Note
from exsampling_osc.errors import AudioError, ExSamplingError
from exsampling_osc.sampler.mix import NoteEvent, SampleVoice, peak_normalise, render_events
from exsampling_osc.sampler.note import RELEASE_S

PERCUSSION_SCALE = 0.7  # percussive hits at 70 % of the melody note's velocity
AMBIENT_VELOCITY = 40  # gain 40/127 ≈ −10 dB under a full-velocity note
SESSION_GAP_S = 2 * 3600  # samples within 2 h of the newest one form "the latest session"


def load_sample(path: str | Path, root_midi: float = 60.0, mode: str = "melodic") -> SampleVoice:
    """A WAV/FLAC/OGG file as a mono sample at its own rate; AudioError names what is wrong."""
    path = Path(path)
    try:
        audio, sr = sf.read(str(path), dtype="float32", always_2d=True)
    except (OSError, RuntimeError, sf.LibsndfileError) as exc:
        raise AudioError(f"{path}: cannot read audio ({exc})") from None
    mono = audio.mean(axis=1)
    if mono.size == 0 or not np.all(np.isfinite(mono)):
        raise AudioError(f"{path}: empty or not finite audio")
    return SampleVoice(mono, int(sr), float(root_midi), mode)  # type: ignore[arg-type]


def soundscape_events(
    notes: Sequence[Note],
    bpm: float,
    melodic: SampleVoice | None,
    percussive: Sequence[SampleVoice] = (),
    ambient: Sequence[SampleVoice] = (),
    length_beats: float | None = None,
) -> tuple[list[NoteEvent], float]:
    """The note events of all layers and the length in seconds.

    - melody: every note on ``melodic`` (note, velocity and length as written);
    - percussion: one hit per distinct onset of the phrase, cycling through ``percussive`` (rate 1),
      at :data:`PERCUSSION_SCALE` of the note's velocity, lasting until the next onset;
    - ambience: each ambient sample from the start, retriggered back to back until the phrase ends, at
      velocity :data:`AMBIENT_VELOCITY`.
    """
    spb = 60.0 / bpm
    end_beats = (
        length_beats
        if length_beats is not None
        else max((n.start_beats + n.duration_beats for n in notes), default=0.0)
    )
    length_s = end_beats * spb
    events: list[NoteEvent] = []
    if melodic is not None:
        events += [NoteEvent(melodic, n.start_beats * spb, n.note, n.velocity, n.duration_beats * spb) for n in notes]
    if percussive:
        onsets = sorted({n.start_beats: n.velocity for n in notes}.items())
        for i, (start, vel) in enumerate(onsets):
            nxt = onsets[i + 1][0] if i + 1 < len(onsets) else end_beats
            hit = percussive[i % len(percussive)]
            velocity = max(1, round(vel * PERCUSSION_SCALE))
            events.append(NoteEvent(hit, start * spb, 60, velocity, max(nxt - start, 0.25) * spb))
    for bed in ambient:
        dur = bed.audio.size / bed.sr
        for k in range(math.ceil(length_s / dur) if dur > 0 else 0):
            start = k * dur
            events.append(NoteEvent(bed, start, 60, AMBIENT_VELOCITY, min(dur, length_s - start)))
    return events, length_s


def render_soundscape(
    notes: Sequence[Note],
    bpm: float,
    out_path: str | Path,
    melodic: SampleVoice | None,
    percussive: Sequence[SampleVoice] = (),
    ambient: Sequence[SampleVoice] = (),
    length_beats: float | None = None,
    sr: int = 44100,
) -> Path:
    """Mix every layer (see :func:`soundscape_events`), peak-normalise to 0.9 and write a 16-bit WAV."""
    if melodic is None and not percussive and not ambient:
        raise ExSamplingError("nothing to play: give a melodic, percussive or ambient sample")
    events, length_s = soundscape_events(notes, bpm, melodic, percussive, ambient, length_beats)
    mix = peak_normalise(render_events(events, sr, length_s, tail_s=RELEASE_S))
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.stem}.{uuid.uuid4().hex}.part.wav")
    try:
        sf.write(str(tmp), mix, sr, subtype="PCM_16")
        tmp.replace(out_path)
    finally:
        tmp.unlink(missing_ok=True)
    return out_path


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371000.0 * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class Chosen:
    melodic: dict | None
    percussive: list[dict]
    ambient: list[dict]


def choose_samples(
    rows: Sequence[dict],
    ambient_labels: set[str],
    near: tuple[float, float] | None = None,
    radius_m: float = 500.0,
    max_percussive: int = 2,
    max_ambient: int = 1,
) -> Chosen:
    """Pick samples from library rows (``Store.samples()``): near ``near`` (lat, lon) within ``radius_m``,
    or else from the latest session (within :data:`SESSION_GAP_S` of the newest sample). Rejected samples
    are skipped. The melodic one is the melodic sample with the surest pitch; percussive and ambient ones
    (ambient: labels in ``ambient_labels``) are the most confidently labelled.
    """
    rows = [r for r in rows if r.get("state") != "rejected" and Path(r["path"]).is_file()]
    if near is not None:
        rows = [
            r
            for r in rows
            if r.get("latitude") is not None
            and r.get("longitude") is not None
            and _distance_m(near[0], near[1], r["latitude"], r["longitude"]) <= radius_m
        ]
    elif rows:
        newest = max(r["created"] for r in rows)
        rows = [r for r in rows if r["created"] >= newest - SESSION_GAP_S]
    if not rows:
        where = f"within {radius_m:g} m of {near[0]:.5f}, {near[1]:.5f}" if near else "in the library"
        raise ExSamplingError(f"no samples {where}")

    def label(r: dict) -> str:
        return r.get("overridden_label") or r["label"]

    amb = [r for r in rows if label(r) in ambient_labels]
    mel = [r for r in rows if r["analysed_mode"] == "melodic" and r.get("root_midi") is not None and r not in amb]
    perc = [r for r in rows if r["analysed_mode"] == "percussive" and r not in amb]
    mel.sort(key=lambda r: -r.get("pitch_confidence", 0.0))
    perc.sort(key=lambda r: -r["confidence"])
    amb.sort(key=lambda r: -r["confidence"])
    return Chosen(mel[0] if mel else None, perc[:max_percussive], amb[:max_ambient])
