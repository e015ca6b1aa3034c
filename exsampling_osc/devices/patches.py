"""The two device patches, generated from the OSC declaration ("declare once, generate the rest").

* hub (audio effect): ``node.script exsampling-hub.js`` launches the backend; ``udpreceive`` on the
  device port routes every to-device address; ``udpsend`` talks to the backend; ``jweb`` shows the console;
  the QR picture and the status sit in the device view. Backend ports go to samplers through the global
  ``exsampling.backend`` send.
* sampler (instrument, one per MIDI track): a Track menu and a reply Port (Live parameters; Port 0 means
  9101 + the track's index, so samplers of different tracks never share a port), hello to the
  backend, ``[route /exsampling/sample]`` → ``[route <track>]`` → ``buffer~ ---smp`` (``replace <path>``;
  ``/exsampling/unload`` for the track: ``clear``), ``notein`` → ``poly`` → 8 ``groove~`` voices (melodic
  rate 2^((note − root)/12), percussive rate 1, gain velocity/127 times the loudness-matching gain, the
  sample's loop while a gated note lasts, 50 ms release at note-off; see ``devices/voice.py``); with its
  Player toggle on (off by default) it also plays the newest ``/exsampling/phrase`` on Live's transport,
  swapping phrases on the bar line (``devices/player.py``).
"""

from __future__ import annotations

from pathlib import Path

from exsampling_osc.devices.maxpat import Patcher
from exsampling_osc.devices.player import PHRASE, PHRASE_NOTE, phrase_player
from exsampling_osc.devices.voice import RELEASE_MS as RELEASE_MS  # the 50 ms release (tests read it here)
from exsampling_osc.devices.voice import loop_and_level, voice
from exsampling_osc.devices.voice import via as _via
from exsampling_osc.osc import protocol

VOICES = 8
BACKEND_SEND = "exsampling.backend"
FROM_HUB = "exsampling.fromhub"  # global receive: every message the backend sends, forwarded by the hub
TO_HUB = "exsampling.tohub"  # global send: messages for the backend, relayed by the hub's udpsend
HUB_WHO, HUB_HERE = "exsampling.hub.who", "exsampling.hub.here"  # one running hub per Live set
AUTO_TRACK = "auto"  # the Track menu's first item: follow the Live track's own name
PLAY_MODES = ("auto", "gate", "one-shot")  # auto: percussive samples one-shot, melodic ones gated
NODE_SCRIPT = "exsampling-hub.js"
SIMPLER_SCRIPT = "exsampling-simpler.js"  # Max [js] (LiveAPI): Simpler mode
FALLBACK_TRACKS = ["drums", "voices", "animals", "bells", "textures", "machines"]
SAMPLE = protocol.PREFIX + "/sample"
NOTE = protocol.PREFIX + "/note"
READY = protocol.PREFIX + "/ready"
HELLO = protocol.PREFIX + "/hello"
QUERY_SAMPLES = protocol.PREFIX + "/query/samples"
DONE = protocol.PREFIX + "/done"
UNLOAD = protocol.PREFIX + "/unload"
# one unpack letter per OSC type: route strips the address, unpack restores the types
_UNPACK = {"i": "0", "f": "0.", "s": "s"}


def unpack_text(address: str, skip: int = 0) -> str:
    """``unpack`` box text for a declared message's arguments (after skipping ``skip`` routed ones)."""
    return "unpack " + " ".join(_UNPACK[a.type] for a in protocol.get(address).args[skip:])


def send_text(address: str) -> str:
    """Message box text that sends ``address`` with one ``$n`` per declared argument."""
    n = len(protocol.get(address).args)
    return " ".join([address] + [f"${i}" for i in range(1, n + 1)])


def default_tracks() -> list[str]:
    """Track names of the shipped mapping (the sampler's menu), or a fixed list without it."""
    path = Path(__file__).resolve().parent.parent / "mapping" / "default.yaml"
    try:
        import yaml

        names = [t["name"] for t in yaml.safe_load(path.read_text())["tracks"]]
        return names or FALLBACK_TRACKS
    except (OSError, KeyError, TypeError, ValueError, ImportError):
        return FALLBACK_TRACKS


def build_hub() -> dict:
    """The hub device patch."""
    p = Patcher("audio_effect", width=560.0)
    p.ui("comment", 10, 10, 200, 20, text="ExSampling OSC hub", view=(8, 4, 200, 18), fontsize=13.0)
    # audio passes through: the hub sits on any track
    pin = p.obj("plugin~", 900, 20)
    pout = _via(p, pin, 0, p.obj("plugout~", 900, 60))
    p.connect(pin, 1, pout, 1)

    node = p.obj(
        f"node.script {NODE_SCRIPT} @autostart 1",
        20,
        120,
        saved_object_attributes={"autostart": 1, "defer": 0, "watch": 0},
    )
    # messages from Max reach the script only after it says ready (handlers registered)
    gate = p.obj("gate 1 0", 20, 80)
    p.connect(gate, 0, node, 0)
    restart = p.ui("live.text", 240, 40, 60, 18, view=(8, 150, 60, 16), text="restart", mode=0)
    p.setting(restart, "Restart backend", ["off", "on"], initial=False)
    _via(p, restart, 0, p.msg("restart", 240, 62), gate, 1)
    out = _via(p, node, 0, p.obj("route ready ports url qr status osc", 20, 160))
    ready_t = _via(p, out, 0, p.obj("t b b", 20, 200))
    one = _via(p, ready_t, 1, p.msg("1", 20, 240))
    p.connect(one, 0, gate, 0)
    # one backend per Live set (all devices share one Max): a hub about to start asks on the global HUB_WHO;
    # a hub already running answers on HUB_HERE, and the newcomer stays idle and says so
    ask = _via(p, ready_t, 0, p.obj("t b b", 60, 240))
    _via(p, ask, 1, p.msg("who", 140, 270), p.obj(f"s {HUB_WHO}", 140, 300))
    wait = _via(p, ask, 0, p.obj("delay 500", 60, 270))
    may_start = p.obj("gate 1 1", 60, 300)
    p.connect(wait, 0, may_start, 1)
    started = _via(p, may_start, 0, p.obj("t b b", 60, 330))
    start = _via(p, started, 0, p.msg("start", 60, 360))
    p.connect(start, 0, gate, 1)
    running = p.obj("gate 1 0", 200, 390)
    _via(p, started, 1, p.msg("1", 120, 360), running)
    p.connect(p.obj(f"r {HUB_WHO}", 200, 360), 0, running, 1)
    _via(p, running, 0, p.msg("here", 200, 420), p.obj(f"s {HUB_HERE}", 200, 450))
    other = _via(p, p.obj(f"r {HUB_HERE}", 300, 240), 0, p.obj("t b b", 300, 270))
    _via(p, other, 1, p.msg("0", 340, 300), may_start)
    taken = _via(p, other, 0, p.msg("set another ExSampling hub runs the backend in this Live set", 300, 330))

    udpsend = p.obj("udpsend 127.0.0.1 9000", 420, 420)
    udprecv = p.obj("udpreceive 9001", 420, 480)
    ports = _via(p, out, 1, p.obj("unpack 0 0 0", 120, 200))
    osc_t = _via(p, ports, 0, p.obj("t i i", 120, 240))
    set_port = _via(p, osc_t, 1, p.obj("prepend port", 120, 280))
    p.connect(set_port, 0, udpsend, 0)
    # samplers bind nothing: what they send for the backend comes through the global TO_HUB receive
    _via(p, p.obj(f"r {TO_HUB}", 120, 320), 0, udpsend)
    del osc_t
    dev_t = _via(p, ports, 1, p.obj("t i i", 220, 240))
    recv_port = _via(p, dev_t, 1, p.obj("prepend port", 220, 280))
    p.connect(recv_port, 0, udprecv, 0)
    hello = _via(p, dev_t, 0, p.obj("pack 0 hub", 220, 320))
    hello_msg = _via(p, hello, 0, p.msg(send_text(HELLO), 220, 360))
    p.connect(hello_msg, 0, udpsend, 0)

    # console in jweb; the stored "read URL" message reloads it (reload on show: the Reload button)
    url_t = _via(p, out, 2, p.obj("t b l", 320, 200))
    # jweb loads a page with "url" (https://docs.cycling74.com/reference/jweb)
    url_set = _via(p, url_t, 1, p.obj("prepend set url", 320, 240))
    url_msg = _via(p, url_set, 0, p.msg("url about:blank", 320, 280))
    p.connect(url_t, 0, url_msg, 0)
    web = p.ui("jweb", 320, 560, 320, 160, view=(212, 4, 340, 160), rendermode=1)
    p.connect(url_msg, 0, web, 0)
    reload_btn = p.ui("live.text", 320, 40, 60, 18, view=(72, 150, 60, 16), text="reload", mode=0)
    p.setting(reload_btn, "Reload console", ["off", "on"], initial=False)
    p.connect(reload_btn, 0, url_msg, 0)

    # QR picture for projection, and status lines
    # fpic shows a picture with "pic" (https://docs.cycling74.com/reference/fpic); paths use forward slashes
    qr_read = _via(p, out, 3, p.obj("prepend pic", 480, 200))
    qr = p.ui("fpic", 480, 560, 120, 120, view=(8, 24, 120, 120), autofit=1, forceaspect=1)
    p.connect(qr_read, 0, qr, 0)
    status_set = _via(p, out, 4, p.obj("prepend set", 600, 200))
    status = p.ui("comment", 600, 560, 200, 20, text="starting…", view=(136, 24, 72, 60), linecount=4)
    p.connect(status_set, 0, status, 0)
    p.connect(taken, 0, status, 0)
    p.connect(out, 5, p.obj("print exsampling-relay", 700, 200), 0)
    p.connect(out, 6, p.obj("print exsampling", 760, 240), 0)
    p.connect(node, 1, p.obj("print exsampling-node", 120, 120), 0)

    # every to-device address is routed: the useful ones drive the view, the rest go to the Max console
    addresses = [m.address for m in protocol.to_device()]
    router = _via(p, udprecv, 0, p.obj("route " + " ".join(addresses), 420, 520))
    # every message from the backend also goes to all samplers of the set (one Max: global names)
    p.connect(udprecv, 0, p.obj(f"s {FROM_HUB}", 520, 500), 0)
    for i, address in enumerate(addresses):
        x, y = 420 + 140 * (i % 6), 600 + 60 * (i // 6) + 200
        if address == READY:
            fields = _via(p, router, i, p.obj(unpack_text(address), x, y))
            p.connect(fields, 3, qr_read, 0)
            # a backend started elsewhere (a terminal) still fills the console view
            console_url = _via(p, fields, 1, p.obj("sprintf symout %s/console", x, y + 30))
            p.connect(console_url, 0, url_t, 0)
        elif address == protocol.PREFIX + "/status":
            fields = _via(p, router, i, p.obj(unpack_text(address), x, y))
            fmt = p.obj("sprintf queue %ld samples %ld devices %ld", x, y + 30)
            for k in range(3):
                p.connect(fields, k, fmt, k)
            p.connect(fmt, 0, status_set, 0)
        elif address == SAMPLE:
            # Simpler mode (off by default): the same samples also go into the performer's own Simplers
            simpler = p.ui("live.text", 1000, 40, 80, 18, view=(136, 150, 72, 16), text="Simpler", mode=1)
            p.setting(simpler, "Simpler mode", ["off", "on"])
            to_simpler = p.obj("gate 1 0", x, y)
            p.connect(simpler, 0, to_simpler, 0)
            p.connect(router, i, to_simpler, 1)
            js = _via(p, to_simpler, 0, p.obj("prepend sample", x, y + 30))
            js_box = _via(p, js, 0, p.obj(f"js {SIMPLER_SCRIPT}", x, y + 60))
            _via(p, js_box, 0, p.obj("prepend set simpler:", x, y + 90), status_set)
        elif address == protocol.PREFIX + "/error":
            p.connect(router, i, status_set, 0)
            p.connect(router, i, p.obj("print exsampling-error", x, y), 0)
        else:
            _via(p, router, i, p.obj("prepend " + address, x, y), p.obj("print exsampling", x, y + 30))
    return p.to_dict()


def build_sampler() -> dict:
    """The sampler device patch (instrument). It binds no port: the hub forwards the backend's messages
    through the global ``exsampling.fromhub`` receive and relays ours through ``exsampling.tohub``."""
    p = Patcher("instrument", width=300.0)
    tracks = default_tracks()
    p.ui("comment", 1010, 10, 200, 20, text="ExSampling sampler", view=(8, 4, 200, 18), fontsize=13.0)
    # Track: a live.menu is saved with the Live set (a umenu is not); "auto" follows the Live track's name
    menu = p.ui("live.menu", 1060, 40, 120, 18, view=(8, 26, 120, 16))
    p.setting(menu, "Track", [AUTO_TRACK, *tracks])
    play = p.ui("live.menu", 1060, 70, 80, 18, view=(134, 26, 80, 16))
    p.setting(play, "Play", list(PLAY_MODES))
    volume = p.ui("live.dial", 1200, 40, 44, 48, view=(236, 24, 44, 48))
    p.parameter(
        volume,
        "Volume",
        0,
        parameter_mmin=-70.0,
        parameter_mmax=6.0,
        parameter_unitstyle=4,
        parameter_initial_enable=1,
        parameter_initial=[0.0],
    )
    flash = p.ui("button", 1200, 100, 20, 20, view=(8, 50, 16, 16))
    last = p.ui("comment", 1230, 100, 200, 18, text="waiting for the hub", view=(28, 50, 200, 18))

    thisdevice = p.obj("live.thisdevice", 400, 20)
    fromhub = p.obj(f"r {FROM_HUB}", 20, 340)
    tohub = p.obj(f"s {TO_HUB}", 200, 320)
    # the track this sampler serves: the menu's item, or with "auto" the Live track's own name
    items = _via(p, menu, 1, p.obj(f"sel {AUTO_TRACK}", 1060, 130))
    track_path = _via(p, items, 0, p.msg("path this_device canonical_parent", 1060, 160))
    lpath = _via(p, track_path, 0, p.obj("live.path", 1060, 190))
    lobj = p.obj("live.object", 1060, 250)
    p.connect(lpath, 0, lobj, 1)
    get_name = _via(p, lpath, 0, p.msg("get name", 1160, 220), lobj)
    del get_name
    name = _via(p, lobj, 0, p.obj("route name", 1060, 280))
    track = p.obj("t s s s", 1060, 310)
    p.connect(items, 1, track, 0)
    p.connect(name, 0, track, 0)
    p.connect(thisdevice, 0, menu, 0)  # a bang makes live.menu output its (restored) item
    # ask the backend (through the hub) for this track's newest sample: on load, on change, on ready
    query = _via(p, track, 2, p.obj("prepend 0", 200, 250))
    query_msg = _via(p, query, 0, p.msg(f"{QUERY_SAMPLES} $1 $2", 200, 280), tohub)
    del query_msg

    routed = f"route {SAMPLE} {NOTE} {READY} {DONE} {UNLOAD} {PHRASE} {PHRASE_NOTE}"
    router = _via(p, fromhub, 0, p.obj(routed, 20, 380))
    mine = _via(p, router, 0, p.obj("route drums", 20, 410))
    # while the answer to our query comes in (newest first), only a newer sample id replaces the loaded one
    querying = p.obj("r ---querying", 500, 440)
    _via(p, query, 0, p.msg("1", 300, 250), p.obj("s ---querying", 300, 280))
    _via(p, router, 3, p.msg("0", 500, 410), p.obj("s ---querying", 560, 410))
    both = _via(p, mine, 0, p.obj("t l l", 20, 430))
    ident = _via(p, both, 1, p.obj("unpack 0 s", 400, 460))
    id_t = _via(p, ident, 0, p.obj("t i i", 400, 490))
    accept = _via(p, id_t, 1, p.obj("expr ($i2 == 0) + ($i1 > $i3) > 0", 400, 520))
    p.connect(querying, 0, accept, 1)
    newest = _via(p, id_t, 0, p.obj("maximum", 480, 520))
    p.connect(newest, 0, newest, 1)
    p.connect(newest, 0, accept, 2)
    id_gate = p.obj("gate 1 1", 20, 555)
    p.connect(accept, 0, id_gate, 0)
    mine_note = _via(p, router, 1, p.obj("route drums", 220, 410))
    p.connect(track, 1, mine, 1)
    p.connect(track, 0, mine_note, 1)
    requery = p.obj("t b", 420, 410)
    p.connect(router, 2, requery, 0)
    p.connect(requery, 0, menu, 0)

    # a sample for this track: state first (unpack fires right to left) gates rejected ones out
    fields = _via(p, both, 0, p.obj(unpack_text(SAMPLE, skip=1), 20, 450))
    names = [a.name for a in protocol.get(SAMPLE).args[1:]]
    state = _via(p, fields, names.index("state"), p.obj("sel rejected", 300, 480))
    gate = p.obj("gate 1 1", 20, 540)
    _via(p, state, 0, p.msg("0", 300, 510), gate)
    _via(p, state, 1, p.msg("1", 340, 510), gate)
    mode = _via(p, fields, names.index("mode"), p.obj("sel melodic", 200, 480))
    melodic, percussive = p.msg("1", 200, 510), p.msg("0", 240, 510)
    p.connect(mode, 0, melodic, 0)
    p.connect(mode, 1, percussive, 0)
    root = _via(p, fields, names.index("root_midi"), p.obj("t f", 140, 510))
    p.connect(fields, names.index("path"), gate, 1)
    # double buffering: load into the buffer no voice will start from next; voices switch at note-on
    p.connect(gate, 0, id_gate, 1)
    flip = _via(p, id_gate, 0, p.obj("t l b", 20, 570))
    which = _via(p, flip, 1, p.obj("counter 1 2", 100, 600))
    slot = p.obj("gate 2 1", 20, 630)
    p.connect(which, 0, slot, 0)
    _via(p, flip, 0, p.obj("prepend replace", 20, 600), slot, 1)
    current = p.obj("r ---current", 600, 660)
    buffers = []
    for i, name_ in enumerate(("A", "B")):
        buf = _via(p, slot, i, p.obj(f"buffer~ ---smp{name_}", 20 + 150 * i, 660))
        buffers.append(buf)
        loaded = _via(p, buf, 1, p.obj(f"t b ---smp{name_}", 20 + 150 * i, 690))
        p.connect(loaded, 1, p.obj("s ---current", 20 + 150 * i, 720), 0)
        p.connect(loaded, 0, flash, 0)
    # the status names the sample and the recording it is a hit (or piece) of: "new: dog, rec 12"
    label = _via(p, fields, names.index("label"), p.obj("sprintf set new: %s, rec %ld", 100, 570), last)
    p.connect(fields, names.index("recording_id"), label, 1)
    # /exsampling/unload for this track (its sample was deleted, none left): both buffers emptied
    unload = _via(p, router, 4, p.obj("route drums", 320, 600))
    p.connect(track, 1, unload, 1)
    emptied = _via(p, unload, 0, p.obj("t b b", 320, 630))
    clear = _via(p, emptied, 1, p.msg("clear", 320, 660))
    for buf in buffers:
        p.connect(clear, 0, buf, 0)
    _via(p, emptied, 0, p.msg("set emptied: sample deleted", 380, 660), last)
    # one-shot: "auto" plays percussive samples whole and gates melodic ones by the note length
    gated = p.obj("expr ($i1 == 1) + ($i1 == 0) * $i2", 400, 540)
    _via(p, play, 0, p.obj("t i", 400, 510), gated)
    # a new sample's mode re-evaluates the rule (a bang in expr's left inlet recomputes with the last inputs)
    mode_t = p.obj("t b i", 480, 510)
    p.connect(melodic, 0, mode_t, 0)
    p.connect(percussive, 0, mode_t, 0)
    p.connect(mode_t, 1, gated, 1)
    p.connect(mode_t, 0, gated, 0)
    p.connect(thisdevice, 0, play, 0)

    cold = {"root": root, "melodic": melodic, "gated": gated, "current": current}
    cold.update(loop_and_level(p, fields, names, buffers, gated))

    # notes: MIDI from Live, or /exsampling/note from the backend (composer preview)
    notein = p.obj("notein", 600, 380)
    poly = _via(p, notein, 0, p.obj(f"poly {VOICES} 1", 600, 540))
    p.connect(notein, 1, poly, 1)
    note_fields = _via(p, mine_note, 0, p.obj(unpack_text(NOTE, skip=1), 220, 450))
    makenote = p.obj("makenote 100 500", 220, 510)
    seconds = _via(p, note_fields, 2, p.obj("* 1000.", 300, 480))
    p.connect(seconds, 0, makenote, 2)
    p.connect(note_fields, 1, makenote, 1)
    p.connect(note_fields, 0, makenote, 0)
    p.connect(makenote, 0, poly, 0)
    p.connect(makenote, 1, poly, 1)
    voices = p.obj("pack 0 0 0", 600, 570)
    for k in range(3):
        p.connect(poly, k, voices, k)
    vrouter = _via(p, voices, 0, p.obj("route " + " ".join(str(k + 1) for k in range(VOICES)), 600, 600))
    # all voices sum into one volume stage (signals into one inlet add up), then out to Live
    mix = p.obj("*~ 1.", 700, 960)
    _via(p, volume, 0, p.obj("dbtoa", 1200, 100), mix, 1)
    plugout = p.obj("plugout~", 700, 1000)
    p.connect(mix, 0, plugout, 0)
    p.connect(mix, 0, plugout, 1)
    for k in range(VOICES):
        voice(p, k, vrouter, cold, mix)
    # the newest composed phrase on Live's transport (Player toggle, off by default): devices/player.py
    phrase_player(p, router, 5, 6, poly)
    # the percussive flag feeds the same cold inlet of every voice as the melodic one
    for rate_id in [b["box"]["id"] for b in p.boxes if b["box"].get("text", "").startswith("expr $i3")]:
        p.connect(percussive, 0, rate_id, 2)
    return p.to_dict()


DEVICES = {"exsampling-hub": ("audio_effect", build_hub), "exsampling-sampler": ("instrument", build_sampler)}
