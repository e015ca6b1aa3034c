"""An in-process client for the backend's OSC handlers (as datasette's ``client``): datagrams go straight into
the service's OSC door, replies are captured where the sender would put them on the wire. No subprocess, no
sockets for replies; the packets are the real encoded bytes, so parsing, argument checks and dispatch run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pythonosc.osc_message_builder import OscMessageBuilder

from exsampling_osc.backend.osc_handlers import install_handlers
from exsampling_osc.osc import codec, protocol
from exsampling_osc.osc.sender import build


class CapturingSender:
    """Stands in for :class:`exsampling_osc.osc.sender.Sender`: encodes like it, keeps (port, address, args)."""

    def __init__(self, device_port: int = 9001):
        self.device_port = device_port
        self._ports: set[int] = set()
        self.sent: list[tuple[int, str, dict]] = []

    def announce(self, port: int) -> None:
        self._ports.add(int(port))

    def ports(self) -> list[int]:
        return sorted({self.device_port, *self._ports} - {0})

    def send(self, address: str, args, ports=None) -> None:
        build(address, args)  # the same encoding (and size limit) as on the wire
        for port in ports if ports is not None else self.ports():
            self.sent.append((port, address, codec.decode(address, args)))

    def close(self) -> None:
        pass


class OscClient:
    """``client.send("/exsampling/ping", seq=3)`` → the replies it caused, as (port, address, args by name)."""

    def __init__(self, service, sender: tuple[str, int] = ("127.0.0.1", 50000)):
        assert isinstance(service.events.sender, CapturingSender), "make the service with sender=CapturingSender()"
        self.service = service
        self.peer = sender
        self.sender: CapturingSender = service.events.sender
        self.server = service.osc.bind(0)  # bound, never started: datagrams are handed in below
        install_handlers(service)

    def send_raw(self, data: bytes) -> list[tuple[int, str, dict]]:
        before = len(self.sender.sent)
        self.server.handle_packet(data, self.peer)
        self.service.osc.answers.submit(lambda: None).result(10)  # paced answers finish on their own thread
        return self.sender.sent[before:]

    def send(self, address: str, **values) -> list[tuple[int, str, dict]]:
        message = protocol.get(address)
        b = OscMessageBuilder(address)
        for spec, value in zip(message.args, codec.encode(address, values), strict=True):
            b.add_arg(value, spec.type)
        return self.send_raw(b.build().dgram)

    def close(self) -> None:
        self.server.sock.close()


@contextmanager
def service_client(data_dir: Path, analyzer) -> Iterator[OscClient]:
    """A service on ``data_dir`` with ``analyzer`` injected, no plugins and a capturing sender, and its client;
    closed (answer thread, library) on leaving."""
    from exsampling_osc.backend.service import Service, Settings

    svc = Service(Settings(data_dir=data_dir, load_plugins=False), analyzer=analyzer, sender=CapturingSender())
    client = OscClient(svc)
    try:
        yield client
    finally:
        client.close()
        svc.osc.answers.shutdown()
        svc.library.close()
