"""The OSC protocol, declared once: every address, its direction, argument names and types, and docs.

docs/PROTOCOL.md, the backend's handlers and the patch checks are generated from or checked against
:data:`MESSAGES`. Types are OSC type tags: ``i`` int32, ``f`` float32, ``s`` string. Plugins add their
own messages with :func:`declare` (see ``exsampling_osc.plugins``).

Max-friendly rules: no bundles; paths travel as one string argument even with spaces; every packet
stays under 8 KB; to-device messages that a sampler routes on put the track name first, so
``[route /exsampling/sample]`` → ``[route drums]`` selects one track's samples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TO_DEVICE: Literal["to_device"] = "to_device"
TO_BACKEND: Literal["to_backend"] = "to_backend"
PREFIX = "/exsampling"
OSC_TYPES = {"i": int, "f": float, "s": str}


@dataclass(frozen=True)
class Arg:
    name: str
    type: str  # one OSC type tag: i, f, s
    doc: str = ""
    default: int | float | str | None = None  # an optional trailing argument: what a sender that omits it means
    limits: tuple[int | float, int | float] | None = None  # the accepted range (inclusive), when it has one


@dataclass(frozen=True)
class Message:
    address: str
    direction: Literal["to_device", "to_backend"]
    args: tuple[Arg, ...]
    doc: str
    replies: tuple[str, ...] = field(default=())  # to-backend only: addresses answered to the asker
    source: str = "core"  # "core" or the plugin's name

    @property
    def typetags(self) -> str:
        return "".join(a.type for a in self.args)


def _m(address, direction, args, doc, replies=()):
    return Message(PREFIX + address, direction, tuple(Arg(*a) for a in args), doc, tuple(PREFIX + r for r in replies))


_SAMPLE_ARGS = (
    ("track", "s", "track name from the mapping (the sampler routes on it)"),
    ("sample_id", "i", "library id of the sample"),
    ("label", "s", "class label (after any override); `unknown` below the confidence threshold"),
    ("confidence", "f", "probability of the label, 0-1"),
    ("path", "s", "absolute path of the trimmed WAV piece"),
    ("root_midi", "f", "detected root as a MIDI note (float); 60.0 when no pitch was found"),
    ("mode", "s", "`melodic` (play at 2^((note-root)/12)) or `percussive` (rate 1)"),
    ("latitude", "f", "where it was recorded; 0.0 with accuracy -1 when unknown"),
    ("longitude", "f", "where it was recorded; 0.0 when unknown"),
    ("recording_id", "i", "the recording this piece came from"),
    ("duration", "f", "seconds of audio in the file"),
    ("state", "s", "pending, ready, accepted or rejected"),
    ("loudness_lufs", "f", "integrated loudness of the file (ITU-R BS.1770); -70.0 when silent or unknown"),
    ("peak_db", "f", "sample peak of the file in dBFS; -120.0 when silent or unknown"),
    ("loop_start", "i", "first sample of the loop (melodic sounds that sustain); -1 when it has no loop"),
    ("loop_end", "i", "sample after the loop's last one; -1 when it has no loop"),
)

#: /exsampling/compose's knobs, after seed; each optional, -1 (its default) leaves it to the composer.
_KNOBS = (
    ("temperature", "f", "variation: 0 the most likely notes, 1 as learnt; -1: the composer's", -1.0, (0.0, 2.0)),
    ("density", "f", "note-on weight: 1 as learnt, 2 twice as many note-ons; -1: 1", -1.0, (0.25, 4.0)),
    ("register", "i", "MIDI note the key's tonic sits near; -1: the melodic sample's root (else 60)", -1, (24, 96)),
    ("key", "i", "tonic pitch class 0 (C) - 11 (B); -1: C", -1, (0, 11)),
    ("bars", "i", "bars to play, up to the model's phrase length; -1: all", -1, (1, 4)),
)

CORE: tuple[Message, ...] = (
    # backend → device
    _m(
        "/ready",
        TO_DEVICE,
        [
            ("version", "s", "backend version"),
            ("http_url", "s", "console base URL on loopback"),
            ("participant_url", "s", "URL in the QR code (with token)"),
            ("qr_path", "s", "PNG of the QR code"),
            ("osc_port", "i", "UDP port the backend listens on"),
            ("http_port", "i", "HTTP port"),
        ],
        "Sent when serving starts and in answer to every hello.",
    ),
    _m(
        "/sample",
        TO_DEVICE,
        _SAMPLE_ARGS,
        "A sample is ready to play (also sent again after a re-map, override or re-analysis, and as a query answer).",
    ),
    _m(
        "/recording",
        TO_DEVICE,
        [
            ("recording_id", "i", "library id"),
            ("source", "s", "`upload` or `drop`"),
            ("latitude", "f", "0.0 when unknown"),
            ("longitude", "f", "0.0 when unknown"),
            ("accuracy", "f", "metres; -1 when unknown"),
            ("name", "s", "original file name"),
        ],
        "A recording was received and stored (before analysis).",
    ),
    _m(
        "/photo",
        TO_DEVICE,
        [
            ("recording_id", "i", "the recording the photo goes with"),
            ("path", "s", "absolute path of the JPEG (forward slashes; no EXIF, GPS or other metadata)"),
        ],
        "A participant sent a photo with a recording (for visual tools); kept in the data folder's photos/.",
    ),
    _m(
        "/deleted",
        TO_DEVICE,
        [
            ("recording_id", "i", "the recording that is gone"),
            ("sample_ids", "s", "its sample ids joined by spaces (empty when it had none): forget them"),
        ],
        "A recording and its samples were removed (its participant deleted it, or --keep-days): their files "
        "are gone, do not play them any more.",
    ),
    _m(
        "/unload",
        TO_DEVICE,
        [("track", "s", "the track that has no playable sample left")],
        "Sent after /exsampling/deleted to each track whose loaded sample went with it and that has no other "
        "sample left: empty the sampler, do not play the deleted sound any more.",
    ),
    _m(
        "/error",
        TO_DEVICE,
        [("message", "s", "what went wrong, in words")],
        "Something failed (a refused file, an analysis error, a bad request).",
    ),
    _m(
        "/mapping",
        TO_DEVICE,
        [("label", "s", "class label"), ("track", "s", "track it goes to"), ("mode", "s", "melodic or percussive")],
        "One label's track; sent for each label on query/mapping and after every re-map.",
    ),
    _m(
        "/classes",
        TO_DEVICE,
        [("count", "i", "number of labels"), ("labels", "s", "labels joined by spaces")],
        "The model's class list (answer to query/classes).",
    ),
    _m(
        "/tracks",
        TO_DEVICE,
        [("count", "i", "number of tracks"), ("names", "s", "track names joined by spaces")],
        "The configured tracks (answer to query/tracks).",
    ),
    _m(
        "/done",
        TO_DEVICE,
        [("count", "i", "messages sent before this one"), ("query", "s", "what was asked")],
        "Ends the answer to a query.",
    ),
    _m(
        "/taught",
        TO_DEVICE,
        [
            ("label", "s", "the taught label"),
            ("examples", "i", "its examples now (0: untaught)"),
            ("labels", "s", "every taught label, joined by spaces"),
        ],
        "A label was taught (or more examples added) or untaught; it applies to new recordings at once.",
    ),
    _m("/pong", TO_DEVICE, [("seq", "i", "the ping's number")], "Answer to ping."),
    _m(
        "/status",
        TO_DEVICE,
        [
            ("queue", "i", "recordings waiting for analysis"),
            ("samples", "i", "samples in the library"),
            ("devices", "i", "devices heard from recently"),
        ],
        "Periodic status, every few seconds while serving.",
    ),
    _m(
        "/note",
        TO_DEVICE,
        [
            ("track", "s", "track whose sampler plays it"),
            ("note", "i", "MIDI note 0-127"),
            ("velocity", "i", "1-127 (gain = velocity/127)"),
            ("duration", "f", "seconds until note-off"),
        ],
        "Play one note on a track's sampler (composer preview, tests); same semantics as a MIDI note.",
    ),
    _m(
        "/phrase",
        TO_DEVICE,
        [
            ("phrase_id", "i", "number of this phrase"),
            ("count", "i", "notes that follow as phrase/note"),
            ("length_beats", "f", "phrase length in beats"),
            ("midi_path", "s", "absolute path of the .mid file"),
            ("x", "f", "latent x"),
            ("y", "f", "latent y"),
            ("temperature", "f", "variation used (0: the most likely notes)"),
            ("density", "f", "note density used (1: as learnt)"),
            ("register", "i", "MIDI note the key's tonic sat near"),
            ("key", "i", "tonic pitch class used, 0 (C) - 11 (B)"),
            ("low", "i", "lowest MIDI note allowed (the melodic sample's usable range)"),
            ("high", "i", "highest MIDI note allowed"),
        ],
        "A composed phrase (answer to compose); its notes follow as /exsampling/phrase/note. A sampler with "
        "its Player toggle on plays it on Live's transport from the next bar line.",
    ),
    _m(
        "/phrase/note",
        TO_DEVICE,
        [
            ("phrase_id", "i", "the phrase"),
            ("index", "i", "0-based note index"),
            ("note", "i", "MIDI note"),
            ("velocity", "i", "1-127"),
            ("start_beats", "f", "onset in beats"),
            ("duration_beats", "f", "length in beats"),
        ],
        "One note event of a composed phrase.",
    ),
    # device → backend
    _m(
        "/hello",
        TO_BACKEND,
        [
            ("reply_port", "i", "UDP port on 127.0.0.1 the device listens on"),
            ("name", "s", "device name, e.g. the track a sampler serves"),
        ],
        "A device announces itself; the backend answers with ready and sends it every event.",
        ("/ready",),
    ),
    _m(
        "/heartbeat",
        TO_BACKEND,
        [("seq", "i", "increasing number")],
        "The launching device is alive; a backend started with --launched-by-device exits when they stop "
        "for --heartbeat-timeout seconds.",
    ),
    _m("/ping", TO_BACKEND, [("seq", "i", "any number")], "Ask for a pong.", ("/pong",)),
    _m(
        "/query/samples",
        TO_BACKEND,
        [("reply_port", "i", "0: the port announced in hello"), ("what", "s", "a track name, a label, or `all`")],
        "Samples of a track or label, newest first, then done.",
        ("/sample", "/done"),
    ),
    _m(
        "/query/mapping",
        TO_BACKEND,
        [("reply_port", "i", "0: the announced port")],
        "The whole mapping, then done.",
        ("/mapping", "/done"),
    ),
    _m(
        "/query/classes",
        TO_BACKEND,
        [("reply_port", "i", "0: the announced port")],
        "The model's labels.",
        ("/classes",),
    ),
    _m(
        "/query/tracks",
        TO_BACKEND,
        [("reply_port", "i", "0: the announced port")],
        "The configured tracks.",
        ("/tracks",),
    ),
    _m(
        "/remap",
        TO_BACKEND,
        [("label", "s", "class label"), ("track", "s", "track name")],
        "Send a label to another track (kept across restarts); samples of that label are re-sent.",
        ("/mapping",),
    ),
    _m(
        "/override",
        TO_BACKEND,
        [("sample_id", "i", "sample"), ("label", "s", "the label it should have")],
        "Correct a sample's label; it is re-sent to its new track.",
        ("/sample",),
    ),
    _m("/accept", TO_BACKEND, [("sample_id", "i", "sample")], "Mark a sample accepted.", ("/sample",)),
    _m("/reject", TO_BACKEND, [("sample_id", "i", "sample")], "Mark a sample rejected (not played).", ("/sample",)),
    _m("/reanalyse", TO_BACKEND, [("sample_id", "i", "sample")], "Run the analysis again.", ("/sample",)),
    _m(
        "/teach",
        TO_BACKEND,
        [
            ("label", "s", "a new name or an existing class name"),
            ("sample_ids", "s", "library samples to learn it from, joined by spaces"),
        ],
        "Teach a label from examples in the library (each sample is one example); answered with taught (or error).",
        ("/taught", "/error"),
    ),
    _m(
        "/untaught",
        TO_BACKEND,
        [("label", "s", "a taught label")],
        "Forget a taught label and its examples; answered with taught (0 examples).",
        ("/taught", "/error"),
    ),
    _m(
        "/compose",
        TO_BACKEND,
        [
            ("reply_port", "i", "0: the announced port"),
            ("x", "f", "latent x"),
            ("y", "f", "latent y"),
            ("seed", "i", "variation seed; -1: the pad's own phrase at (x, y)"),
            *_KNOBS,
        ],
        "Compose a phrase at a point of the composer's latent space; answered with phrase, its notes, "
        "then done (or error when no composer is installed). The knobs are optional trailing arguments "
        "(a sender may stop after seed or any knob); -1 means the composer's default.",
        ("/phrase", "/phrase/note", "/done", "/error"),
    ),
)

MESSAGES: dict[str, Message] = {m.address: m for m in CORE}


def declare(message: Message) -> Message:
    """Add a message (from a plugin). Addresses are unique: a clash raises ValueError."""
    if message.address in MESSAGES and MESSAGES[message.address] != message:
        raise ValueError(f"OSC address {message.address} is already declared by {MESSAGES[message.address].source}")
    MESSAGES[message.address] = message
    return message


def get(address: str) -> Message:
    return MESSAGES[address]


def limits(address: str) -> dict[str, tuple[int | float, int | float]]:
    """The declared ranges of ``address``'s arguments that have one, by name."""
    return {a.name: a.limits for a in get(address).args if a.limits is not None}


def to_device() -> list[Message]:
    return [m for m in MESSAGES.values() if m.direction == TO_DEVICE]


def to_backend() -> list[Message]:
    return [m for m in MESSAGES.values() if m.direction == TO_BACKEND]
