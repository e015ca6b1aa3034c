"""The backend's OSC handlers: each declared to-backend address calls one ``Service`` method.

Answers go to the query's ``reply_port`` when not 0, else to the port the asker announced in its hello,
else to every known device.
"""

from __future__ import annotations

import logging
import threading
import time

from exsampling_osc.osc import protocol

log = logging.getLogger(__name__)


#: Query answers are sent in pages of this many messages, with a pause between pages.
PAGE = 64
PAGE_PAUSE = 0.002


def install_handlers(service) -> None:
    """Map every core to-backend address (and every plugin's) on the door's server (``service.osc.server``);
    the handlers call the service's operations, the same ones the HTTP routes call."""
    door = service.osc
    send = service.send
    assert door.server is not None, "bind the door first"

    def hello(args, sender):
        port, name = args
        door.hello(sender, port, name)
        service.send_ready([port])

    def ping(args, sender):
        send("/exsampling/pong", [args[0]], door.reply_ports(0, sender))

    def query_samples(args, sender):
        ports = door.reply_ports(args[0], sender)
        door.answers.submit(_answer_samples, service, args[1], ports)

    def query_mapping(args, sender):
        ports = door.reply_ports(args[0], sender)
        mapping = service.mapping()
        for label, track in mapping.items():
            send("/exsampling/mapping", [label, track, service.mode_of(track)], ports)
        send("/exsampling/done", [len(mapping), "mapping"], ports)

    def query_classes(args, sender):
        labels = service.classes()
        send("/exsampling/classes", [len(labels), " ".join(labels)], door.reply_ports(args[0], sender))

    def query_tracks(args, sender):
        names = [t["name"] for t in service.tracks()]
        send("/exsampling/tracks", [len(names), " ".join(names)], door.reply_ports(args[0], sender))

    def compose(args, sender):
        ports = door.reply_ports(args[0], sender)
        threading.Thread(target=_compose, args=(service, args[1], args[2], args[3], ports), daemon=True).start()

    core = {
        "/hello": hello,
        "/heartbeat": lambda a, s: door.heartbeat(s),
        "/ping": ping,
        "/query/samples": query_samples,
        "/query/mapping": query_mapping,
        "/query/classes": query_classes,
        "/query/tracks": query_tracks,
        "/remap": lambda a, s: service.remap(a[0], a[1]),
        "/override": lambda a, s: service.override(a[0], a[1]),
        "/accept": lambda a, s: service.set_state(a[0], "accepted"),
        "/reject": lambda a, s: service.set_state(a[0], "rejected"),
        "/reanalyse": lambda a, s: service.reanalyse(a[0]),
        "/compose": compose,
        "/teach": lambda a, s: service.teach(a[0], [int(i) for i in str(a[1]).split()]),
        "/untaught": lambda a, s: service.untaught(a[0]),
    }
    for address, handler in core.items():
        door.server.map(protocol.PREFIX + address, handler)
    if service.events.plugins is not None:
        _install_plugins(service)
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
                service.osc.server.map(message.address, lambda args, sender, h=handler: h(service, args, sender))


def _answer_samples(service, what: str, ports: list[int]) -> None:
    """Send a (possibly large) samples answer in pages, off the receiving thread, so other OSC keeps flowing."""
    try:
        samples = service.list_samples(what)
        for i, s in enumerate(samples, 1):
            service.send("/exsampling/sample", protocol.sample_args(s), ports)
            if i % PAGE == 0:
                time.sleep(PAGE_PAUSE)
        service.send("/exsampling/done", [len(samples), f"samples {what}"], ports)
    except Exception as exc:  # the asker hears why; the answer thread goes on
        log.exception("query/samples failed")
        service.error(f"query/samples {what} failed: {exc}", ports)


def _compose(service, x: float, y: float, seed: int, ports: list[int]) -> None:
    try:
        service.compose(x, y, None if seed < 0 else seed, ports)
    except Exception as exc:  # a failed phrase must not stop the server: say it to the asker
        service.error(f"compose failed: {exc}", ports)
