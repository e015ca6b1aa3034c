"""``exsampling slice`` as a person runs it: a real subprocess on a rendered drum sequence over background noise."""

import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from exsampling_osc.analysis.loudness import PEAK_CEILING_DB, integrated_lufs, peak_db
from tests import onset_material

FIELDS = {"file", "start", "end", "peak_db", "loudness_lufs", "label", "confidence", "root_midi", "mode", "path"}
STEP = 10 ** (-60 / 20)  # -60 dBFS


def slice_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "exsampling_osc", "slice", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.skipif(not onset_material.available(), reason="fluidsynth or GM SoundFont missing")
def test_slice_finds_each_hit_and_writes_click_free_normalised_wavs_at_the_files_rate(tmp_path, esc50):
    seq = onset_material.make_sequence(6008, tmp_path / "m", esc50, sr=44100, seconds=5.0, snr_db=24)
    wav = tmp_path / "drums.wav"
    sf.write(str(wav), seq.audio, seq.sr)
    result = slice_cli("--json", "--out", tmp_path / "hits", wav)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == seq.onsets.size == 7
    starts = np.array([r["start"] for r in rows])
    assert np.all(np.abs(starts - seq.onsets) <= 0.025), starts - seq.onsets
    for row, nxt in zip(rows, rows[1:] + [None], strict=True):
        assert FIELDS <= row.keys() and row["file"] == str(wav)
        assert row["start"] < row["end"] and (nxt is None or row["end"] <= nxt["start"])
        assert row["mode"] in ("melodic", "percussive") and 0 <= row["confidence"] <= 1
        y, sr = sf.read(row["path"], dtype="float32")
        assert sr == 44100 and abs(y.size / sr - (row["end"] - row["start"])) < 0.002  # the file's own rate
        assert abs(y[0]) <= STEP and abs(y[-1]) <= STEP  # no slice starts or ends with a step
        lufs, peak = integrated_lufs(y, sr), peak_db(y)
        assert peak <= PEAK_CEILING_DB + 0.05
        assert abs(lufs - (-23.0)) <= 1.0 or abs(peak - PEAK_CEILING_DB) < 0.05
        assert row["peak_db"] <= 0 and row["loudness_lufs"] < row["peak_db"]  # measured on the hit as recorded


def test_missing_and_empty_files_are_refused_with_the_words_of_classify(tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    result = slice_cli("--json", tmp_path / "nowhere.wav", empty)
    assert result.returncode == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows == [
        {"file": str(tmp_path / "nowhere.wav"), "error": "nowhere.wav: no such file"},
        {"file": str(empty), "error": "empty.wav: the file is empty (0 bytes)"},
    ]


def test_silence_is_refused_and_text_output_names_each_hit(write_audio):
    sr = 22050
    y = np.zeros(sr, np.float32)
    t = np.arange(2000)
    for s in (3000, 12000):
        y[s : s + 2000] = 0.5 * np.sin(2 * np.pi * 300 * t / sr) * np.exp(-t / 300)
    knocks, quiet = write_audio("knocks.wav", y), write_audio("quiet.wav", np.zeros(sr, np.float32))
    result = slice_cli(knocks, quiet)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and all(x.startswith(f"{knocks} @") for x in lines[:2])
    spans = [x.split(" @")[1].split("s:")[0].split("-") for x in lines[:2]]
    assert all(abs(float(a) - s / sr) <= 0.006 for (a, _), s in zip(spans, (3000, 12000), strict=True))
    assert all(float(b) > float(a) for a, b in spans)
    assert lines[-1] == f"{quiet}: error: the recording is silent"  # as classify words it
