"""Loop points: sustained GM instruments and tones loop without a click and keep their pitch; hits get none."""

import numpy as np
import pytest

from exsampling_osc.analysis.audio import frame_rms_db
from exsampling_osc.analysis.loops import crossfade_loop, find_loop, loop_playback, seam_step
from exsampling_osc.analysis.pitch import estimate_pitch
from tests import onset_material
from tests.conftest import tone

SR = 22050
needs_fluidsynth = pytest.mark.skipif(not onset_material.available(), reason="fluidsynth or GM SoundFont missing")
#: GM programs with a sustained sound: piano, church organ, strings, clarinet, flute (and the note played).
SUSTAINED = ((0, 60), (19, 60), (48, 57), (71, 50), (73, 72))


def harmonic(seconds=1.5):
    """A harmonic tone with a 20 ms attack, a slow tremolo and a little noise."""
    y = tone(196, seconds, amp=0.4, harmonics=6)
    t = np.arange(y.size) / SR
    env = np.minimum(1.0, t / 0.02) * (1 + 0.05 * np.sin(2 * np.pi * 3 * t))
    noise = np.random.default_rng(1).normal(0, 0.002, y.size)
    return (y * env + noise).astype(np.float32)


def check_loop(y):
    """Find and apply the loop; assert the seam does not click, the level and the pitch hold; the seam step."""
    loop = find_loop(y, SR)
    assert loop is not None
    db = frame_rms_db(np.pad(y, 512), 1024, 256)
    assert loop.start > int(np.flatnonzero(db >= db.max() - 1)[0]) * 256  # after the attack
    assert loop.end - loop.start >= 0.075 * SR and loop.crossfade > 0
    out = crossfade_loop(y, loop)
    at_seam, elsewhere = seam_step(out, loop.start, loop.end)
    assert at_seam <= 1.25 * elsewhere + 1e-4, (at_seam, elsewhere)
    played = loop_playback(out, loop.start, loop.end, loop.end + 4 * (loop.end - loop.start))
    laps = played[loop.start :]
    level = frame_rms_db(laps, 2048, 512)
    assert level.max() - level.min() < 3.0  # no dip at the crossfade, no jump at the seam
    before = estimate_pitch(y[loop.start : loop.end], SR)
    after = estimate_pitch(laps, SR)
    assert before.root_midi is not None and after.root_midi is not None
    assert abs(after.root_midi - before.root_midi) < 0.1  # within 10 cents
    return at_seam


def test_a_harmonic_tone_loops_without_a_click():
    check_loop(harmonic())


def test_without_the_crossfade_or_at_a_wrong_end_the_seam_clicks():
    y = harmonic()
    loop = find_loop(y, SR)
    assert loop is not None
    at_seam, elsewhere = seam_step(y, loop.start, loop.end - 7)  # 7 samples short of a whole period
    assert at_seam > 3 * elsewhere


@needs_fluidsynth
@pytest.mark.parametrize("program, key", SUSTAINED)
def test_sustained_gm_instruments_loop_without_a_click_and_keep_their_pitch(tmp_path, program, key):
    check_loop(onset_material.render_note(tmp_path, key, 1.5, program))


@needs_fluidsynth
@pytest.mark.parametrize("key", [36, 38, 42, 45, 56, 75])  # kick, snare, hi-hat, tom, cowbell, clave
def test_gm_drum_hits_get_no_loop(tmp_path, key):
    assert find_loop(onset_material.render_note(tmp_path, key, 1.0, program=-1), SR) is None


def test_decaying_noisy_and_short_clips_get_no_loop():
    t = np.arange(SR) / SR
    assert find_loop((np.exp(-t / 0.05) * np.sin(2 * np.pi * 330 * t)).astype(np.float32), SR) is None
    assert find_loop(np.random.default_rng(0).uniform(-0.3, 0.3, SR).astype(np.float32), SR) is None
    assert find_loop(tone(440, 0.08), SR) is None
    assert find_loop(np.zeros(SR, np.float32), SR) is None
