"""The backend's OSC handlers: each declared to-backend address calls one operation of the service (the one its
HTTP route calls) and returns its replies; the door (:mod:`exsampling_osc.backend.osc_door`) sends them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from exsampling_osc.backend.osc_door import Replies, Reply
from exsampling_osc.backend.phrases import phrase_messages
from exsampling_osc.osc import codec, protocol

log = logging.getLogger(__name__)


def install_handlers(service) -> None:
    """Map every core to-backend address (and every plugin's) on the door (``service.osc``), then check that
    every declared device → backend address has a handler."""
    door = service.osc

    def hello(args, peer) -> Reply:
        port, name = args
        door.hello(peer, port, name)
        return service.ready_message()

    def heartbeat(args, peer) -> None:
        door.heartbeat(peer)

    def query_samples(args, peer) -> Iterator[Reply]:
        what = args[1]
        # read on the answer thread (this generator runs there); held samples reach no device until accepted
        samples = [s for s in service.list_samples(what) if s.get("state") != "pending"]
        for s in samples:
            yield "/exsampling/sample", codec.sample_args(s)
        yield "/exsampling/done", [len(samples), f"samples {what}"]

    def query_mapping(args, peer) -> list[Reply]:
        mapping = service.mapping()
        out: list[Reply] = [
            ("/exsampling/mapping", [label, track, service.mode_of(track)]) for label, track in mapping.items()
        ]
        return [*out, ("/exsampling/done", [len(mapping), "mapping"])]

    def query_classes(args, peer) -> Reply:
        labels = service.classes()
        return "/exsampling/classes", [len(labels), " ".join(labels)]

    def query_tracks(args, peer) -> Reply:
        names = [t["name"] for t in service.tracks()]
        return "/exsampling/tracks", [len(names), " ".join(names)]

    def compose(args, peer) -> Iterator[Reply]:
        values = codec.decode(protocol.PREFIX + "/compose", args)  # the knobs by name (defaults filled in)
        seed = values["seed"]
        # on the answer thread
        yield from phrase_messages(service.phrase(values["x"], values["y"], None if seed < 0 else seed, values))

    def changed(result) -> None:  # a change is announced to every device as an event, not answered
        return None

    core = {
        "/hello": hello,
        "/heartbeat": heartbeat,
        "/ping": lambda a, p: ("/exsampling/pong", [a[0]]),
        "/query/samples": query_samples,
        "/query/mapping": query_mapping,
        "/query/classes": query_classes,
        "/query/tracks": query_tracks,
        "/remap": lambda a, p: changed(service.remap(a[0], a[1])),
        "/override": lambda a, p: changed(service.override(a[0], a[1])),
        "/accept": lambda a, p: changed(service.set_state(a[0], "accepted")),
        "/reject": lambda a, p: changed(service.set_state(a[0], "rejected")),
        "/reanalyse": lambda a, p: changed(service.reanalyse(a[0])),
        "/compose": compose,
        "/teach": lambda a, p: changed(service.teach(a[0], [int(i) for i in str(a[1]).split()])),
        "/untaught": lambda a, p: changed(service.untaught(a[0])),
    }
    for address, handler in core.items():
        door.map(protocol.PREFIX + address, handler)
    if service.events.plugins is not None:
        _install_plugins(service)
    assert door.server is not None
    require_all_handled(door.server.handlers)


def require_all_handled(handlers: dict) -> None:
    """Raise ExSamplingError naming every declared device → backend address that has no handler."""
    from exsampling_osc.errors import ExSamplingError

    missing = unhandled(handlers)
    if missing:
        raise ExSamplingError("declared OSC addresses without a handler: " + ", ".join(missing))


def unhandled(handlers: dict) -> list[str]:
    """Declared device → backend addresses missing from ``handlers``."""
    return [m.address for m in protocol.to_backend() if m.address not in handlers]


def _install_plugins(service) -> None:
    for result in service.events.plugins.hook.osc_messages():
        for message, handler in result or []:
            try:
                protocol.declare(message)
            except ValueError as exc:
                log.error("plugin message refused: %s", exc)
                continue
            if message.direction == protocol.TO_BACKEND and handler is not None:
                service.osc.map(message.address, _plugin_handler(service, handler))


def _plugin_handler(service, handler):
    """A plugin's ``handler(service, args, sender)`` as a door handler (its return value is its replies)."""

    def run(args: list, peer: tuple[str, int]) -> Replies:
        return handler(service, args, peer)

    return run
