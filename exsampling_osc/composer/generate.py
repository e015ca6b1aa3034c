"""Phrases from the model: pad point (+ variation, key, register, density, range) → grid tokens → timed
notes → a .mid file (numpy and mido only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from exsampling_osc.composer.decoder import Decoder
from exsampling_osc.composer.drums import drum_notes
from exsampling_osc.composer.grid import LOW, ON, STEP, STEPS_PER_BAR, VOCAB, to_notes
from exsampling_osc.composer.midi import Event, Note, write_midi
from exsampling_osc.composer.pad import PadMap
from exsampling_osc.errors import ExSamplingError

PAD_TEMPERATURE = 1.0  # the pad's phrases are drawn at this temperature (measured in docs/COMPOSER.md)
NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")


@dataclass
class Controls:
    """The knobs beside the pad: key (tonic pitch class), register (MIDI note the key's tonic sits near),
    density (note-on weight, 1 as learnt), the playable range (lowest, highest MIDI note) and bars."""

    key: int = 0
    register: int = 60
    density: float = 1.0
    low: int = 0
    high: int = 127
    bars: int | None = None  # None: the model's phrase length; fewer bars cut the phrase at a bar line

    def anchor(self) -> int:
        """The tonic nearest ``register``."""
        return self.register + ((self.key - self.register + 6) % 12) - 6


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
    tokens: list[int] = field(default_factory=list)

    def describe(self) -> str:
        """One line per note: onset, pitch, length (what ``compose generate`` prints)."""
        return "\n".join(f"{n.start_beats:6.2f}  {n.note:<4} {n.duration_beats:g} beats" for n in self.notes)


def parse_key(text: str | int) -> int:
    """``"G"``, ``"Bb"``, ``"F#"`` or a number 0-11 → tonic pitch class."""
    if isinstance(text, int) or str(text).lstrip("-").isdigit():
        return int(text) % 12
    t = str(text).strip()
    base = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}.get(t[:1].upper())
    if base is None:
        raise ExSamplingError(f"key {text!r}: expected a note name such as C, F#, Bb, or 0-11")
    return (base + t[1:].count("#") - t[1:].count("b")) % 12


def velocity_at(start_beats: float) -> int:
    """Accents from the bar: 100 on beat one, 88 on the other beats, 76 between beats (4/4)."""
    if start_beats % 4 == 0:
        return 100
    return 88 if start_beats % 1 == 0 else 76


def allowed_tokens(dec: Decoder, anchor: int, c: Controls) -> np.ndarray | None:
    """Note-on tokens whose pitch lies in the controls' range (None: all, or drums)."""
    if dec.kind != "melody":
        return None
    ok = np.ones(VOCAB, dtype=bool)
    pitches = anchor + LOW + np.arange(VOCAB - ON)
    ok[ON:] = (pitches >= c.low) & (pitches <= c.high)
    if not ok[ON:].any():
        raise ExSamplingError(f"no note of the model's range fits {c.low}-{c.high} around {anchor}")
    return ok


def tokens_to_notes(dec: Decoder, tokens: np.ndarray, anchor: int) -> list[Note]:
    if dec.kind == "drums":
        return drum_notes(tokens)
    return [Note(anchor + p, velocity_at(o * STEP), o * STEP, n * STEP) for o, n, p in to_notes(tokens)]


def uniforms_of(seed: int | None, steps: int) -> np.ndarray:
    """The random numbers (1 × steps) a phrase is drawn with: the same for every pad point of one seed
    (None: seed 0), so nearby points give nearby phrases."""
    return np.random.default_rng(seed or 0).random((1, steps))


def decode_at(
    dec: Decoder, z: np.ndarray, uniforms: np.ndarray, temperature: float, c: Controls
) -> tuple[np.ndarray, list[Note]]:
    """Tokens and notes at latent point ``z``, drawn with ``uniforms`` (1 × steps) above temperature 0."""
    anchor = c.anchor()
    bias = dec.note_on_bias(c.density) if dec.kind == "melody" else None
    tok = dec.decode(z[None], temperature, uniforms, bias, allowed_tokens(dec, anchor, c))[0]
    bars = min(c.bars or dec.steps // STEPS_PER_BAR, dec.steps // STEPS_PER_BAR)
    tok = tok[: bars * STEPS_PER_BAR]
    return tok, tokens_to_notes(dec, tok, anchor)


def compose(
    decoder: Decoder,
    x: float | None = None,
    y: float | None = None,
    seed: int | None = None,
    temperature: float = PAD_TEMPERATURE,
    out_dir: str | Path | None = None,
    controls: Controls | None = None,
) -> Phrase:
    """Decode one phrase at pad (x, y) (each in [−1, 1]; a missing one is drawn from ``seed``).

    ``temperature`` 0 takes the most likely step each time; above 0 each step is drawn by inverse CDF from
    :func:`uniforms_of` ``seed`` (repeatable: the same point and seed, the same phrase). With ``out_dir`` a
    .mid file is written there.
    """
    c = controls or Controls()
    rng = np.random.default_rng(seed)
    px = float(np.clip(rng.uniform(-1, 1) if x is None else x, -1, 1))
    py = float(np.clip(rng.uniform(-1, 1) if y is None else y, -1, 1))
    z = PadMap.from_arrays(decoder.weights).latent(px, py)
    tok, notes = decode_at(decoder, z, uniforms_of(seed, decoder.steps), temperature, c)
    length = len(tok) * STEP
    bpm = float(decoder.meta.get("bpm", 120.0))
    events = [Event((n.note,), n.duration_beats) for n in notes]
    phrase = Phrase(notes, length, None, px, py, events, bpm, tok.tolist())
    if out_dir is not None:
        tag = f"x{px:+.3f}_y{py:+.3f}" + (f"_s{seed}" if seed is not None else "") + f"_t{temperature:g}"
        if c != Controls():
            tag += f"_k{c.key}_r{c.register}_d{c.density:g}_{c.low}-{c.high}_b{len(tok) // STEPS_PER_BAR}"
        drums = decoder.kind == "drums"
        phrase.midi_path = write_midi(
            notes, Path(out_dir) / f"{'beat' if drums else 'phrase'}_{tag}.mid", bpm=bpm, name=f"exsampling {tag}",
            length_beats=length, key=None if drums else NAMES[c.key], channel=9 if drums else 0,
        ).resolve()  # fmt: skip
    return phrase
