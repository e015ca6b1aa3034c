"""MIDI in and out, the bar grid (top voice, key-relative pitch, bar-line phrases), drum clips and the
song split."""

import mido
import numpy as np
import pytest

from exsampling_osc.composer.dataset import phrase_set, read_songs, split_songs
from exsampling_osc.composer.drums import DRUM_VOCAB, drum_notes, drum_phrases, drum_tokens, read_drum_clip
from exsampling_osc.composer.examples import MAJOR, MINOR, example_set, scale, write_examples
from exsampling_osc.composer.grid import HOLD, LOW, ON, REST, anchor_for, detect_key, phrases, to_notes, top_voice
from exsampling_osc.composer.midi import MidiError, Note, key_tonic, read_notes, read_song, write_midi


def test_midi_round_trips_through_mido_with_key_signature(tmp_path):
    notes = [Note(60, 100, 0.0, 1.0), Note(64, 90, 0.0, 1.0), Note(67, 80, 1.5, 0.5), Note(72, 70, 2.0, 2.0)]
    path = write_midi(notes, tmp_path / "p.mid", bpm=90, length_beats=8, key="Bb")
    mid = mido.MidiFile(path)  # plain mido reads it
    assert mid.type == 1 and mid.ticks_per_beat == 480
    ons = [m for m in mid.tracks[0] if m.type == "note_on"]
    assert sorted((m.note, m.velocity) for m in ons) == sorted((n.note, n.velocity) for n in notes)
    assert mid.length == pytest.approx(8 * 60 / 90)
    back, bpm, key = read_song(path)
    assert bpm == pytest.approx(90) and key == 10
    assert sorted(back, key=lambda n: (n.start_beats, n.note)) == sorted(notes, key=lambda n: (n.start_beats, n.note))
    assert [key_tonic(k) for k in ("C", "F#m", "Bb", "Ebm", "B")] == [0, 6, 10, 3, 11]


def test_drums_are_apart_and_broken_files_refused(tmp_path):
    hits = [Note(36, 100, 0, 0.25), Note(42, 80, 0, 0.25), Note(38, 90, 1, 0.25), Note(42, 80, 1.5, 0.25)]
    write_midi(hits, tmp_path / "drums.mid", channel=9)
    with pytest.raises(MidiError, match="no notes"):
        read_notes(tmp_path / "drums.mid")
    tok = read_drum_clip(tmp_path / "drums.mid")
    assert len(tok) == 16 and list(tok[[0, 4, 6]]) == [0b101, 0b010, 0b100] and tok.sum() == 5 + 2 + 4
    assert [(n.note, n.start_beats) for n in drum_notes(tok)] == [(36, 0), (42, 0), (38, 1), (42, 1.5)]
    assert all(0 <= t < DRUM_VOCAB for t in tok)
    (tmp_path / "junk.mid").write_bytes(b"not midi at all")
    with pytest.raises(MidiError, match="junk.mid"):
        read_notes(tmp_path / "junk.mid")


def test_drum_clips_shorter_than_a_phrase_loop_and_windows_start_on_bars():
    tok = drum_tokens([Note(36, 100, 0, 0.25), Note(38, 100, 1, 0.25), Note(36, 100, 2.5, 0.25)])
    assert len(tok) == 16
    two = drum_phrases(tok, bars=2)
    assert len(two) == 1 and np.array_equal(two[0][:16], two[0][16:])  # looped to two bars
    assert len(drum_phrases(np.resize(tok, 48), bars=1)) == 3


def test_top_voice_keeps_the_highest_note_of_each_onset_cut_at_the_next():
    chord = [Note(60, 90, 0, 2), Note(64, 90, 0, 2), Note(67, 90, 0.02, 2), Note(65, 90, 1, 1), Note(48, 90, 1, 1)]
    mel = top_voice(chord)
    assert [(n.onset, n.length, n.pitch) for n in mel] == [(0, 4, 67), (4, 4, 65)]


def test_key_detection_and_anchor():
    c_major = scale(60, MAJOR, (0.5,))
    a_minor = scale(57, MINOR, (0.5,)) + [Note(57, 90, 8, 4), Note(64, 90, 12, 2)]
    assert detect_key(c_major) == 0 and detect_key(a_minor) == 9
    assert detect_key([Note(n + 7, 90, i, 1) for i, n in enumerate((0, 4, 7, 12, 7, 4, 0))]) == 7  # G arpeggio
    assert anchor_for([67, 69, 71], key=0) == 60 and anchor_for([55, 57], key=7) == 55


def test_phrases_are_bars_of_key_relative_steps_and_transposition_free():
    melody = top_voice([Note(60 + d, 90, i * 0.5, 0.5) for i, d in enumerate((0, 2, 4, 5, 7, 9, 11, 12) * 2)])
    ph = phrases(melody, key=0, bars=1)
    assert len(ph) == 2 and all(len(t) == 16 for t, _ in ph)
    tok, anchor = ph[0]
    assert anchor == 60 and list(tok[:4]) == [ON - LOW + 0, HOLD, ON - LOW + 2, HOLD]
    assert [p for _, _, p in to_notes(tok)] == [0, 2, 4, 5, 7, 9, 11, 12]
    up = top_voice([Note(n.pitch + 5, 90, n.onset / 4, n.length / 4) for n in melody])
    assert np.array_equal(phrases(up, key=5, bars=1)[0][0], tok)  # same melody in F: same tokens
    # a note sounding over the bar line is cut there (the loop starts clean); too few notes: skipped
    late = top_voice([Note(72, 90, 3.5, 1.0), Note(74, 90, 4.5, 0.5), Note(76, 90, 5, 0.5)])
    assert [to_notes(t) for t, _ in phrases(late, 0, 1, min_notes=1)] == [[(14, 2, 0)], [(2, 2, 2), (4, 2, 4)]]
    assert phrases(late, 0, 1, min_notes=3) == []
    assert REST in tok or HOLD in tok


def test_songs_split_whole_and_phrases_never_cross_the_split(tmp_path):
    write_examples(tmp_path)
    (tmp_path / "bad.mid").write_bytes(b"MThd broken")
    songs, skipped = read_songs(tmp_path)
    assert len(skipped) == 1 and "bad.mid" in skipped[0]
    tr, va, te = split_songs(songs, 0.2, 0.1, seed=0)
    assert te and va and tr and {s.name for s in tr}.isdisjoint({s.name for s in te + va})
    assert len(tr) + len(va) + len(te) == len(songs)
    ps = phrase_set(tr, bars=2, hop_bars=1)
    assert ps.tokens.shape[1] == 32 and set(ps.song.tolist()) <= set(range(len(tr)))
    assert all(p[0] >= ON for p in ps.tokens if to_notes(p) and to_notes(p)[0][0] == 0)
    with pytest.raises(MidiError):
        read_songs(tmp_path / "missing")


def test_example_set_has_rhythm_and_no_two_identical_pieces():
    examples = example_set()
    assert len(examples) >= 30
    kinds = {name.split("_")[0] for name in examples}
    assert kinds == {"scale", "arpeggio", "chords", "tune"}
    durations = {n.duration_beats for notes in examples.values() for n in notes}
    assert len(durations) >= 5


def test_corpus_tunes_keep_duple_metre_and_shift_the_pickup(tmp_path):
    music21 = pytest.importorskip("music21")
    from exsampling_osc.composer.corpus import _key_name, tune_notes

    tune = music21.converter.parse("tinyNotation: 2/4 c8 d8 e4 f4 g2")
    notes = tune_notes(tune)
    assert [(n.note, n.start_beats, n.duration_beats) for n in notes][:3] == [(60, 0, 0.5), (62, 0.5, 0.5), (64, 1, 1)]
    s = music21.stream
    m0, m1 = s.Measure(number=0), s.Measure(number=1)
    m0.append([music21.meter.TimeSignature("4/4"), music21.note.Note("G4", quarterLength=1)])
    m1.append(music21.note.Note("C5", quarterLength=4))
    pickup = s.Part([m0, m1])
    # a one-beat pickup is shifted so the first full bar starts on beat 4
    assert [(n.note, n.start_beats) for n in tune_notes(pickup)] == [(67, 3.0), (72, 4.0)]
    assert tune_notes(music21.converter.parse("tinyNotation: 3/4 c4 d e")) is None
    minor = music21.converter.parse("tinyNotation: 4/4 a4 b c' d'")
    minor.measure(1).insert(0, music21.key.Key("a"))
    assert _key_name(minor) == "Am"
    write_midi(notes, tmp_path / "t.mid", key=_key_name(minor))
    assert read_song(tmp_path / "t.mid")[2] == 9
