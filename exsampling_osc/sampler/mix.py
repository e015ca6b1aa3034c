"""Several notes on several samples, mixed: the sampler's voices with oldest-voice stealing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from exsampling_osc.sampler.note import RELEASE_S, Mode, render_note

MAX_VOICES = 8  # per sample, as in the devices


@dataclass(frozen=True)
class SampleVoice:
    """A loaded sample and how it plays: mono audio at ``sr`` Hz, its root and mode, an optional loop
    ``[start, end)`` in samples, a gain (linear, 1 = as recorded) and the release after note-off."""

    audio: np.ndarray
    sr: int
    root_midi: float = 60.0
    mode: Mode = "melodic"
    loop: tuple[int, int] | None = None
    gain: float = 1.0
    release_s: float = RELEASE_S


@dataclass(frozen=True)
class NoteEvent:
    """A note for one sample: onset and length in seconds, MIDI note, velocity 1-127."""

    sample: SampleVoice
    start_s: float
    note: float
    velocity: int
    duration_s: float


def _steal(events: Sequence[NoteEvent], max_voices: int) -> list[float]:
    """Effective note lengths once a sample's voices are exhausted: a new note releases that sample's
    oldest still-held note at its onset."""
    lengths = [e.duration_s for e in events]
    order = sorted(range(len(events)), key=lambda i: events[i].start_s)
    for pos, i in enumerate(order):
        held = [
            j
            for j in order[:pos]
            if events[j].sample is events[i].sample and events[j].start_s + lengths[j] > events[i].start_s
        ]
        if len(held) >= max_voices:
            oldest = held[0]
            lengths[oldest] = events[i].start_s - events[oldest].start_s
    return lengths


def render_events(
    events: Sequence[NoteEvent],
    sr: int,
    length_s: float | None = None,
    max_voices: int = MAX_VOICES,
    tail_s: float = 0.0,
) -> np.ndarray:
    """Mix all ``events`` into one mono float32 buffer at ``sr`` Hz.

    Each note is :func:`render_note` placed at its onset; the buffer lasts ``length_s`` plus ``tail_s``
    (each rounded to samples on its own, as note and release are) or until the last note's release ends.
    Not normalised: the caller decides on gain (see ``peak_normalise``).
    """
    lengths = _steal(events, max_voices)
    rendered = [
        (
            int(round(e.start_s * sr)),
            e.sample.gain
            * render_note(
                e.sample.audio,
                e.sample.sr,
                e.sample.root_midi,
                e.note,
                e.velocity,
                dur,
                e.sample.mode,
                out_sr=sr,
                release_s=e.sample.release_s,
                loop=e.sample.loop,
            ),
        )
        for e, dur in zip(events, lengths, strict=True)
    ]
    end = max((start + len(y) for start, y in rendered), default=0)
    total = int(round(length_s * sr)) + int(round(tail_s * sr)) if length_s is not None else end
    out = np.zeros(total, dtype=np.float32)
    for start, y in rendered:
        if start < total:
            seg = y[: total - start]
            out[start : start + seg.size] += seg
    return out


def peak_normalise(y: np.ndarray, peak: float = 0.9) -> np.ndarray:
    """Scale so the largest magnitude is ``peak`` (silence stays silent)."""
    top = float(np.max(np.abs(y))) if y.size else 0.0
    return y if top == 0 else (y * (peak / top)).astype(np.float32)


__all__ = ["MAX_VOICES", "NoteEvent", "RELEASE_S", "SampleVoice", "peak_normalise", "render_events"]
