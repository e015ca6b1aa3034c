"""Tokens: single notes and chords (as in the seed: ``"60"``, ``"60.64.67"``; a rest is ``"r"``) plus a
duration class per step; fixed-length phrases; transposition; one-hot encoding for the autoencoder."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from exsampling_osc.composer.midi import DURATIONS, Event
from exsampling_osc.errors import ExSamplingError

REST = "r"


def token_of(pitches: Sequence[int]) -> str:
    """``(60, 64, 67)`` → ``"60.64.67"``; ``()`` → ``"r"``."""
    return ".".join(str(p) for p in sorted(pitches)) if pitches else REST


def pitches_of(token: str) -> tuple[int, ...]:
    """Inverse of :func:`token_of`."""
    return () if token == REST else tuple(int(p) for p in token.split("."))


def transpose(events: Sequence[Event], semitones: int) -> list[Event] | None:
    """Events shifted by ``semitones``; None when a pitch would leave 0-127."""
    out = []
    for ev in events:
        pitches = tuple(p + semitones for p in ev.pitches)
        if any(p < 0 or p > 127 for p in pitches):
            return None
        out.append(Event(pitches, ev.duration))
    return out


def windows(events: Sequence[Event], length: int, hop: int) -> list[tuple[int, list[Event]]]:
    """Fixed-length phrases ``(start index, events)`` every ``hop`` events.

    A sequence shorter than ``length`` is looped to fill one phrase (music repeats more naturally than it
    pads).
    """
    if not events:
        return []
    if len(events) < length:
        looped = [events[i % len(events)] for i in range(length)]
        return [(0, looped)]
    return [(s, list(events[s : s + length])) for s in range(0, len(events) - length + 1, hop)]


@dataclass(frozen=True)
class Vocabulary:
    """The token list (index = class) and the valid durations; the most frequent training token first."""

    tokens: tuple[str, ...]
    durations: tuple[float, ...] = DURATIONS

    @classmethod
    def build(cls, phrases: Iterable[Sequence[Event]]) -> Vocabulary:
        """Tokens ordered by frequency (ties by name), so index 0 is the baseline's answer."""
        counts = Counter(token_of(ev.pitches) for ph in phrases for ev in ph)
        if not counts:
            raise ExSamplingError("no notes to build a vocabulary from")
        return cls(tuple(t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))))

    @property
    def size(self) -> int:
        return len(self.tokens)

    def index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.tokens)}

    def encode(self, phrases: Sequence[Sequence[Event]]) -> tuple[np.ndarray, np.ndarray]:
        """Token and duration indices, each (n_phrases, length) int32. Unknown tokens raise KeyError."""
        idx = self.index()
        tok = np.array([[idx[token_of(ev.pitches)] for ev in ph] for ph in phrases], dtype=np.int32)
        dur_idx = {d: i for i, d in enumerate(self.durations)}
        dur = np.array([[dur_idx[ev.duration] for ev in ph] for ph in phrases], dtype=np.int32)
        return tok, dur

    def one_hot(self, tok: np.ndarray, dur: np.ndarray) -> np.ndarray:
        """Flattened one-hot input (n, length·(V + D)) float32: all token steps, then all duration steps."""
        n = tok.shape[0]
        t = np.eye(self.size, dtype=np.float32)[tok].reshape(n, -1)
        d = np.eye(len(self.durations), dtype=np.float32)[dur].reshape(n, -1)
        return np.concatenate([t, d], axis=1)

    def decode(self, tok: Sequence[int], dur: Sequence[int]) -> list[Event]:
        """Indices back to events."""
        return [Event(pitches_of(self.tokens[int(t)]), self.durations[int(d)]) for t, d in zip(tok, dur, strict=True)]
