"""Nothing a sender does stops the OSC receiver: random bytes, truncated and malformed packets, deep bundles and
huge packets against a real `exsampling serve` over real UDP, ending with a prompt pong; and replies go only to
ports a device announced with hello."""

from __future__ import annotations

import random
import socket
import struct
import time

from pythonosc.osc_message_builder import OscMessageBuilder
from serve_support import Listener, Serve


def _message(address: str, *args) -> bytes:
    b = OscMessageBuilder(address)
    for a in args:
        b.add_arg(a)
    return b.build().dgram


def _bundle(inner: bytes, depth: int) -> bytes:
    for _ in range(depth):
        inner = b"#bundle\0" + struct.pack(">Q", 1) + struct.pack(">i", len(inner)) + inner
    return inner


def fuzz_packets(seed: int = 7, n_random: int = 300) -> list[bytes]:
    """The attack campaign's packets plus random and mutated ones (``seed`` makes them repeatable)."""
    rng = random.Random(seed)
    good = _message("/exsampling/ping", 5)
    hello = _message("/exsampling/hello", 9, "x")
    packets = [
        b"/a\0\0\xb8\0\0\0",  # the datagram that killed the receiver
        b"/exsampling/ping\0\0\0\0,\xff\0\0",  # an unknown type tag
        b"/exsampling/ping\0\0\0\0,i\0\0",  # an int argument with no bytes
        _bundle(good, 500),  # RecursionError in python-osc
        _bundle(good, 9),
        b"#bundle\0" + b"\0" * 8 + struct.pack(">i", 10**6),  # an element longer than the packet
        b"#bundle\0",
        b"\0" * 4,
        b"",
        _message("/exsampling/ping", "not a number"),
        _message("/exsampling/query/samples", 1, "all"),  # a reply port nobody announced
        _message("/exsampling/nothing/here", 1),
        b"/" + b"x" * 65000,  # huge (close to the UDP limit)
        good + b"\xff" * 3,
    ]
    for _ in range(n_random):
        kind = rng.randrange(4)
        if kind == 0:
            packets.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))))
        elif kind == 1:
            src = rng.choice([good, hello, _bundle(good, 2)])
            packets.append(src[: rng.randrange(1, len(src))])
        else:
            src = bytearray(rng.choice([good, hello, _bundle(hello, 3)]))
            for _ in range(rng.randrange(1, 4)):
                src[rng.randrange(len(src))] = rng.randrange(256)
            packets.append(bytes(src))
    return packets


def test_fuzzed_datagrams_leave_the_receiver_answering(tmp_path):
    serve = Serve(tmp_path / "data")
    dev = Listener()
    try:
        port = serve.ready["osc_port"]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for data in fuzz_packets():
                s.sendto(data, ("127.0.0.1", port))
        dev.send(port, "/exsampling/hello", dev.port, "fuzz check", types="is")
        dev.wait_for("/exsampling/ready", timeout=10)
        t = time.monotonic()
        dev.send(port, "/exsampling/ping", 4242, types="i")
        assert dev.wait_for("/exsampling/pong", timeout=5, where=lambda a: a == [4242])
        assert time.monotonic() - t < 5
        assert serve.proc.poll() is None
        status = serve.get("/api/status")
        assert status["osc"]["rejected"] > 100  # the fuzz was received and refused, not lost unread
        assert "unreadable OSC packet" in serve.log and "nested" in serve.log
        # with --no-qr the participant URL is still said in words; the LiteRT delegate line is not shown
        assert f"participants open: {serve.ready['participant_url']}" in serve.log
        assert "XNNPACK" not in serve.log
    finally:
        dev.close()
        serve.stop()


def test_replies_go_only_to_announced_ports(tmp_path):
    serve = Serve(tmp_path / "data")
    dev, victim = Listener(), Listener()
    try:
        port = serve.ready["osc_port"]
        dev.send(port, "/exsampling/hello", dev.port, "asker", types="is")
        dev.wait_for("/exsampling/ready", timeout=10)
        dev.send(port, "/exsampling/query/classes", victim.port, types="i")  # aimed at a port nobody announced
        errors = dev.wait_for("/exsampling/error", timeout=10, where=lambda a: "not announced" in a[0])
        assert str(victim.port) in errors[0][0]
        dev.send(port, "/exsampling/query/classes", dev.port, types="i")  # an announced port is answered
        dev.wait_for("/exsampling/classes", timeout=10)
        time.sleep(0.3)
        assert victim.messages == []
    finally:
        dev.close()
        victim.close()
        serve.stop()
