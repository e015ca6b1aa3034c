"""SFZ instruments, as the kit export writes them and as this sampler plays them.

Only the opcodes the export writes are read (anything else is an error, not silently ignored): ``sample``,
``lokey``, ``hikey``, ``pitch_keycenter``, ``pitch_keytrack`` (100: melodic, 0: percussive), ``tune`` (cents),
``volume`` (dB), ``ampeg_release`` (s), ``loop_mode`` (``no_loop`` or ``loop_continuous``), ``loop_start`` and
``loop_end`` (SFZ's loop end is the loop's last sample, inclusive; :class:`Region` keeps it exclusive).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exsampling_osc.sampler.mix import NoteEvent, SampleVoice, render_events
from exsampling_osc.sampler.note import RELEASE_S


@dataclass(frozen=True)
class Region:
    """One SFZ region: ``sample`` (path relative to the .sfz file) on keys ``lokey..hikey``."""

    sample: str
    lokey: int
    hikey: int
    pitch_keycenter: int
    pitch_keytrack: int = 100
    tune: int = 0
    volume: float = 0.0
    ampeg_release: float = RELEASE_S
    loop_start: int | None = None
    loop_end: int | None = None  # exclusive


def format_sfz(regions: Sequence[Region], title: str = "") -> str:
    """The text of an .sfz file holding ``regions`` (one ``<region>`` line each)."""
    lines = [f"// {title}"] if title else []
    for r in regions:
        ops = [
            f"sample={r.sample}",
            f"lokey={r.lokey}",
            f"hikey={r.hikey}",
            f"pitch_keycenter={r.pitch_keycenter}",
            f"pitch_keytrack={r.pitch_keytrack}",
            f"tune={r.tune}",
            f"volume={r.volume:.2f}",
            f"ampeg_release={r.ampeg_release:g}",
        ]
        if r.loop_start is not None and r.loop_end is not None:
            ops += ["loop_mode=loop_continuous", f"loop_start={r.loop_start}", f"loop_end={r.loop_end - 1}"]
        else:
            ops.append("loop_mode=no_loop")
        lines.append("<region> " + " ".join(ops))
    return "\n".join(lines) + "\n"


_INT = {"lokey", "hikey", "pitch_keycenter", "pitch_keytrack", "tune", "loop_start", "loop_end"}
_FLOAT = {"volume", "ampeg_release"}


def parse_sfz(text: str) -> list[Region]:
    """The regions of an .sfz text written by :func:`format_sfz`; ValueError naming an opcode it does not know."""
    regions: list[Region] = []
    current: dict | None = None
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        for token in line.split():
            if token == "<region>":
                if current is not None:
                    regions.append(_region(current))
                current = {}
                continue
            key, eq, value = token.partition("=")
            if current is None or not eq:
                raise ValueError(f"unexpected {token!r} outside a <region>")
            if key == "sample":
                current[key] = value
            elif key in _INT:
                current[key] = int(value)
            elif key in _FLOAT:
                current[key] = float(value)
            elif key == "loop_mode":
                if value not in ("no_loop", "loop_continuous"):
                    raise ValueError(f"loop_mode {value!r} is not played here (no_loop, loop_continuous)")
                current[key] = value
            else:
                raise ValueError(f"opcode {key!r} is not one this sampler reads")
    if current is not None:
        regions.append(_region(current))
    return regions


def _region(ops: dict) -> Region:
    looped = ops.pop("loop_mode", "no_loop") == "loop_continuous"
    start, last = ops.pop("loop_start", None), ops.pop("loop_end", None)
    if looped and (start is None or last is None):
        raise ValueError("loop_continuous needs loop_start and loop_end")
    return Region(**ops, loop_start=start if looped else None, loop_end=last + 1 if looped else None)


@dataclass(frozen=True)
class Instrument:
    """An .sfz file's regions with their samples loaded."""

    regions: tuple[Region, ...]
    voices: tuple[SampleVoice, ...]

    def voices_for(self, note: int) -> list[SampleVoice]:
        return [v for r, v in zip(self.regions, self.voices, strict=True) if r.lokey <= note <= r.hikey]


def read_instrument(path: str | Path) -> Instrument:
    """Read an .sfz file and its samples (mono, at their own rate) into voices this sampler plays."""
    import soundfile as sf

    path = Path(path)
    regions = parse_sfz(path.read_text(encoding="utf-8"))
    voices = []
    for r in regions:
        audio, sr = sf.read(str(path.parent / r.sample), dtype="float32", always_2d=True)
        melodic = r.pitch_keytrack != 0
        loop = None if r.loop_start is None or r.loop_end is None else (r.loop_start, r.loop_end)
        voices.append(
            SampleVoice(
                np.ascontiguousarray(audio.mean(axis=1)),
                int(sr),
                r.pitch_keycenter - r.tune / 100.0,
                "melodic" if melodic else "percussive",
                loop=loop,
                gain=float(10 ** (r.volume / 20)),
                release_s=r.ampeg_release,
            )
        )
    return Instrument(tuple(regions), tuple(voices))


def render_instrument(
    instrument: Instrument, notes: Sequence[tuple[float, int, int, float]], sr: int, tail_s: float = 0.0
) -> np.ndarray:
    """Play ``notes`` (onset s, MIDI note, velocity, length s) on every region whose keys hold the note."""
    events = [
        NoteEvent(voice, start, note, velocity, length)
        for start, note, velocity, length in notes
        for voice in instrument.voices_for(note)
    ]
    return render_events(events, sr, tail_s=tail_s)
