"""Phrases from the soundscape composer, asked for by the console or over OSC (``/exsampling/compose``)."""

from __future__ import annotations

import itertools
from pathlib import Path

from exsampling_osc.errors import ExSamplingError

_PHRASE_IDS = itertools.count(1)  # numbers the phrases of this process (next() is atomic)

Reply = tuple[str, list]


def compose(out_dir: Path, x: float, y: float, seed: int | None = None) -> dict:
    """A phrase at latent (x, y), its MIDI file written under ``out_dir``; returned as a dict.

    ``seed`` None gives the most likely phrase at that point; an integer a repeatable variation."""
    try:
        from exsampling_osc.composer.live import phrase_at
    except ImportError as exc:
        raise ExSamplingError(f"compose: no composer is installed ({exc})") from None
    x, y = float(x), float(y)
    out_dir.mkdir(exist_ok=True)
    phrase = phrase_at(x, y, seed, out_dir)
    notes = [
        {
            "note": int(n.note),
            "velocity": int(n.velocity),
            "start_beats": float(n.start_beats),
            "duration_beats": float(n.duration_beats),
        }
        for n in phrase.notes
    ]
    return {
        "phrase_id": next(_PHRASE_IDS),
        "x": x,
        "y": y,
        "seed": seed,
        "length_beats": float(phrase.length_beats),
        "midi_path": str(phrase.midi_path),
        "notes": notes,
    }


def phrase_messages(phrase: dict) -> list[Reply]:
    """The phrase as OSC: /exsampling/phrase, one /exsampling/phrase/note per note, then /exsampling/done."""
    pid, notes = phrase["phrase_id"], phrase["notes"]
    out: list[Reply] = [
        (
            "/exsampling/phrase",
            [pid, len(notes), phrase["length_beats"], phrase["midi_path"], phrase["x"], phrase["y"]],
        )
    ]
    out += [
        ("/exsampling/phrase/note", [pid, i, n["note"], n["velocity"], n["start_beats"], n["duration_beats"]])
        for i, n in enumerate(notes)
    ]
    out.append(("/exsampling/done", [len(notes) + 1, "compose"]))
    return out
