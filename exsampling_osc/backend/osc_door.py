"""The OSC door of the service (:class:`OscDoor`): the receiving server, the devices that said hello, the
heartbeat, and where an answer goes. The handler table itself is in :mod:`exsampling_osc.backend.osc_handlers`.

Handlers return their replies, as python-osc's handlers do: None, one ``(address, args)``, a list of them
(sent at once), or an iterator of them (a long or slow answer: run on the answer thread and sent in paced
pages, so the receiver never waits on it). The door sends the replies to the message's ``reply_port`` argument
when it has one and it is not 0, else to the port the asker announced in its hello, else to every known device.
Events for everyone (a new sample, a re-map) are not replies: the parts broadcast them through ``events``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from exsampling_osc.backend.events import Events, Transport
from exsampling_osc.osc import protocol
from exsampling_osc.osc.server import OscServer, bind_udp

if TYPE_CHECKING:
    from exsampling_osc.backend.lifecycle import ParentWatch

log = logging.getLogger(__name__)
Peer = tuple[str, int]
Reply = tuple[str, list | tuple]
Replies = Reply | list[Reply] | Iterator[Reply] | None
#: A door handler: ``handler(args, peer)`` → replies (args checked against the declaration, in its order).
Handler = Callable[[list, Peer], Replies]

#: Iterator answers are sent in pages of this many messages, with a pause between pages.
PAGE = 64
PAGE_PAUSE = 0.002


class OscDoor:
    """Devices in and answers out. ``sender`` carries the answers (the one :class:`Events` broadcasts with);
    ``watch`` (launched by a device) hears every heartbeat. Nothing is bound until :meth:`bind`."""

    def __init__(self, sender: Transport, events: Events, watch: ParentWatch | None = None) -> None:
        self.sender, self.events, self.watch = sender, events, watch
        self.server: OscServer | None = None
        self.devices: dict[Peer, dict] = {}  # sender address → {"port", "name", "seen"}
        self.last_heartbeat: float | None = None
        # large answers are sent from here, paced, so the OSC receiver never waits on one
        self.answers = ThreadPoolExecutor(max_workers=1, thread_name_prefix="osc-answers")

    def bind(self, port: int, probe: bool = False) -> OscServer:
        """Bind the receiving socket on 127.0.0.1 (``port`` 0: any free one) and open the sender; handlers are
        mapped on the server next, and :meth:`start` starts receiving."""
        self.server = OscServer(bind_udp(port, probe), on_error=self.refused)
        getattr(self.sender, "open", lambda: None)()
        return self.server

    def start(self) -> None:
        assert self.server is not None, "bind() first"
        self.server.start()

    def stop(self) -> None:
        self.answers.shutdown(wait=False, cancel_futures=True)
        if self.server:
            self.server.stop()
        self.sender.close()

    def map(self, address: str, handler: Handler) -> None:
        """Serve declared to-backend ``address`` with ``handler``; its replies go where :meth:`reply_ports` says."""
        assert self.server is not None, "bind() first"
        names = [a.name for a in protocol.get(address).args]
        at = names.index("reply_port") if "reply_port" in names else None

        def answering(args: list, peer: Peer) -> None:
            replies = handler(args, peer)
            if replies is None:
                return
            ports = self.reply_ports(args[at] if at is not None else 0, peer)
            if isinstance(replies, tuple):
                replies = [replies]
            if isinstance(replies, list):
                for reply_address, reply_args in replies:
                    self.sender.send(reply_address, reply_args, ports)
            else:
                self.answers.submit(self.paced, address, replies, ports)

        self.server.map(address, answering)

    def paced(self, address: str, replies: Iterable[Reply], ports: list[int]) -> None:
        """Send an iterator's replies in pages (on the answer thread); a failure is told to the asker."""
        try:
            for i, (reply_address, reply_args) in enumerate(replies, 1):
                self.sender.send(reply_address, reply_args, ports)
                if i % PAGE == 0:
                    time.sleep(PAGE_PAUSE)
        except Exception as exc:  # the asker hears why; the answer thread goes on
            log.exception("answer to %s failed", address)
            self.events.error(f"{address} failed: {exc}", ports)

    def refused(self, message: str, peer: Peer) -> None:
        """A datagram the server refused: the asker hears why."""
        self.events.error(message, self.reply_ports(0, peer))

    def seen(self, peer: Peer, name: str | None = None, port: int | None = None) -> None:
        """A device spoke: remember when, and its name and reply port when it gave them."""
        d = self.devices.setdefault(peer, {"name": name or "device", "port": port or 0, "seen": 0.0})
        d["seen"] = time.monotonic()
        if name:
            d["name"] = name
        if port:
            d["port"] = port

    def hello(self, peer: Peer, port: int, name: str) -> None:
        """A device announced its reply port (ValueError for one that is no UDP port)."""
        if not 0 < port < 65536:
            raise ValueError(f"reply_port {port} is not a UDP port")
        self.seen(peer, name, port)
        self.sender.announce(port)

    def heartbeat(self, peer: Peer) -> None:
        self.last_heartbeat = time.monotonic()
        if peer in self.devices:
            self.seen(peer)
        if self.watch:
            self.watch.beat()

    def reply_ports(self, reply_port: int, peer: Peer) -> list[int]:
        """Where an answer goes: ``reply_port`` if a device announced it with hello, else the asker's announced
        port, else every known device. An unannounced ``reply_port`` is refused (ValueError)."""
        known = self.sender.ports()
        if reply_port > 0:
            if reply_port not in known:
                raise ValueError(f"reply_port {reply_port} was not announced with /exsampling/hello")
            return [reply_port]
        device = self.devices.get(peer)
        return [device["port"]] if device else known

    def status(self, osc_port: int | None) -> dict:
        """The door's part of the service status: ``osc``, ``seconds_since_heartbeat``, ``devices``."""
        now = time.monotonic()
        devices = [
            {"name": d["name"], "port": d["port"], "seconds_ago": round(now - d["seen"], 1)}
            for d in self.devices.values()
            if now - d["seen"] < 60
        ]
        beat = None if self.last_heartbeat is None else round(now - self.last_heartbeat, 2)
        return {
            "osc": {
                "port": self.server.port if self.server else osc_port,
                "device_port": self.sender.device_port,
                "reply_ports": self.sender.ports(),
                "received": self.server.received if self.server else 0,
                "rejected": self.server.rejected if self.server else 0,
                "sent": self.sender.sent,
                "link": "up" if beat is not None and beat < 10 or devices else "waiting",
            },
            "seconds_since_heartbeat": beat,
            "devices": devices,
        }
