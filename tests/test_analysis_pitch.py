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


def _chord(midis, seconds=2.0, harmonics=4):
    t = np.arange(int(seconds * SR)) / SR
    y = sum(
        np.sin(2 * np.pi * h * 440.0 * 2 ** ((m - 69) / 12) * t) / h for m in midis for h in range(1, harmonics + 1)
    )
    return (0.2 * y / np.abs(y).max()).astype(np.float32)


@pytest.mark.parametrize("bass, shape", [(48, (0, 4, 7)), (60, (0, 4, 7)), (57, (0, 3, 7))])
def test_a_chord_is_rooted_on_its_bass_note_not_on_its_common_period(bass, shape):
    # YIN alone finds the period the partials share: two octaves below a major triad's bass note
    est = estimate_pitch(_chord([bass + i for i in shape]), SR)
    assert abs(est.root_midi - bass) < 0.5, est
    assert est.mode == "melodic"


def test_a_tone_with_a_weak_fundamental_keeps_its_root():
    # a phone's low cut: the fundamental 26 dB down, harmonics 2-6 present; the pitch heard is still 110 Hz
    t = np.arange(2 * SR) / SR
    y = 0.05 * np.sin(2 * np.pi * 110 * t) + sum(np.sin(2 * np.pi * 110 * h * t) / h for h in range(2, 7))
    est = estimate_pitch((0.2 * y).astype(np.float32), SR)
    assert abs(est.root_midi - hz_to_midi(110.0)) < 0.5


def test_a_two_tone_siren_plays_melodic_on_its_lower_tone():
    t = np.arange(3 * SR) / SR
    f = np.where((t % 1.0) < 0.5, 440.0, 440.0 * 2 ** (5 / 12))
    y = np.sin(2 * np.pi * np.cumsum(f) / SR)
    est = estimate_pitch((0.3 * y).astype(np.float32), SR)
    assert est.mode == "melodic" and abs(est.root_midi - 69) < 0.5


def test_a_high_bell_like_note_above_2_khz_is_found():
    est = estimate_pitch(tone(2637.0, 1.5), SR)  # E7, a glockenspiel's register
    assert abs(est.root_midi - 100) < 0.5
