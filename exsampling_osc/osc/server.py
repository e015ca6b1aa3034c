"""Receiving OSC: a UDP loop that parses packets with python-osc and dispatches by declared address.

Handlers are built from the declaration: arguments are checked against the declared types before a
handler runs. Garbage bytes, unknown addresses, wrong types and failing handlers are logged and ignored
(an error goes back to the asker where one can be named); the loop itself never stops on bad input.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable

from pythonosc import osc_packet

from exsampling_osc.osc import codec, protocol

log = logging.getLogger(__name__)

#: Bundles nested deeper than this are dropped unread (python-osc parses them recursively).
MAX_BUNDLE_DEPTH = 8
RECEIVE_BUFFER = 4 << 20

#: handler(args, sender) where args are coerced to the declared types and sender is (host, port).
Handler = Callable[[list, tuple[str, int]], None]


class OscServer:
    """Listens on ``host:port`` (0: any free port); ``handlers`` maps declared addresses to handlers."""

    def __init__(self, sock: socket.socket, on_error: Callable[[str, tuple[str, int]], None] | None = None):
        self.sock = sock
        self.sock.settimeout(0.2)
        self.port = sock.getsockname()[1]
        self.handlers: dict[str, Handler] = {}
        self.on_error = on_error
        self.received = 0
        self.rejected = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def map(self, address: str, handler: Handler) -> None:
        """Route a declared to-backend address to ``handler``."""
        message = protocol.get(address)
        if message.direction != protocol.TO_BACKEND:
            raise ValueError(f"{address} is declared as backend → device")
        self.handlers[address] = handler

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="osc-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(2)
        self.sock.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                data, sender = self.sock.recvfrom(65536)
            except TimeoutError:
                continue
            except OSError:
                if self._stop.is_set():
                    return
                continue
            try:
                self.handle_packet(data, sender)
            except Exception:  # last line of defence: the receiver outlives any datagram
                log.exception("OSC packet from %s:%s dropped", *sender[:2])

    def handle_packet(self, data: bytes, sender: tuple[str, int]) -> None:
        """Parse and dispatch one datagram; anything unreadable is logged and dropped, never raised."""
        depth = bundle_depth(data)
        if depth > MAX_BUNDLE_DEPTH:
            self._reject(f"OSC bundle nested {depth} deep (limit {MAX_BUNDLE_DEPTH})", sender, reply=False)
            return
        try:
            packet = osc_packet.OscPacket(data)
            messages = [(t.message.address, list(t.message.params)) for t in packet.messages]
        except Exception as exc:  # python-osc raises ParseError, but also IndexError, struct.error, ...
            self._reject(
                f"unreadable OSC packet of {len(data)} bytes ({type(exc).__name__}: {exc})", sender, reply=False
            )
            return
        for address, params in messages:
            if not isinstance(address, str):
                self._reject("OSC message without an address", sender, reply=False)
                continue
            self.dispatch(address, params, sender)

    def dispatch(self, address: str, params: list, sender: tuple[str, int]) -> None:
        self.received += 1
        handler = self.handlers.get(address)
        if handler is None:
            self._reject(f"unknown OSC address {address}", sender, reply=False)
            return
        try:
            args = codec.check_args(protocol.get(address), params)
        except ValueError as exc:
            self._reject(str(exc), sender)
            return
        try:
            handler(args, sender)
        except Exception as exc:  # a handler must never take the server down
            log.exception("OSC handler for %s failed", address)
            self._reject(f"{address} failed: {exc}", sender)

    def _reject(self, why: str, sender: tuple[str, int], reply: bool = True) -> None:
        self.rejected += 1
        log.warning("OSC from %s:%s ignored: %s", sender[0], sender[1], why)
        if reply and self.on_error:
            self.on_error(why, sender)


def bundle_depth(data: bytes) -> int:
    """How deep ``#bundle`` elements nest along the first element chain, read without recursion.

    Counts the nesting a recursive parser would descend into; stops at the first non-bundle element.

    >>> bundle_depth(b"/a\\0\\0,\\0\\0\\0")
    0
    """
    depth, pos = 0, 0
    while data[pos : pos + 8] == b"#bundle\0" and depth <= MAX_BUNDLE_DEPTH:
        depth += 1
        pos += 16 + 4  # tag, time tag, then the size of the first element
    return depth


def bind_udp(port: int, probe: bool, host: str = "127.0.0.1", tries: int = 50) -> socket.socket:
    """A bound UDP socket on ``port`` (0: any); with ``probe`` a busy port moves to the next free one."""
    last: OSError | None = None
    for candidate in range(port, port + (tries if probe and port else 1)):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:  # a deep receive buffer rides out bursts (the kernel may cap it at net.core.rmem_max)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        except OSError:
            pass
        try:
            sock.bind((host, candidate))
            return sock
        except OSError as exc:
            sock.close()
            last = exc
    from exsampling_osc.errors import ExSamplingError

    hint = "" if probe else " (use --probe-ports to take the next free one, or choose another --osc-port)"
    raise ExSamplingError(f"OSC port {port} on {host} is in use: {last.strerror if last else ''}{hint}")
