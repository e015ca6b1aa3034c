"""Phrases for training: fixed-length windows from MIDI files, a held-out split that never shares a phrase
(or a transposition of one) with training, and transposition augmentation."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from exsampling_osc.composer.midi import Event, MidiError, read_events
from exsampling_osc.composer.vocab import transpose, windows
from exsampling_osc.errors import no_such_folder

MIDI_SUFFIXES = (".mid", ".midi", ".smf", ".kar")


@dataclass
class Split:
    train: list[list[Event]] = field(default_factory=list)
    val: list[list[Event]] = field(default_factory=list)  # early stopping
    test: list[list[Event]] = field(default_factory=list)  # the reported held-out accuracy
    skipped: list[str] = field(default_factory=list)  # files that could not be read, with the reason


def signature(phrase: Sequence[Event]) -> tuple:
    """Transposition-invariant identity of a phrase: pitches relative to its lowest pitch, and durations."""
    low = min((p for ev in phrase for p in ev.pitches), default=0)
    return tuple((tuple(p - low for p in ev.pitches), ev.duration) for ev in phrase)


def read_folder(midi_dir: str | Path) -> tuple[dict[str, list[Event]], list[str]]:
    """Events of every MIDI file under ``midi_dir`` (recursively), and the files skipped with reasons."""
    midi_dir = Path(midi_dir)
    if not midi_dir.is_dir():  # the command line checks first (exit 2); here the library's own error type
        exists = midi_dir.exists()
        raise MidiError(f"{midi_dir}: not a folder of MIDI files" if exists else no_such_folder(midi_dir))
    pieces, skipped = {}, []
    for path in sorted(p for p in midi_dir.rglob("*") if p.suffix.lower() in MIDI_SUFFIXES):
        try:
            pieces[str(path.relative_to(midi_dir))] = read_events(path)
        except MidiError as exc:
            skipped.append(str(exc))
    if not pieces:
        raise MidiError(f"{midi_dir}: no readable MIDI files with notes ({len(skipped)} skipped)")
    return pieces, skipped


def augment(phrases: Sequence[Sequence[Event]], shifts: Sequence[int]) -> list[list[Event]]:
    """Every phrase in every transposition of ``shifts`` that stays inside 0-127."""
    out = []
    for ph in phrases:
        for s in shifts:
            moved = transpose(ph, s)
            if moved is not None:
                out.append(moved)
    return out


def split_phrases(
    pieces: dict[str, list[Event]], length: int, hop: int, test_fraction: float, val_fraction: float, seed: int
) -> Split:
    """Cut pieces into phrases and split them by transposition-invariant identity.

    Held-out phrases are non-overlapping windows; training windows (every ``hop`` events) never overlap a
    held-out window and are never a transposition of one. At least one phrase identity goes to test and
    one to validation when there are three or more.
    """
    blocks = {name: windows(ev, length, length) for name, ev in pieces.items()}
    sigs = sorted({signature(ph) for bl in blocks.values() for _, ph in bl})
    random.Random(seed).shuffle(sigs)
    n = len(sigs)
    n_test = max(1, round(n * test_fraction)) if n >= 3 else 0
    n_val = max(1, round(n * val_fraction)) if n >= 3 else 0
    test_sigs, val_sigs = set(sigs[:n_test]), set(sigs[n_test : n_test + n_val])
    split = Split()
    held: dict[str, list[range]] = {}
    for name, bl in blocks.items():
        for start, ph in bl:
            sig = signature(ph)
            if sig in test_sigs or sig in val_sigs:
                (split.test if sig in test_sigs else split.val).append(ph)
                held.setdefault(name, []).append(range(start, start + length))
    for name, ev in pieces.items():
        for start, ph in windows(ev, length, hop):
            span = range(start, start + length)
            if any(span.start < r.stop and r.start < span.stop for r in held.get(name, [])):
                continue
            if signature(ph) in test_sigs or signature(ph) in val_sigs:
                continue
            split.train.append(ph)
    return split
