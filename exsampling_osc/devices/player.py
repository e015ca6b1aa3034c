"""The sampler's phrase player: the newest composed phrase looped on Live's transport, in 16th-note steps.

It follows :mod:`exsampling_osc.composer.looper` (the reference semantics): the phrase playing loops from the
bar line it started on; ``/exsampling/phrase`` and its ``/exsampling/phrase/note`` messages fill a second
store and take over at the next bar line the clock reaches (several before it: the newest wins); a note
still sounding there is cut at that bar line. Plain Max objects only, so maxsim can run the same patch:

* clock: ``metro 16n @quantize 16n @active 1`` bangs on Live's 16th grid, only while Live plays
  (https://docs.cycling74.com/reference/metro; https://docs.cycling74.com/userguide/m4l/live_timing), and
  ``transport`` (https://docs.cycling74.com/reference/transport) says where: step = round(ticks / 120);
* two unnamed ``coll`` (https://docs.cycling74.com/reference/coll), the playing phrase and the cued one,
  keyed by the step within the phrase ("duration velocity note"; one note per step: the composer's phrases
  are one voice), a third keyed by the absolute step where a sounding note ends;
* ``flush`` (https://docs.cycling74.com/reference/flush) ends every sounding note at the swap, when the
  Player toggle goes off, when Live's position jumps (a step that does not follow the last one) and when
  the clock stops (a ``delay`` retriggered by each step).
Off by default: with the toggle off, phrases are stored but nothing plays.
"""

from __future__ import annotations

from exsampling_osc.devices.maxpat import Patcher
from exsampling_osc.devices.voice import via
from exsampling_osc.osc import protocol

PHRASE = protocol.PREFIX + "/phrase"
PHRASE_NOTE = protocol.PREFIX + "/phrase/note"
PLAYER = "Player"  # the toggle's Live parameter name
STEP_TICKS = 120  # a 16th note in transport ticks (480 per quarter note)
BAR_STEPS = 16  # 4/4, as the composer's phrases and Looper's BEATS_PER_BAR
WATCHDOG_MS = 1000  # longer than a 16th at Live's slowest tempo (20 BPM: 750 ms)
_UNPACK = {"i": "0", "f": "0.", "s": "s"}
TO_STEPS = "expr int($f1 * 4. + 0.5)"  # beats to 16th steps


def _unpack(address: str) -> str:
    return "unpack " + " ".join(_UNPACK[a.type] for a in protocol.get(address).args)


def _field(address: str, name: str) -> int:
    return [a.name for a in protocol.get(address).args].index(name)


def phrase_player(p: Patcher, router: str, phrase_outlet: int, note_outlet: int, poly: str) -> None:
    """The player, fed by ``router``'s outlets for /exsampling/phrase and /exsampling/phrase/note (address
    stripped), playing into ``poly`` (pitch left, velocity right) beside the MIDI from Live."""
    x, y = 1300, 40
    toggle = p.ui("live.text", x, y, 60, 18, view=(8, 74, 56, 16), text="phrases", mode=1)
    p.setting(toggle, PLAYER, ["off", "on"])
    status = p.ui("comment", x + 300, y, 200, 30, text="phrase player off", view=(70, 74, 222, 30), linecount=2)

    # the clock: a step number for each 16th while Live plays and the toggle is on
    ticking = p.obj("gate 1 0", x, y + 60)
    p.connect(toggle, 0, ticking, 0)
    p.connect(p.obj("metro 16n @quantize 16n @active 1", x + 80, y + 30), 0, ticking, 1)
    tick = via(p, ticking, 0, p.obj("t b b", x, y + 90))
    watchdog = via(p, tick, 1, p.obj(f"delay {WATCHDOG_MS}", x + 80, y + 120))
    where = via(p, tick, 0, p.obj("transport", x, y + 120))
    step = via(p, where, 7, p.obj(f"expr int($f1 / {STEP_TICKS}. + 0.5)", x, y + 150))
    each = via(p, step, 0, p.obj("t i i i i", x, y + 180))  # right to left: jump?, note-offs, swap, note-ons

    # Live's position jumped (loop brace, a click in the arrangement, a restart): every sounding note ends
    jumped = via(p, each, 3, p.obj("expr $i1 != $i2 + 1", x + 400, y + 210))
    jump = via(p, jumped, 0, p.obj("sel 1", x + 400, y + 240))

    # note-offs due at this step (then forgotten), into flush and on to the voices
    ends = via(p, each, 2, p.obj("t i i i", x + 200, y + 210))
    last_step, off_step = p.obj("i", x + 200, y + 240), p.obj("expr $i1 + $i2", x + 260, y + 480)
    p.connect(ends, 2, last_step, 1)
    p.connect(ends, 2, off_step, 1)
    p.connect(ends, 2, jumped, 1)  # the step before the next one
    offs = p.obj("coll", x + 320, y + 270)
    p.connect(ends, 1, offs, 0)
    via(p, ends, 0, p.obj("prepend remove", x + 250, y + 240), offs)
    flush = p.obj("flush", x + 320, y + 540)
    note_off = via(p, offs, 0, p.obj("t i 0", x + 320, y + 300))
    p.connect(note_off, 1, flush, 1)
    p.connect(note_off, 0, flush, 0)
    p.connect(flush, 1, poly, 1)
    p.connect(flush, 0, poly, 0)

    # the swap: at a bar line with a phrase cued, the cued store plays from here
    due = via(p, each, 1, p.obj(f"expr ($i1 % {BAR_STEPS} == 0) * $i2", x + 100, y + 210))
    swap = via(p, via(p, due, 0, p.obj("sel 1", x + 100, y + 240)), 0, p.obj("t b b b b b b b", x + 100, y + 270))
    p.connect(swap, 6, flush, 0)  # a note still sounding is cut at the bar line
    via(p, swap, 5, p.msg("clear", x + 240, y + 300), offs)
    playing, cued = p.obj("i 1", x + 100, y + 330), p.obj("i 2", x + 160, y + 300)
    p.connect(swap, 4, cued, 0)
    p.connect(cued, 0, playing, 0)
    reading, writing = p.obj("gate 2 1", x, y + 420), p.obj("gate 2 2", x + 500, y + 420)
    p.connect(playing, 0, reading, 0)
    other = via(p, playing, 0, p.obj("expr 3 - $i1", x + 160, y + 360))
    p.connect(other, 0, cued, 1)
    p.connect(other, 0, writing, 0)
    stores = [p.obj("coll", x + 120 * i, y + 450) for i in range(2)]
    for i, store in enumerate(stores):
        p.connect(reading, i, store, 0)
        p.connect(writing, i, store, 0)
    cue_length, cue_id = p.obj("i", x + 300, y + 360), p.obj("i", x + 600, y)
    position = p.obj("expr ((($i1 - $i3) % max($i2, 1) + max($i2, 1)) % max($i2, 1)) - ($i2 < 1) * 1000", x, y + 390)
    p.connect(swap, 3, cue_length, 0)
    p.connect(cue_length, 0, position, 1)
    p.connect(swap, 2, last_step, 0)
    p.connect(last_step, 0, position, 2)  # the bar line it started on
    via(p, swap, 1, p.msg("0", x + 140, y + 300), due, 1)
    now_playing = via(p, swap, 0, cue_id)
    via(p, now_playing, 0, p.obj("sprintf set playing phrase %ld", x + 600, y + 30), status)

    # note-ons: the playing store's entry at this step; its note-off is booked at step + duration
    p.connect(each, 0, position, 0)
    p.connect(position, 0, reading, 1)
    fields = p.obj("unpack 0 0 0", x, y + 480)  # duration (steps), velocity, note: right to left
    for store in stores:
        p.connect(store, 0, fields, 0)
    pitch, booking = p.obj("i", x + 60, y + 540), p.obj("pack 0 0", x + 260, y + 510)
    p.connect(fields, 2, pitch, 1)
    p.connect(fields, 2, booking, 1)
    p.connect(fields, 1, flush, 1)
    on = via(p, fields, 0, p.obj("t b i", x, y + 510))
    via(p, on, 1, off_step, booking)
    p.connect(booking, 0, offs, 0)
    via(p, on, 0, pitch, flush)

    # a phrase: cued (its store emptied, its length kept) until the next bar line
    head = via(p, router, phrase_outlet, p.obj(_unpack(PHRASE), x + 500, y + 90))
    steps = via(p, head, _field(PHRASE, "length_beats"), p.obj(TO_STEPS, x + 700, y + 120), cue_length, 1)
    shown = p.obj("sprintf set phrase %ld cued: %ld notes in %ld bars", x + 500, y + 180)
    via(p, steps, 0, p.obj(f"expr int($f1 / {BAR_STEPS}. + 0.5)", x + 700, y + 150), shown, 2)
    p.connect(head, _field(PHRASE, "count"), shown, 1)
    ident = via(p, head, _field(PHRASE, "phrase_id"), p.obj("t i i", x + 500, y + 120))
    p.connect(ident, 1, cue_id, 1)
    via(p, ident, 0, p.msg("1", x + 600, y + 150), due, 1)
    clear = p.msg("clear", x + 560, y + 150)
    p.connect(ident, 0, clear, 0)
    p.connect(clear, 0, writing, 1)
    p.connect(shown, 0, status, 0)
    p.connect(ident, 1, shown, 0)

    # a note: "step duration velocity note" into the cued coll (unpack fires right to left)
    note = via(p, router, note_outlet, p.obj(_unpack(PHRASE_NOTE), x + 500, y + 240))
    entry, at = p.obj("pack 0 0 0 0", x + 500, y + 330), p.obj("i", x + 500, y + 300)
    length_steps = p.obj("expr max(int($f1 * 4. + 0.5), 1)", x + 700, y + 270)
    via(p, note, _field(PHRASE_NOTE, "duration_beats"), length_steps, entry, 1)
    via(p, note, _field(PHRASE_NOTE, "start_beats"), p.obj(TO_STEPS, x + 640, y + 270), at, 1)
    p.connect(note, _field(PHRASE_NOTE, "velocity"), entry, 2)
    p.connect(note, _field(PHRASE_NOTE, "note"), entry, 3)
    via(p, via(p, note, _field(PHRASE_NOTE, "phrase_id"), p.obj("t b", x + 500, y + 270)), 0, at, entry)
    p.connect(entry, 0, writing, 1)

    # off (the toggle) or the clock stopped (no step for a second): every sounding note ends
    silence = p.obj("t b b", x + 400, y + 480)
    p.connect(silence, 1, flush, 0)
    via(p, silence, 0, p.msg("clear", x + 400, y + 510), offs)
    p.connect(watchdog, 0, silence, 0)
    p.connect(jump, 0, silence, 0)
    state = via(p, toggle, 0, p.obj("sel 0", x + 160, y + 30))
    p.connect(state, 0, silence, 0)
    via(p, state, 0, p.msg("set phrase player off", x + 160, y + 60), status)
    via(p, state, 1, p.msg("set phrase player on: phrases start on a bar line", x + 300, y + 60), status)
