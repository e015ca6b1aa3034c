"""Phrases looped on the bar line: the reference semantics for whatever plays /exsampling/phrase.

The backend cannot know where Live's bar lines are, so the player (a device, or :func:`play` here) owns the
clock: the phrase playing loops from the bar line it started on; a new phrase is *cued* and takes over at
the next bar line (several cues before it: the newest wins), never mid-bar. Pure Python, no audio.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from exsampling_osc.composer.midi import Note

BEATS_PER_BAR = 4.0  # 4/4, as the composer's phrases


@dataclass
class Looper:
    """One track's phrase player on a transport measured in beats (``start_beats`` of a played note is
    absolute transport time)."""

    beats_per_bar: float = BEATS_PER_BAR
    notes: list[Note] = field(default_factory=list)
    length_beats: float = 0.0
    since: float = 0.0  # the bar line the playing phrase started on
    cued: tuple[list[Note], float, float] | None = None  # notes, length, the bar line it starts on
    _played_to: float = 0.0

    def next_bar(self, now: float) -> float:
        """The first bar line at or after ``now``."""
        return math.ceil(now / self.beats_per_bar - 1e-9) * self.beats_per_bar

    def cue(self, notes: list[Note], length_beats: float, now: float) -> float:
        """Queue a phrase at transport time ``now``; returns the bar line where it will start."""
        if length_beats <= 0 or length_beats % self.beats_per_bar:
            raise ValueError(f"a phrase lasts whole bars of {self.beats_per_bar:g} beats, not {length_beats:g}")
        at = self.next_bar(max(now, self._played_to))
        self.cued = (list(notes), float(length_beats), at)
        return at

    def advance(self, end: float) -> list[Note]:
        """The notes that start before transport time ``end`` since the last call, in time order, each cut
        at the bar line where the next phrase takes over."""
        out: list[Note] = []
        start = self._played_to
        while start < end:
            swap = None if self.cued is None else self.cued[2]
            stop = end if swap is None else min(end, swap)
            for n in self._loop_notes(start, stop):
                length = n.duration_beats if swap is None else min(n.duration_beats, swap - n.start_beats)
                out.append(Note(n.note, n.velocity, n.start_beats, length))
            if self.cued is not None and stop == swap:
                self.notes, self.length_beats, self.since = self.cued
                self.cued = None
            start = stop
        self._played_to = max(self._played_to, end)
        return out

    def _loop_notes(self, start: float, stop: float) -> list[Note]:
        if not self.notes or stop <= start:
            return []
        out = []
        first = math.floor((start - self.since) / self.length_beats)
        for k in range(first, math.floor((stop - self.since) / self.length_beats) + 1):
            base = self.since + k * self.length_beats
            for n in self.notes:
                t = base + n.start_beats
                if start <= t < stop:
                    out.append(Note(n.note, n.velocity, t, n.duration_beats))
        return out
