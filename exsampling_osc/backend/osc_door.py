"""The OSC door of the service (:class:`OscDoor`): the receiving server, the devices that said hello, the
heartbeat, and where an answer goes. The handler table itself is in :mod:`exsampling_osc.backend.osc_handlers`.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from exsampling_osc.backend.events import Events, Transport
from exsampling_osc.osc.server import OscServer, bind_udp

if TYPE_CHECKING:
    from exsampling_osc.backend.lifecycle import ParentWatch

Peer = tuple[str, int]


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
