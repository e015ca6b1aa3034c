"""Phrases from the decoder: latent point → events → timed notes → a .mid file (numpy and mido only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from exsampling_osc.composer.decoder import Decoder
from exsampling_osc.composer.midi import Event, Note, write_midi
from exsampling_osc.composer.vocab import token_of

VARIATION_TEMPERATURE = 0.7  # how far a seeded variation strays from the most likely phrase


@dataclass
class Phrase:
    """A composed phrase: the notes as played, its length, the .mid written for it and where it came from."""

    notes: list[Note]
    length_beats: float
    midi_path: Path | None
    x: float
    y: float
    events: list[Event] = field(default_factory=list)
    bpm: float = 120.0

    def describe(self) -> str:
        """One line per event: onset, token, duration (what ``compose generate`` prints)."""
        lines, t = [], 0.0
        for ev in self.events:
            lines.append(f"{t:6.2f}  {token_of(ev.pitches):<14} {ev.duration:g} beats")
            t += ev.duration
        return "\n".join(lines)


def velocity_at(start_beats: float) -> int:
    """Accents from the bar: 100 on beat one, 88 on the other beats, 76 between beats (4/4)."""
    if start_beats % 4 == 0:
        return 100
    return 88 if start_beats % 1 == 0 else 76


def events_to_phrase_notes(events: list[Event]) -> tuple[list[Note], float]:
    """Events laid end to end from beat 0 with accent velocities; returns notes and the total length."""
    notes, t = [], 0.0
    for ev in events:
        notes += [Note(p, velocity_at(t), t, ev.duration) for p in ev.pitches]
        t += ev.duration
    return notes, t


def compose(
    decoder: Decoder,
    x: float | None = None,
    y: float | None = None,
    seed: int | None = None,
    temperature: float = 0.0,
    out_dir: str | Path | None = None,
) -> Phrase:
    """Decode one phrase.

    ``x``/``y`` are pad coordinates (see :mod:`decoder`); a missing one is drawn from ``seed``.
    ``temperature`` 0 takes the most likely token and duration at each step; above 0 they are drawn from
    the decoder's distribution with ``seed`` (repeatable). With ``out_dir`` a .mid file is written there.
    """
    rng = np.random.default_rng(seed)
    z = decoder.latent_point(x, y, rng)
    events = decoder.decode(z, rng if temperature > 0 else None, temperature or 1.0)
    notes, length = events_to_phrase_notes(events)
    px, py = (decoder.pad_coordinates(z) + (0.0, 0.0))[:2]
    bpm = float(decoder.meta.get("bpm", 120.0))
    phrase = Phrase(notes, length, None, px, py, events, bpm)
    if out_dir is not None:
        tag = f"x{px:+.3f}_y{py:+.3f}" + (f"_s{seed}_t{temperature:g}" if temperature > 0 else "")
        phrase.midi_path = write_midi(
            notes, Path(out_dir) / f"phrase_{tag}.mid", bpm=bpm, name=f"exsampling {tag}", length_beats=length
        ).resolve()
    return phrase
