"""The BUILT sampler device through maxsim: a melodic sample's loop sustains a held note at pitch, a sample
without loop points stops at its end, loudness is matched to the target (peak kept at -1 dBFS), and the
status names the sample's recording."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from loop_material import LOOP, SRC, rms_db, tone
from pd_support import active_span, dominant_hz
from test_devices_maxsim import SR, play, sample_msg, sampler

from exsampling_osc.analysis.loudness import DEFAULT_TARGET_LUFS, integrated_lufs, peak_db


def held(tmp_path: Path, loop: tuple[int, int], seconds: float = 2.0) -> np.ndarray:
    sim = sampler()
    path = tone(tmp_path / "a.wav", 0.5, tail=False)
    sim.broadcast("exsampling.fromhub", sample_msg("bells", 1, path, 69, "melodic", loop=loop))
    return play(sim, [(0.1, 81, 127, seconds)], seconds + 0.4)  # an octave up: the 0.5 s file lasts 0.25 s


def test_a_looped_sample_sustains_a_held_note_at_pitch(tmp_path):
    y = held(tmp_path, LOOP)
    start, end = active_span(y, SR)
    assert end - start == pytest.approx(2.0 + 0.05, abs=0.010)  # the whole note and its release
    late = y[int(1.8 * SR) : int(2.05 * SR)]
    assert dominant_hz(late, SR) == pytest.approx(882, rel=0.005)
    # every 10 ms from the first lap to note-off at the same level: the loop, not the silent rest of the file
    windows = [rms_db(y[i : i + SR // 100]) for i in range(int(0.15 * SR), int(2.09 * SR), SR // 100)]
    assert max(windows) - min(windows) < 0.2


def test_a_sample_without_loop_points_stops_at_its_end(tmp_path):
    start, end = active_span(held(tmp_path, (-1, -1)), SR)
    assert end - start == pytest.approx(LOOP[1] / SRC / 2, abs=0.010)  # its sound ends where the loop would


def test_one_shot_play_does_not_loop(tmp_path):
    sim = sampler(Play="one-shot")
    sim.broadcast("exsampling.fromhub", sample_msg("bells", 1, tone(tmp_path / "a.wav", 0.5), 69, "melodic", loop=LOOP))
    start, end = active_span(play(sim, [(0.1, 81, 127, 2.0)], 2.4), SR)
    assert end - start == pytest.approx(0.25, abs=0.010)


def test_samples_of_different_loudness_come_out_level_matched(tmp_path):
    out = []
    for k, amp in enumerate((0.5, 0.02)):
        path = tone(tmp_path / f"{k}.wav", amp, 1.0)
        data, _ = sf.read(path)
        lufs, peak = integrated_lufs(data, SRC), peak_db(data)
        sim = sampler()
        sim.broadcast("exsampling.fromhub", sample_msg("bells", 1, path, 69, "melodic", lufs=lufs, peak=peak))
        y = play(sim, [(0.1, 69, 127, 0.6)], 0.8)
        out.append(integrated_lufs(y[int(0.15 * SR) : int(0.65 * SR)], SR))
    assert abs(out[0] - out[1]) < 1.0
    assert out[0] == pytest.approx(DEFAULT_TARGET_LUFS, abs=1.0)


def test_the_gain_keeps_the_peak_at_the_ceiling_and_scales_with_velocity(tmp_path):
    path = tone(tmp_path / "a.wav", 0.5, 1.0)  # peak -6.0 dBFS; said to be at -40 LUFS: +17 dB wanted, +5 allowed
    sim = sampler()
    sim.broadcast("exsampling.fromhub", sample_msg("bells", 1, path, 69, "melodic", lufs=-40.0, peak=-6.02))
    y = play(sim, [(0.1, 69, 127, 0.3), (0.6, 69, 64, 0.3)], 1.0)
    assert 20 * np.log10(np.abs(y[: int(0.5 * SR)]).max()) == pytest.approx(-1.0, abs=0.05)
    assert np.abs(y[int(0.5 * SR) :]).max() / np.abs(y[: int(0.5 * SR)]).max() == pytest.approx(64 / 127, rel=0.01)


def test_unknown_loudness_plays_unchanged(tmp_path):
    sim = sampler()
    sim.broadcast("exsampling.fromhub", sample_msg("bells", 1, tone(tmp_path / "a.wav", 0.5), 69, "melodic"))
    assert np.abs(play(sim, [(0.1, 69, 127, 0.3)], 0.5)).max() == pytest.approx(0.5, rel=0.01)


def test_the_status_names_the_recording_the_sample_comes_from(tmp_path):
    sim = sampler()
    sim.broadcast("exsampling.fromhub", sample_msg("bells", 1, tone(tmp_path / "a.wav", 0.5), 69, "percussive"))
    shown = [" ".join(map(str, m)) for m in sim.received["comment"]]
    assert "set new: dog, rec 7" in shown
