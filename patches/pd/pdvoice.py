"""The Pd sampler's playback: the voice abstraction (exsampling-voice.pd) and the [pd voices] subpatch of
exsampling-sampler.pd that allocates voices and tells each what to play.

A voice reads the table with an index ramp ([vline~]). Without a loop the ramp reaches the table's end when
the sample does and the voice is silent from then on. With a loop (``loop_start`` / ``loop_end`` of the
file, end exclusive) the ramp runs on to ``LOOP_RAMP`` frames and ``[expr~]`` folds every index past the
loop end back into the loop, so a held note sustains until its note-off and release; the float32 signal
keeps the index within 1/16 frame up to 2^20 frames, so a loop sustains up to 2^20 source frames (47 s of a
22,050 Hz file at its own pitch) and then ends, as the end of a sample does.
"""

from __future__ import annotations

from pdwriter import Patch, add

RATE = "if($f4, pow(2, ($f1 - $f3) / 12), 1)"
LOOP_RAMP = 1048576  # 2^20 source frames: the index ramp of a looping voice
NO_LOOP_END = 2 * LOOP_RAMP  # a loop end no index reaches: no folding
HAS_LOOP = "($f8 >= 0 && $f9 > $f8)"


def voice() -> Patch:
    """exsampling-voice.pd: one voice."""
    p = Patch(620, 420)
    p.text(
        "exsampling-voice: one voice of the sampler. Made by [clone exsampling-voice 8 $0] in "
        "exsampling-sampler: $1 is the voice number and $2 the sampler's $0 (its table is $2-sample).",
        80,
    )
    add(
        p,
        """
        obj in inlet | obj route route 1 0
    """,
    )
    p.text(
        "1 END MS GAIN LS LE: play the table from its start, reaching index END after MS milliseconds, "
        "at GAIN, silent from then on; an index at or past LE goes back to LS + (index - LS) mod (LE - LS) "
        "(the loop). 0: note-off, a 50 ms linear release from now (the end of the sample still cuts it short).",
        50,
    )
    add(
        p,
        """
        obj t t l l l l | obj lp unpack f f f f f | obj wrap expr~ if($v1 < $f2, $v1, $f3 + fmod($v1 - $f3, $f2 - $f3))
        msg idxmsg 0, $1 $2 | obj idx vline~ | obj plus +~ 1 | obj read tabread4~ $2-sample
        msg envmsg $3 | msg off 0 50 | obj env vline~ | msg endmsg 1, 0 0 $2 | obj end vline~ | obj mul *~
        obj mul2 *~ | obj out outlet~
        wire in:0 -> route, route:0 -> t, route:1 -> off
        wire t:0 -> idxmsg, t:1 -> envmsg, t:2 -> endmsg, t:3 -> lp, lp:4 -> wrap:1, lp:3 -> wrap:2
        wire idxmsg:0 -> idx, idx:0 -> wrap, wrap:0 -> plus, plus:0 -> read, read:0 -> mul
        wire envmsg:0 -> env, off:0 -> env, env:0 -> mul:1, mul:0 -> mul2, endmsg:0 -> end, end:0 -> mul2:1
        wire mul2:0 -> out
    """,
    )
    return p


def voices(top: Patch) -> None:
    """[pd voices] of the sampler: [poly 8 1], and per note-on 1 END MS GAIN LS LE to one voice."""
    p = top.sub("voices", "voices")
    p.text(
        "voices: [poly] picks one of 8 (stealing the oldest); the length, time, gain (velocity / 127 times "
        "the loudness gain) and loop go to it as 1 END MS GAIN LS LE, a note-off as 0.",
        60,
    )
    add(
        p,
        """
        obj pl_r r $0-poly | obj poly poly 8 1 | obj pl_pack pack f f f | msg pl_swap $3 $2 $1
        obj pl_route route 0 | msg pl_offmsg $2 0 | msg pl_onmsg $2 $1 $3 | obj pl_un unpack f f f
        msg pl_voice $1 1 | obj ex_root r $0-root | obj ex_mel r $0-melodic | obj ex_size r $0-size
        obj ex_sr r $0-filesr | obj ex_gain r $0-gain | obj ex_ls r $0-loopstart | obj ex_le r $0-loopend
    """,
    )
    end = f"if({HAS_LOOP}, {LOOP_RAMP}, $f5)"
    p.obj(
        "pl_expr",
        f"expr {end}; {end} * 1000 / ({RATE} * max($f6, 1)); $f2 / 127 * $f7; if({HAS_LOOP}, $f8, 0); "
        f"if({HAS_LOOP}, $f9, {NO_LOOP_END})",
    )
    add(
        p,
        """
        obj pl_pack4 pack f f f f f | obj gate_r r $0-gate | obj pl_gate spigot | obj pl_pre list prepend
        obj vc_s s $0-voices
        wire pl_r:0 -> poly, poly:2 -> pl_pack:2, poly:1 -> pl_pack:1, poly:0 -> pl_pack
        wire pl_pack:0 -> pl_swap, pl_swap:0 -> pl_route, pl_route:0 -> pl_offmsg
        wire pl_route:1 -> pl_onmsg, pl_offmsg:0 -> vc_s, pl_onmsg:0 -> pl_un
        wire pl_un:2 -> pl_voice, pl_voice:0 -> pl_pre:1
        wire pl_un:1 -> pl_expr:1, pl_un:0 -> pl_expr
        wire ex_root:0 -> pl_expr:2, ex_mel:0 -> pl_expr:3, ex_size:0 -> pl_expr:4, ex_sr:0 -> pl_expr:5
        wire ex_gain:0 -> pl_expr:6, ex_ls:0 -> pl_expr:7, ex_le:0 -> pl_expr:8
    """,
    )
    for i in range(5):
        p.c("pl_expr", i, "pl_pack4", i)
    add(
        p,
        """
        wire pl_pack4:0 -> pl_gate, gate_r:0 -> pl_gate:1, pl_gate:0 -> pl_pre, pl_pre:0 -> vc_s
        obj vc_r r $0-voices | obj clone clone exsampling-voice 8 $0 | obj out outlet~
    """,
    )
    top.obj("out", "outlet~")
    top.c("voices", 0, "out")
    add(
        p,
        """
        obj table array define $0-sample
        wire vc_r:0 -> clone, clone:0 -> out
    """,
    )
