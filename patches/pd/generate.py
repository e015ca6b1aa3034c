"""Writes the Pd sampler patches in this folder: `python patches/pd/generate.py`.

The .pd files are generated (boxes laid out in layers by pdwriter) so that the patch logic reads as code
and stays reviewable; edit here, run, and commit both. tests/test_pd_patches.py checks that the committed
files are exactly what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pdload import load  # noqa: E402
from pdplayer import phrases  # noqa: E402
from pdvoice import voice, voices  # noqa: E402
from pdwriter import Patch, add  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from exsampling_osc.mapping.config import DEFAULT_PORTS  # noqa: E402
from exsampling_osc.osc import protocol  # noqa: E402


def oscformat(address: str) -> str:
    """The [oscformat] object that encodes ``address`` with its declared type tags."""
    message = protocol.get(address)
    return f"oscformat -f {message.typetags} " + " ".join(address.strip("/").split("/"))


def routes(*addresses: str) -> str:
    """[route] selectors for to-device addresses under the prefix (each must be declared)."""
    names = []
    for address in addresses:
        assert protocol.get(address).direction == protocol.TO_DEVICE, address
        names.append(address.removeprefix(protocol.PREFIX + "/"))
    return " ".join(names)


HELLO = oscformat(protocol.PREFIX + "/hello")
QUERY_SAMPLES = oscformat(protocol.PREFIX + "/query/samples")
ANSWERS = routes(*(protocol.PREFIX + a for a in ("/sample", "/note", "/ready", "/done", "/unload", "/phrase")))
OSC_PORT = DEFAULT_PORTS["osc"]

HERE = Path(__file__).resolve().parent


def sampler():
    top = Patch(700, 400)
    p = top
    p.text(
        "exsampling-sampler TRACK LISTEN-PORT BACKEND-PORT [MIDI-CHANNEL]: plays the samples the "
        "ExSampling OSC backend sends for TRACK. It listens for OSC on LISTEN-PORT, says /exsampling/hello "
        "to 127.0.0.1:BACKEND-PORT on load, on every change and every 5 s, asks for the newest sample of "
        "its track when the backend answers, and plays notes from [notein] (channel 0: all) and "
        "from /exsampling/note. Messages to the inlet: track NAME, listen PORT, backend PORT, "
        "note NOTE VELOCITY SECONDS, load PATH ROOT MODE, hello, player 1|0 and tempo BPM (the phrase "
        "player: /exsampling/phrase looped on its own clock from step 0, see [pd phrases]).",
        120,
    )
    top.obj("in", "inlet")
    p = top.sub("control", "control")
    top.c("in", 0, "control")
    p.text(
        "Settings from the inlet and the creation arguments; any change makes [pd hello] listen, "
        "connect and say hello again.",
        60,
    )
    add(
        p,
        """
        obj in inlet | obj ctl route track listen backend note load hello player tempo
        obj player_s s $0-player | obj tempo_s s $0-tempo
        wire ctl:6 -> player_s, ctl:7 -> tempo_s
        # track change: remember it, forget the old sample, ask again
        obj trk_list list | obj trk_t t b b s | obj trk_s s $0-track | msg trk_reset -1 | obj trk_cur s $0-cur
        msg trk_close 0 | obj trk_gate s $0-gate
        # listen / backend
        obj port_v v $0-port | obj changed s $0-changed | obj note_s s $0-timed | obj load_list list
        msg load_msg 0 file 1 $1 $2 $3 0 0 0 0 ready -70 -120 -1 -1 | obj load_s s $0-sample
        wire in:0 -> ctl
        wire ctl:0 -> trk_list, trk_list:0 -> trk_t
        wire trk_t:2 -> trk_s, trk_t:1 -> trk_reset, trk_t:1 -> trk_close, trk_t:0 -> changed
        wire trk_reset:0 -> trk_cur, trk_close:0 -> trk_gate
        wire ctl:1 -> port_v, ctl:1 -> changed
        obj backend_v v $0-backend
        wire ctl:2 -> backend_v, ctl:2 -> changed, ctl:3 -> note_s
        wire ctl:4 -> load_list, load_list:0 -> load_msg, load_msg:0 -> load_s, ctl:5 -> changed
        # ---- start-up: creation arguments, then hello once the -send messages of the command line are in
        obj lb loadbang | obj lb_t t b b b b | obj arg_track symbol $1 | obj arg_listen f $2
        obj arg_backend f $3 | msg sr_init 44100 | obj sr_s s $0-filesr
        wire lb:0 -> lb_t
        wire lb_t:3 -> sr_init, sr_init:0 -> sr_s
        wire lb_t:2 -> arg_backend, lb_t:1 -> arg_listen, lb_t:0 -> arg_track
        wire arg_track:0 -> trk_t, arg_listen:0 -> port_v, arg_backend:0 -> backend_v
    """,
    )
    p = top.sub("hello", "hello")
    p.text(
        "After any change (debounced by delay 0, so the -send messages of the command line all land "
        "first): listen, connect, print where we are and say /exsampling/hello; again every 5 s.",
        60,
    )
    add(
        p,
        f"""
        msg listen_msg listen $1 | obj listen_s s $0-netreceive
        msg backend_msg disconnect, connect 127.0.0.1 $1 | obj backend_s s $0-netsend
        wire listen_msg:0 -> listen_s, backend_msg:0 -> backend_s
        obj chg_r r $0-changed | obj chg_b t b | obj chg_d delay 0 | obj chg_t t b b b
        obj chg_port v $0-port | obj chg_port_c change -1 | obj chg_backend v $0-backend
        obj chg_backend_c change -1 | msg chg_1 1 | obj metro metro 5000 | obj hello_t t b b b | msg needq 1
        obj needq_s s $0-needquery | obj hello_trk symbol | obj hello_trk_r r $0-track
        obj hello_port v $0-port | obj hello_pack pack f s | obj hello_osc {HELLO}
        obj hello_out s $0-osc-out
        wire chg_r:0 -> chg_b, chg_b:0 -> chg_d, chg_d:0 -> chg_t, chg_t:0 -> chg_1, chg_1:0 -> metro
        wire metro:0 -> hello_t, chg_t:0 -> needq
        wire chg_t:2 -> chg_port, chg_port:0 -> chg_port_c, chg_port_c:0 -> listen_msg
        wire chg_t:1 -> chg_backend, chg_backend:0 -> chg_backend_c, chg_backend_c:0 -> backend_msg
        # say where we are, once the settings are in
        obj say_t t b b b | obj say_backend v $0-backend | obj say_trk symbol | obj say_trk_r r $0-track
        obj say_port v $0-port | obj say_pack pack f s f
        msg say_msg track $2 listens on port $1 and says hello to port $3 | obj say_print print exsampling
        wire chg_t:0 -> say_t, say_t:2 -> say_backend, say_t:1 -> say_trk, say_t:0 -> say_port
        wire say_trk_r:0 -> say_trk:1
        wire say_backend:0 -> say_pack:2, say_trk:0 -> say_pack:1, say_port:0 -> say_pack
        wire say_pack:0 -> say_msg, say_msg:0 -> say_print, hello_trk_r:0 -> hello_trk:1
        wire hello_t:1 -> hello_trk, hello_t:0 -> hello_port
        wire hello_trk:0 -> hello_pack:1, hello_port:0 -> hello_pack, needq:0 -> needq_s
        wire hello_pack:0 -> hello_osc, hello_osc:0 -> hello_out
    """,
    )
    p = top.sub("network", "network")
    p.text(
        "OSC in: /exsampling/sample, /exsampling/note and /exsampling/unload for our track, "
        "/exsampling/ready (the first one after a change asks for our newest sample) and /exsampling/done "
        "(end of that answer). "
        "OSC out: whatever is sent to $0-osc-out.",
        60,
    )
    add(
        p,
        f"""
        obj nr_r r $0-netreceive | obj nr netreceive -u -b | obj parse oscparse | obj trim list trim
        obj r_ex route exsampling | obj r_addr route {ANSWERS} | obj ns_r r $0-osc-out
        obj ns_pre list prepend send | obj ns_trim list trim | obj ns_r2 r $0-netsend | obj ns netsend -u -b
        wire nr_r:0 -> nr, nr:0 -> parse, parse:0 -> trim, trim:0 -> r_ex, r_ex:0 -> r_addr
        wire ns_r:0 -> ns_pre, ns_pre:0 -> ns_trim, ns_trim:0 -> ns, ns_r2:0 -> ns
        # /exsampling/ready: the first answer after a change asks for the newest sample of the track
        obj rdy_f f | obj rdy_r r $0-needquery | obj rdy_sel sel 1 | obj rdy_t t b b b | msg rdy_0 0
        msg q_on 1 | obj q_s s $0-querying | obj q_trk symbol | obj q_trk_r r $0-track | obj q_port v $0-port
        obj q_pack pack f s | obj q_osc {QUERY_SAMPLES} | obj q_out s $0-osc-out
        msg q_off 0 | obj q_off_s s $0-querying | obj rdy_b t b
        wire r_addr:2 -> rdy_b, rdy_b:0 -> rdy_f, rdy_r:0 -> rdy_f:1, rdy_f:0 -> rdy_sel, rdy_sel:0 -> rdy_t
        msg rdy_msg backend ready | obj rdy_print print exsampling
        wire rdy_sel:0 -> rdy_msg, rdy_msg:0 -> rdy_print
        wire rdy_t:2 -> rdy_0, rdy_0:0 -> rdy_f:1
        wire rdy_t:1 -> q_on, q_on:0 -> q_s
        wire rdy_t:0 -> q_trk, rdy_t:0 -> q_port
        wire q_trk_r:0 -> q_trk:1, q_trk:0 -> q_pack:1, q_port:0 -> q_pack
        wire q_pack:0 -> q_osc, q_osc:0 -> q_out
        wire r_addr:3 -> q_off, q_off:0 -> q_off_s
    """,
    )

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
        p.wire(
            f"{x}l:0 {x}t",
            f"{x}t:1 {x}split_b",
            f"{x}split_b:1 {x}list:1",
            f"{x}t:0 {x}split_a",
            f"{x}split_a:0 {x}sel",
            f"{x}trk_r:0 {x}sel:1",
            f"{x}sel:0 {x}list",
        )
        p.c(prefix + "list", 0, dest)

    # ---- /exsampling/sample for this track
    p.obj("smp_s", "s $0-sample")
    track_filter("sf_", ("r_addr", 0), "smp_s")
    # ---- /exsampling/note for this track
    p.obj("nt_s", "s $0-timed")
    track_filter("nf_", ("r_addr", 1), "nt_s")
    # ---- /exsampling/unload for this track: its sample was deleted and none is left
    p.obj("ul_s", "s $0-unload")
    track_filter("uf_", ("r_addr", 4), "ul_s")
    # ---- /exsampling/phrase and its notes (every track's sampler gets them): [pd phrases]
    p.obj("ph_s", "s $0-phrase")
    p.c("r_addr", 5, "ph_s")
    load(top)
    p = top.sub("notes", "notes")
    p.text(
        "notes: from [notein], and timed ones (NOTE VELOCITY SECONDS) from /exsampling/note or the "
        "note message: note-on now, note-off after SECONDS.",
        90,
    )
    add(
        p,
        """
        obj nt_r r $0-timed | obj nt_un unpack f f f | obj nt_ms * 1000 | obj nt_t t f f | obj nt_on pack f f
        msg nt_offmsg $1 0 | obj nt_pipe pipe f f 0 | obj nt_off pack f f | obj ni notein $4
        obj ni_pack pack f f | obj poly_s s $0-poly
        wire nt_r:0 -> nt_un, nt_un:2 -> nt_ms, nt_ms:0 -> nt_pipe:2
        wire nt_un:1 -> nt_on:1, nt_un:0 -> nt_t, nt_t:1 -> nt_on, nt_t:0 -> nt_offmsg
        wire nt_offmsg:0 -> nt_pipe, nt_pipe:1 -> nt_off:1, nt_pipe:0 -> nt_off
        wire nt_on:0 -> poly_s, nt_off:0 -> poly_s
        wire ni:1 -> ni_pack:1, ni:0 -> ni_pack, ni_pack:0 -> poly_s
    """,
    )
    voices(top)
    phrases(top)
    return top


def _control(p, routes: str) -> None:
    """The top of both main patches: DSP on at load, messages to "exsampling" (or FUDI on the control port)
    into [route record stop control quit midi ...], MIDI from ``midi`` into #notein."""
    add(
        p,
        f"""
        obj lb loadbang | msg dsp ; pd dsp 1
        wire lb:0 -> dsp
        obj r r exsampling | obj ctl_r netreceive -u | obj route route record stop control quit midi{routes}
        obj midi s #notein
    """,
    )


def _recorder(p, source: str) -> None:
    """record FILE [SECONDS] / stop (outlets 0 and 1 of 'route') into writesf~, control PORT, quit, and
    ``source`` to writesf~ and both channels of the dac~."""
    add(
        p,
        f"""
        obj rec_app list append 0 | obj rec_un unpack s f | obj rec_moses moses 0.001 | obj rec_ms * 1000
        obj rec_delay delay | obj rec_t t s s | msg rec_open open $1, start | msg rec_print_msg recording $1
        obj stop_t t b b | msg stop stop | msg stop_print_msg recorded | obj print print exsampling
        obj wsf writesf~ 1 | obj dac dac~ | msg ctl_listen listen $1 | msg quit ; pd quit
        wire route:0 -> rec_app, rec_app:0 -> rec_un, rec_un:1 -> rec_moses
        wire rec_moses:1 -> rec_ms, rec_ms:0 -> rec_delay, rec_delay:0 -> stop_t
        wire rec_un:0 -> rec_t, rec_t:1 -> rec_open, rec_t:0 -> rec_print_msg
        wire rec_open:0 -> wsf, rec_print_msg:0 -> print
        wire route:1 -> stop_t, stop_t:1 -> stop, stop:0 -> wsf, stop:0 -> rec_delay
        wire stop_t:0 -> stop_print_msg, stop_print_msg:0 -> print
        wire route:2 -> ctl_listen, ctl_listen:0 -> ctl_r, route:3 -> quit
        wire {source}:0 -> wsf, {source}:0 -> dac, {source}:0 -> dac:1
    """,
    )


def main_patch():
    p = Patch(760, 560)
    p.text(
        "ExSampling OSC sampler for Pure Data. Start: pd -open exsampling.pd (see docs/PUREDATA.md). "
        'Settings with -send: "exsampling track NAME", "exsampling listen PORT", "exsampling backend '
        'PORT"; record the output: "exsampling record FILE.wav [SECONDS]", "exsampling stop"; '
        '"exsampling control PORT" opens a UDP port for these same messages (FUDI, e.g. pdsend PORT '
        'localhost udp); "exsampling midi NOTE VELOCITY CHANNEL" plays as if from the MIDI keyboard; '
        '"exsampling player 1|0" and "exsampling tempo BPM" run the phrase player (composed phrases).',
        100,
    )
    _control(p, "")
    add(
        p,
        f"""
        obj smp exsampling-sampler animals 9101 {OSC_PORT} 0
        wire r:0 -> route, ctl_r:0 -> route
        wire route:5 -> smp, route:4 -> midi
    """,
    )
    _recorder(p, "smp")
    return p


TRACKS = ["drums", "voices", "animals", "bells", "textures", "machines"]  # exsampling_osc/mapping/default.yaml


def tracks_patch():
    p = Patch(900, 520)
    p.text(
        "ExSampling OSC, all six tracks of the default mapping in one Pd: MIDI channel N plays track N "
        "(1 drums, 2 voices, 3 animals, 4 bells, 5 textures, 6 machines); each listens on port 9100+N. "
        '-send messages: "exsampling backend PORT" (all tracks), "exsampling record FILE.wav [SECONDS]", '
        '"exsampling stop", "exsampling control PORT", "exsampling midi NOTE VELOCITY CHANNEL", '
        '"exsampling player 1|0" and "exsampling tempo BPM" (the phrase players of all tracks).',
        110,
    )
    _control(p, " backend player tempo")
    add(
        p,
        """
        wire route:4 -> midi
        wire r:0 -> route, ctl_r:0 -> route
        msg backend backend $1 | msg player player $1 | msg tempo tempo $1
        wire route:5 -> backend, route:6 -> player, route:7 -> tempo
        obj sum +~
    """,
    )
    for i, t in enumerate(TRACKS):
        p.obj(f"smp{i}", f"exsampling-sampler {t} {9101 + i} {OSC_PORT} {i + 1}")
        for setting in ("backend", "player", "tempo"):
            p.c(setting, 0, f"smp{i}")
        p.c(f"smp{i}", 0, "sum")
    _recorder(p, "sum")
    return p


PATCHES = {
    "exsampling-voice": voice,
    "exsampling-sampler": sampler,
    "exsampling": main_patch,
    "exsampling-tracks": tracks_patch,
}


def render_all() -> dict[str, str]:
    """File name → the text of each patch."""
    return {f"{name}.pd": fn().render() for name, fn in PATCHES.items()}


if __name__ == "__main__":
    for name, text in render_all().items():
        (HERE / name).write_text(text)
        print(HERE / name)
