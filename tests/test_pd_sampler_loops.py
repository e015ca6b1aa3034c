"""The Pure Data sampler (real Pd, real UDP) loops a melodic sample's loop region while the note is held,
stops a sample without loop points at its end, and matches loudness to the target (peak kept at -1 dBFS)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from loop_material import LOOP, SRC, rms_db, tone
from pd_support import PD, active_span, dominant_hz
from test_pd_sampler import load, play

from exsampling_osc.analysis.loudness import DEFAULT_TARGET_LUFS, integrated_lufs, peak_db

pytestmark = pytest.mark.skipif(PD is None, reason="Pure Data (Debian package puredata) is not installed")


def test_a_looped_sample_sustains_a_held_note_at_pitch(pd, tmp_path):
    load(pd, "keys", 1, tone(tmp_path / "a.wav", 0.5, tail=False), 69, "melodic", loop=LOOP)
    y, sr = play(pd, tmp_path, [(81, 127, 1.5)], 1.9)  # an octave up: the 0.5 s file would last 0.25 s
    start, end = active_span(y, sr)
    assert end - start == pytest.approx(1.5 + 0.05, abs=0.02)
    late = y[int((start + 1.2) * sr) : int((start + 1.45) * sr)]
    assert dominant_hz(late, sr) == pytest.approx(882, rel=0.005)
    hop = sr // 100
    windows = [rms_db(y[i : i + hop]) for i in range(int((start + 0.02) * sr), int((start + 1.48) * sr), hop)]
    assert max(windows) - min(windows) < 0.3


def test_a_sample_without_loop_points_stops_at_its_end(pd, tmp_path):
    load(pd, "keys", 1, tone(tmp_path / "a.wav", 0.5, tail=False), 69, "melodic")
    y, sr = play(pd, tmp_path, [(81, 127, 1.5)], 1.9)
    start, end = active_span(y, sr)
    assert end - start == pytest.approx(LOOP[1] / SRC / 2, abs=0.02)


def test_samples_of_different_loudness_come_out_level_matched(pd, tmp_path):
    out = []
    for k, amp in enumerate((0.5, 0.02)):
        path = tone(tmp_path / f"{k}.wav", amp, 1.0)
        data, _ = sf.read(path)
        load(pd, "keys", k + 1, path, 69, "melodic", lufs=integrated_lufs(data, SRC), peak=peak_db(data))
        y, sr = play(pd, tmp_path, [(69, 127, 0.6)], 0.8, name=f"out{k}.wav")
        start, _ = active_span(y, sr)
        out.append(integrated_lufs(y[int((start + 0.05) * sr) : int((start + 0.55) * sr)], sr))
    assert abs(out[0] - out[1]) < 1.0
    assert out[0] == pytest.approx(DEFAULT_TARGET_LUFS, abs=1.0)


def test_the_gain_keeps_the_peak_at_the_ceiling(pd, tmp_path):
    # peak -6 dBFS, said to be at -40 LUFS: +17 dB wanted, +5 allowed
    load(pd, "keys", 1, tone(tmp_path / "a.wav", 0.5, 1.0), 69, "melodic", lufs=-40.0, peak=-6.02)
    y, _ = play(pd, tmp_path, [(69, 127, 0.4)], 0.6)
    assert 20 * np.log10(np.abs(y).max()) == pytest.approx(-1.0, abs=0.1)
