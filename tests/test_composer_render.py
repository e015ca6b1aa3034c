"""``exsampling compose render``: a phrase played with recorded samples, from files or from the library."""

import numpy as np
import pytest
import soundfile as sf

from exsampling_osc.cli import main
from exsampling_osc.composer.midi import Note, write_midi
from exsampling_osc.composer.soundscape import choose_samples, soundscape_events
from exsampling_osc.sampler import RELEASE_S, SampleVoice

SR = 22050


def write_sine(path, freq, seconds=1.5, sr=SR):
    t = np.arange(int(seconds * sr)) / sr
    sf.write(str(path), (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32), sr)
    return path


def write_click(path, sr=SR):
    y = np.zeros(int(0.3 * sr), dtype=np.float32)
    y[:200] = np.random.default_rng(0).uniform(-1, 1, 200)
    sf.write(str(path), y, sr)
    return path


def peak_hz(y, sr):
    n = 1 << (int(np.ceil(np.log2(len(y)))) + 2)
    mag = np.abs(np.fft.rfft(y * np.hanning(len(y)), n))
    return float(np.argmax(mag)) * sr / n


def test_render_a_midi_file_with_explicit_samples(tmp_path, capsys):
    mel = write_sine(tmp_path / "bell.wav", 440.0)
    midi = write_midi([Note(81, 127, 0.0, 1.0)], tmp_path / "one.mid", bpm=120)
    out = tmp_path / "out.wav"
    rc = main(
        [
            "compose",
            "render",
            "--midi",
            str(midi),
            "--melodic",
            str(mel),
            "--root",
            "69",
            "--sr",
            str(SR),
            "--out",
            str(out),
        ]
    )
    assert rc == 0 and f"wav: {out.resolve()}" in capsys.readouterr().out
    y, sr = sf.read(str(out))
    assert sr == SR and len(y) == round(0.5 * SR) + round(RELEASE_S * SR)  # one beat at 120 BPM + release
    assert peak_hz(y[: SR // 2], SR) == pytest.approx(880.0, rel=0.01)


def test_render_a_generated_phrase_with_all_layers(tmp_path, capsys):
    mel = write_sine(tmp_path / "m.wav", 261.63)
    perc = write_click(tmp_path / "p.wav")
    amb = write_sine(tmp_path / "a.wav", 100.0, seconds=0.7)
    out = tmp_path / "scape.wav"
    rc = main(
        [
            "compose",
            "render",
            "--x",
            "0.2",
            "--y",
            "0.1",
            "--melodic",
            str(mel),
            "--root",
            "60",
            "--percussive",
            str(perc),
            "--ambient",
            str(amb),
            "--bpm",
            "120",
            "--sr",
            str(SR),
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    printed = capsys.readouterr().out
    beats = float(printed.split(" notes, ")[1].split(" beats")[0])
    y, _ = sf.read(str(out))
    assert len(y) == round(beats * 0.5 * SR) + round(RELEASE_S * SR)
    assert 0.85 < np.max(np.abs(y)) <= 0.91  # peak-normalised


def test_layers_follow_the_phrase():
    v = SampleVoice(np.ones(SR, dtype=np.float32), SR, 60.0, "melodic")
    p = SampleVoice(np.ones(100, dtype=np.float32), SR, 60.0, "percussive")
    a = SampleVoice(np.ones(SR, dtype=np.float32), SR, 60.0, "percussive")  # 1 s bed
    notes = [Note(60, 100, 0.0, 1.0), Note(64, 100, 0.0, 1.0), Note(67, 80, 1.0, 2.0)]
    events, length = soundscape_events(notes, 120.0, v, [p], [a], length_beats=4.0)
    assert length == 2.0
    mel = [e for e in events if e.sample is v]
    assert [(e.start_s, e.note, e.duration_s) for e in mel] == [(0.0, 60, 0.5), (0.0, 64, 0.5), (0.5, 67, 1.0)]
    hits = [e for e in events if e.sample is p]
    assert [e.start_s for e in hits] == [0.0, 0.5] and hits[1].velocity == 56  # one per onset, 70 %
    bed = [e for e in events if e.sample is a]
    assert [e.start_s for e in bed] == [0.0, 1.0]  # retriggered to cover the phrase


def test_render_from_the_library_near_a_place(tmp_path, capsys):
    from exsampling_osc.library import Library

    lib = Library(tmp_path / "data")
    specs = [  # (name, lat, lon, label, mode, root)
        ("bell.wav", 48.8566, 2.3522, "church_bells", "melodic", 69.0),
        ("knock.wav", 48.8567, 2.3523, "door_wood_knock", "percussive", None),
        ("rain.wav", 48.8566, 2.3524, "rain", "percussive", None),
        ("far.wav", 40.0, -74.0, "church_bells", "melodic", 57.0),
    ]
    for name, lat, lon, label, mode, root in specs:
        src = write_sine(tmp_path / name, 440.0) if mode == "melodic" else write_click(tmp_path / name)
        rid = lib.keep_recording(src, name, source="upload", latitude=lat, longitude=lon, accuracy=5.0)
        path = lib.write_sample(rid, 0, sf.read(str(src), dtype="float32")[0], SR)
        lib.store.store_analysis(
            rid,
            [
                {
                    "piece_index": 0,
                    "start": 0.0,
                    "duration": 1.0,
                    "path": str(path),
                    "label": label,
                    "confidence": 0.9,
                    "top": [[label, 0.9]],
                    "root_midi": root,
                    "pitch_confidence": 0.8 if root else 0.0,
                    "analysed_mode": mode,
                }
            ],
        )
    lib.close()
    out = tmp_path / "paris.wav"
    rc = main(
        [
            "compose",
            "render",
            "--seed",
            "1",
            "--data-dir",
            str(tmp_path / "data"),
            "--near",
            "48.8566,2.3522",
            "--radius",
            "100",
            "--sr",
            str(SR),
            "--out",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert rc == 0 and out.is_file()
    assert "melodic: sample 1 church_bells" in printed
    assert "percussive: sample 2 door_wood_knock" in printed and "ambient: sample 3 rain" in printed
    assert "sample 4" not in printed  # recorded elsewhere
    rc = main(["compose", "render", "--data-dir", str(tmp_path / "data"), "--near", "0,0", "--out", str(out)])
    assert rc == 1


def test_choose_samples_takes_the_latest_session_and_skips_rejected(tmp_path):
    f = write_click(tmp_path / "x.wav")
    row = dict(
        path=str(f),
        label="dog",
        overridden_label=None,
        confidence=0.5,
        analysed_mode="melodic",
        root_midi=60.0,
        pitch_confidence=0.5,
        latitude=None,
        longitude=None,
        state="ready",
    )
    rows = [
        dict(row, id=1, created=1000.0),
        dict(row, id=2, created=100000.0, pitch_confidence=0.1),
        dict(row, id=3, created=100001.0, state="rejected", pitch_confidence=0.99),
    ]
    chosen = choose_samples(rows, {"rain"})
    assert chosen.melodic["id"] == 2  # id 1 is an older session; id 3 was rejected


def test_render_without_samples_or_library_is_refused(tmp_path, capsys):
    rc = main(["compose", "render", "--data-dir", str(tmp_path / "none"), "--out", str(tmp_path / "o.wav")])
    assert rc == 1 and "no library" in capsys.readouterr().err
    rc = main(["compose", "render", "--melodic", str(tmp_path / "missing.wav"), "--out", str(tmp_path / "o.wav")])
    err = capsys.readouterr()
    assert rc == 2 and "missing.wav: no such file" in err.err and not (tmp_path / "o.wav").exists()
    assert "phrase at" not in err.out  # refused before the phrase is decoded and printed
