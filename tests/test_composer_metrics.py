"""The evaluation figures on hand-made phrases whose values are known, and the baselines beside the model."""

import numpy as np
import pytest

from exsampling_osc.composer.baselines import Markov1, events_of, nearest, tokens_of
from exsampling_osc.composer.grid import HOLD, ON, REST, to_notes
from exsampling_osc.composer.metrics import (
    changed_share,
    closer_count,
    compare,
    copy_rates,
    degenerate,
    density,
    describe,
    histograms,
    jsd,
    pad_survey,
    repeated_share,
)

# (onset step, length in steps, pitch relative to the tonic) on a 16-step bar
SCALE = [(0, 4, 0), (4, 4, 2), (8, 4, 4), (12, 4, 5)]  # C D E F, quarter notes
DOTTED = [(0, 6, 7), (6, 2, 7), (8, 8, 12)]  # G. G C' (a repeat, then up a fourth)
DRONE = [(i * 2, 2, 0) for i in range(8)]  # one pitch, one length: degenerate


def test_jsd_is_zero_for_equal_one_for_disjoint_and_symmetric():
    assert jsd(np.array([1, 2, 3]), np.array([2, 4, 6])) == pytest.approx(0.0)
    assert jsd(np.array([1, 0]), np.array([0, 1])) == pytest.approx(1.0)
    p, q = np.array([1.0, 1.0]), np.array([1.0, 0.0])
    # M = (0.75, 0.25): KL(P||M) = 0.5·log2(2/3) + 0.5·log2(2) ; KL(Q||M) = log2(4/3)
    expected = (0.5 * np.log2(0.5 / 0.75) + 0.5 * np.log2(0.5 / 0.25) + np.log2(1 / 0.75)) / 2
    assert jsd(p, q) == pytest.approx(expected) == pytest.approx(jsd(q, p))


def test_histograms_count_intervals_lengths_positions_and_pitch_classes():
    h = histograms([SCALE, DOTTED])
    assert h["interval"][12 + 2] == 2 and h["interval"][12 + 1] == 1  # +2 +2 +1 in the scale
    assert h["interval"][12 + 0] == 1 and h["interval"][12 + 5] == 1  # G→G, G→C'
    assert h["duration"][3] == 4 and h["duration"][5] == 1 and h["duration"][1] == 1 and h["duration"][7] == 1
    assert list(np.flatnonzero(h["onset"])) == [0, 4, 6, 8, 12] and h["onset"][0] == 2 and h["onset"][8] == 2
    assert h["pitch_class"][0] == 2 and h["pitch_class"][7] == 2  # C, C' ; G, G


def test_scalar_figures():
    assert repeated_share([SCALE, DOTTED]) == pytest.approx(1 / 5)  # one repeat in 5 note pairs
    assert density(SCALE, 16) == 4 and density(DRONE, 32) == 4
    d = describe([SCALE, DOTTED], 16)
    assert d["distinct_durations"] == pytest.approx((1 + 3) / 2)
    assert d["range"] == pytest.approx((5 + 5) / 2) and d["degenerate"] == 0.5  # SCALE: one length throughout
    assert degenerate(DRONE) and degenerate([(0, 4, 3)]) and not degenerate(DOTTED)


def test_copy_rates_find_transposed_copies_and_borrowed_eight_grams():
    up = [(o, n, p + 5) for o, n, p in SCALE]
    assert copy_rates([up, DOTTED], [SCALE]) == {"exact": 0.5, "ngram": 0.0}  # 4 notes: no 8-gram
    line = [(i, 1, p) for i, p in enumerate([0, 2, 4, 5, 7, 9, 11, 12, 11])]
    borrowed = [(i, 1, p + 3) for i, p in enumerate([0, 2, 4, 5, 7, 9, 11, 12, 0])]  # first 8 notes shared
    r = copy_rates([borrowed], [line])
    assert r == {"exact": 0.0, "ngram": 0.5}  # two 8-grams, the first one borrowed


def test_compare_and_closer_count():
    ref = [SCALE, DOTTED]
    same = compare(ref, ref, ref, 16)
    assert same["interval_jsd"] == 0 and same["density_gap"] == 0 and same["copy_exact"] == 1.0
    drone = compare([DRONE], ref, ref, 32)
    assert drone["degenerate"] == 1.0 and drone["repeated_notes"] == 1.0
    assert closer_count(same, drone) == 7 and closer_count(drone, same) == 0


def test_pad_survey_counts_distinct_degenerate_and_big_neighbour_changes():
    a, b = DOTTED, DOTTED[:2] + [(8, 8, 14)]  # one of three notes changed
    assert changed_share(a, b) == pytest.approx(1 / 3) and changed_share(a, SCALE) == 1.0
    grid = [[a, b], [DRONE, DRONE]]
    s = pad_survey(grid)
    # pairs: a-b (1/3), a-DRONE (1), b-DRONE (1), DRONE-DRONE (0) → two of four change more than half
    assert s["neighbour_change"] == 0.5 and s["distinct"] == 3 and s["degenerate"] == 0.5
    assert s["mean_neighbour_change"] == pytest.approx((1 / 3 + 1 + 1 + 0) / 4)


def test_grid_tokens_to_notes_and_events():
    tok = np.array([ON + 12, HOLD, HOLD, REST, ON + 14, ON + 16, HOLD, REST, HOLD])
    assert to_notes(tok) == [(0, 3, 0), (4, 1, 2), (5, 2, 4)]  # a hold after a rest stays silent
    ev = events_of(tok)
    assert ev == [(ON + 12, 3), (REST, 1), (ON + 14, 1), (ON + 16, 2), (REST, 2)]
    assert to_notes(tokens_of(ev, 9)) == to_notes(tok)


def test_markov_chain_follows_training_transitions_and_retrieval_finds_the_nearest():
    a = tokens_of([(ON + 12, 4), (ON + 14, 4), (ON + 16, 4), (ON + 17, 4)], 16)
    b = tokens_of([(ON + 19, 8), (REST, 4), (ON + 19, 4)], 16)
    chain = Markov1(np.stack([a, b]))
    out = chain.sample(20, np.random.default_rng(0))
    assert out.shape == (20, 16)
    allowed = {(x, y) for row in (a, b) for x, y in zip(events_of(row), events_of(row)[1:], strict=False)}
    for row in out:
        ev = events_of(row)
        assert all(pair in allowed for pair in zip(ev[:-1], ev[1:-1], strict=False))  # the last may be cut
    near_b = b.copy()
    near_b[-1] = HOLD
    assert list(nearest(np.stack([a, b]), np.stack([near_b, a]))) == [1, 0]
