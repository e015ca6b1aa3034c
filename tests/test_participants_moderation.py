"""Moderation flags on real material: espeak-ng speech, ESC-50 non-speech clips, clipped and silent signals.

Measured figures (bench/vad_rates.py) are in docs/PARTICIPANTS.md; these tests hold the behaviour.
"""

from __future__ import annotations

import csv
import shutil
import subprocess

import numpy as np
import pytest
import soundfile as sf

from exsampling_osc.analysis.moderation import Flags, HoldPolicy, held, moderation_flags

NON_VOCAL = ("rain", "engine", "clock_tick", "keyboard_typing", "church_bells", "wind", "sea_waves", "train")


def espeak(tmp_path, text, voice="en"):
    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng is not installed")
    out = tmp_path / "speech.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(out), text], check=True, capture_output=True)
    y, sr = sf.read(out, dtype="float32")
    return y, sr


@pytest.mark.parametrize("voice", ["en", "ja", "en+f3"])
def test_rendered_speech_is_flagged(tmp_path, voice):
    y, sr = espeak(tmp_path, "Hello, my name is Yuki and I am recording this in the hall tonight.", voice)
    f = moderation_flags(y, sr)
    assert f.speech and not f.near_silent and not f.clipped
    assert f.voiced_share > 0.5
    # the same speech under hiss at about 20 dB SNR, at the phone page's 22.05 kHz, is still speech
    import soxr

    noisy = soxr.resample(y, sr, 22050) + np.random.default_rng(0).normal(0, 0.02, int(len(y) * 22050 / sr) + 1)[
        : len(soxr.resample(y, sr, 22050))
    ].astype(np.float32)
    assert moderation_flags(noisy, 22050).speech


def test_non_vocal_esc50_clips_are_not_speech(esc50):
    rows = [r for r in csv.DictReader(open(esc50 / "esc50.csv")) if r["category"] in NON_VOCAL]
    rows = [next(r for r in rows if r["category"] == c) for c in NON_VOCAL]
    speech = []
    for r in rows:
        y, sr = sf.read(esc50 / "audio" / r["filename"], dtype="float32")
        f = moderation_flags(y if y.ndim == 1 else y.mean(axis=1), sr)
        speech.append(f.speech)
    assert sum(speech) <= 1, dict(zip(NON_VOCAL, speech, strict=True))


def test_clipped_and_near_silent():
    sr = 22050
    t = np.arange(sr) / sr
    loud = np.clip(3 * np.sin(2 * np.pi * 220 * t), -1, 1).astype(np.float32)  # a hard-clipped tone
    f = moderation_flags(loud, sr)
    assert f.clipped and f.clipped_share > 0.3 and not f.near_silent
    clean = (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    assert not moderation_flags(clean, sr).clipped
    hush = np.random.default_rng(1).normal(0, 0.001, sr).astype(np.float32)  # about -60 dBFS room hush
    f = moderation_flags(hush, sr)
    assert f.near_silent and not f.speech and f.names() == ["near_silent"]
    assert f.as_dict()["flags"] == ["near_silent"]


def test_sparse_knocks_are_not_near_silent():
    """Six knocks peaking at -30 dBFS in 8 s of digital quiet average about -55 dBFS RMS: near-silent looks at
    the loudest 100 ms (about -43 dBFS here), so the take is not flagged; the same level spread evenly is."""
    sr = 22050
    t = np.arange(int(0.3 * sr)) / sr
    knock = (0.0316 * np.sin(2 * np.pi * 300 * t) * np.exp(-t / 0.02)).astype(np.float32)
    take = np.zeros(8 * sr, np.float32)
    for k in range(6):
        take[sr + k * sr : sr + k * sr + knock.size] += knock
    f = moderation_flags(take, sr)
    assert f.rms_db < -50 and f.loudest_db > -45, (f.rms_db, f.loudest_db)
    assert not f.near_silent
    hush = np.random.default_rng(2).normal(0, 10 ** (f.rms_db / 20), take.size).astype(np.float32)
    assert moderation_flags(hush, sr).near_silent


def test_thresholds_can_be_overridden_one_at_a_time():
    sr = 22050
    quiet = (0.005 * np.sin(2 * np.pi * 440 * np.arange(sr) / sr)).astype(np.float32)  # about -49 dBFS
    assert not moderation_flags(quiet, sr).near_silent
    assert moderation_flags(quiet, sr, {"silent_rms_db": -40.0}).near_silent
    with pytest.raises(ValueError, match="mono"):
        moderation_flags(np.zeros((2, 100)), sr)


def test_hold_policy():
    flagged = Flags(True, False, False, 0.01, -10.0, 0.0)
    clean = Flags(False, False, False, 0.0, -20.0, 0.1)
    assert held(flagged, HoldPolicy.FLAGGED) and not held(clean, HoldPolicy.FLAGGED)
    assert held(clean, "all") and held(flagged, "all")
    assert not held(flagged, "none")
    with pytest.raises(ValueError):
        held(clean, "sometimes")
