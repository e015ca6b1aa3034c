"""The Pure Data sampler's phrase player under real `pd -nogui -noaudio`, fed over UDP as the backend sends:
the notes it plays (printed with their 16th step on its own clock) equal exsampling.composer.looper.Looper's
for the same cues, each cue placed at the step where Pd says it arrived."""

from __future__ import annotations

import re

import pytest
from pd_support import PD, PdSampler
from test_devices_player import composed, reference

from exsampling_osc.backend.phrases import phrase_messages
from exsampling_osc.composer.midi import Note

pytestmark = pytest.mark.skipif(PD is None, reason="Pure Data (Debian package puredata) is not installed")

Played = tuple[int, int, int, int]


def send(pd: PdSampler, pid: int, notes: list[Note], length_beats: float) -> None:
    """/exsampling/phrase, its notes and done, as backend/phrases.py writes them."""
    controls = {"temperature": 1.0, "density": 1.0, "register": 60, "key": 0, "low": 48, "high": 72}
    phrase = {"phrase_id": pid, "length_beats": length_beats, "midi_path": f"/p{pid}.mid", "x": 0.0, "y": 0.0}
    phrase.update(notes=[vars(n) for n in notes], controls=controls)
    for address, args in phrase_messages(phrase):
        pd.osc(address, *args)
    pd.wait_for(rf"exsampling: phrase {pid} cued at step")


def played(lines: list[str]) -> list[Played]:
    """The printed note-ons and note-offs paired: pitch, velocity, start step, length in steps."""
    sounding, out = {}, []
    for line in lines:
        if m := re.search(r"phrase on (\d+) (\d+) step (\d+)", line):
            sounding[int(m[1])] = (int(m[2]), int(m[3]))
        elif (m := re.search(r"phrase off (\d+) step (\d+)", line)) and int(m[1]) in sounding:
            velocity, start = sounding.pop(int(m[1]))
            out.append((int(m[1]), velocity, start, int(m[2]) - start))
    return sorted(out, key=lambda n: n[2])


def cued_at(pd: PdSampler, pid: int) -> float:
    """Where Looper should cue it: after the step Pd had played when it arrived (0: before the clock ran)."""
    on = next(i for i, line in enumerate(pd.lines) if "phrase player on" in line)
    i, line = next((i, line) for i, line in enumerate(pd.lines) if f"phrase {pid} cued at step" in line)
    return 0.0 if i < on else (int(line.split()[-1]) + 1) / 4


def test_phrases_loop_from_their_bar_line_and_the_newest_cue_wins_on_the_next_one(pd):
    old, old_length = composed(0.3, -0.4, 2)
    first, first_length = composed(0.9, 0.9, 2)
    newest, newest_length = composed(-0.6, 0.5, 1)
    send(pd, 1, old, old_length)
    pd.control("tempo 480")
    pd.control("player 1")  # its clock starts on a bar line: the cued phrase starts there
    pd.wait_for(r"phrase on \d+ \d+ step (1[7-9]|2\d)")  # in bar 2
    send(pd, 2, first, first_length)
    send(pd, 3, newest, newest_length)  # moved again before bar 3
    pd.wait_for(r"step (8\d|9\d)")
    pd.control("player 0")
    pd.wait_for("phrase player off")
    cues = [(cued_at(pd, 1), old, old_length), (cued_at(pd, 2), first, first_length)]
    cues.append((cued_at(pd, 3), newest, newest_length))
    assert cues[0][0] == 0 and 17 / 4 < cues[1][0] <= cues[2][0] <= 8.0  # the test's timing held
    got = [n for n in played(pd.lines) if n[2] + n[3] <= 64]
    assert got == reference(cues, 16.0) and len(got) >= 20
    assert [n[0] for n in got if n[2] >= 32] == [n.note for n in newest] * 2  # none of the first cue
    assert "exsampling: playing phrase 3" in pd.lines


def test_off_by_default_a_note_at_the_swap_is_cut_and_off_ends_the_last(pd):
    send(pd, 1, [Note(60, 100, 2.0, 6.0)], 8.0)  # sounding from step 8 to step 32
    pd.control("tempo 240")
    with pytest.raises(AssertionError):
        pd.wait_for(r"phrase on", timeout=0.5)  # the player is off until told
    pd.control("player 1")
    pd.wait_for(r"phrase on 60 100 step 8")
    send(pd, 2, [Note(64, 80, 0.0, 1.0), Note(67, 80, 4.0, 1.0)], 8.0)  # cued while 60 sounds: 60 ends on bar 2
    pd.wait_for(r"phrase on 67 80 step 32")  # 2 bars from bar 2 (step 16): 64 there, 67 at step 32
    pd.control("player 0")  # 67 would last to step 36: it ends now
    pd.wait_for("phrase player off")
    got = played(pd.lines)
    assert got[:2] == [(60, 100, 8, 8), (64, 80, 16, 4)] and got[2][:3] == (67, 80, 32) and got[2][3] < 4
