"""Phrases from the soundscape composer, asked for by the console or over OSC (``/exsampling/compose``).

Both doors hand their knobs to :func:`knobs` (one reading, one set of limits) and the service composes with
:func:`compose`, the output clamped to the usable range of the melodic sample that will play it
(:func:`sample_range`)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

from exsampling_osc.errors import ExSamplingError, InvalidRequest
from exsampling_osc.osc import protocol

_PHRASE_IDS = itertools.count(1)  # numbers the phrases of this process (next() is atomic)
#: Semitones either side of the melodic sample's root that it sounds acceptable at (rate 1/2 to 2).
SAMPLE_RANGE = 12
#: The knobs and their limits (inclusive), as /exsampling/compose declares them; a knob that is missing, None or
#: negative is left to the composer.
LIMITS: dict[str, tuple[int | float, int | float]] = protocol.limits("/exsampling/compose")

Reply = tuple[str, list]


def knobs(values: dict) -> dict:
    """The knobs of a request (``values`` by name), checked against :data:`LIMITS`; absent ones are None.

    Raises InvalidRequest naming the knob and its range."""
    out: dict = {}
    for name, (lo, hi) in LIMITS.items():
        v = values.get(name)
        if v is None or (isinstance(v, int | float) and not isinstance(v, bool) and v < 0):
            out[name] = None
            continue
        whole = isinstance(lo, int)
        try:
            number = float(v)
        except (TypeError, ValueError):
            number = math.nan
        if not (lo <= number <= hi) or (whole and not number.is_integer()):
            kind = "a whole number" if whole else "a number"
            raise InvalidRequest(f"{name} must be {kind} from {lo} to {hi} (or -1 for the default), got {v!r}")
        out[name] = int(number) if whole else number
    return out


def sample_range(samples: list[dict]) -> tuple[int, int, float] | None:
    """(low, high, root) of the newest playable melodic sample among ``samples`` (newest first): its root ±
    :data:`SAMPLE_RANGE`, within 0-127; None when there is none (no clamp)."""
    for s in samples:
        if s.get("mode") == "melodic" and s.get("state") in ("ready", "accepted") and s.get("root_midi") is not None:
            root = float(s["root_midi"])
            return max(0, round(root) - SAMPLE_RANGE), min(127, round(root) + SAMPLE_RANGE), root
    return None


def compose(
    out_dir: Path, x: float, y: float, seed: int | None = None, knob: dict | None = None, span: tuple | None = None
) -> dict:
    """A phrase at latent (x, y), its MIDI file written under ``out_dir``; returned as a dict.

    ``seed`` None gives the pad's phrase at that point; an integer a repeatable variation. ``knob``: from
    :func:`knobs`; ``span``: :func:`sample_range`'s (low, high, root) or None. The dict's ``controls`` say
    which values were used."""
    try:
        from exsampling_osc.composer.generate import PAD_TEMPERATURE, Controls
        from exsampling_osc.composer.live import phrase_at
    except ImportError as exc:
        raise ExSamplingError(f"compose: no composer is installed ({exc})") from None
    k = {n: v for n, v in (knob or {}).items() if v is not None}
    x, y = float(x), float(y)
    temperature = float(k.pop("temperature", PAD_TEMPERATURE))
    if span is not None:
        k.setdefault("register", round(span[2]))
        k["low"], k["high"] = span[0], span[1]
    controls = Controls(**k)
    out_dir.mkdir(exist_ok=True)
    phrase = phrase_at(x, y, seed, out_dir, temperature=temperature, controls=controls)
    notes = [
        {
            "note": int(n.note),
            "velocity": int(n.velocity),
            "start_beats": float(n.start_beats),
            "duration_beats": float(n.duration_beats),
        }
        for n in phrase.notes
    ]
    used: dict = {"temperature": temperature, "density": float(controls.density), "key": int(controls.key)}
    used.update(register=int(controls.register), low=int(controls.low), high=int(controls.high), bars=controls.bars)
    return {
        "phrase_id": next(_PHRASE_IDS),
        "x": x,
        "y": y,
        "seed": seed,
        "length_beats": float(phrase.length_beats),
        "midi_path": str(phrase.midi_path),
        "notes": notes,
        "controls": used,
    }


def phrase_messages(phrase: dict) -> list[Reply]:
    """The phrase as OSC: /exsampling/phrase, one /exsampling/phrase/note per note, then /exsampling/done."""
    pid, notes, c = phrase["phrase_id"], phrase["notes"], phrase["controls"]
    head = [pid, len(notes), phrase["length_beats"], phrase["midi_path"], phrase["x"], phrase["y"]]
    head += [c["temperature"], c["density"], c["register"], c["key"], c["low"], c["high"]]
    out: list[Reply] = [("/exsampling/phrase", head)]
    out += [
        ("/exsampling/phrase/note", [pid, i, n["note"], n["velocity"], n["start_beats"], n["duration_beats"]])
        for i, n in enumerate(notes)
    ]
    out.append(("/exsampling/done", [len(notes) + 1, "compose"]))
    return out
