"""Wrong paths a new user may type: one clear line in the same words across commands, no traceback."""

import subprocess
import sys

from exsampling_osc.errors import no_such_file, no_such_folder, nothing_in_folder
from tests.conftest import tone


def exsampling(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "exsampling_osc", *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd
    )


def one_clear_line(result) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_train_on_a_missing_folder_is_one_line_and_exit_2(tmp_path):
    result = exsampling("train", tmp_path / "my-sounds")
    assert result.returncode == 2
    assert one_clear_line(result) == f"exsampling: {no_such_folder(tmp_path / 'my-sounds')}"


def test_train_on_a_folder_without_sounds_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "my-sounds" / "beep").mkdir(parents=True)
    (tmp_path / "my-sounds" / "beep" / "notes.txt").write_text("no audio here")
    result = exsampling("train", tmp_path / "my-sounds", "--out", tmp_path / "m")
    assert result.returncode == 2
    assert nothing_in_folder(tmp_path / "my-sounds", "class sub-folders with audio files") in one_clear_line(result)
    assert not (tmp_path / "m").exists()


def test_classify_on_a_folder_without_audio_says_so_and_fails(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.txt").write_text("x")
    result = exsampling("classify", tmp_path / "empty")
    assert result.returncode == 1
    assert result.stdout.strip() == f"{tmp_path / 'empty'}: error: {nothing_in_folder(tmp_path / 'empty')}"
    assert "Traceback" not in result.stderr


def test_classify_prints_no_runtime_noise(write_audio):
    result = exsampling("classify", write_audio("a.wav", tone(440, 1.0)))
    assert result.returncode == 0, result.stderr
    assert "XNNPACK" not in result.stderr and "INFO" not in result.stderr, result.stderr


def test_missing_sample_fails_before_the_phrase_in_classify_s_words(tmp_path):
    render = exsampling("compose", "render", "--seed", "3", "--melodic", "bell.wav", cwd=tmp_path)
    classify = exsampling("classify", "bell.wav", cwd=tmp_path)
    assert render.returncode == 2 and render.stdout == ""  # nothing printed before the error
    assert one_clear_line(render) == f"exsampling: {no_such_file('bell.wav')}"
    assert classify.returncode == 1 and no_such_file("bell.wav") in classify.stdout
    assert not list(tmp_path.iterdir())


def test_missing_folders_of_other_commands_use_the_same_words(tmp_path):
    nowhere = tmp_path / "nowhere"
    for args in (["compose", "train", nowhere], ["classify", "--examples", nowhere, "x.wav"]):
        result = exsampling(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert one_clear_line(result) == f"exsampling: {no_such_folder(nowhere)}", args
    result = exsampling("config", "init", "--model", nowhere)
    assert result.returncode == 1 and no_such_folder(nowhere) in one_clear_line(result)
