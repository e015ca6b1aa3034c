"""``exsampling classify`` as a person runs it: a real subprocess on real files."""

import json
import subprocess
import sys

import numpy as np

from exsampling_osc.analysis.classify import ModelInfo
from exsampling_osc.resources import default_model_dir
from tests.conftest import tone

FIELDS = {"file", "start", "label", "confidence", "top", "root_midi", "pitch_confidence", "mode"}


def classify(*args):
    return subprocess.run(
        [sys.executable, "-m", "exsampling_osc", "classify", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_json_lines_for_each_piece_and_errors_per_file(write_audio, tmp_path):
    labels = set(ModelInfo.read(default_model_dir()).labels) | {"unknown"}
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "sub").mkdir()
    write_audio("in/sub/long.wav", tone(440, 12.0))  # 3 pieces: 5, 5, 2 s
    write_audio("in/noise.flac", np.random.default_rng(0).uniform(-0.3, 0.3, 22050 * 3).astype(np.float32))
    (folder / "broken.wav").write_text("not audio at all")
    result = classify("--json", folder)
    assert result.returncode == 1, result.stderr  # one file failed
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    errors = [r for r in rows if "error" in r]
    pieces = [r for r in rows if "error" not in r]
    assert len(errors) == 1 and errors[0]["file"].endswith("broken.wav") and "readable" in errors[0]["error"]
    long_rows = [r for r in pieces if r["file"].endswith("long.wav")]
    assert [r["start"] for r in long_rows] == [0.0, 5.0, 10.0]
    for row in pieces:
        assert FIELDS <= row.keys()
        assert row["label"] in labels
        assert row["top"][0][1] >= row["top"][-1][1]
        assert row["mode"] in ("melodic", "percussive")
    assert all(abs(r["root_midi"] - 69) < 0.2 and r["mode"] == "melodic" for r in long_rows)
    assert [r["mode"] for r in pieces if r["file"].endswith("noise.flac")] == ["percussive"]


def test_exit_status_zero_when_all_succeed(write_audio):
    path = write_audio("a.wav", tone(330, 2.0))
    result = classify(path)
    assert result.returncode == 0, result.stderr
    assert "a.wav" in result.stdout


def test_missing_model_is_a_clear_error(write_audio, tmp_path):
    path = write_audio("a.wav", tone(330, 1.0))
    result = classify("--model", tmp_path / "nowhere", path)
    assert result.returncode == 1
    assert "model.json" in result.stderr and "Traceback" not in result.stderr
