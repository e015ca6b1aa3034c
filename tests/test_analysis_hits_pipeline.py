"""The analysis pipeline with hits: percussive recordings become one piece per hit; melodic pieces get loops;
the library keeps the new fields (and opens libraries made before them)."""

import sqlite3

import numpy as np
import pytest

from exsampling_osc.analysis.pipeline import AnalysisConfig, Analyzer
from exsampling_osc.library.store import Store
from tests import onset_material

needs_fluidsynth = pytest.mark.skipif(not onset_material.available(), reason="fluidsynth or GM SoundFont missing")


def analyzer(rule):
    return Analyzer(config=AnalysisConfig(percussive_label=rule))


@needs_fluidsynth
def test_a_percussive_drum_take_becomes_one_piece_per_hit(tmp_path, esc50):
    seq = onset_material.make_sequence(6008, tmp_path, esc50, seconds=5.0, snr_db=24)
    pieces = analyzer(lambda label: True).analyse_signal(seq.audio)
    assert len(pieces) == seq.onsets.size == 7
    assert np.all(np.abs(np.array([p.start for p in pieces]) - seq.onsets) <= 0.025)
    assert [p.index for p in pieces] == list(range(7))
    for p in pieces:
        assert p.duration < 1.5 and p.loop_start is None
        assert -60 < p.loudness_lufs < p.peak_db <= 0
        assert p.audio[0] == 0 and p.audio[-1] == 0
    kept = analyzer(lambda label: False).analyse_signal(seq.audio)  # a melodic track's sound keeps its pieces
    assert len(kept) == 1 and kept[0].duration > 3  # the trimmed take, whole


def test_knocks_without_a_known_label_are_cut_by_their_analysed_mode_and_onset_rate():
    sr = 22050
    y = np.zeros(3 * sr, np.float32)
    t = np.arange(3000)
    rng = np.random.default_rng(0)
    for k in range(6):
        hit = rng.normal(0, 0.3, t.size) * np.exp(-t / 400)
        y[4000 + k * 10000 : 7000 + k * 10000] += hit.astype(np.float32)
    pieces = analyzer(lambda label: None).analyse_signal(y)  # the rule does not know the label (`unknown`)
    assert len(pieces) == 6 and all(p.pitch.mode == "percussive" for p in pieces)
    dense = AnalysisConfig(percussive_label=lambda label: None, max_hit_rate=1.0)  # 6 in 2.4 s: too dense
    assert len(Analyzer(config=dense).analyse_signal(y)) == 1
    assert len(analyzer(None).analyse_signal(y)) == 1  # without a rule (classify): 5 s pieces


@needs_fluidsynth
def test_a_sustained_note_keeps_its_piece_with_loop_points(tmp_path):
    y = onset_material.render_note(tmp_path, 60, 2.5, program=19)  # church organ, C4
    pieces = analyzer(lambda label: True).analyse_signal(y)  # one onset in 2.5 s: too sparse to be hits
    assert len(pieces) == 1
    p = pieces[0]
    assert p.pitch.mode == "melodic" and abs(p.pitch.root_midi - 60) < 0.5
    assert p.loop_start is not None and p.loop_end - p.loop_start > 0.1 * p.sample_rate
    row = p.stored_fields()
    assert row["loop_start"] == p.loop_start and row["loudness_lufs"] == pytest.approx(p.loudness_lufs, abs=1e-3)


OLD_SAMPLES = """CREATE TABLE samples (
    id INTEGER PRIMARY KEY AUTOINCREMENT, recording_id INTEGER NOT NULL REFERENCES recordings(id),
    piece_index INTEGER NOT NULL, start REAL NOT NULL, duration REAL NOT NULL, path TEXT NOT NULL,
    label TEXT NOT NULL, confidence REAL NOT NULL, top TEXT NOT NULL, root_midi REAL,
    pitch_confidence REAL NOT NULL, analysed_mode TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'ready',
    overridden_label TEXT, created REAL NOT NULL, UNIQUE (recording_id, piece_index));
CREATE TABLE recordings (id INTEGER PRIMARY KEY AUTOINCREMENT, created REAL NOT NULL, source TEXT NOT NULL,
    original_name TEXT NOT NULL, path TEXT NOT NULL, latitude REAL, longitude REAL, accuracy REAL, uploader TEXT,
    drop_key TEXT UNIQUE, status TEXT NOT NULL DEFAULT 'received', error TEXT);
INSERT INTO recordings (id, created, source, original_name, path) VALUES (1, 0, 'upload', 'a.wav', 'a.wav');
INSERT INTO samples (recording_id, piece_index, start, duration, path, label, confidence, top,
    pitch_confidence, analysed_mode, created) VALUES (1, 0, 0, 5, 'p.wav', 'dog', 0.9, '[]', 0.1, 'percussive', 0);
"""


def test_a_library_made_before_hits_opens_and_stores_the_new_fields(tmp_path):
    path = tmp_path / "library.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(OLD_SAMPLES)
    db.close()
    store = Store(path)
    old = store.samples(1)[0]
    assert old["label"] == "dog" and old["loudness_lufs"] is None and old["loop_start"] is None
    fields = dict(
        piece_index=3,
        start=1.25,
        duration=0.3,
        path="h.wav",
        label="clapping",
        confidence=0.8,
        top=[["clapping", 0.8]],
        root_midi=None,
        pitch_confidence=0.1,
        analysed_mode="percussive",
        loudness_lufs=-31.5,
        peak_db=-12.25,
        loop_start=None,
        loop_end=None,
    )
    store.store_analysis(1, [fields, {**fields, "piece_index": 4, "loop_start": 100, "loop_end": 900}])
    rows = store.samples(1)
    assert [(r["piece_index"], r["loudness_lufs"], r["peak_db"], r["loop_start"], r["loop_end"]) for r in rows] == [
        (3, -31.5, -12.25, None, None),
        (4, -31.5, -12.25, 100, 900),
    ]
    store.close()
