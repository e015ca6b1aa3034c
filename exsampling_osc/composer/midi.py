"""MIDI in and out (mido): files → timed events on a beat grid, phrases → standard MIDI files."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import mido

from exsampling_osc.errors import ExSamplingError

GRID = 0.25  # beats: onsets and lengths are quantized to sixteenth notes
DURATIONS: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)  # the valid durations in beats
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


def nearest_duration(beats: float) -> float:
    """The valid duration closest to ``beats`` (ties go to the shorter one)."""
    return min(DURATIONS, key=lambda d: (abs(d - beats), d))


def read_notes(path: str | Path) -> tuple[list[Note], float]:
    """All non-drum notes of a MIDI file (tracks merged) and its first tempo in BPM (120 if none).

    Raises MidiError when the file is unreadable or has no notes.
    """
    path = Path(path)
    try:
        mid = mido.MidiFile(path)
    except (OSError, EOFError, ValueError, KeyError, IndexError) as exc:
        raise MidiError(f"{path.name}: not a readable MIDI file ({exc})") from None
    if mid.type == 2:
        raise MidiError(f"{path.name}: MIDI type 2 (independent patterns) is not supported")
    tpb = mid.ticks_per_beat or TICKS_PER_BEAT
    tick, bpm = 0, None
    open_notes: dict[tuple[int, int], list[tuple[int, int]]] = {}
    notes: list[Note] = []
    for msg in mido.merge_tracks(mid.tracks):
        tick += msg.time
        if msg.type == "set_tempo" and bpm is None:
            bpm = mido.tempo2bpm(msg.tempo)
        if msg.type not in ("note_on", "note_off") or msg.channel == DRUM_CHANNEL:
            continue
        key = (msg.channel, msg.note)
        if msg.type == "note_on" and msg.velocity > 0:
            open_notes.setdefault(key, []).append((tick, msg.velocity))
        elif open_notes.get(key):
            start, vel = open_notes[key].pop(0)
            if tick > start:
                notes.append(Note(msg.note, vel, start / tpb, (tick - start) / tpb))
    if not notes:
        raise MidiError(f"{path.name}: no notes found (drum channel 10 is ignored)")
    notes.sort(key=lambda n: (n.start_beats, n.note))
    return notes, float(bpm or 120.0)


def _q(beats: float) -> float:
    return round(beats / GRID) * GRID


def notes_to_events(notes: Iterable[Note], max_chord: int = 4) -> list[Event]:
    """Quantize notes to the grid and turn them into a sequence of events with rhythm.

    Notes starting on the same grid step form one chord (its ``max_chord`` lowest pitches). An event lasts
    as long as its longest note, cut at the next onset; a gap until the next onset becomes a rest.
    Durations snap to :data:`DURATIONS`; rests longer than 4 beats are shortened to 4.
    """
    groups: dict[float, list[Note]] = {}
    for n in notes:
        groups.setdefault(_q(n.start_beats), []).append(n)
    onsets = sorted(groups)
    events: list[Event] = []
    for i, onset in enumerate(onsets):
        pitches = tuple(sorted({n.note for n in groups[onset]}))[:max_chord]
        length = max(_q(n.duration_beats) for n in groups[onset]) or GRID
        if i + 1 < len(onsets):
            gap = onsets[i + 1] - onset
            length = min(length, gap)
            events.append(Event(pitches, nearest_duration(length)))
            if gap - length >= GRID:
                events.append(Event((), nearest_duration(gap - length)))
        else:
            events.append(Event(pitches, nearest_duration(length)))
    return events


def read_events(path: str | Path) -> list[Event]:
    """A MIDI file as a sequence of events (see :func:`notes_to_events`)."""
    notes, _ = read_notes(path)
    return notes_to_events(notes)


def events_to_notes(events: Iterable[Event], velocity: int = 90) -> list[Note]:
    """Lay events end to end from beat 0: each pitch of an event becomes a note; rests advance time."""
    notes, t = [], 0.0
    for ev in events:
        for p in ev.pitches:
            notes.append(Note(int(p), velocity, t, ev.duration))
        t += ev.duration
    return notes


def write_midi(
    notes: Iterable[Note],
    path: str | Path,
    bpm: float = 120.0,
    name: str = "exsampling phrase",
    length_beats: float | None = None,
) -> Path:
    """Write notes as a type-1 standard MIDI file (one track, channel 1) that Live imports as a clip.

    ``length_beats`` places the end of the track (so trailing rests keep the phrase length).
    """
    path = Path(path)
    msgs = []
    for n in notes:
        on = round(n.start_beats * TICKS_PER_BEAT)
        off = on + max(1, round(n.duration_beats * TICKS_PER_BEAT))
        vel = max(1, min(127, int(n.velocity)))
        msgs.append((off, 0, mido.Message("note_off", note=int(n.note), velocity=0)))
        msgs.append((on, 1, mido.Message("note_on", note=int(n.note), velocity=vel)))
    msgs.sort(key=lambda m: (m[0], m[1]))  # note-offs before note-ons at the same tick
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("track_name", name=name, time=0))
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0))
    track.append(mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0))
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
