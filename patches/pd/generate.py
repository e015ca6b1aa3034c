"""Writes the Pd sampler patches in this folder: `python patches/pd/generate.py`.

The .pd files are generated (boxes laid out in layers by pdwriter) so that the patch logic reads as code
and stays reviewable; edit here, run, and commit both. tests/test_pd_patches.py checks that the committed
files are exactly what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pdwriter import Patch  # noqa: E402

HERE = Path(__file__).resolve().parent


def voice():
    p = Patch(620, 420)
    p.text("exsampling-voice: one voice of the sampler. Made by [clone exsampling-voice 8 $0] in "
           "exsampling-sampler: $1 is the voice number and $2 the sampler's $0 (its table is $2-sample).", 80)
    p.obj("in", "inlet")
    p.obj("route", "route 1 0")
    p.text("1 END MS GAIN: play the table from its start, reaching index END (its end) after MS milliseconds, "
           "at GAIN, silent from then on. 0: note-off, a 50 ms linear release from now (the end of the sample "
           "still cuts it short).", 50)
    p.obj("t", "t l l l")
    p.msg("idxmsg", "0, $1 $2")
    p.obj("idx", "vline~")
    p.obj("plus", "+~ 1")
    p.obj("read", "tabread4~ $2-sample")
    p.msg("envmsg", "$3")
    p.msg("off", "0 50")
    p.obj("env", "vline~")
    p.msg("endmsg", "1, 0 0 $2")
    p.obj("end", "vline~")
    p.obj("mul", "*~")
    p.obj("mul2", "*~")
    p.obj("out", "outlet~")
    p.wire("in:0 route", "route:0 t", "route:1 off")
    p.wire("t:0 idxmsg", "t:1 envmsg", "t:2 endmsg")
    p.wire("idxmsg:0 idx", "idx:0 plus", "plus:0 read", "read:0 mul")
    p.wire("envmsg:0 env", "off:0 env", "env:0 mul:1", "mul:0 mul2", "endmsg:0 end", "end:0 mul2:1",
           "mul2:0 out")
    return p


RATE = "if($f4, pow(2, ($f1 - $f3) / 12), 1)"


def sampler():
    top = Patch(700, 400)
    p = top
    p.text("exsampling-sampler TRACK LISTEN-PORT BACKEND-PORT [MIDI-CHANNEL]: plays the samples the "
           "ExSampling OSC backend sends for TRACK. It listens for OSC on LISTEN-PORT, says /exsampling/hello "
           "to 127.0.0.1:BACKEND-PORT on load, on every change and every 5 s, asks for the newest sample of "
           "its track when the backend answers, and plays notes from [notein] (channel 0: all) and "
           "from /exsampling/note. Messages to the inlet: track NAME, listen PORT, backend PORT, "
           "note NOTE VELOCITY SECONDS, load PATH ROOT MODE, hello.", 120)
    top.obj("in", "inlet")
    p = top.sub("control", "control")
    top.c("in", 0, "control")
    p.text("Settings from the inlet and the creation arguments; any change makes [pd hello] listen, "
           "connect and say hello again.", 60)
    p.obj("in", "inlet")
    p.obj("ctl", "route track listen backend note load hello")
    # track change: remember it, forget the old sample, ask again
    p.obj("trk_list", "list")
    p.obj("trk_t", "t b b s")
    p.obj("trk_s", "s $0-track")
    p.msg("trk_reset", "-1")
    p.obj("trk_cur", "s $0-cur")
    p.msg("trk_close", "0")
    p.obj("trk_gate", "s $0-gate")
    # listen / backend
    p.obj("port_v", "v $0-port")
    p.obj("changed", "s $0-changed")
    p.obj("note_s", "s $0-timed")
    p.obj("load_list", "list")
    p.msg("load_msg", "0 file 1 $1 $2 $3 0 0 0 0 ready")
    p.obj("load_s", "s $0-sample")
    p.c("in", 0, "ctl")
    p.wire("ctl:0 trk_list", "trk_list:0 trk_t")
    p.wire("trk_t:2 trk_s", "trk_t:1 trk_reset", "trk_t:1 trk_close", "trk_t:0 changed")
    p.wire("trk_reset:0 trk_cur", "trk_close:0 trk_gate")
    p.wire("ctl:1 port_v", "ctl:1 changed")
    p.obj("backend_v", "v $0-backend")
    p.c("ctl", 2, "backend_v")
    p.c("ctl", 2, "changed")
    p.c("ctl", 3, "note_s")
    p.wire("ctl:4 load_list", "load_list:0 load_msg", "load_msg:0 load_s")
    p.c("ctl", 5, "changed")
    # ---- start-up: creation arguments, then hello once the -send messages of the command line are in
    p.obj("lb", "loadbang")
    p.obj("lb_t", "t b b b b")
    p.obj("arg_track", "symbol $1")
    p.obj("arg_listen", "f $2")
    p.obj("arg_backend", "f $3")
    p.msg("sr_init", "44100")
    p.obj("sr_s", "s $0-filesr")
    p.c("lb", 0, "lb_t")
    p.wire("lb_t:3 sr_init", "sr_init:0 sr_s")
    p.wire("lb_t:2 arg_backend", "lb_t:1 arg_listen", "lb_t:0 arg_track")
    p.wire("arg_track:0 trk_t", "arg_listen:0 port_v")
    p.c("arg_backend", 0, "backend_v")
    p = top.sub("hello", "hello")
    p.text("After any change (debounced by delay 0, so the -send messages of the command line all land "
           "first): listen, connect, print where we are and say /exsampling/hello; again every 5 s.", 60)
    p.msg("listen_msg", "listen $1")
    p.obj("listen_s", "s $0-netreceive")
    p.msg("backend_msg", "disconnect, connect 127.0.0.1 $1")
    p.obj("backend_s", "s $0-netsend")
    p.wire("listen_msg:0 listen_s", "backend_msg:0 backend_s")
    p.obj("chg_r", "r $0-changed")
    p.obj("chg_b", "t b")
    p.obj("chg_d", "delay 0")
    p.obj("chg_t", "t b b b")
    p.obj("chg_port", "v $0-port")
    p.obj("chg_port_c", "change -1")
    p.obj("chg_backend", "v $0-backend")
    p.obj("chg_backend_c", "change -1")
    p.msg("chg_1", "1")
    p.obj("metro", "metro 5000")
    p.obj("hello_t", "t b b b")
    p.msg("needq", "1")
    p.obj("needq_s", "s $0-needquery")
    p.obj("hello_trk", "symbol")
    p.obj("hello_trk_r", "r $0-track")
    p.obj("hello_port", "v $0-port")
    p.obj("hello_pack", "pack f s")
    p.obj("hello_osc", "oscformat -f is exsampling hello")
    p.obj("hello_out", "s $0-osc-out")
    p.wire("chg_r:0 chg_b", "chg_b:0 chg_d", "chg_d:0 chg_t", "chg_t:0 chg_1", "chg_1:0 metro", "metro:0 hello_t")
    p.c("chg_t", 0, "needq")
    p.wire("chg_t:2 chg_port", "chg_port:0 chg_port_c", "chg_port_c:0 listen_msg")
    p.wire("chg_t:1 chg_backend", "chg_backend:0 chg_backend_c", "chg_backend_c:0 backend_msg")
    # say where we are, once the settings are in
    p.obj("say_t", "t b b b")
    p.obj("say_backend", "v $0-backend")
    p.obj("say_trk", "symbol")
    p.obj("say_trk_r", "r $0-track")
    p.obj("say_port", "v $0-port")
    p.obj("say_pack", "pack f s f")
    p.msg("say_msg", "track $2 listens on port $1 and says hello to port $3")
    p.obj("say_print", "print exsampling")
    p.wire("chg_t:0 say_t", "say_t:2 say_backend", "say_t:1 say_trk", "say_t:0 say_port")
    p.c("say_trk_r", 0, "say_trk", 1)
    p.wire("say_backend:0 say_pack:2", "say_trk:0 say_pack:1", "say_port:0 say_pack")
    p.wire("say_pack:0 say_msg", "say_msg:0 say_print")
    p.c("hello_trk_r", 0, "hello_trk", 1)
    p.wire("hello_t:1 hello_trk", "hello_t:0 hello_port")
    p.wire("hello_trk:0 hello_pack:1", "hello_port:0 hello_pack")
    p.c("needq", 0, "needq_s")
    p.wire("hello_pack:0 hello_osc", "hello_osc:0 hello_out")
    p = top.sub("network", "network")
    p.text("OSC in: /exsampling/sample and /exsampling/note for our track, /exsampling/ready (the first "
           "one after a change asks for our newest sample) and /exsampling/done (end of that answer). "
           "OSC out: whatever is sent to $0-osc-out.", 60)
    p.obj("nr_r", "r $0-netreceive")
    p.obj("nr", "netreceive -u -b")
    p.obj("parse", "oscparse")
    p.obj("trim", "list trim")
    p.obj("r_ex", "route exsampling")
    p.obj("r_addr", "route sample note ready done")
    p.obj("ns_r", "r $0-osc-out")
    p.obj("ns_pre", "list prepend send")
    p.obj("ns_trim", "list trim")
    p.obj("ns_r2", "r $0-netsend")
    p.obj("ns", "netsend -u -b")
    p.wire("nr_r:0 nr", "nr:0 parse", "parse:0 trim", "trim:0 r_ex")
    p.c("r_ex", 0, "r_addr")
    p.wire("ns_r:0 ns_pre", "ns_pre:0 ns_trim", "ns_trim:0 ns", "ns_r2:0 ns")
    # /exsampling/ready: the first answer after a change asks for the newest sample of the track
    p.obj("rdy_f", "f")
    p.obj("rdy_r", "r $0-needquery")
    p.obj("rdy_sel", "sel 1")
    p.obj("rdy_t", "t b b b")
    p.msg("rdy_0", "0")
    p.msg("q_on", "1")
    p.obj("q_s", "s $0-querying")
    p.obj("q_trk", "symbol")
    p.obj("q_trk_r", "r $0-track")
    p.obj("q_port", "v $0-port")
    p.obj("q_pack", "pack f s")
    p.obj("q_osc", "oscformat -f is exsampling query samples")
    p.obj("q_out", "s $0-osc-out")
    p.msg("q_off", "0")
    p.obj("q_off_s", "s $0-querying")
    p.obj("rdy_b", "t b")
    p.wire("r_addr:2 rdy_b", "rdy_b:0 rdy_f", "rdy_r:0 rdy_f:1", "rdy_f:0 rdy_sel")
    p.c("rdy_sel", 0, "rdy_t")
    p.msg("rdy_msg", "backend ready")
    p.obj("rdy_print", "print exsampling")
    p.wire("rdy_sel:0 rdy_msg", "rdy_msg:0 rdy_print")
    p.wire("rdy_t:2 rdy_0", "rdy_0:0 rdy_f:1")
    p.wire("rdy_t:1 q_on", "q_on:0 q_s")
    p.wire("rdy_t:0 q_trk", "rdy_t:0 q_port")
    p.wire("q_trk_r:0 q_trk:1", "q_trk:0 q_pack:1", "q_port:0 q_pack")
    p.wire("q_pack:0 q_osc", "q_osc:0 q_out")
    p.wire("r_addr:3 q_off", "q_off:0 q_off_s")

    def track_filter(prefix, src, dest):
        """list TRACK REST... -> REST... when TRACK is this sampler's track."""
        p.obj(prefix + "l", "list")
        p.obj(prefix + "t", "t l l")
        p.obj(prefix + "split_a", "list split 1")
        p.obj(prefix + "split_b", "list split 1")
        p.obj(prefix + "sel", "sel $1")
        p.obj(prefix + "trk_r", "r $0-track")
        p.obj(prefix + "list", "list")
        p.c(src[0], src[1], prefix + "l")
        x = prefix
        p.wire(f"{x}l:0 {x}t", f"{x}t:1 {x}split_b", f"{x}split_b:1 {x}list:1", f"{x}t:0 {x}split_a",
               f"{x}split_a:0 {x}sel", f"{x}trk_r:0 {x}sel:1", f"{x}sel:0 {x}list")
        p.c(prefix + "list", 0, dest)

    # ---- /exsampling/sample for this track
    p.obj("smp_s", "s $0-sample")
    track_filter("sf_", ("r_addr", 0), "smp_s")
    # ---- /exsampling/note for this track
    p.obj("nt_s", "s $0-timed")
    track_filter("nf_", ("r_addr", 1), "nt_s")
    p = top.sub("load", "load")
    p.text("sample: ID LABEL CONFIDENCE PATH ROOT MODE LAT LON RECORDING DURATION STATE. Loaded unless "
           "rejected; while the answer to our query comes in (newest first) only a newer ID replaces the one "
           "loaded. A rejected sample that is loaded is silenced.", 60)
    p.obj("ld_r", "r $0-sample")
    p.obj("ld_un", "unpack f s f s f s f f f f s")
    p.obj("ld_rej", "sel rejected")
    p.msg("ld_rej1", "1")
    p.msg("ld_rej0", "0")
    p.obj("ld_mode", "sel melodic")
    p.msg("ld_mode1", "1")
    p.msg("ld_mode0", "0")
    p.obj("ld_pmode", "f")
    p.obj("ld_proot", "f")
    p.obj("ld_ppath", "symbol")
    p.obj("ld_idt", "t f f")
    p.obj("ld_pid", "v $0-pending")
    p.obj("ld_q_r", "r $0-querying")
    p.obj("ld_cur_r", "r $0-cur")
    p.obj("ld_dec", "expr if($f2, if($f1 == $f4, 2, 0), if($f3 == 0 || $f1 > $f4, 1, 0))")
    p.obj("ld_sel", "sel 1 2")
    p.c("ld_r", 0, "ld_un")
    p.wire("ld_un:10 ld_rej", "ld_rej:0 ld_rej1", "ld_rej:1 ld_rej0")
    p.wire("ld_rej1:0 ld_dec:1", "ld_rej0:0 ld_dec:1")
    p.wire("ld_un:5 ld_mode", "ld_mode:0 ld_mode1", "ld_mode:1 ld_mode0")
    p.wire("ld_mode1:0 ld_pmode:1", "ld_mode0:0 ld_pmode:1")
    p.wire("ld_un:4 ld_proot:1", "ld_un:3 ld_ppath:1")
    p.wire("ld_un:0 ld_idt", "ld_idt:1 ld_pid", "ld_idt:0 ld_dec")
    p.wire("ld_q_r:0 ld_dec:2", "ld_cur_r:0 ld_dec:3")
    p.c("ld_dec", 0, "ld_sel")
    # read the file; only once it is read do its id, root, mode, length and rate become the sampler's
    p.obj("ld_append", "list append $0-sample")
    p.msg("ld_read", "read -resize $1 $2")
    p.obj("ld_sf", "soundfiler")
    p.obj("ld_info", "unpack f")
    p.obj("ld_psr", "f")
    p.obj("ld_frames", "t f f")
    p.obj("ld_pframes", "f")
    p.obj("ld_gt", "> 1")
    p.obj("ld_ok", "sel 1 0")
    p.obj("ld_commit", "t b b b b b")
    p.obj("ld_sr_s", "s $0-filesr")
    p.obj("ld_size_s", "s $0-size")
    p.obj("ld_rm", "t b b")
    p.obj("ld_root_s", "s $0-root")
    p.obj("ld_mode_s", "s $0-melodic")
    p.msg("ld_open", "1")
    p.obj("ld_gate_s", "s $0-gate")
    p.obj("ld_cur_v", "v $0-pending")
    p.obj("ld_cur_t", "t f f")
    p.obj("ld_cur_s", "s $0-cur")
    p.obj("ld_print_pack", "pack f f f f f")
    p.msg("ld_print_msg", "loaded $1 frames $2 rate $3 root $4 melodic $5")
    p.obj("ld_fail_v", "v $0-pending")
    p.msg("ld_fail_msg", "could not load sample $1 (the one loaded stays)")
    p.obj("ld_print", "print exsampling")
    p.msg("ld_unload", "0")
    p.msg("ld_unload_msg", "unloaded")
    p.wire("ld_sel:0 ld_ppath", "ld_ppath:0 ld_append", "ld_append:0 ld_read", "ld_read:0 ld_sf")
    p.wire("ld_sf:1 ld_info", "ld_info:0 ld_psr:1", "ld_sf:0 ld_frames", "ld_frames:1 ld_pframes:1",
           "ld_frames:0 ld_gt", "ld_gt:0 ld_ok")
    p.wire("ld_ok:1 ld_fail_v", "ld_fail_v:0 ld_fail_msg", "ld_fail_msg:0 ld_print")
    p.wire("ld_ok:0 ld_commit", "ld_commit:4 ld_psr", "ld_psr:0 ld_sr_s", "ld_psr:0 ld_print_pack:2",
           "ld_commit:3 ld_pframes", "ld_pframes:0 ld_size_s", "ld_pframes:0 ld_print_pack:1")
    p.wire("ld_commit:2 ld_rm", "ld_rm:1 ld_proot", "ld_rm:0 ld_pmode", "ld_proot:0 ld_root_s",
           "ld_pmode:0 ld_mode_s", "ld_proot:0 ld_print_pack:3", "ld_pmode:0 ld_print_pack:4")
    p.wire("ld_commit:1 ld_open", "ld_open:0 ld_gate_s", "ld_commit:0 ld_cur_v", "ld_cur_v:0 ld_cur_t",
           "ld_cur_t:1 ld_cur_s", "ld_cur_t:0 ld_print_pack", "ld_print_pack:0 ld_print_msg",
           "ld_print_msg:0 ld_print")
    p.wire("ld_sel:1 ld_unload", "ld_sel:1 ld_unload_msg", "ld_unload:0 ld_gate_s", "ld_unload_msg:0 ld_print")
    p.obj("cur_r2", "r $0-cur")
    p.obj("cur_v2", "v $0-cur")
    p.c("cur_r2", 0, "cur_v2")
    p = top.sub("notes", "notes")
    p.text("notes: from [notein], and timed ones (NOTE VELOCITY SECONDS) from /exsampling/note or the "
           "note message: note-on now, note-off after SECONDS.", 90)
    p.obj("nt_r", "r $0-timed")
    p.obj("nt_un", "unpack f f f")
    p.obj("nt_ms", "* 1000")
    p.obj("nt_t", "t f f")
    p.obj("nt_on", "pack f f")
    p.msg("nt_offmsg", "$1 0")
    p.obj("nt_pipe", "pipe f f 0")
    p.obj("nt_off", "pack f f")
    p.obj("ni", "notein $4")
    p.obj("ni_pack", "pack f f")
    p.obj("poly_s", "s $0-poly")
    p.wire("nt_r:0 nt_un", "nt_un:2 nt_ms", "nt_ms:0 nt_pipe:2")
    p.wire("nt_un:1 nt_on:1", "nt_un:0 nt_t", "nt_t:1 nt_on", "nt_t:0 nt_offmsg")
    p.wire("nt_offmsg:0 nt_pipe", "nt_pipe:1 nt_off:1", "nt_pipe:0 nt_off")
    p.wire("nt_on:0 poly_s", "nt_off:0 poly_s")
    p.wire("ni:1 ni_pack:1", "ni:0 ni_pack", "ni_pack:0 poly_s")
    p = top.sub("voices", "voices")
    p.text("voices: [poly] picks one of 8 (stealing the oldest); the rate, length and gain go to it "
           "as 1 END MS GAIN, a note-off as 0.", 60)
    p.obj("pl_r", "r $0-poly")
    p.obj("poly", "poly 8 1")
    p.obj("pl_pack", "pack f f f")
    p.msg("pl_swap", "$3 $2 $1")
    p.obj("pl_route", "route 0")
    p.msg("pl_offmsg", "$2 0")
    p.msg("pl_onmsg", "$2 $1 $3")
    p.obj("pl_un", "unpack f f f")
    p.msg("pl_voice", "$1 1")
    p.obj("ex_root", "r $0-root")
    p.obj("ex_mel", "r $0-melodic")
    p.obj("ex_size", "r $0-size")
    p.obj("ex_sr", "r $0-filesr")
    p.obj("pl_expr", f"expr $f5; $f5 * 1000 / ({RATE} * max($f6, 1)); $f2 / 127")
    p.obj("pl_pack4", "pack f f f")
    p.obj("gate_r", "r $0-gate")
    p.obj("pl_gate", "spigot")
    p.obj("pl_pre", "list prepend")
    p.obj("vc_s", "s $0-voices")
    p.wire("pl_r:0 poly", "poly:2 pl_pack:2", "poly:1 pl_pack:1", "poly:0 pl_pack")
    p.wire("pl_pack:0 pl_swap", "pl_swap:0 pl_route", "pl_route:0 pl_offmsg")
    p.wire("pl_route:1 pl_onmsg", "pl_offmsg:0 vc_s", "pl_onmsg:0 pl_un")
    p.wire("pl_un:2 pl_voice", "pl_voice:0 pl_pre:1")
    p.wire("pl_un:1 pl_expr:1", "pl_un:0 pl_expr")
    p.wire("ex_root:0 pl_expr:2", "ex_mel:0 pl_expr:3", "ex_size:0 pl_expr:4")
    p.c("ex_sr", 0, "pl_expr", 5)
    for i in range(3):
        p.c("pl_expr", i, "pl_pack4", i)
    p.wire("pl_pack4:0 pl_gate", "gate_r:0 pl_gate:1", "pl_gate:0 pl_pre")
    p.c("pl_pre", 0, "vc_s")
    p.obj("vc_r", "r $0-voices")
    p.obj("clone", "clone exsampling-voice 8 $0")
    p.obj("out", "outlet~")
    top.obj("out", "outlet~")
    top.c("voices", 0, "out")
    p.obj("table", "array define $0-sample")
    p.wire("vc_r:0 clone", "clone:0 out")
    return top


def _recorder(p):
    """record FILE [SECONDS] / stop (outlets 0 and 1 of 'route') into writesf~, and the dac~."""
    p.obj("rec_app", "list append 0")
    p.obj("rec_un", "unpack s f")
    p.obj("rec_moses", "moses 0.001")
    p.obj("rec_ms", "* 1000")
    p.obj("rec_delay", "delay")
    p.obj("rec_t", "t s s")
    p.msg("rec_open", "open $1, start")
    p.msg("rec_print_msg", "recording $1")
    p.obj("stop_t", "t b b")
    p.msg("stop", "stop")
    p.msg("stop_print_msg", "recorded")
    p.obj("print", "print exsampling")
    p.obj("wsf", "writesf~ 1")
    p.obj("dac", "dac~")
    p.msg("ctl_listen", "listen $1")
    p.msg("quit", "; pd quit")
    p.wire("route:0 rec_app", "rec_app:0 rec_un", "rec_un:1 rec_moses")
    p.wire("rec_moses:1 rec_ms", "rec_ms:0 rec_delay", "rec_delay:0 stop_t")
    p.wire("rec_un:0 rec_t", "rec_t:1 rec_open", "rec_t:0 rec_print_msg")
    p.wire("rec_open:0 wsf", "rec_print_msg:0 print")
    p.wire("route:1 stop_t", "stop_t:1 stop", "stop:0 wsf", "stop:0 rec_delay")
    p.wire("stop_t:0 stop_print_msg", "stop_print_msg:0 print")


def main_patch():
    p = Patch(760, 560)
    p.text("ExSampling OSC sampler for Pure Data. Start: pd -open exsampling.pd (see docs/PUREDATA.md). "
           "Settings with -send: \"exsampling track NAME\", \"exsampling listen PORT\", \"exsampling backend "
           "PORT\"; record the output: \"exsampling record FILE.wav [SECONDS]\", \"exsampling stop\"; "
           "\"exsampling control PORT\" opens a UDP port for these same messages (FUDI, e.g. pdsend PORT "
           "localhost udp); \"exsampling midi NOTE VELOCITY CHANNEL\" plays as if from the MIDI keyboard.", 100)
    p.obj("lb", "loadbang")
    p.msg("dsp", "; pd dsp 1")
    p.c("lb", 0, "dsp")
    p.obj("r", "r exsampling")
    p.obj("ctl_r", "netreceive -u")
    p.obj("route", "route record stop control quit midi")
    p.obj("midi", "s #notein")
    p.obj("smp", "exsampling-sampler animals 9101 9000 0")
    p.wire("r:0 route", "ctl_r:0 route")
    p.wire("route:5 smp", "route:4 midi")
    _recorder(p)
    p.wire("route:2 ctl_listen", "ctl_listen:0 ctl_r", "route:3 quit")
    p.wire("smp:0 wsf", "smp:0 dac", "smp:0 dac:1")
    return p


TRACKS = ["drums", "voices", "animals", "bells", "textures", "machines"]  # exsampling_osc/mapping/default.yaml


def tracks_patch():
    p = Patch(900, 520)
    p.text("ExSampling OSC, all six tracks of the default mapping in one Pd: MIDI channel N plays track N "
           "(1 drums, 2 voices, 3 animals, 4 bells, 5 textures, 6 machines); each listens on port 9100+N. "
           "-send messages: \"exsampling backend PORT\" (all tracks), \"exsampling record FILE.wav [SECONDS]\", "
           "\"exsampling stop\", \"exsampling control PORT\", \"exsampling midi NOTE VELOCITY CHANNEL\".", 110)
    p.obj("lb", "loadbang")
    p.msg("dsp", "; pd dsp 1")
    p.c("lb", 0, "dsp")
    p.obj("r", "r exsampling")
    p.obj("ctl_r", "netreceive -u")
    p.obj("route", "route record stop control quit midi backend")
    p.obj("midi", "s #notein")
    p.c("route", 4, "midi")
    p.wire("r:0 route", "ctl_r:0 route")
    p.msg("backend", "backend $1")
    p.c("route", 5, "backend")
    p.obj("sum", "+~")
    for i, t in enumerate(TRACKS):
        p.obj(f"smp{i}", f"exsampling-sampler {t} {9101 + i} 9000 {i + 1}")
        p.c("backend", 0, f"smp{i}")
        p.c(f"smp{i}", 0, "sum")
    _recorder(p)
    p.wire("route:2 ctl_listen", "ctl_listen:0 ctl_r", "route:3 quit")
    p.wire("sum:0 wsf", "sum:0 dac", "sum:0 dac:1")
    return p


PATCHES = {"exsampling-voice": voice, "exsampling-sampler": sampler, "exsampling": main_patch,
           "exsampling-tracks": tracks_patch}


def render_all() -> dict[str, str]:
    """File name → the text of each patch."""
    return {f"{name}.pd": fn().render() for name, fn in PATCHES.items()}


if __name__ == "__main__":
    for name, text in render_all().items():
        (HERE / name).write_text(text)
        print(HERE / name)
