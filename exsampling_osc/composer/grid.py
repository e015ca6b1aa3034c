"""Bars, not events: a melody as one token per sixteenth step (rest, hold, or a note-on at a pitch relative
to the key), in phrases of whole 4/4 bars that loop on the bar line.

Token ``REST`` (0): silence; ``HOLD`` (1): the sounding note goes on (a hold after a rest is a rest);
``ON + k`` (2…): a note starts at ``anchor + LOW + k``. The anchor is a tonic of the key (``key`` + 12·n)
chosen per phrase near its register, so neither key nor register is spent in the latent space.
Polyphonic input is reduced to its top voice (the highest note starting on each step).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from exsampling_osc.composer.midi import Note

STEPS_PER_BAR = 16  # sixteenth notes in a 4/4 bar
STEP = 0.25  # beats per step
REST, HOLD, ON = 0, 1, 2
LOW, SPAN = -12, 36  # note-on pitches anchor-12 … anchor+23
VOCAB = ON + SPAN
# Krumhansl-Kessler key profiles (major, minor), tonic first
KK_MAJOR = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
KK_MINOR = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)


@dataclass(frozen=True)
class MelodyNote:
    """A note of a monophonic line on the step grid: onset and length in steps, MIDI pitch."""

    onset: int
    length: int
    pitch: int


def detect_key(notes: Sequence[Note]) -> int:
    """Tonic pitch class (0 = C) of the best-matching Krumhansl-Kessler key, notes weighted by length."""
    hist = np.zeros(12)
    for n in notes:
        hist[n.note % 12] += n.duration_beats
    if not hist.any():
        return 0
    best, tonic = -2.0, 0
    for profile in (KK_MAJOR, KK_MINOR):
        p = np.asarray(profile)
        for t in range(12):
            r = float(np.corrcoef(hist, np.roll(p, t))[0, 1])
            if r > best:
                best, tonic = r, t
    return tonic


def top_voice(notes: Sequence[Note]) -> list[MelodyNote]:
    """The melody of (possibly polyphonic) notes: per onset step the highest note, lasting its quantized
    length cut at the next onset (at least one step)."""
    best: dict[int, Note] = {}
    for n in notes:
        s = round(n.start_beats / STEP)
        if s >= 0 and (s not in best or n.note > best[s].note):
            best[s] = n
    onsets = sorted(best)
    out = []
    for i, s in enumerate(onsets):
        length = max(1, round(best[s].duration_beats / STEP))
        if i + 1 < len(onsets):
            length = min(length, onsets[i + 1] - s)
        out.append(MelodyNote(s, length, best[s].note))
    return out


def anchor_for(pitches: Sequence[int], key: int) -> int:
    """The tonic (``key`` + 12·n) at or below the median pitch, so the line sits in the token range."""
    median = int(np.median(pitches)) if len(pitches) else 60
    return median - (median - key) % 12


def to_tokens(melody: Sequence[MelodyNote], start: int, steps: int, anchor: int) -> np.ndarray:
    """Tokens (int array of ``steps``) of the notes starting in [start, start + steps) (a note sounding
    into the window from before is left out: the loop starts clean); pitches outside the range fold by
    octaves into it."""
    tok = np.full(steps, REST, dtype=np.int32)
    for n in melody:
        a, b = n.onset - start, n.onset - start + n.length
        if a < 0 or a >= steps:
            continue
        rel = n.pitch - anchor - LOW
        tok[a] = ON + rel % 12 + 12 * min(max(rel // 12, 0), SPAN // 12 - 1)
        tok[a + 1 : min(b, steps)] = HOLD
    return tok


def to_notes(tokens: Sequence[int] | np.ndarray) -> list[tuple[int, int, int]]:
    """Tokens back to ``(onset, length, relative pitch)`` triples (pitch relative to the anchor)."""
    out: list[list[int]] = []
    sounding = False
    for i, t in enumerate(int(v) for v in tokens):
        if t >= ON:
            out.append([i, 1, t - ON + LOW])
            sounding = True
        elif t == HOLD and sounding:
            out[-1][1] += 1
        else:
            sounding = False
    return [(a, n, p) for a, n, p in out]


def phrases(
    melody: Sequence[MelodyNote], key: int, bars: int, hop_bars: int = 1, min_notes: int = 3
) -> list[tuple[np.ndarray, int]]:
    """Windows of ``bars`` bars starting on bar lines every ``hop_bars`` bars, up to the last onset (the
    last may end in silence): ``(tokens, anchor)``; windows with fewer than ``min_notes`` onsets are skipped."""
    if not melody:
        return []
    steps = bars * STEPS_PER_BAR
    last = max(n.onset for n in melody)
    out = []
    for start in range(0, last + 1, hop_bars * STEPS_PER_BAR):
        inside = [n.pitch for n in melody if start <= n.onset < start + steps]
        if len(inside) < min_notes:
            continue
        anchor = anchor_for(inside, key)
        out.append((to_tokens(melody, start, steps, anchor), anchor))
    return out


def valid(tokens: np.ndarray) -> np.ndarray:
    """Tokens with a hold that follows silence turned into a rest (what :func:`to_notes` hears)."""
    tok = np.asarray(tokens, dtype=np.int32).copy()
    sounding = False
    for i, t in enumerate(tok):
        if t == HOLD and not sounding:
            tok[i] = REST
        sounding = t >= ON or (t == HOLD and sounding)
    return tok
