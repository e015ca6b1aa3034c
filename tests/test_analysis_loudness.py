"""Loudness: LUFS, peak and peak-limited normalisation on tones, noise bursts and drum hits."""

import math

import numpy as np
import pytest

from exsampling_osc.analysis.loudness import PEAK_CEILING_DB, integrated_lufs, normalise, peak_db
from exsampling_osc.errors import ConfigError
from exsampling_osc.mapping.config import DEFAULT_CONFIG, load_config
from tests import onset_material
from tests.conftest import tone

SR = 22050


def drum_hit(seconds=0.3, freq=180.0, decay=0.05, amp=0.8, seed=0):
    t = np.arange(int(seconds * SR)) / SR
    noise = np.random.default_rng(seed).normal(0, 0.3, t.size)
    return (amp * (np.sin(2 * np.pi * freq * t) + noise) * np.exp(-t / decay)).astype(np.float32)


def noise_burst(seconds, amp, seed):
    y = np.random.default_rng(seed).uniform(-amp, amp, int(seconds * SR)).astype(np.float32)
    fade = np.minimum(1.0, np.minimum(np.arange(y.size), np.arange(y.size)[::-1]) / 200)
    return (y * fade).astype(np.float32)


def material():
    """Varied clips: short and long tones at many levels, noise bursts, decaying drum hits, a lone click."""
    clips = [
        tone(440, 2.0, amp=0.5),
        tone(110, 1.0, amp=0.01),
        tone(2000, 0.15, amp=0.2, harmonics=3),
        tone(330, 0.05, amp=0.9),
        noise_burst(0.5, 0.05, 1),
        noise_burst(0.08, 0.6, 2),
        noise_burst(3.0, 0.001, 3),
        drum_hit(),
        drum_hit(0.12, 90, 0.02, 0.05, 4),
        drum_hit(1.0, 400, 0.2, 0.3, 5),
    ]
    click = np.zeros(SR // 2, np.float32)
    click[1000:1010] = 0.5
    return clips + [click]


def test_peak_db_is_sample_peak_in_dbfs():
    assert peak_db(np.array([0.0, 0.5, -1.0])) == 0.0
    assert math.isclose(peak_db(np.array([0.1])), -20.0, abs_tol=1e-9)
    assert peak_db(np.zeros(10)) == -math.inf


def test_a_full_scale_997_hz_sine_reads_about_minus_3_lufs():
    t = np.arange(2 * SR) / SR
    assert abs(integrated_lufs(np.sin(2 * np.pi * 997 * t), SR) - (-3.01)) < 0.2


def test_a_clip_shorter_than_one_block_measures_like_the_same_sound_held():
    held = integrated_lufs(tone(440, 2.0, amp=0.3), SR)
    for seconds in (0.05, 0.2, 0.39):
        assert abs(integrated_lufs(tone(440, seconds, amp=0.3), SR) - held) < 0.5


def test_silence_has_no_loudness_and_stays_silent():
    assert integrated_lufs(np.zeros(SR), SR) == -math.inf
    assert not np.any(normalise(np.zeros(100, np.float32), SR))


@pytest.mark.parametrize("target", [-16.0, -23.0])
def test_normalised_clips_sit_within_one_lu_of_the_target_or_peak_at_the_ceiling(target):
    limited = reached = 0
    for y in material():
        out = normalise(y, SR, target_lufs=target)
        lufs, peak = integrated_lufs(out, SR), peak_db(out)
        assert peak <= PEAK_CEILING_DB + 0.01
        if abs(lufs - target) <= 1.0:
            reached += 1
        else:
            assert lufs < target and abs(peak - PEAK_CEILING_DB) < 0.01, (lufs, peak)
            limited += 1
    assert reached >= 8 and limited >= 1  # both branches happen on this material


@pytest.mark.skipif(not onset_material.available(), reason="fluidsynth or GM SoundFont missing")
def test_sliced_gm_drum_hits_normalise_within_one_lu(tmp_path, esc50):
    from exsampling_osc.analysis.onsets import slice_hits

    seq = onset_material.make_sequence(5003, tmp_path, esc50, snr_db=30)
    hits = slice_hits(seq.audio, seq.sr)
    assert len(hits) >= 5
    errors = []
    for h in hits:
        out = normalise(h.audio, seq.sr)  # the default target, -23 LUFS
        lufs, peak = integrated_lufs(out, seq.sr), peak_db(out)
        assert peak <= PEAK_CEILING_DB + 0.01
        if abs(peak - PEAK_CEILING_DB) > 0.01:
            errors.append(abs(lufs - (-23.0)))
    assert len(errors) >= len(hits) - 1 and max(errors) <= 1.0  # at most one hit peak-limited


def test_the_target_is_a_config_key(tmp_path):
    assert load_config().loudness_target_lufs == -23.0
    cfg = tmp_path / "c.yaml"
    text = DEFAULT_CONFIG.read_text()
    cfg.write_text(text.replace("loudness_target_lufs: -23", "loudness_target_lufs: -20"))
    assert load_config(cfg).loudness_target_lufs == -20.0
    cfg.write_text(text.replace("loudness_target_lufs: -23", "loudness_target_lufs: 3"))
    with pytest.raises(ConfigError, match="loudness_target_lufs must be a number between -60 and 0"):
        load_config(cfg)
