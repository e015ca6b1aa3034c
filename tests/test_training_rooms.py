"""Features blind above 8 kHz, and the phone-in-room augmentation (pure numpy, no TensorFlow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from exsampling_osc.analysis.features import FeatureParams, log_mel
from exsampling_osc.training.augment import mix_background, phone_in_room, phone_response, room_response
from exsampling_osc.training.dataset import Clip, build_arrays, build_room_arrays

SR = 22050


def tone(freq: float, seconds: float = 5.0, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def rms_db(y: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.asarray(y, dtype=np.float64) ** 2) + 1e-20))


def test_default_features_do_not_see_above_8_khz():
    params = FeatureParams()
    assert params.fmax == 8000.0
    noise = np.random.default_rng(0).standard_normal(params.samples).astype(np.float32) * 0.01
    base = log_mel(noise, params)
    high_a = log_mel(noise + tone(9500), params)
    high_b = log_mel(noise + tone(10500), params)
    low = log_mel(noise + tone(6000), params)
    # a tone above the top band changes nothing that a tone elsewhere above it would not: the image
    # normalises to its loudest bin, so compare the two high tones with each other and with a low one
    assert np.abs(high_a - high_b).mean() < 0.002 and np.abs(high_a - high_b).max() < 0.1
    assert np.abs(low - base).max() > 0.3


def test_a_room_rings_on_after_the_sound_stops():
    rng = np.random.default_rng(1)
    rir = room_response(SR, rng, size=[9.0, 6.0, 3.2], rt60=0.7)
    assert np.abs(rir).max() == pytest.approx(1.0)
    click = np.zeros(SR, dtype=np.float32)
    click[100] = 1.0
    out = phone_in_room(click, SR, rng)
    assert out.shape == click.shape and np.abs(out).max() <= 1.0
    tail = out[int(0.1 * SR) : int(0.3 * SR)]  # 100-300 ms after a click: only the room is left
    assert rms_db(tail) > rms_db(out) - 30


def test_a_large_dry_room_is_made_possible_not_refused():
    rir = room_response(SR, np.random.default_rng(2), size=[12.0, 9.0, 4.0], rt60=0.1)
    assert rir.size > 0


def test_a_phone_cuts_the_lows():
    y = (tone(50, 2.0) + tone(1000, 2.0)).astype(np.float64)  # 2 s: 0.5 Hz bins, the tones on bins 100 and 2000
    for seed in range(5):
        spectrum = np.abs(np.fft.rfft(phone_response(y, SR, np.random.default_rng(seed))[: 2 * SR]))
        # every phone hears the 50 Hz tone at least 12 dB under the 1 kHz one of the same level
        assert 20 * np.log10(spectrum[100] / spectrum[2000]) < -12


def test_background_is_mixed_at_the_asked_level():
    y = tone(440, 1.0)
    bg = np.random.default_rng(4).standard_normal(SR // 3).astype(np.float32)
    out = mix_background(y, bg, snr_db=15.0)
    assert abs(rms_db(out - y) - (rms_db(y) - 15.0)) < 0.2
    assert mix_background(y, np.zeros(10, np.float32), 10.0) is y


def test_room_copies_line_up_with_the_clips(tmp_path: Path):
    clips = []
    for i, (label, freq) in enumerate([("low", 300), ("high", 2000), ("high", 2500)]):
        path = tmp_path / f"{i}.wav"
        sf.write(path, tone(freq, 2.0), SR)
        clips.append(Clip(path, label, 1))
    params = FeatureParams(seconds=1.0, hop_length=512)
    x, _ = build_arrays(clips, ["high", "low"], params, log=None)
    rooms = build_room_arrays(clips, params, seed=0, log=None)
    assert rooms.shape == x.shape
    assert not np.allclose(rooms, x)  # every copy went through a room and a phone
    again = build_room_arrays(clips, params, seed=0, log=None)
    assert np.array_equal(rooms, again)  # the same seed gives the same copies
