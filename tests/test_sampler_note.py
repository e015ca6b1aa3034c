"""The reference sampler's single-note semantics (docs/ARCHITECTURE.md, playback semantics)."""

import numpy as np
import pytest

from exsampling_osc.errors import AudioError
from exsampling_osc.sampler import RELEASE_S, playback_rate, render_note

SR = 44100


def sine(freq: float, seconds: float = 2.0, sr: int = SR) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def peak_hz(y: np.ndarray, sr: int = SR) -> float:
    """Frequency of the largest spectral peak (Hann window, zero-padded, parabolic interpolation)."""
    n = 1 << (int(np.ceil(np.log2(len(y)))) + 2)
    mag = np.abs(np.fft.rfft(y * np.hanning(len(y)), n))
    k = int(np.argmax(mag[1:-1])) + 1
    a, b, c = np.log(mag[k - 1 : k + 2] + 1e-12)
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * sr / n


def test_note_81_on_a_440_sample_with_root_69_peaks_at_880():
    y = render_note(sine(440.0), SR, 69, 81, 127, 0.5, "melodic")
    assert peak_hz(y[: int(0.5 * SR)]) == pytest.approx(880.0, rel=0.01)


def test_pitch_follows_the_rate_for_other_notes_and_sample_rates():
    y = render_note(sine(440.0, sr=22050), 22050, 69, 64, 100, 0.5, "melodic", out_sr=SR)
    assert peak_hz(y[: int(0.5 * SR)]) == pytest.approx(440.0 * 2 ** (-5 / 12), rel=0.01)
    assert playback_rate(60, 60, "melodic") == 1.0
    assert playback_rate(72, 60, "melodic") == pytest.approx(2.0)


def test_half_second_note_lasts_half_a_second_plus_the_release():
    y = render_note(sine(440.0), SR, 69, 69, 127, 0.5, "melodic")
    assert len(y) == round(0.5 * SR) + round(RELEASE_S * SR)


def test_release_is_a_linear_fade_to_silence_after_note_off():
    dc = np.full(SR, 0.8, dtype=np.float32)
    y = render_note(dc, SR, 60, 60, 127, 0.25, "percussive")
    held = round(0.25 * SR)
    rel = round(RELEASE_S * SR)
    assert np.allclose(y[:held], 0.8)
    assert y[held + rel // 2] == pytest.approx(0.4, abs=0.01)
    assert abs(y[-1]) < 0.001
    assert np.all(np.diff(y[held:]) < 0)


@pytest.mark.parametrize("note", [0, 36, 60, 69, 96, 127])
def test_percussive_sample_keeps_its_pitch_for_any_note(note):
    y = render_note(sine(440.0), SR, 69, note, 127, 0.5, "percussive")
    assert len(y) == round(0.55 * SR)
    assert peak_hz(y[: int(0.5 * SR)]) == pytest.approx(440.0, rel=0.01)


def test_velocity_sets_linear_gain():
    s = sine(440.0)
    full = render_note(s, SR, 69, 69, 127, 0.3, "melodic")
    half = render_note(s, SR, 69, 69, 64, 0.3, "melodic")
    assert np.allclose(half, full * 64 / 127, atol=1e-6)
    assert np.max(np.abs(full[: int(0.3 * SR)])) == pytest.approx(0.5, abs=0.01)


def test_a_short_sample_ends_the_note_early():
    short = sine(440.0, seconds=0.2)
    y = render_note(short, SR, 69, 69, 127, 1.0, "melodic")
    assert len(y) == len(short)
    up = render_note(short, SR, 69, 81, 127, 1.0, "melodic")  # an octave up plays twice as fast
    assert abs(len(up) - len(short) / 2) <= 1


def test_note_starts_from_the_beginning_of_the_sample():
    ramp = np.linspace(0, 1, SR, dtype=np.float32)
    y = render_note(ramp, SR, 60, 60, 127, 0.1, "melodic")
    assert y[0] == 0.0 and np.allclose(y[:100], ramp[:100])


def test_bad_input_gets_a_clear_error():
    with pytest.raises(AudioError):
        render_note(np.zeros(0, dtype=np.float32), SR, 60, 60, 100, 0.5)
    with pytest.raises(AudioError):
        render_note(np.zeros((2, 100), dtype=np.float32), SR, 60, 60, 100, 0.5)
    with pytest.raises(ValueError, match="mode"):
        render_note(sine(440.0), SR, 60, 60, 100, 0.5, "drone")
    with pytest.raises(ValueError, match="velocity"):
        render_note(sine(440.0), SR, 60, 60, 200, 0.5)
