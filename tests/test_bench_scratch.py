"""Benchmarks and screenshot scripts write pictures to a scratch folder: only --update-docs touches docs/img."""

import re
import subprocess
import sys
from pathlib import Path

from bench.shots import DOCS_IMG, SCRATCH, image_path

REPO = Path(__file__).resolve().parents[1]
PICTURE_SCRIPTS = {"bench_recorder.py": "recorder-phone.png", "screenshot_console.py": "console.png"}


def test_default_is_the_scratch_folder_and_update_docs_the_tracked_picture(tmp_path):
    assert image_path(None, False, "x.png") == SCRATCH / "x.png"
    assert REPO not in SCRATCH.parents
    assert image_path(None, True, "x.png") == DOCS_IMG / "x.png"
    assert image_path(tmp_path / "a" / "y.png", True, "x.png") == tmp_path / "a" / "y.png"  # an explicit path wins
    assert (tmp_path / "a").is_dir()


def test_every_script_that_saves_a_picture_goes_through_shots():
    for script in sorted((REPO / "bench").glob("*.py")):
        if script.name == "shots.py":
            continue
        text = script.read_text()
        saves = re.search(r"\.screenshot\(|savefig\(", text)
        assert not re.search(r"[\"']docs[\"']\s*/\s*[\"']img|docs/img/\w", text.split('"""', 2)[-1]), script.name
        if saves:
            assert script.name in PICTURE_SCRIPTS and "image_path(" in text, script.name


def test_help_shows_the_scratch_default():
    for script, name in PICTURE_SCRIPTS.items():
        done = subprocess.run(
            [sys.executable, str(REPO / "bench" / script), "--help"], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        text = " ".join(done.stdout.split())
        assert str(SCRATCH / name) in text.replace(" ", "") or str(SCRATCH / name) in text, text
        assert "--update-docs" in text
