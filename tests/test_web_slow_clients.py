"""Slow clients cannot starve the server: with 100 connections sending their headers one byte at a time,
an upload and the console are still answered, and the slow ones are closed at their header deadline.
Real sockets on loopback, the real server (cheroot) and app; the backend service is the stand-in of
tests/web_client.py. Timings are measured in bench/bench_slow_clients.py, not asserted here."""

from __future__ import annotations

import socket
import ssl
import time

import pytest
import requests
from slow_clients import Trickle
from test_web_doors import wav_bytes
from web_client import ShowStandIn

from exsampling_osc.certs import participant_certificate
from exsampling_osc.web.app import make_app
from exsampling_osc.web.server import WebServer
from exsampling_osc.web.tls import ssl_adapter


@pytest.fixture
def served(tmp_path):
    show = ShowStandIn(tmp_path / "data")
    server = WebServer(make_app(show), "127.0.0.1", 0, header_timeout=3.0, body_timeout=3.0)
    server.start()
    yield server, show
    server.stop()


def wait_until(predicate, limit_s: float) -> bool:
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_an_upload_and_the_console_are_answered_while_100_clients_trickle(served):
    server, show = served
    base = f"http://127.0.0.1:{server.port}"
    slow = Trickle(server.port, 100, every=0.3)
    try:
        time.sleep(1.0)  # every slow connection has sent bytes: each holds a worker thread now
        assert slow.open_count() == 100
        r = requests.post(
            f"{base}/api/recordings?token={show.tokens.current}",
            files={"audio": ("a.wav", wav_bytes(), "audio/wav")},
            timeout=5,
        )
        assert r.status_code == 201, r.text
        assert requests.get(f"{base}/console", timeout=5).status_code == 200
        # the header deadline (3 s here) closes every slow connection, though each keeps sending
        assert wait_until(lambda: slow.open_count() == 0, 8.0), f"{slow.open_count()} still open"
        assert server.deadlines.expired >= 100
    finally:
        slow.close()


def test_a_body_sent_too_slowly_is_cut_at_its_deadline(served):
    server, show = served
    request = (
        f"POST /api/recordings?token={show.tokens.current} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n"
    ).encode()
    slow = Trickle(server.port, 3, prefix=request, request=b"--b\r\n", every=0.2)  # headers at once, body slowly
    try:
        assert wait_until(lambda: slow.open_count() == 0, 10.0)
        assert show.library.store.recordings() == []
    finally:
        slow.close()


def client_hello() -> bytes:
    """The first bytes a TLS client sends (its ClientHello), made with an in-memory TLS client."""
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    out = ssl.MemoryBIO()
    tls = ctx.wrap_bio(ssl.MemoryBIO(), out, server_hostname="exsampling.local")
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    return out.read()


def test_connections_that_stall_their_tls_handshake_do_not_stop_https(tmp_path):
    # cheroot's own adapter shook hands in its accept loop: 5 silent connections left HTTPS without an answer
    # for 15 s. Silent ones and ones sending their ClientHello a byte at a time, then a real HTTPS request.
    show = ShowStandIn(tmp_path / "data")
    adapter = ssl_adapter(*participant_certificate(tmp_path / "data", []))
    server = WebServer(make_app(show), "127.0.0.1", 0, ssl_adapter=adapter, header_timeout=3.0)
    server.start()
    silent = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(20)]
    slow = Trickle(server.port, 50, request=client_hello(), every=0.3)
    try:
        time.sleep(1.0)
        answer = requests.get(f"https://127.0.0.1:{server.port}/console", verify=False, timeout=5)
        assert answer.status_code == 200 and answer.url.startswith("https://")
        assert wait_until(lambda: slow.open_count() == 0, 10.0), f"{slow.open_count()} handshakes still open"
    finally:
        slow.close()
        for s in silent:
            s.close()
        server.stop()
