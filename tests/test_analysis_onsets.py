"""Onset slicing on real rendered drum sequences (fluidsynth + GM SoundFont) over ESC-50 backgrounds."""

import numpy as np
import pytest

from exsampling_osc.analysis.onsets import DEFAULTS, detect_onsets, match_onsets, slice_hits
from tests import onset_material

needs_fluidsynth = pytest.mark.skipif(not onset_material.available(), reason="fluidsynth or GM SoundFont missing")


def clicks(sr=22050, starts=(2000, 9000, 16000)):
    y = np.zeros(sr, np.float32)
    t = np.arange(3000)
    for s in starts:
        y[s : s + 3000] += (np.sin(2 * np.pi * 600 * t / sr) * np.exp(-t / 600)).astype(np.float32)
    return y


def test_onsets_are_refined_to_within_a_millisecond_on_clean_hits():
    found = detect_onsets(clicks(), 22050)
    assert found.size == 3
    assert np.all(np.abs(found - np.array([2000, 9000, 16000])) <= 22)


def test_hits_end_before_the_next_and_carry_fades_without_steps():
    sr = 22050
    hits = slice_hits(clicks(sr), sr)
    assert len(hits) == 3
    for a, b in zip(hits, hits[1:], strict=False):
        assert a.end <= b.start
    for h in hits:
        assert h.audio[0] == 0.0 and h.audio[-1] == 0.0
        assert abs(h.audio[1]) < 10 ** (-60 / 20) * 100  # the first samples ramp up from silence
        assert 20 * np.log10(np.max(np.abs(np.diff(h.audio[:3]))) + 1e-12) < -30
        assert h.audio.size < 3000 + 200  # silence after the decay is trimmed
        assert h.peak_db > -10


def test_silence_gives_no_hits():
    assert slice_hits(np.zeros(22050, np.float32), 22050) == []


def test_match_onsets_counts_each_reference_once():
    assert match_onsets(np.array([0.1, 0.101]), np.array([0.1])) == (2 / 3, 0.5, 1.0)


@needs_fluidsynth
def test_rendered_sequences_over_background_are_found(tmp_path, esc50):
    total_tp = total_found = total_true = 0
    for seed in (5000, 5001, 5002):
        seq = onset_material.make_sequence(seed, tmp_path, esc50)
        found = detect_onsets(seq.audio, seq.sr) / seq.sr
        f, p, r = match_onsets(found, seq.onsets)
        total_tp += round(r * seq.onsets.size)
        total_found += found.size
        total_true += seq.onsets.size
        hits = slice_hits(seq.audio, seq.sr)
        for h in hits:
            assert h.audio[0] == 0.0 and h.audio[-1] == 0.0
            assert h.audio.size >= DEFAULTS.min_hit_s * seq.sr
        starts = np.array([h.start for h in hits])
        assert np.all(np.diff(starts) > 0)
        assert all(a.end <= b.start for a, b in zip(hits, hits[1:], strict=False))
    precision, recall = total_tp / total_found, total_tp / total_true
    assert 2 * precision * recall / (precision + recall) >= 0.8


@needs_fluidsynth
def test_busy_background_raises_the_threshold_where_it_is(tmp_path, esc50):
    """Drums over rain at 6 dB SNR (tuning seed 23): the moving-median threshold keeps the drops out."""
    from dataclasses import replace

    seq = onset_material.make_sequence(23, tmp_path, esc50)
    f, p, _ = match_onsets(detect_onsets(seq.audio, seq.sr) / seq.sr, seq.onsets)
    assert p >= 0.85 and f >= 0.8
    _, p_flat, _ = match_onsets(detect_onsets(seq.audio, seq.sr, replace(DEFAULTS, median_k=0.0)) / seq.sr, seq.onsets)
    assert p_flat < 0.6
