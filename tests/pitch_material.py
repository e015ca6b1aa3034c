"""Pitch test material of known pitch: GM instrument notes and chords rendered with fluidsynth, synthesized
sung vowels, whistles and sirens, and unpitched negatives (GM drums, noise bursts).

Used by tests/test_analysis_pitch_material.py and bench/bench_pitch.py. Two disjoint sets: ``tuning`` (what
thresholds were chosen on) and ``held_out`` (what the figures are reported on): other instruments, other
notes, other voices. Needs the ``fluidsynth`` program and the GM SoundFont for the rendered part.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from onset_material import available, render_midi

SR = 22050
NOTE_S = 3.0  # each rendered note sits alone in a slot this long

#: GM programs (0-based) and their playable MIDI range, per set.
INSTRUMENTS = {
    "tuning": {
        "acoustic grand piano": (0, 33, 96),
        "nylon guitar": (24, 40, 84),
        "violin": (40, 55, 96),
        "trumpet": (56, 55, 82),
        "flute": (73, 60, 96),
        "church organ": (19, 36, 96),
        "finger bass": (33, 28, 60),
        "vibraphone": (11, 53, 89),
        "tubular bells": (14, 60, 77),
    },
    "held_out": {
        "electric piano": (4, 33, 96),
        "jazz guitar": (26, 40, 84),
        "cello": (42, 36, 76),
        "french horn": (60, 41, 77),
        "clarinet": (71, 50, 91),
        "drawbar organ": (16, 36, 96),
        "synth bass": (38, 28, 60),
        "marimba": (12, 45, 96),
        "glockenspiel": (9, 79, 108),
        "choir aahs": (52, 48, 79),
        "square lead": (80, 36, 96),
        "alto sax": (65, 49, 81),
    },
}
DRUMS = {"tuning": [36, 38, 42, 49], "held_out": [35, 40, 46, 45, 48, 51, 57, 39]}
CHORDS = {
    "tuning": [(48, "major"), (55, "minor"), (60, "major")],
    "held_out": [(43, "minor"), (52, "major"), (57, "minor"), (62, "major")],
}
INTERVALS = {"major": (0, 4, 7), "minor": (0, 3, 7)}


@dataclass(frozen=True)
class Item:
    """One sound and what it is: ``midi`` the expected root (None: unpitched, expected ``percussive``)."""

    name: str
    kind: str  # instrument, chord, voice, whistle, siren, drum, noise
    y: np.ndarray
    midi: float | None


def _notes(lo: int, hi: int, rng: np.random.Generator, n: int) -> list[int]:
    return sorted(int(x) for x in rng.choice(np.arange(lo, hi + 1), size=min(n, hi - lo + 1), replace=False))


def _render(events: list[tuple[int, int, list[int], int]], tmp: Path) -> np.ndarray:
    """events: (slot, channel, keys, program); each slot NOTE_S long, the notes held 1.5 s."""
    import mido

    mid = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track.append(mido.MetaMessage("set_tempo", tempo=500000, time=0))  # 1 beat = 0.5 s = 240 ticks/0.25 s
    ticks_per_s = 960
    msgs = []
    for slot, channel, keys, program in events:
        t0 = int(slot * NOTE_S * ticks_per_s)
        if channel != 9:
            msgs.append((t0, 0, mido.Message("program_change", channel=channel, program=program)))
        for k in keys:
            msgs.append((t0 + 10, 1, mido.Message("note_on", channel=channel, note=k, velocity=96)))
            msgs.append((t0 + 10 + int(1.5 * ticks_per_s), 2, mido.Message("note_off", channel=channel, note=k)))
    msgs.sort(key=lambda m: (m[0], m[1]))
    now = 0
    for t, _, msg in msgs:
        track.append(msg.copy(time=t - now))
        now = t
    track.append(mido.MetaMessage("end_of_track", time=int(NOTE_S * ticks_per_s)))
    mid.save(str(tmp / "notes.mid"))
    return render_midi(tmp / "notes.mid", tmp / "notes.wav", SR)


def rendered(which: str, seed: int) -> list[Item]:
    """Instrument notes over each instrument's range, triads, and GM drum hits, rendered in one go."""
    rng = np.random.default_rng(seed)
    events, meta = [], []
    for name, (program, lo, hi) in INSTRUMENTS[which].items():
        for k in _notes(lo, hi, rng, 5):
            events.append((len(events), 0, [k], program))
            meta.append((f"{name} {k}", "instrument", float(k)))
    for root, quality in CHORDS[which]:
        events.append((len(events), 0, [root + i for i in INTERVALS[quality]], 0))
        meta.append((f"piano {quality} triad on {root}", "chord", float(root)))
    for key in DRUMS[which]:
        events.append((len(events), 9, [key], 0))
        meta.append((f"GM drum {key}", "drum", None))
    with tempfile.TemporaryDirectory() as d:
        audio = _render(events, Path(d))
    slot = int(NOTE_S * SR)
    audio = np.pad(audio, (0, max(0, slot * len(events) - audio.size)))
    return [Item(n, kind, audio[i * slot : (i + 1) * slot].copy(), m) for i, (n, kind, m) in enumerate(meta)]


def _vibrato_phase(f0: float, seconds: float, rng: np.random.Generator, cents: float, rate: float) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    drift = np.cumsum(rng.normal(0, 0.3, t.size)) / np.sqrt(t.size)  # slow random wander, in cents
    inst = f0 * 2 ** ((cents * np.sin(2 * np.pi * rate * t) + drift * 5) / 1200)
    return 2 * np.pi * np.cumsum(inst) / SR


VOWELS = {"a": (800, 1200, 2500), "o": (450, 800, 2600), "i": (300, 2300, 3000), "e": (500, 1900, 2500)}


def sung(midi: float, vowel: str, rng: np.random.Generator, seconds: float = 2.0) -> np.ndarray:
    """A sung vowel: a harmonic source with vibrato shaped by three formant peaks, breath noise, an envelope."""
    f0 = 440.0 * 2 ** ((midi - 69) / 12)
    phase = _vibrato_phase(f0, seconds, rng, cents=rng.uniform(20, 45), rate=rng.uniform(4.5, 6.5))
    y = np.zeros(phase.size)
    for h in range(1, int(5000 / f0) + 1):
        freq = h * f0
        gain = sum(np.exp(-(((freq - f) / (80 + 0.08 * f)) ** 2)) for f in VOWELS[vowel]) + 0.02
        y += gain / h**0.5 * np.sin(h * phase)
    y += rng.normal(0, 0.01, y.size)
    env = np.minimum(1, np.arange(y.size) / (0.08 * SR)) * np.minimum(1, (y.size - np.arange(y.size)) / (0.2 * SR))
    return (0.3 * y / np.abs(y).max() * env).astype(np.float32)


def whistle(midi: float, rng: np.random.Generator, seconds: float = 1.5) -> np.ndarray:
    """A whistle: a near-sine with light vibrato and breath noise."""
    f0 = 440.0 * 2 ** ((midi - 69) / 12)
    phase = _vibrato_phase(f0, seconds, rng, cents=rng.uniform(10, 30), rate=rng.uniform(4, 7))
    y = np.sin(phase) + 0.05 * np.sin(2 * phase) + rng.normal(0, 0.04, phase.size)
    env = np.minimum(1, np.arange(y.size) / (0.05 * SR)) * np.minimum(1, (y.size - np.arange(y.size)) / (0.1 * SR))
    return (0.3 * y * env).astype(np.float32)


def siren(midi: float, rng: np.random.Generator, seconds: float = 3.0) -> np.ndarray:
    """A two-tone siren alternating between ``midi`` and a fourth above (the lower tone is the root)."""
    t = np.arange(int(seconds * SR)) / SR
    period = rng.uniform(0.9, 1.4)
    high = (t % period) > period / 2
    f = 440.0 * 2 ** ((midi + 5 * high - 69) / 12)
    phase = 2 * np.pi * np.cumsum(f) / SR
    y = sum(np.sin(h * phase) / h for h in range(1, 6))
    return (0.2 * y / np.abs(y).max()).astype(np.float32)


def synthesized(which: str, seed: int) -> list[Item]:
    """Sung vowels, whistles, sirens and noise bursts (unpitched)."""
    rng = np.random.default_rng(seed)
    items = []
    voices = [45, 50, 55, 57, 62, 67, 72] if which == "tuning" else [43, 48, 53, 59, 64, 69, 74, 76]
    for k in voices:
        vowel = str(rng.choice(list(VOWELS)))
        items.append(Item(f"sung '{vowel}' {k}", "voice", sung(k, vowel, rng), float(k)))
    for k in [74, 79, 84, 88] if which == "tuning" else [76, 81, 86, 91]:
        items.append(Item(f"whistle {k}", "whistle", whistle(k, rng), float(k)))
    for k in [69, 72] if which == "tuning" else [67, 71, 74]:
        items.append(Item(f"siren {k}", "siren", siren(k, rng), float(k)))
    for i in range(3):
        n = rng.normal(0, 0.2, int(1.0 * SR)) * np.exp(-np.arange(int(1.0 * SR)) / (0.1 * SR * (i + 1)))
        items.append(Item(f"noise burst {i}", "noise", n.astype(np.float32), None))
    return items


def material(which: str) -> list[Item]:
    """The whole ``tuning`` or ``held_out`` set (rendered part only when fluidsynth is here)."""
    seed = 1 if which == "tuning" else 2
    return (rendered(which, seed) if available() else []) + synthesized(which, seed + 10)


def score(item: Item, root: float | None, mode: str) -> dict[str, bool]:
    """How an estimate fares on ``item``: right mode; for pitched items within 50 cents, octave error."""
    out = {"mode": mode == ("percussive" if item.midi is None else "melodic")}
    if item.midi is not None:
        off = None if root is None else root - item.midi
        out["within_50c"] = off is not None and abs(off) <= 0.5
        out["octave_error"] = off is not None and abs(off) > 0.5 and abs(off - 12 * round(off / 12)) <= 0.5
    return out
