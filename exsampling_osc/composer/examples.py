"""A small synthetic MIDI set written by code (no copyrighted songs): scales, arpeggios, chord progressions
and short original melodies, all with rhythm. The composer tests train on it."""

from __future__ import annotations

from pathlib import Path

from exsampling_osc.composer.midi import Note, write_midi

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)
NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")


def _degree(tonic: int, scale: tuple[int, ...], d: int) -> int:
    """MIDI note of scale degree ``d`` (0-based, may exceed an octave or go below) above ``tonic``."""
    octave, step = divmod(d, len(scale))
    return tonic + 12 * octave + scale[step]


def _line(pitches_durs: list[tuple[tuple[int, ...], float]], velocity: int = 90) -> list[Note]:
    """(pitches, beats) pairs laid end to end; empty pitches are rests; beat one of each bar is accented."""
    notes, t = [], 0.0
    for pitches, beats in pitches_durs:
        vel = min(127, velocity + 12) if t % 4 == 0 else velocity
        notes += [Note(p, vel, t, beats) for p in pitches]
        t += beats
    return notes


def scale(tonic: int, mode: tuple[int, ...], rhythm: tuple[float, ...]) -> list[Note]:
    """Up and down an octave, the rhythm pattern repeated."""
    degrees = list(range(8)) + list(range(6, -1, -1))
    return _line([((_degree(tonic, mode, d),), rhythm[i % len(rhythm)]) for i, d in enumerate(degrees)])


def arpeggio(tonic: int, mode: tuple[int, ...], roots: tuple[int, ...], rhythm: tuple[float, ...]) -> list[Note]:
    """Broken triads (root, third, fifth, third) over a progression of scale-degree roots."""
    seq = []
    for r in roots:
        for k, d in enumerate((r, r + 2, r + 4, r + 2)):
            seq.append(((_degree(tonic, mode, d),), rhythm[k % len(rhythm)]))
    return _line(seq)


def progression(tonic: int, mode: tuple[int, ...], roots: tuple[int, ...], rhythm: tuple[float, ...]) -> list[Note]:
    """Block triads over a progression, each chord struck with the rhythm pattern."""
    seq = []
    for r in roots:
        chord = tuple(_degree(tonic - 12, mode, d) for d in (r, r + 2, r + 4))
        seq += [(chord, b) for b in rhythm]
    return _line(seq, velocity=80)


# Original little tunes as (scale degree or None for a rest, beats); written for this project.
TUNES: dict[str, list[tuple[int | None, float]]] = {
    "kitchen_morning": [
        (0, 1),
        (2, 0.5),
        (4, 0.5),
        (5, 1.5),
        (4, 0.5),
        (2, 1),
        (0, 1),
        (1, 0.5),
        (2, 0.5),
        (3, 1),
        (2, 1),
        (None, 1),
        (4, 0.75),
        (5, 0.25),
        (4, 1),
        (2, 1),
        (0, 2),
    ],
    "coffee_grinder": [
        (4, 0.5),
        (4, 0.5),
        (5, 0.5),
        (4, 0.5),
        (2, 1),
        (None, 0.5),
        (2, 0.5),
        (3, 0.5),
        (2, 0.5),
        (1, 1),
        (0, 1),
        (1, 0.25),
        (2, 0.25),
        (3, 0.5),
        (4, 1),
        (7, 1),
        (4, 2),
    ],
    "bread_knife": [
        (7, 1.5),
        (6, 0.5),
        (5, 1),
        (4, 1),
        (3, 0.5),
        (4, 0.5),
        (5, 1),
        (None, 1),
        (2, 1),
        (4, 0.5),
        (3, 0.5),
        (2, 1),
        (1, 1),
        (0, 3),
        (None, 1),
    ],
    "window_rain": [
        (0, 0.5),
        (4, 0.5),
        (7, 0.5),
        (4, 0.5),
        (2, 0.75),
        (3, 0.25),
        (4, 1),
        (None, 0.5),
        (5, 0.5),
        (4, 0.5),
        (2, 0.5),
        (0, 1),
        (1, 1),
        (0, 2),
    ],
    "dish_rack": [
        (2, 0.25),
        (3, 0.25),
        (4, 0.5),
        (4, 0.5),
        (4, 1),
        (5, 0.5),
        (6, 0.5),
        (7, 1),
        (None, 0.5),
        (7, 0.5),
        (5, 0.5),
        (3, 0.5),
        (1, 1),
        (2, 0.5),
        (0, 0.5),
        (0, 2),
    ],
}


def tune(tonic: int, mode: tuple[int, ...], name: str) -> list[Note]:
    return _line([(() if d is None else (_degree(tonic, mode, d),), b) for d, b in TUNES[name]])


def example_set() -> dict[str, list[Note]]:
    """Name → notes of every example phrase."""
    sets: dict[str, list[Note]] = {}
    for tonic, mode, mname in ((60, MAJOR, "major"), (67, MAJOR, "major"), (57, MINOR, "minor"), (62, MINOR, "minor")):
        key = f"{NAMES[tonic % 12]}_{mname}"
        sets[f"scale_{key}_eighths"] = scale(tonic, mode, (0.5,))
        sets[f"scale_{key}_dotted"] = scale(tonic, mode, (0.75, 0.25))
        sets[f"arpeggio_{key}_I_vi_IV_V"] = arpeggio(tonic, mode, (0, 5, 3, 4), (0.5,))
        sets[f"arpeggio_{key}_I_IV_V_I_swing"] = arpeggio(tonic, mode, (0, 3, 4, 0), (0.75, 0.25))
        sets[f"chords_{key}_I_IV_V_I"] = progression(tonic, mode, (0, 3, 4, 0), (2.0, 2.0))
        sets[f"chords_{key}_ii_V_I"] = progression(tonic, mode, (1, 4, 0, 0), (1.5, 1.5, 1.0))
        for name in TUNES:
            sets[f"tune_{name}_{key}"] = tune(tonic, mode, name)
    return sets


def write_examples(out_dir: str | Path, bpm: float = 100.0) -> list[Path]:
    """Write every example as ``<name>.mid`` into ``out_dir``; returns the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_midi(notes, out_dir / f"{name}.mid", bpm=bpm, name=name) for name, notes in example_set().items()]


if __name__ == "__main__":  # python -m exsampling_osc.composer.examples OUT_DIR
    import sys

    for p in write_examples(sys.argv[1] if len(sys.argv) > 1 else "examples"):
        print(p)
