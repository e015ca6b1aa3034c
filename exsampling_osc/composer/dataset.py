"""Songs for training and evaluation: MIDI files → top-voice melodies with their key → bar phrases, split by
song so held-out music was never seen in any window."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exsampling_osc.composer.drums import drum_phrases, read_drum_clip
from exsampling_osc.composer.grid import MelodyNote, detect_key, phrases, to_notes, top_voice
from exsampling_osc.composer.midi import MidiError, read_song
from exsampling_osc.errors import no_such_folder

MIDI_SUFFIXES = (".mid", ".midi", ".smf", ".kar")


@dataclass
class Song:
    name: str
    melody: list[MelodyNote]
    key: int  # tonic pitch class
    bpm: float = 120.0
    hits: np.ndarray | None = None  # drum clips: per-step lane bitmasks (melody empty)


@dataclass
class PhraseSet:
    """Phrases as grid tokens (n × steps), the anchor (a tonic MIDI note) of each, and its song's index."""

    tokens: np.ndarray
    anchors: np.ndarray
    song: np.ndarray

    def __len__(self) -> int:
        return len(self.tokens)

    def notes(self) -> list[list[tuple[int, int, int]]]:
        """Each phrase as ``(onset, length, pitch relative to the key's tonic)`` notes (for the metrics)."""
        return [to_notes(t) for t in self.tokens]


def midi_files(folder: str | Path) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():  # the command line checks first (exit 2); here the library's own error type
        raise MidiError(f"{folder}: not a folder of MIDI files" if folder.exists() else no_such_folder(folder))
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in MIDI_SUFFIXES)


def read_songs(folder: str | Path, drums: bool = False) -> tuple[list[Song], list[str]]:
    """Songs of every MIDI file under ``folder`` (recursively; the key from the file's key signature, else
    detected), or with ``drums`` its drum clips (channel 10), and the files skipped, with reasons."""
    songs, skipped = [], []
    for path in midi_files(folder):
        name = str(path.relative_to(folder))
        try:
            if drums:
                songs.append(Song(name, [], 0, hits=read_drum_clip(path)))
                continue
            notes, bpm, key = read_song(path)
        except MidiError as exc:
            skipped.append(str(exc))
            continue
        songs.append(Song(name, top_voice(notes), detect_key(notes) if key is None else key, bpm))
    if not songs:
        what = "drums" if drums else "notes"
        raise MidiError(f"{folder}: no readable MIDI files with {what} ({len(skipped)} skipped)")
    return songs, skipped


def split_songs(
    songs: Sequence[Song], test_fraction: float, val_fraction: float, seed: int
) -> tuple[list[Song], list[Song], list[Song]]:
    """(train, val, test) by whole songs, shuffled with ``seed``; with three songs or more each held-out
    part gets at least one."""
    order = list(songs)
    random.Random(seed).shuffle(order)
    n = len(order)
    n_test = max(1, round(n * test_fraction)) if n >= 3 and test_fraction > 0 else 0
    n_val = max(1, round(n * val_fraction)) if n >= 3 and val_fraction > 0 else 0
    return order[n_test + n_val :], order[n_test : n_test + n_val], order[:n_test]


def phrase_set(songs: Sequence[Song], bars: int, hop_bars: int) -> PhraseSet:
    """All bar-aligned phrases of ``bars`` bars, one every ``hop_bars`` bars."""
    toks, anchors, idx = [], [], []
    for i, song in enumerate(songs):
        windows = (
            [(w, 0) for w in drum_phrases(song.hits, bars, hop_bars)]
            if song.hits is not None
            else phrases(song.melody, song.key, bars, hop_bars)
        )
        for tok, anchor in windows:
            toks.append(tok)
            anchors.append(anchor)
            idx.append(i)
    steps = bars * 16
    return PhraseSet(
        np.array(toks, dtype=np.int32).reshape(-1, steps),
        np.array(anchors, dtype=np.int32),
        np.array(idx, dtype=np.int32),
    )
