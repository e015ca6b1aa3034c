"""Beats: drum clips (MIDI channel 10) as one token per sixteenth step, the hits of three lanes (kick,
snare, hat) as a bitmask, so the melody's VAE machinery learns and generates drum patterns too."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from exsampling_osc.composer.grid import STEP, STEPS_PER_BAR
from exsampling_osc.composer.midi import MidiError, Note, read_song

# General MIDI drum notes of each lane; the first is the note written out
LANES: dict[str, tuple[int, ...]] = {
    "kick": (36, 35),
    "snare": (38, 37, 39, 40),
    "hat": (42, 44, 46, 49, 51, 52, 53, 55, 57, 59),
}
DRUM_VOCAB = 1 << len(LANES)  # every combination of lanes, 0 = silence
LANE_OF = {note: bit for bit, notes in enumerate(LANES.values()) for note in notes}


def drum_tokens(notes: Sequence[Note]) -> np.ndarray:
    """Per-step lane bitmasks of drum notes, whole bars long (notes outside the lanes are left out)."""
    hits = [(round(n.start_beats / STEP), LANE_OF[n.note]) for n in notes if n.note in LANE_OF]
    if not hits:
        return np.zeros(0, dtype=np.int32)
    end = max(s for s, _ in hits) + 1
    tok = np.zeros(-(-end // STEPS_PER_BAR) * STEPS_PER_BAR, dtype=np.int32)
    for s, bit in hits:
        if s >= 0:
            tok[s] |= 1 << bit
    return tok


def drum_phrases(tokens: np.ndarray, bars: int, hop_bars: int = 1, min_hits: int = 2) -> list[np.ndarray]:
    """Windows of ``bars`` bars on bar lines every ``hop_bars``; a clip shorter than that is looped."""
    steps = bars * STEPS_PER_BAR
    if 0 < len(tokens) < steps:
        tokens = np.resize(tokens, steps)
    out = []
    for start in range(0, len(tokens) - steps + 1, hop_bars * STEPS_PER_BAR):
        w = tokens[start : start + steps]
        if (w > 0).sum() >= min_hits:
            out.append(w.copy())
    return out


def read_drum_clip(path: str | Path) -> np.ndarray:
    """A drum clip's step tokens; MidiError when it holds no lane hits."""
    notes, _, _ = read_song(path, drums=True)
    tok = drum_tokens(notes)
    if not (tok > 0).any():
        raise MidiError(f"{Path(path).name}: no kick, snare or hat hits on channel 10")
    return tok


def drum_notes(tokens: Sequence[int] | np.ndarray, velocity: int = 100) -> list[Note]:
    """Step tokens back to drum notes (each hit one step long; accents on the beat)."""
    out = []
    for i, t in enumerate(int(v) for v in tokens):
        for bit, notes in enumerate(LANES.values()):
            if t >> bit & 1:
                vel = velocity if i % 4 == 0 else velocity - 24
                out.append(Note(notes[0], vel, i * STEP, STEP))
    return out
