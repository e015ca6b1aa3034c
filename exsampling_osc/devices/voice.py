"""The sampler's voices and what feeds them at note-on: the groove~ loop and the loudness-matching gain.

Loop points arrive in samples of the file (``loop_start``, ``loop_end`` exclusive, -1: none); groove~ takes
them in ms (https://docs.cycling74.com/reference/groove~: ``setloop <start> <end>``, ``loop 0/1``), so they are
converted with the rate ``info~`` reports for the buffer~ just loaded (https://docs.cycling74.com/reference/info~,
left outlet), not derived from the rounded ``duration``. The gain brings the sample to the loudness target
without its peak passing the ceiling, the same rule as the kit export.
"""

from __future__ import annotations

from exsampling_osc.analysis.loudness import DEFAULT_TARGET_LUFS, PEAK_CEILING_DB
from exsampling_osc.devices.maxpat import Patcher

RELEASE_MS = 50
UNKNOWN_LUFS = -70.0  # the protocol's loudness_lufs "silent or unknown": such a sample plays unchanged
LN10_20 = 0.11512925465  # ln(10) / 20: a gain in dB to a linear one with exp()


def via(p: Patcher, source: str, outlet: int, box: str, destination: str | None = None, inlet: int = 0) -> str:
    """Connect ``source``'s ``outlet`` to the new ``box`` (and ``box`` to ``destination``'s ``inlet``); ``box``."""
    p.connect(source, outlet, box, 0)
    if destination is not None:
        p.connect(box, 0, destination, inlet)
    return box


def loop_and_level(p: Patcher, fields: str, names: list[str], buffers: list[str], gated: str) -> dict[str, str]:
    """Boxes that compute, once a buffer~ has loaded, the newest sample's loop messages and loudness gain.

    ``fields`` is the sample's ``unpack`` (its outlets named by ``names``), ``gated`` the 1/0 "note-off
    releases" rule: a loop plays only where a note-off ends it. Returns the ``cold`` entries ``setloop``,
    ``loop`` (receives every voice reads) and ``loudness`` (the linear gain box).
    """
    start, end = names.index("loop_start"), names.index("loop_end")
    # sample rate of the buffer just loaded (unpack fires right to left: loop points come before the path)
    rate = p.obj("t b f f", 600, 780)
    for i, buf in enumerate(buffers):
        info = p.obj(f"info~ ---smp{'AB'[i]}", 600 + 120 * i, 750)
        p.connect(buf, 1, info, 0)
        p.connect(info, 0, rate, 0)
    to_ms = "expr ($f2 >= 0) * $f2 * 1000. / $f1"
    start_ms, end_ms = p.obj(to_ms, 600, 810), p.obj(to_ms, 700, 810)
    p.connect(fields, start, start_ms, 1)
    p.connect(fields, end, end_ms, 1)
    pair = p.obj("pack 0. 0.", 600, 840)
    via(p, rate, 2, end_ms, pair, 1)
    via(p, rate, 1, start_ms, pair, 0)
    via(p, via(p, pair, 0, p.obj("prepend setloop", 600, 870)), 0, p.obj("s ---setloop", 600, 900))
    # loop 1 only for a sample with a loop, played gated
    flag = p.obj("expr $i1 * ($f2 >= 0) * ($f3 > $f2)", 760, 840)
    p.connect(gated, 0, flag, 0)
    p.connect(fields, start, flag, 1)
    p.connect(fields, end, flag, 2)
    p.connect(rate, 0, flag, 0)
    via(p, via(p, flag, 0, p.obj("prepend loop", 760, 870)), 0, p.obj("s ---loop", 760, 900))
    # gain to the target, lowered so the peak stays at or under the ceiling; unknown loudness: 0 dB
    level = p.obj(
        f"expr exp(($f2 > {UNKNOWN_LUFS}) * min({DEFAULT_TARGET_LUFS} - $f2, {PEAK_CEILING_DB} - $f3) * {LN10_20})",
        900,
        840,
    )
    p.connect(fields, names.index("loudness_lufs"), level, 1)
    p.connect(fields, names.index("peak_db"), level, 2)
    p.connect(rate, 0, level, 0)
    return {"setloop": p.obj("r ---setloop", 600, 930), "loop": p.obj("r ---loop", 760, 930), "loudness": level}


def voice(p: Patcher, k: int, router: str, cold: dict[str, str], mix: str) -> None:
    """One voice: buffer chosen at note-on, speed as a signal, velocity gain, release or one-shot.

    ``cold`` holds the boxes that feed every voice: ``root`` (float), ``melodic`` (1/0), ``gated`` (1: note-off
    releases; 0: one-shot), ``current`` (a ``receive`` of the loaded buffer's name), ``loudness`` (the linear
    loudness-matching gain), ``setloop`` and ``loop`` (receives of the newest sample's groove~ loop messages).
    """
    x, y = 20 + 210 * k, 700
    fields = via(p, router, k, p.obj("unpack 0 0", x, y))
    # speed = melodic ? 2^((note-root)/12) : 1, as a signal: groove~'s left inlet takes speed only as a
    # signal (a float there sets the position in ms): https://docs.cycling74.com/reference/groove~
    rate = via(p, fields, 0, p.obj("expr $i3 * exp(($f1 - $f2) * 0.057762265) + 1 - $i3", x, y + 30))
    p.connect(cold["root"], 0, rate, 1)
    p.connect(cold["melodic"], 0, rate, 2)
    speed = via(p, rate, 0, p.obj("sig~", x, y + 60))
    off = via(p, fields, 1, p.obj("sel 0", x + 90, y + 30))
    # note-off: a 50 ms release, unless the track plays one-shot (the gate is closed then)
    release_gate = p.obj("gate 1 1", x + 90, y + 60)
    p.connect(off, 0, release_gate, 1)
    p.connect(cold["gated"], 0, release_gate, 0)
    release = via(p, release_gate, 0, p.msg(f"0 {RELEASE_MS}", x + 90, y + 90))
    # note-on, right to left: gain jumps to velocity/127 times the loudness gain, the voice takes the newest
    # loaded buffer and its loop (setloop, then loop 0/1), then position 0 (loop 1 moves to the loop start)
    on = via(p, off, 1, p.obj("t b b b b f", x + 140, y + 60))
    gain = via(p, on, 4, p.obj("expr $f1 / 127. * $f2", x + 160, y + 90))
    p.connect(cold["loudness"], 0, gain, 1)
    attack = via(p, gain, 0, p.msg("$1", x + 160, y + 120))
    setloop = p.msg("setloop 0 0", x + 100, y + 180)
    via(p, cold["setloop"], 0, p.obj("prepend set", x + 100, y + 150), setloop)
    looping = p.msg("loop 0", x + 160, y + 180)
    via(p, cold["loop"], 0, p.obj("prepend set", x + 160, y + 150), looping)
    p.connect(on, 2, setloop, 0)
    p.connect(on, 1, looping, 0)
    choose = p.msg("set ---smpA", x + 60, y + 150)  # replaced by "set <buffer>" when a buffer has loaded
    via(p, cold["current"], 0, p.obj("prepend set set", x + 60, y + 120), choose)
    p.connect(on, 3, choose, 0)
    start = via(p, on, 0, p.msg("0", x + 20, y + 150))
    groove = p.obj("groove~ ---smpA 1", x, y + 210)
    p.connect(speed, 0, groove, 0)
    p.connect(choose, 0, groove, 0)
    p.connect(setloop, 0, groove, 0)
    p.connect(looping, 0, groove, 0)
    p.connect(start, 0, groove, 0)
    env = via(p, release, 0, p.obj("line~", x + 120, y + 210))
    p.connect(attack, 0, env, 0)
    amp = via(p, groove, 0, p.obj("*~", x, y + 250), mix, 0)
    p.connect(env, 0, amp, 1)
