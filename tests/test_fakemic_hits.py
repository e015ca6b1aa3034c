"""Knocks and claps through the participant's browser path (Chromium's fake microphone, the real recorder page,
a real ``exsampling serve``): the hits sliced from what the backend stored score within a few points of the
same files sliced directly, against exact onsets, and every hit starts and ends without a step.

The measuring instrument (offset by cross-correlation, per-hit offsets, the scoring) is checked first on a
take whose offset and dropped buffer are known."""

from __future__ import annotations

import fakemic_support as fm
import numpy as np
import pytest
from knock_material import PAD_S, SR, make_knock_sequence

SEEDS = (0, 1)  # a knock sequence over a background, a clap sequence


def _to_rate(y: np.ndarray) -> np.ndarray:
    import soxr

    return soxr.resample(y, SR, fm.RATE).astype(np.float32)


def test_material_onsets_are_exact_and_the_padding_is_silent():
    seq = make_knock_sequence(3, None, seconds=3.0)  # synthetic claps, no background
    first = int(round(seq.onsets[0] * seq.sr))
    assert seq.onsets[0] == pytest.approx(PAD_S)
    assert not np.any(seq.audio[:first]) and np.max(np.abs(seq.audio[first : first + SR // 1000])) > 0
    assert np.all(np.diff(seq.onsets) >= 0.07 - 1e-9)


def test_the_instrument_finds_a_known_offset_and_a_dropped_buffer():
    """A clap take 37.0 ms and half a sample late, with 10 ms dropped 2.4 s in (what a browser glitch looks
    like), 6 dB down: each hit's own offset, gain and correlation come out as made."""
    seq = make_knock_sequence(5, None, seconds=4.0)  # synthetic claps: their highs feel half a sample
    assert np.sum(seq.onsets < 2.25) >= 3 and np.sum(seq.onsets > 2.55) >= 3
    src = _to_rate(seq.audio)
    late, drop_at, drop = int(0.037 * fm.RATE), int(2.4 * fm.RATE), int(0.01 * fm.RATE)
    take = fm.delay(np.concatenate([src[late:drop_at], src[drop_at + drop :]]) * 0.5, 0.5)
    before, after = (late - 0.5) / fm.RATE, (late + drop - 0.5) / fm.RATE
    offset, gain, corr = fm.estimate_offset(take, src, fm.RATE)
    assert offset == pytest.approx(before, abs=2e-6) or offset == pytest.approx(after, abs=2e-6)
    assert corr < 0.999  # part of the take is 10 ms off the best single offset
    t_rec, offs, gains, corrs = fm.truth_in_recording(seq.onsets, take, src, fm.RATE, offset)
    expected = np.where(seq.onsets < drop_at / fm.RATE, before, after)
    clear = np.abs(seq.onsets - drop_at / fm.RATE) > 0.15  # a hit's window near the drop sees both sides
    np.testing.assert_allclose(offs[clear], expected[clear], atol=2e-6)  # within 0.05 sample
    np.testing.assert_allclose(t_rec[clear], seq.onsets[clear] - expected[clear], atol=2e-6)
    np.testing.assert_allclose(gains[clear], 0.5, atol=0.005)
    assert np.all(corrs[clear] > 0.995)
    score = fm.Score()
    score.add(t_rec + 0.002, t_rec)
    score.add(np.array([0.5]), np.array([0.6]))
    assert (score.tp, score.found, score.truth) == (t_rec.size, t_rec.size + 1, t_rec.size + 1)
    assert np.allclose(score.errors_ms, 2.0)


@pytest.fixture(scope="module")
def takes(tmp_path_factory, esc50):
    """The two sequences recorded through one backend (one browser launch each) and measured."""
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright
    from serve_support import Serve

    tmp = tmp_path_factory.mktemp("fakemic")
    serve = Serve(tmp / "data")
    out = []
    try:
        with sync_playwright() as p:
            for seed in SEEDS:
                seq = make_knock_sequence(seed, esc50)  # the bench's first two sequences
                mic = fm.write_source(tmp / f"{seq.name}.wav", seq.audio, seq.sr)
                stored, sr, rec = fm.record_through_browser(p, serve, mic, seq.audio.size / seq.sr + 0.5)
                assert sr == fm.RATE
                out.append(fm.measure(seq.name, seq.onsets, fm.load(mic), stored, rec))
    finally:
        serve.stop()
    return out


def test_the_browser_path_delivers_the_source_in_time_and_level(takes):
    """The take starts within half a second of the file; each hit arrives at the level it was played (no
    automatic gain) and the typical hit matches its source stretch. A loaded machine makes Chromium insert or drop 10 ms
    buffers, so a hit's own offset may move by 10 ms steps from the take's; it may not wander further."""
    for t in takes:
        assert abs(t.offset_s) < 0.5, (t.name, t.offset_s)
        assert 0.8 < t.gain < 1.25 and t.hit_corr[1] > 0.9, (t.name, t.gain, t.hit_corr)
        assert np.all(np.abs(t.hit_offsets_s - t.offset_s) <= 0.1), (t.name, t.hit_offsets_s)


def test_hits_found_through_the_browser_score_within_a_few_points_of_direct_slicing(takes):
    browser, direct = fm.Score(), fm.Score()
    for t in takes:
        assert t.truth_rec.size >= 5, t.name
        browser.add(t.browser, t.truth_rec)
        direct.add(t.direct, t.truth_src)
    f_browser, f_direct = browser.fpr[0], direct.fpr[0]
    assert f_direct >= 0.85, direct.line()
    assert f_browser >= f_direct - 0.05, (browser.line(), direct.line())
    assert np.median(np.abs(browser.errors_ms)) < 3.0, browser.line()


def test_every_hit_starts_and_ends_without_a_step(takes):
    for t in takes:
        assert t.steps_db["browser"] < -60 and t.steps_db["direct"] < -60, (t.name, t.steps_db)
        if "backend" in t.steps_db:  # the hits the backend stored, when it cut the take into hits
            assert t.steps_db["backend"] < -60, (t.name, t.steps_db)
