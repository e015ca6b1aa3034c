"""MIDI in and out, events with rhythm, the token vocabulary and the phrase split."""

import mido
import pytest

from exsampling_osc.composer.dataset import augment, read_folder, signature, split_phrases
from exsampling_osc.composer.examples import example_set, write_examples
from exsampling_osc.composer.midi import DURATIONS, Event, MidiError, Note, notes_to_events, read_notes, write_midi
from exsampling_osc.composer.vocab import REST, Vocabulary, pitches_of, token_of, transpose, windows


def test_midi_round_trips_through_mido(tmp_path):
    notes = [Note(60, 100, 0.0, 1.0), Note(64, 90, 0.0, 1.0), Note(67, 80, 1.5, 0.5), Note(72, 70, 2.0, 2.0)]
    path = write_midi(notes, tmp_path / "p.mid", bpm=90, length_beats=8)
    mid = mido.MidiFile(path)  # plain mido reads it
    assert mid.type == 1 and mid.ticks_per_beat == 480
    ons = [m for m in mid.tracks[0] if m.type == "note_on"]
    assert sorted((m.note, m.velocity) for m in ons) == sorted((n.note, n.velocity) for n in notes)
    assert mid.length == pytest.approx(8 * 60 / 90)
    back, bpm = read_notes(path)
    assert bpm == pytest.approx(90)
    assert sorted(back, key=lambda n: (n.start_beats, n.note)) == sorted(notes, key=lambda n: (n.start_beats, n.note))


def test_notes_become_events_with_chords_rests_and_valid_durations():
    notes = [Note(64, 90, 0.0, 1.0), Note(60, 90, 0.02, 1.0), Note(67, 90, 1.0, 0.5), Note(65, 90, 3.0, 0.9)]
    events = notes_to_events(notes)
    assert events == [Event((60, 64), 1.0), Event((67,), 0.5), Event((), 1.5), Event((65,), 1.0)]
    assert all(e.duration in DURATIONS for e in events)


def test_drums_are_ignored_and_broken_files_refused(tmp_path):
    mid = mido.MidiFile()
    tr = mido.MidiTrack(
        [
            mido.Message("note_on", channel=9, note=36, velocity=100, time=0),
            mido.Message("note_off", channel=9, note=36, time=240),
        ]
    )
    mid.tracks.append(tr)
    mid.save(tmp_path / "drums.mid")
    with pytest.raises(MidiError, match="no notes"):
        read_notes(tmp_path / "drums.mid")
    (tmp_path / "junk.mid").write_bytes(b"not midi at all")
    with pytest.raises(MidiError, match="junk.mid"):
        read_notes(tmp_path / "junk.mid")


def test_folder_reading_skips_bad_files_and_reports_them(tmp_path):
    write_midi([Note(60, 90, 0, 1), Note(62, 90, 1, 1)], tmp_path / "a.mid")
    (tmp_path / "b.mid").write_bytes(b"MThd broken")
    pieces, skipped = read_folder(tmp_path)
    assert list(pieces) == ["a.mid"] and len(skipped) == 1 and "b.mid" in skipped[0]
    with pytest.raises(MidiError):
        read_folder(tmp_path / "missing")


def test_tokens_and_vocabulary():
    assert token_of((67, 60, 64)) == "60.64.67" and token_of(()) == REST
    assert pitches_of("60.64.67") == (60, 64, 67) and pitches_of(REST) == ()
    phrases = [[Event((60,), 1.0), Event((60,), 0.5), Event((60, 64), 2.0), Event((), 1.0)]]
    v = Vocabulary.build(phrases)
    assert v.tokens[0] == "60"  # most frequent first: the baseline's answer
    tok, dur = v.encode(phrases)
    assert v.decode(tok[0], dur[0]) == phrases[0]
    x = v.one_hot(tok, dur)
    assert x.shape == (1, 4 * (v.size + len(DURATIONS))) and x.sum() == 8


def test_transposition_and_windows():
    ev = [Event((60, 64), 1.0), Event((), 0.5), Event((127,), 0.5)]
    assert transpose(ev, -2) == [Event((58, 62), 1.0), Event((), 0.5), Event((125,), 0.5)]
    assert transpose(ev, 1) is None  # 128 is out of range
    assert len(augment([ev], range(-2, 2))) == 3
    assert [s for s, _ in windows(list(range(10)), 4, 2)] == [0, 2, 4, 6]
    assert windows([1, 2, 3], 5, 5) == [(0, [1, 2, 3, 1, 2])]  # short pieces loop


def test_held_out_phrases_never_reach_training_even_transposed(tmp_path):
    write_examples(tmp_path)
    pieces, _ = read_folder(tmp_path)
    split = split_phrases(pieces, 16, 4, 0.2, 0.1, seed=0)
    assert split.test and split.val and split.train
    held = {signature(p) for p in split.test + split.val}
    assert not held & {signature(p) for p in split.train}
    assert all(len(p) == 16 for p in split.train + split.test)


def test_example_set_has_rhythm_and_no_two_identical_pieces():
    examples = example_set()
    assert len(examples) >= 30
    kinds = {name.split("_")[0] for name in examples}
    assert kinds == {"scale", "arpeggio", "chords", "tune"}
    durations = {n.duration_beats for notes in examples.values() for n in notes}
    assert len(durations) >= 5
