"""Sending declared OSC messages over UDP to the device port and to every port a device announced."""

from __future__ import annotations

import logging
import socket
import threading

from pythonosc.osc_message_builder import OscMessageBuilder

from exsampling_osc.osc import codec, protocol

log = logging.getLogger(__name__)
MAX_PACKET = 8192


def build(address: str, args: list | tuple) -> bytes:
    """Encode ``args`` with the declared type tags of ``address`` (ValueError when they don't fit)."""
    message = protocol.get(address)
    values = codec.check_args(message, args)
    builder = OscMessageBuilder(address)
    for spec, value in zip(message.args, values, strict=True):
        builder.add_arg(value, spec.type)
    data = builder.build().dgram
    if len(data) > MAX_PACKET:
        raise ValueError(f"{address}: packet of {len(data)} bytes exceeds {MAX_PACKET}")
    return data


class Sender:
    """Sends to 127.0.0.1 on ``device_port`` plus every announced reply port, once :meth:`open` (before it,
    messages are encoded and checked, then dropped: nothing leaves a service that was not started)."""

    def __init__(self, device_port: int, host: str = "127.0.0.1"):
        self.host = host
        self.device_port = device_port
        self._ports: set[int] = set()
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self.sent = 0

    def open(self) -> None:
        if self._sock is None:
            self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def announce(self, port: int) -> None:
        with self._lock:
            self._ports.add(int(port))

    def ports(self) -> list[int]:
        with self._lock:
            return sorted({self.device_port, *self._ports} - {0})

    def send(self, address: str, args: list | tuple, ports: list[int] | None = None) -> None:
        """Send one message to ``ports`` (default: every device). Network errors are logged, not raised."""
        data = build(address, args)
        if self._sock is None:
            return
        for port in ports if ports is not None else self.ports():
            try:
                self._sock.sendto(data, (self.host, port))
                self.sent += 1
            except OSError as exc:
                log.warning("OSC send %s to port %s failed: %s", address, port, exc)

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
