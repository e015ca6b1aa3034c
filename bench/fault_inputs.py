"""Malformed uploads for bench/bench_faults.py: each must be answered 4xx by `exsampling serve`, never 5xx."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from serve_support import Serve, multipart, tone  # noqa: E402


def open_post(srv: Serve, ctype: str, length: int) -> socket.socket:
    """A raw connection that has sent an upload's request head, declaring ``length`` body bytes."""
    s = socket.create_connection(("127.0.0.1", int(srv.url.rsplit(":", 1)[1])), timeout=10)
    s.sendall(
        f"POST /api/recordings?token={srv.token} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {ctype}\r\n"
        f"Content-Length: {length}\r\n\r\n".encode()
    )
    return s


def raw_post(srv: Serve, body: bytes, ctype: str, token: str | None = None, **headers: str) -> int:
    url = f"{srv.url}/api/recordings?token={srv.token if token is None else token}"
    try:
        return requests.post(url, data=body, headers={"Content-Type": ctype, **headers}, timeout=10).status_code
    except requests.RequestException:
        return 0


def bad_uploads(srv: Serve, tmp: Path) -> dict[str, int]:
    """Malformed uploads and the status each got."""
    wav = tone(tmp / "ok.wav", 1.0).read_bytes()
    codes: dict[str, int] = {}
    for name, filename, data, fields in (
        ("empty file name", "", wav, {}),
        ("NUL in file name", "a\0b.wav", wav, {}),
        ("truncated WAV header", "t.wav", wav[:30], {}),
        ("text named .wav", "t.wav", b"hello, not audio\n" * 40, {}),
        ("empty file", "e.wav", b"", {}),
        ("silence", "s.wav", wav[:44] + b"\0" * (len(wav) - 44), {}),
        ("latitude 1_0", "a.wav", wav, {"latitude": "1_0", "longitude": "2"}),
        ("latitude nan", "a.wav", wav, {"latitude": "nan", "longitude": "2"}),
        ("latitude 1e999", "a.wav", wav, {"latitude": "1e999", "longitude": "2"}),
        ("bad upload id", "a.wav", wav, {"upload_id": "../../x"}),
    ):
        body, ctype = multipart(fields, "audio", filename, data)
        codes[name] = raw_post(srv, body, ctype)
    body, ctype = multipart({}, "audio", "a.wav", wav)
    codes["wrong token"] = raw_post(srv, body, ctype, token="nope")
    codes["no file part"] = raw_post(srv, *multipart({}, "other", "a.wav", wav))
    codes["JSON body"] = raw_post(srv, b'{"audio": 1}', "application/json")
    codes["broken multipart"] = raw_post(srv, b"--x\r\nnonsense", "multipart/form-data; boundary=x")
    with open_post(srv, "multipart/form-data; boundary=b", 10**10) as s:
        try:
            codes["Content-Length 10 GB"] = int(s.recv(100).split()[1])
        except (OSError, IndexError, ValueError):
            codes["Content-Length 10 GB"] = 0
    return codes
