"""Phrases loop on the bar line and a new one takes over at the next bar line, never mid-bar (the reference
semantics in exsampling_osc.composer.looper), with phrases the shipped model composes."""

from __future__ import annotations

import pytest

from exsampling_osc.composer.looper import Looper
from exsampling_osc.composer.midi import Note

pytest.importorskip("exsampling_osc.composer.live")


def phrase(x: float, y: float, bars: int = 2):
    from exsampling_osc.composer.generate import Controls
    from exsampling_osc.composer.live import phrase_at

    p = phrase_at(x, y, None, None, controls=Controls(bars=bars))  # type: ignore[arg-type]
    return p.notes, p.length_beats


def test_a_phrase_loops_from_the_bar_line_it_started_on():
    notes, length = phrase(0.3, -0.4)
    looper = Looper()
    assert looper.cue(notes, length, now=1.5) == 4.0  # cued in bar 1: starts on bar 2
    played = looper.advance(4.0 + 2 * length)
    assert [n.start_beats for n in played] == [4.0 + n.start_beats for n in notes] + [
        4.0 + length + n.start_beats for n in notes
    ]
    assert [n.note for n in played] == [n.note for n in notes] * 2


def test_a_new_phrase_lands_on_the_next_bar_line_not_mid_bar():
    old, length = phrase(0.3, -0.4)
    new, new_length = phrase(-0.6, 0.5, bars=1)
    looper = Looper()
    looper.cue(old, length, now=0.0)
    before = looper.advance(5.25)  # into the second bar of the old phrase
    assert looper.cue(new, new_length, now=5.25) == 8.0
    assert looper.cue(new, new_length, now=6.0) == 8.0  # moved again before the bar line: the newest wins
    rest = looper.advance(16.0)
    old_part = [n for n in before + rest if n.start_beats < 8.0]
    assert [n.note for n in old_part] == [n.note for n in old]  # the old phrase plays out its bar
    assert all(n.start_beats + n.duration_beats <= 8.0 for n in old_part)
    new_part = [n for n in rest if n.start_beats >= 8.0]
    assert [n.start_beats for n in new_part] == [b + n.start_beats for b in (8.0, 12.0) for n in new]


def test_a_cue_before_anything_sounded_replaces_at_once_and_notes_are_cut_at_the_swap():
    replaced = Looper()
    replaced.cue([Note(60, 100, 0.0, 8.0)], 8.0, now=0.0)
    replaced.cue([Note(64, 100, 0.0, 1.0)], 4.0, now=0.0)  # replaced before anything sounded
    assert replaced.advance(4.0) == [Note(64, 100, 0.0, 1.0)]
    looper = Looper()
    looper.cue([Note(60, 100, 0.0, 2.0), Note(62, 100, 3.0, 5.0)], 8.0, now=0.0)  # 62 crosses bar 2
    assert looper.advance(0.5) == [Note(60, 100, 0.0, 2.0)]
    assert looper.cue([Note(64, 100, 0.0, 1.0)], 4.0, now=0.5) == 4.0
    assert looper.advance(8.0) == [Note(62, 100, 3.0, 1.0), Note(64, 100, 4.0, 1.0)]  # cut at the bar line
    with pytest.raises(ValueError, match="whole bars"):
        Looper().cue([], 3.0, now=0.0)
