"""Several voices mixed: placement, summing, voice stealing."""

import numpy as np
import pytest

from exsampling_osc.sampler import RELEASE_S, NoteEvent, SampleVoice, render_events, render_note
from exsampling_osc.sampler.mix import peak_normalise

SR = 8000


def dc_voice(level: float = 0.5, seconds: float = 4.0, mode: str = "percussive") -> SampleVoice:
    return SampleVoice(np.full(int(seconds * SR), level, dtype=np.float32), SR, 60.0, mode)


def test_notes_are_placed_at_their_onsets_and_summed():
    v = dc_voice()
    out = render_events([NoteEvent(v, 0.0, 60, 127, 1.0), NoteEvent(v, 0.5, 60, 127, 1.0)], SR)
    assert len(out) == round(1.5 * SR) + round(RELEASE_S * SR)
    assert out[int(0.25 * SR)] == pytest.approx(0.5)
    assert out[int(0.75 * SR)] == pytest.approx(1.0)  # two voices at once
    assert out[int(1.25 * SR)] == pytest.approx(0.5)


def test_mix_equals_the_sum_of_single_notes():
    rng = np.random.default_rng(0)
    v = SampleVoice(rng.uniform(-0.3, 0.3, SR * 2).astype(np.float32), SR, 57.0, "melodic")
    events = [NoteEvent(v, 0.1 * i, 57 + 2 * i, 90, 0.3) for i in range(4)]
    out = render_events(events, SR)
    expected = np.zeros_like(out)
    for e in events:
        y = render_note(v.audio, SR, v.root_midi, e.note, e.velocity, e.duration_s, v.mode)
        s = round(e.start_s * SR)
        expected[s : s + len(y)] += y
    assert np.allclose(out, expected, atol=1e-6)


def test_a_ninth_note_releases_the_oldest_voice():
    v = dc_voice(0.1)
    events = [NoteEvent(v, 0.1 * i, 60, 127, 2.0) for i in range(9)]
    out = render_events(events, SR, max_voices=8)
    # the first note is released at 0.8 s: 50 ms later only eight voices sound
    assert out[int(0.79 * SR)] == pytest.approx(0.8, abs=1e-4)
    assert out[int(0.86 * SR)] == pytest.approx(0.8, abs=1e-4)
    free = render_events(events, SR, max_voices=16)
    assert free[int(0.86 * SR)] == pytest.approx(0.9, abs=1e-4)


def test_fixed_length_cuts_and_pads():
    v = dc_voice()
    assert len(render_events([NoteEvent(v, 0.0, 60, 127, 1.0)], SR, length_s=0.5)) == SR // 2
    assert len(render_events([NoteEvent(v, 0.0, 60, 127, 0.1)], SR, length_s=2.0)) == 2 * SR
    assert len(render_events([], SR)) == 0


def test_peak_normalise():
    y = np.array([0.0, -2.0, 1.0], dtype=np.float32)
    assert np.max(np.abs(peak_normalise(y))) == pytest.approx(0.9)
    assert np.all(peak_normalise(np.zeros(3, dtype=np.float32)) == 0)
