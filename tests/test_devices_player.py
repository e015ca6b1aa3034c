"""The BUILT sampler's phrase player through maxsim: composed phrases sent over the hub's OSC path as the
backend sends them, Live's transport run at 120 BPM, and the notes that reach the voices (pitch, velocity,
start step, length in 16th steps) compared with exsampling_osc.composer.looper.Looper on the same input."""

from __future__ import annotations

import numpy as np
import pytest
from pythonosc.osc_message import OscMessage
from test_devices_maxsim import SR, built, sample_msg, tone

from exsampling_osc.backend.phrases import phrase_messages
from exsampling_osc.composer.looper import Looper
from exsampling_osc.composer.midi import Note
from exsampling_osc.devices.maxsim import MaxSim
from exsampling_osc.osc.sender import build

TEMPO = 120.0
BEAT_S = 60.0 / TEMPO
Played = tuple[int, int, int, int]  # pitch, velocity, start step, length in steps


class Live:
    """A Live set with the hub and one sampler on track "bells"; the first :meth:`run` plays the transport from
    1.1.1, after what was sent for time 0 (a phrase sent before Live plays)."""

    def __init__(self, player: str | None = "on", sample: str | None = None) -> None:
        world: list[MaxSim] = []
        self.hub = MaxSim(built("exsampling-hub"), world=world)
        params = {"Track": "bells", **({"Player": player} if player else {})}
        self.sampler = MaxSim(built("exsampling-sampler"), sr=SR, params=params, world=world)
        self.seen = self.sampler.tap("poly")
        self.audio: list[np.ndarray] = []
        if sample:
            self.osc(*sample_msg("bells", 1, sample, 69, "melodic"))
        self.started = False

    def osc(self, address: str, *args) -> None:
        """A datagram as the backend sends it (declared types, float32) into the hub's udpreceive."""
        message = OscMessage(build(address, list(args)))
        self.hub.output("udpreceive", 0, [message.address, *message.params])

    def phrase(self, at_beats: float, pid: int, notes: list[Note], length_beats: float) -> None:
        """At ``at_beats``, /exsampling/phrase, one /exsampling/phrase/note per note and /exsampling/done."""

        controls = {"temperature": 1.0, "density": 1.0, "register": 60, "key": 0, "low": 48, "high": 72}
        phrase = {"phrase_id": pid, "length_beats": length_beats, "midi_path": f"/p{pid}.mid", "x": 0.0, "y": 0.0}
        phrase.update(notes=[vars(n) for n in notes], controls=controls)

        def send() -> None:  # the backend's own messages for it (backend/phrases.py), then done
            for address, args in phrase_messages(phrase):
                self.osc(address, *args)

        self.sampler.at(at_beats * BEAT_S, send)

    def run(self, beats: float) -> list[Played]:
        if not self.started:
            self.sampler.transport.start(TEMPO, 0.0)
            self.started = True
        self.audio.append(self.sampler.render(beats * BEAT_S))
        return played(self.seen)

    def status(self) -> str:
        return " ".join(map(str, self.sampler.received["comment"][-1]))


def played(seen: list[tuple[int, int, list]]) -> list[Played]:
    """The notes that reached poly (velocity in its right inlet, then the pitch), in 16th steps."""
    velocity, sounding, out = 0, {}, []
    for t, inlet, msg in seen:
        if inlet == 1:
            velocity = msg[0]
            continue
        step = round(t / SR / BEAT_S * 4)
        if velocity:
            sounding[msg[0]] = (velocity, step)
        elif msg[0] in sounding:
            v, start = sounding.pop(msg[0])
            out.append((msg[0], v, start, step - start))
    return sorted(out, key=lambda n: n[2])


def reference(cues: list[tuple[float, list[Note], float]], end_beats: float) -> list[Played]:
    """What Looper plays for the same cues (beats, notes, length), in steps; a note still sounding at a swap
    bar line ends there (Looper cuts the notes it returns after the cue; this cuts those before it too)."""
    looper, out, swaps = Looper(), [], set()
    for at, notes, length in cues:
        out += looper.advance(at)
        swaps.add(looper.cue(notes, length, now=at))
    out += looper.advance(end_beats)
    notes = []
    for n in out:
        end = min([n.start_beats + n.duration_beats] + [s for s in swaps if n.start_beats < s])
        if n.start_beats + n.duration_beats <= end_beats:  # only notes that ended inside the run
            notes.append((n.note, n.velocity, round(n.start_beats * 4), round((end - n.start_beats) * 4)))
    return sorted(notes, key=lambda n: n[2])


def composed(x: float, y: float, bars: int) -> tuple[list[Note], float]:
    """A phrase the shipped composer writes at (x, y)."""
    pytest.importorskip("exsampling_osc.composer.live")
    from exsampling_osc.composer.generate import Controls
    from exsampling_osc.composer.live import phrase_at

    p = phrase_at(x, y, None, None, controls=Controls(bars=bars))  # type: ignore[arg-type]
    return list(p.notes), float(p.length_beats)


def test_a_phrase_loops_from_the_bar_line_it_started_on_and_sounds(tmp_path):
    notes, length = composed(0.3, -0.4, 2)
    live = Live(sample=str(tone(tmp_path / "a.wav", 440)))
    live.phrase(1.3, 7, notes, length)  # mid-bar 1: it starts on bar 2 (step 16)
    assert live.run(2.0) == [] and live.status() == f"set phrase 7 cued: {len(notes)} notes in 2 bars"
    got = live.run(4.0 + 2 * length - 2.0)
    want = reference([(1.3, notes, length)], 4.0 + 2 * length)
    assert len(want) >= 2 * len(notes) - 1 and got == want
    assert got[0][2] == 16 + round(notes[0].start_beats * 4)
    assert live.status() == "set playing phrase 7"
    audio = np.concatenate(live.audio)
    onset = int((4.0 + notes[0].start_beats) * BEAT_S * SR)
    assert np.abs(audio[: onset - 64]).max() == 0  # silent until the bar line (control events: per vector)
    assert np.abs(audio[onset : onset + int(0.1 * SR)]).max() > 0.1  # then the voices play it


def test_a_phrase_cued_mid_bar_takes_over_at_the_next_bar_line_only():
    old, old_length = composed(0.3, -0.4, 2)
    new, new_length = composed(-0.6, 0.5, 1)
    live = Live()
    live.phrase(0.0, 1, old, old_length)  # before anything sounded: it starts at once, on 1.1.1
    live.phrase(5.3, 2, new, new_length)  # in bar 2: the new one waits for bar 3 (step 32)
    got = live.run(16.0)
    want = reference([(0.0, old, old_length), (5.3, new, new_length)], 16.0)
    assert got == want
    assert [n[0] for n in got if n[2] < 32] == [n.note for n in old if n.start_beats < 8.0]
    assert all(start + steps <= 32 for _, _, start, steps in got if start < 32)  # the old one ends by bar 3
    assert [n[2] for n in got if n[2] >= 32] == [b + round(n.start_beats * 4) for b in (32, 48) for n in new]


def test_two_cues_before_a_bar_line_the_newest_wins():
    old, old_length = composed(0.3, -0.4, 2)
    first, first_length = composed(0.9, 0.9, 2)
    newest, newest_length = composed(-0.6, 0.5, 1)
    live = Live()
    live.phrase(0.0, 1, old, old_length)
    live.phrase(5.3, 2, first, first_length)
    live.phrase(6.6, 3, newest, newest_length)  # moved again before bar 3
    got = live.run(16.0)
    cues = [(0.0, old, old_length), (5.3, first, first_length), (6.6, newest, newest_length)]
    assert got == reference(cues, 16.0)
    assert [n[0] for n in got if n[2] >= 32] == [n.note for n in newest] * 2  # none of the first cue


def test_a_note_sounding_at_the_swap_bar_line_is_cut_there():
    crossing = [Note(60, 100, 0.0, 2.0), Note(62, 90, 3.0, 5.0)]  # 62 would sound across bar 2
    live = Live()
    live.phrase(0.0, 1, crossing, 8.0)
    live.phrase(0.5, 2, [Note(64, 80, 0.0, 1.0)], 4.0)  # cued before 62 starts: Looper cuts it itself
    got = live.run(8.0)
    assert got == [(60, 100, 0, 8), (62, 90, 12, 4), (64, 80, 16, 4)]  # 62 lasts 4 steps, not 20
    assert got == reference([(0.0, crossing, 8.0), (0.5, [Note(64, 80, 0.0, 1.0)], 4.0)], 8.0)
    live = Live()
    live.phrase(0.0, 1, [Note(60, 100, 2.0, 6.0)], 8.0)  # sounding from beat 2 to beat 8
    live.phrase(3.0, 2, [Note(64, 80, 0.0, 1.0)], 4.0)  # cued while it sounds: it ends on bar 2 all the same
    assert live.run(8.0) == [(60, 100, 8, 8), (64, 80, 16, 4)]


def test_off_by_default_and_off_or_a_stopped_transport_ends_the_note():
    quiet = Live(player=None)  # a sampler as it loads: the Player toggle is off
    quiet.phrase(0.5, 1, [Note(60, 100, 0.0, 4.0)], 4.0)
    quiet.run(7.5)
    assert quiet.seen == [] and quiet.status() == "set phrase 1 cued: 1 notes in 1 bars"
    s = quiet.sampler
    s.at(7.6 * BEAT_S, lambda: s.set_param("Player", 1))  # on in bar 2: the stored phrase starts on bar 3
    s.at(8.5 * BEAT_S, lambda: s.set_param("Player", 0))  # off while its note sounds: it ends at once
    assert quiet.run(8.0) == [(60, 100, 32, 2)] and quiet.status() == "set phrase player off"
    live = Live()
    live.phrase(0.0, 1, [Note(60, 100, 0.0, 4.0)], 4.0)
    live.sampler.at(1.1 * BEAT_S, live.sampler.transport.stop)  # the performer stops Live while it sounds
    # the last step was step 4 (beat 1); the clock watchdog ends the note a second (8 steps) later
    assert live.run(6.0) == [(60, 100, 0, 12)]


def test_a_jump_of_live_s_position_ends_the_sounding_note():
    live = Live()
    live.phrase(0.0, 1, [Note(60, 100, 0.0, 8.0)], 8.0)  # one note through both bars
    live.sampler.at(2.1 * BEAT_S, lambda: live.sampler.transport.start(TEMPO, 0.0))  # back to 1.1.1
    assert live.run(3.0) == [(60, 100, 0, 8)]  # ended at the jump (beat 2.1), not booked for step 32 only
    assert live.seen[-1][2] == [60]  # and the phrase plays again from its bar line
