"""The two device patches, generated from the OSC declaration ("declare once, generate the rest").

* hub (audio effect): ``node.script exsampling-hub.js`` launches the backend; ``udpreceive`` on the
  device port routes every to-device address; ``udpsend`` talks to the backend; ``jweb`` shows the console;
  the QR picture and the status sit in the device view. Backend ports go to samplers through the global
  ``exsampling.backend`` send.
* sampler (instrument, one per MIDI track): a Track menu and a reply Port (Live parameters; Port 0 means
  9101 + the track's index, so samplers of different tracks never share a port), hello to the
  backend, ``[route /exsampling/sample]`` → ``[route <track>]`` → ``buffer~ ---smp`` (``replace <path>``),
  ``notein`` → ``poly`` → 8 ``groove~`` voices (melodic rate 2^((note − root)/12), percussive rate 1,
  gain velocity/127, 50 ms release at note-off).
"""

from __future__ import annotations

from pathlib import Path

from exsampling_osc.devices.maxpat import Patcher
from exsampling_osc.osc import protocol

VOICES = 8
RELEASE_MS = 50
BACKEND_SEND = "exsampling.backend"
AUTO_PORT = 9101
NODE_SCRIPT = "exsampling-hub.js"
FALLBACK_TRACKS = ["drums", "voices", "animals", "bells", "textures", "machines"]
SAMPLE = protocol.PREFIX + "/sample"
NOTE = protocol.PREFIX + "/note"
READY = protocol.PREFIX + "/ready"
HELLO = protocol.PREFIX + "/hello"
# one unpack letter per OSC type: route strips the address, unpack restores the types
_UNPACK = {"i": "0", "f": "0.", "s": "s"}


def unpack_text(address: str, skip: int = 0) -> str:
    """``unpack`` box text for a declared message's arguments (after skipping ``skip`` routed ones)."""
    return "unpack " + " ".join(_UNPACK[a.type] for a in protocol.get(address).args[skip:])


def send_text(address: str) -> str:
    """Message box text that sends ``address`` with one ``$n`` per declared argument."""
    n = len(protocol.get(address).args)
    return " ".join([address] + [f"${i}" for i in range(1, n + 1)])


def _via(p: Patcher, source: str, outlet: int, box: str, destination: str | None = None, inlet: int = 0) -> str:
    """Connect ``source``'s ``outlet`` to the new ``box`` (and ``box`` to ``destination``'s ``inlet``); ``box``."""
    p.connect(source, outlet, box, 0)
    if destination is not None:
        p.connect(box, 0, destination, inlet)
    return box


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

    node = p.obj(f"node.script {NODE_SCRIPT} @autostart 1", 20, 120,
                 saved_object_attributes={"autostart": 1, "defer": 0, "watch": 0})
    # messages from Max reach the script only after it says ready (handlers registered)
    gate = p.obj("gate 1 0", 20, 80)
    p.connect(gate, 0, node, 0)
    restart = p.ui("live.text", 240, 40, 60, 18, view=(8, 150, 60, 16), text="restart", mode=0)
    _via(p, restart, 0, p.msg("restart", 240, 62), gate, 1)
    out = _via(p, node, 0, p.obj("route ready ports url qr status osc", 20, 160))
    ready_t = _via(p, out, 0, p.obj("t b b", 20, 200))
    one = _via(p, ready_t, 1, p.msg("1", 20, 240))
    p.connect(one, 0, gate, 0)
    start = _via(p, ready_t, 0, p.msg("start", 60, 240))
    p.connect(start, 0, gate, 1)

    udpsend = p.obj("udpsend 127.0.0.1 9000", 420, 420)
    udprecv = p.obj("udpreceive 9001", 420, 480)
    ports = _via(p, out, 1, p.obj("unpack 0 0 0", 120, 200))
    osc_t = _via(p, ports, 0, p.obj("t i i", 120, 240))
    set_port = _via(p, osc_t, 1, p.obj("prepend port", 120, 280))
    p.connect(set_port, 0, udpsend, 0)
    to_samplers = _via(p, osc_t, 0, p.obj("prepend osc_port", 120, 320))
    p.connect(to_samplers, 0, p.obj(f"s {BACKEND_SEND}", 120, 360), 0)
    dev_t = _via(p, ports, 1, p.obj("t i i", 220, 240))
    recv_port = _via(p, dev_t, 1, p.obj("prepend port", 220, 280))
    p.connect(recv_port, 0, udprecv, 0)
    hello = _via(p, dev_t, 0, p.obj("pack 0 hub", 220, 320))
    hello_msg = _via(p, hello, 0, p.msg(send_text(HELLO), 220, 360))
    p.connect(hello_msg, 0, udpsend, 0)

    # console in jweb; the stored "read URL" message reloads it (reload on show: the Reload button)
    url_t = _via(p, out, 2, p.obj("t b l", 320, 200))
    url_set = _via(p, url_t, 1, p.obj("prepend set read", 320, 240))
    url_msg = _via(p, url_set, 0, p.msg("read about:blank", 320, 280))
    p.connect(url_t, 0, url_msg, 0)
    web = p.ui("jweb", 320, 560, 320, 160, view=(212, 4, 340, 160), rendermode=1)
    p.connect(url_msg, 0, web, 0)
    reload_btn = p.ui("live.text", 320, 40, 60, 18, view=(72, 150, 60, 16), text="reload", mode=0)
    p.connect(reload_btn, 0, url_msg, 0)

    # QR picture for projection, and status lines
    qr_read = _via(p, out, 3, p.obj("prepend read", 480, 200))
    qr = p.ui("fpic", 480, 560, 120, 120, view=(8, 24, 120, 120), autofit=1, forceaspect=1)
    p.connect(qr_read, 0, qr, 0)
    status_set = _via(p, out, 4, p.obj("prepend set", 600, 200))
    status = p.ui("comment", 600, 560, 200, 20, text="starting…", view=(136, 24, 72, 60), linecount=4)
    p.connect(status_set, 0, status, 0)
    p.connect(out, 5, p.obj("print exsampling-relay", 700, 200), 0)
    p.connect(out, 6, p.obj("print exsampling", 760, 240), 0)
    p.connect(node, 1, p.obj("print exsampling-node", 120, 120), 0)

    # every to-device address is routed: the useful ones drive the view, the rest go to the Max console
    addresses = [m.address for m in protocol.to_device()]
    router = _via(p, udprecv, 0, p.obj("route " + " ".join(addresses), 420, 520))
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
        elif address == protocol.PREFIX + "/error":
            p.connect(router, i, status_set, 0)
            p.connect(router, i, p.obj("print exsampling-error", x, y), 0)
        else:
            _via(p, router, i, p.obj("prepend " + address, x, y), p.obj("print exsampling", x, y + 30))
    return p.to_dict()


def _voice(p: Patcher, k: int, router: str, groove_in: tuple[str, str], out: tuple[str, str]) -> None:
    """One voice: rate from note and root, gain from velocity, 50 ms release on note-off."""
    root_src, melodic_src = groove_in
    x = 20 + 210 * k
    y = 660
    fields = _via(p, router, k, p.obj("unpack 0 0", x, y))
    # rate = melodic ? 2^((note-root)/12) : 1, written with exp so no comma is needed in the box
    rate = _via(p, fields, 0, p.obj("expr $i3 * exp(($f1 - $f2) * 0.057762265) + 1 - $i3", x, y + 30))
    p.connect(root_src, 0, rate, 1)
    p.connect(melodic_src, 0, rate, 2)
    off = _via(p, fields, 1, p.obj("sel 0", x + 90, y + 80))
    release = _via(p, off, 0, p.msg(f"0 {RELEASE_MS}", x + 90, y + 110))
    on = _via(p, off, 1, p.obj("t b f", x + 140, y + 110))
    gain = _via(p, on, 1, p.obj("expr $f1 / 127.", x + 140, y + 140))
    attack = p.msg("$1", x + 140, y + 170)  # gain jumps to velocity/127, as in exsampling_osc.sampler
    p.connect(gain, 0, attack, 0)
    restart = _via(p, on, 0, p.msg("startloop", x + 20, y + 140))
    groove = _via(p, rate, 0, p.obj("groove~ ---smp 1", x, y + 210))
    p.connect(restart, 0, groove, 0)
    env = _via(p, release, 0, p.obj("line~", x + 120, y + 210))
    p.connect(attack, 0, env, 0)
    amp = p.obj("*~", x, y + 250)
    p.connect(amp, 0, out[0], 0)
    p.connect(amp, 0, out[1], 1)


def build_sampler() -> dict:
    """The sampler device patch (instrument)."""
    p = Patcher("instrument", width=300.0)
    tracks = default_tracks()
    p.ui("comment", 1010, 10, 200, 20, text="ExSampling sampler", view=(8, 4, 200, 18), fontsize=13.0)
    p.ui("comment", 1010, 40, 40, 18, text="Track", view=(8, 28, 40, 18))
    menu = p.ui("umenu", 1060, 40, 120, 22, view=(52, 28, 120, 20), items=" , ".join(tracks).split(" "))
    p.parameter(menu, "Track", 2, parameter_enum=tracks, parameter_initial_enable=1, parameter_initial=[0])
    p.ui("comment", 1010, 70, 40, 18, text="Port", view=(8, 52, 40, 18))
    port = p.ui("live.numbox", 1060, 70, 60, 18, view=(52, 52, 60, 16))
    # 0 (the default) picks AUTO_PORT + the track's index, so samplers on different tracks never clash
    p.parameter(port, "Port", 1, parameter_mmin=0.0, parameter_mmax=65535.0,
                parameter_initial_enable=1, parameter_initial=[0.0])
    status = p.ui("comment", 1200, 70, 90, 18, text="waiting for hub", view=(120, 52, 170, 18))
    flash = p.ui("button", 1200, 100, 20, 20, view=(8, 76, 20, 20))
    last = p.ui("comment", 1230, 100, 200, 18, text="no sample yet", view=(32, 78, 260, 18))

    thisdevice = p.obj("live.thisdevice", 400, 20)
    udpsend = p.obj("udpsend 127.0.0.1 9000", 400, 320)
    udprecv = p.obj("udpreceive 9101", 20, 340)
    # hello: reply port + track name, on load, on change, when the hub reports the backend, every 5 s
    hello = p.obj("pack 0 s", 200, 240)
    hello_msg = _via(p, hello, 0, p.msg(send_text(HELLO), 200, 280))
    p.connect(hello_msg, 0, udpsend, 0)
    port_expr = _via(p, port, 0, p.obj(f"expr $i1 + ($i1 == 0) * ({AUTO_PORT} + $i2)", 60, 100))
    index_t = _via(p, menu, 0, p.obj("t b i", 140, 70))
    p.connect(index_t, 1, port_expr, 1)
    p.connect(index_t, 0, port_expr, 0)
    port_t = _via(p, port_expr, 0, p.obj("t b i i", 60, 130))
    _via(p, port_t, 2, p.obj("prepend port", 20, 300), udprecv)
    p.connect(port_t, 1, hello, 0)
    menu_t = _via(p, menu, 1, p.obj("t b s", 200, 130))
    p.connect(menu_t, 1, hello, 1)
    p.connect(menu_t, 0, hello, 0)
    backend = p.obj(f"r {BACKEND_SEND}", 400, 180)
    osc_port = _via(p, backend, 0, p.obj("route osc_port", 400, 210))
    backend_t = _via(p, osc_port, 0, p.obj("t b i", 400, 240))
    _via(p, backend_t, 1, p.obj("prepend port", 400, 280), udpsend)
    p.connect(backend_t, 0, hello, 0)
    metro = _via(p, thisdevice, 0, p.obj("metro 5000", 400, 60))
    p.connect(metro, 0, hello, 0)
    p.connect(thisdevice, 0, port, 0)
    p.connect(thisdevice, 0, menu, 0)

    router = _via(p, udprecv, 0, p.obj(f"route {SAMPLE} {NOTE} {READY}", 20, 380))
    mine = _via(p, router, 0, p.obj("route drums", 20, 410))
    mine_note = _via(p, router, 1, p.obj("route drums", 220, 410))
    p.connect(menu_t, 1, mine, 1)
    p.connect(menu_t, 1, mine_note, 1)
    _via(p, router, 2, p.msg("set connected", 420, 410), status)

    # a sample for this track: state first (unpack fires right to left) gates rejected ones out
    fields = _via(p, mine, 0, p.obj(unpack_text(SAMPLE, skip=1), 20, 450))
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
    load = _via(p, gate, 0, p.obj("prepend replace", 20, 570))
    buffer = _via(p, load, 0, p.obj("buffer~ ---smp", 20, 600))
    p.connect(buffer, 1, flash, 0)
    label = _via(p, fields, names.index("label"), p.obj("prepend set new:", 100, 570))
    p.connect(label, 0, last, 0)

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
    plugout = p.obj("plugout~", 700, 980)
    for k in range(VOICES):
        _voice(p, k, vrouter, (root, melodic), (plugout, plugout))
    # the percussive flag feeds the same cold inlet of every voice as the melodic one
    rates = [b["box"]["id"] for b in p.boxes if b["box"].get("text", "").startswith("expr $i3")]
    for rate_id in rates:
        p.connect(percussive, 0, rate_id, 2)
    return p.to_dict()


DEVICES = {"exsampling-hub": ("audio_effect", build_hub), "exsampling-sampler": ("instrument", build_sampler)}
