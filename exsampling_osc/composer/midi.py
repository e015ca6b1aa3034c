"""MIDI in and out (mido): files → timed notes (with tempo and key), notes → standard MIDI files."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import mido

from exsampling_osc.errors import ExSamplingError

DRUM_CHANNEL = 9  # General MIDI channel 10: percussion, not part of a melody
TICKS_PER_BEAT = 480


class MidiError(ExSamplingError):
    """A MIDI file cannot be read or holds no usable notes."""


@dataclass(frozen=True)
class Event:
    """One step of a phrase: ``pitches`` sounding together (empty for a rest) for ``duration`` beats."""

    pitches: tuple[int, ...]
    duration: float


@dataclass(frozen=True)
class Note:
    """A note as it is played: MIDI number, velocity 1-127, onset and length in beats."""

    note: int
    velocity: int
    start_beats: float
    duration_beats: float


KEY_NAMES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def key_tonic(name: str) -> int:
    """Tonic pitch class of a mido key name (``"C"``, ``"F#m"``, ``"Bb"``)."""
    pc = KEY_NAMES[name[0]] + name[1:].count("#") - name[1:].count("b")
    return pc % 12


def read_notes(path: str | Path) -> tuple[list[Note], float]:
    """All non-drum notes of a MIDI file (tracks merged) and its first tempo in BPM (120 if none).

    Raises MidiError when the file is unreadable or has no notes.
    """
    notes, bpm, _ = read_song(path)
    return notes, bpm


def read_song(path: str | Path, drums: bool = False) -> tuple[list[Note], float, int | None]:
    """Notes (drums: only channel 10; otherwise all but channel 10), first tempo, and the tonic pitch class
    of the first key signature (None without one). Raises MidiError when unreadable or without notes."""
    path = Path(path)
    try:
        mid = mido.MidiFile(path)
    except (OSError, EOFError, ValueError, KeyError, IndexError) as exc:
        raise MidiError(f"{path.name}: not a readable MIDI file ({exc})") from None
    if mid.type == 2:
        raise MidiError(f"{path.name}: MIDI type 2 (independent patterns) is not supported")
    tpb = mid.ticks_per_beat or TICKS_PER_BEAT
    tick, bpm, key = 0, None, None
    open_notes: dict[tuple[int, int], list[tuple[int, int]]] = {}
    notes: list[Note] = []
    for msg in mido.merge_tracks(mid.tracks):
        tick += msg.time
        if msg.type == "set_tempo" and bpm is None:
            bpm = mido.tempo2bpm(msg.tempo)
        if msg.type == "key_signature" and key is None:
            key = key_tonic(msg.key)
        if msg.type not in ("note_on", "note_off") or (msg.channel == DRUM_CHANNEL) != drums:
            continue
        k = (msg.channel, msg.note)
        if msg.type == "note_on" and msg.velocity > 0:
            open_notes.setdefault(k, []).append((tick, msg.velocity))
        elif open_notes.get(k):
            start, vel = open_notes[k].pop(0)
            if tick > start or drums:
                notes.append(Note(msg.note, vel, start / tpb, max(tick - start, 1) / tpb))
    if not notes:
        what = "drum notes on channel 10" if drums else "notes found (drum channel 10 is ignored)"
        raise MidiError(f"{path.name}: no {what}")
    notes.sort(key=lambda n: (n.start_beats, n.note))
    return notes, float(bpm or 120.0), key


def write_midi(
    notes: Iterable[Note],
    path: str | Path,
    bpm: float = 120.0,
    name: str = "exsampling phrase",
    length_beats: float | None = None,
    key: str | None = None,
    channel: int = 0,
) -> Path:
    """Write notes as a type-1 standard MIDI file (one track, channel 1) that Live imports as a clip.

    ``length_beats`` places the end of the track (so trailing rests keep the phrase length); ``key`` (a
    mido key name such as ``"G"`` or ``"Em"``) writes a key signature; ``channel`` 9 writes drums.
    """
    path = Path(path)
    msgs = []
    for n in notes:
        on = round(n.start_beats * TICKS_PER_BEAT)
        off = on + max(1, round(n.duration_beats * TICKS_PER_BEAT))
        vel = max(1, min(127, int(n.velocity)))
        msgs.append((off, 0, mido.Message("note_off", channel=channel, note=int(n.note), velocity=0)))
        msgs.append((on, 1, mido.Message("note_on", channel=channel, note=int(n.note), velocity=vel)))
    msgs.sort(key=lambda m: (m[0], m[1]))  # note-offs before note-ons at the same tick
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("track_name", name=name, time=0))
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0))
    track.append(mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0))
    if key:
        track.append(mido.MetaMessage("key_signature", key=key, time=0))
    now = 0
    for tick, _, msg in msgs:
        track.append(msg.copy(time=tick - now))
        now = tick
    end = round((length_beats or 0.0) * TICKS_PER_BEAT)
    track.append(mido.MetaMessage("end_of_track", time=max(0, end - now)))
    mid = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    mid.tracks.append(track)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")  # unique: concurrent writers never collide
    try:
        mid.save(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
