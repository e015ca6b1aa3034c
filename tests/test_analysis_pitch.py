import numpy as np
import pytest

from exsampling_osc.analysis.pitch import estimate_pitch, hz_to_midi
from tests.conftest import tone

SR = 22050


def test_sine_440_is_a4_within_10_cents():
    est = estimate_pitch(tone(440.0, 2.0), SR)
    assert est.note == 69
    assert abs(est.root_midi - 69.0) * 100 < 10
    assert abs(est.cents) < 10
    assert est.confidence > 0.8
    assert est.mode == "melodic"


@pytest.mark.parametrize("freq", [110.0, 261.63, 987.77])
def test_other_sines(freq):
    est = estimate_pitch(tone(freq, 1.5), SR)
    assert abs(est.root_midi - hz_to_midi(freq)) < 0.1


def test_harmonic_tone_is_read_by_its_fundamental():
    est = estimate_pitch(tone(220.0, 2.0, harmonics=6), SR)
    assert est.note == 57  # A3, not one of its overtones
    assert est.confidence > 0.7


def test_white_noise_has_low_confidence_and_plays_percussive():
    rng = np.random.default_rng(1)
    est = estimate_pitch(rng.uniform(-0.5, 0.5, SR * 2).astype(np.float32), SR)
    assert est.confidence < 0.3
    assert est.mode == "percussive"


def test_silence_has_no_pitch():
    est = estimate_pitch(np.zeros(SR, dtype=np.float32), SR)
    assert est.root_midi is None and est.confidence == 0.0 and est.mode == "percussive"
