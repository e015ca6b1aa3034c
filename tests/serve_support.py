"""Shared test helpers (no tests here): an `exsampling serve` subprocess, liblo's oscdump/oscsend, a python-osc
listener, uploads over real HTTP(S), free UDP ports and the "terminate, wait, kill" stop of a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
EXSAMPLING = [sys.executable, "-m", "exsampling_osc"]
HAVE_LIBLO = bool(shutil.which("oscdump") and shutil.which("oscsend"))


def labels() -> list[str]:
    return json.loads((ROOT / "models" / "esc50" / "model.json").read_text())["labels"]


def tone(path: Path, seconds: float = 2.0, freq: float = 440.0, sr: int = 22050, amp: float = 0.4) -> Path:
    t = np.arange(int(seconds * sr)) / sr
    y = amp * np.sin(2 * np.pi * freq * t) * np.minimum(1.0, 20 * t)
    sf.write(str(path), y.astype(np.float32), sr)
    return path


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc: subprocess.Popen, timeout: float = 5.0, sig: int | None = signal.SIGTERM) -> int:
    """Send ``sig`` (None: just wait) to a running ``proc``, wait ``timeout`` s, then kill it; its exit code."""
    if proc.poll() is None:
        if sig is not None:
            proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


class Lines:
    """Collect a subprocess stream's lines (without the newline) in a background thread."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self.ended = False
        self._cond = threading.Condition()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for raw in iter(stream.readline, ""):
            with self._cond:
                self.lines.append(raw.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self.ended = True
            self._cond.notify_all()

    def wait_for(self, predicate, timeout: float) -> str | None:
        """First line for which ``predicate`` holds, waiting up to ``timeout`` s (None: timed out or ended)."""
        end = time.monotonic() + timeout
        seen = 0
        with self._cond:
            while True:
                for line in self.lines[seen:]:
                    if predicate(line):
                        return line
                seen = len(self.lines)
                left = end - time.monotonic()
                if left <= 0 or self.ended:
                    return None
                self._cond.wait(left)


def _unverified() -> ssl.SSLContext:
    """A TLS context accepting the backend's self-signed certificate."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def fetch_json(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, dict]:
    """GET (or POST ``data`` to) ``url`` over HTTP(S); returns (status, JSON body), error statuses included."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method="GET" if data is None else "POST")
    try:
        with urllib.request.urlopen(req, context=_unverified(), timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def multipart(fields: dict[str, str], file_field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def upload(
    base: str,
    path: Path | None,
    token: str,
    name: str | None = None,
    data: bytes | None = None,
    field: str = "audio",
    headers: dict | None = None,
    **fields,
) -> tuple[int, dict]:
    """POST /api/recordings over real HTTP(S); returns (status, JSON body)."""
    data = path.read_bytes() if data is None else data
    body, ctype = multipart({k: str(v) for k, v in fields.items()}, field, name or path.name, data)
    return fetch_json(f"{base}/api/recordings?token={token}", body, {"Content-Type": ctype, **(headers or {})})


class Serve:
    """`exsampling serve` as a subprocess; ``ready`` is the parsed EXSAMPLING_READY line."""

    def __init__(
        self,
        data_dir: Path,
        *extra: str,
        device_port: int | None = None,
        env: dict | None = None,
        stdin=subprocess.DEVNULL,
        timeout: float = 90.0,
    ):
        self.device_port = device_port or free_udp_port()
        cmd = [
            *EXSAMPLING,
            "serve",
            "--data-dir",
            str(data_dir),
            "--http-port",
            "0",
            "--osc-port",
            "0",
            "--device-port",
            str(self.device_port),
            "--host",
            "127.0.0.1",
            "--no-qr",
            *extra,
        ]
        self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=stdin,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            cwd=ROOT,
        )
        self.err = Lines(self.proc.stderr)
        self.out = Lines(self.proc.stdout)
        line = self.out.wait_for(lambda s: s.startswith("EXSAMPLING_READY "), timeout)
        if line is None:
            self.kill()
            time.sleep(0.2)
            raise RuntimeError("serve did not get ready: " + self.log[-3000:])
        self.ready = json.loads(line.split(" ", 1)[1])

    @property
    def log(self) -> str:
        """What the backend printed on stderr so far (all of it once the process has exited)."""
        end = time.monotonic() + 2
        while self.proc.poll() is not None and not self.err.ended and time.monotonic() < end:
            time.sleep(0.02)
        return "\n".join(self.err.lines)

    @property
    def url(self) -> str:
        """The plain-HTTP loopback address (also with --https)."""
        return self.ready["http_url"]

    @property
    def base(self) -> str:
        """The participant URL's scheme://host:port (no path, no token)."""
        url = self.ready["participant_url"]
        return url.split("/", 3)[0] + "//" + url.split("/", 3)[2]

    @property
    def token(self) -> str:
        return self.ready["participant_url"].split("token=", 1)[1].split("&")[0]

    def get(self, path: str, public: bool = False) -> dict:
        """GET ``path`` as JSON from the loopback address (``public``: from the participant address)."""
        with urllib.request.urlopen((self.base if public else self.url) + path, context=_unverified(), timeout=10) as r:
            return json.loads(r.read())

    def post(self, path: str, public: bool = False) -> dict:
        """POST an empty body to ``path`` and return the JSON answer."""
        req = urllib.request.Request((self.base if public else self.url) + path, data=b"", method="POST")
        with urllib.request.urlopen(req, context=_unverified(), timeout=10) as r:
            return json.loads(r.read())

    def upload(
        self,
        path: Path,
        token: str | None = None,
        name: str | None = None,
        public: bool = False,
        headers: dict | None = None,
        **fields,
    ) -> tuple[int, dict]:
        """Upload ``path`` to the loopback address (``public``: to the participant address)."""
        return upload(
            self.base if public else self.url,
            path,
            self.token if token is None else token,
            name,
            headers=headers,
            **fields,
        )

    def wait_analysed(self, rid: int, timeout: float = 60.0) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            rec = self.get(f"/api/recordings/{rid}")
            if rec["status"] != "received":
                return rec
            time.sleep(0.1)
        raise AssertionError(f"recording {rid} not analysed in {timeout} s")

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM, wait, kill if need be; the exit code."""
        return stop_process(self.proc, timeout)

    def kill(self) -> None:
        stop_process(self.proc, 0, signal.SIGKILL)


class OscDump:
    """liblo's `oscdump` on a UDP port (the device side of the OSC conversation), its lines collected."""

    def __init__(self, port: int | None = None):
        if not shutil.which("oscdump"):
            pytest.skip("liblo-tools (oscdump) is not installed")
        self.port = port or free_udp_port()
        self.proc = subprocess.Popen(
            ["oscdump", "-L", str(self.port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.out = Lines(self.proc.stdout)  # "<timetag> /address types args..."
        time.sleep(0.2)

    @property
    def lines(self) -> list[str]:
        """The lines received so far, without their time tags."""
        return [line if line.startswith("/") else line.partition(" ")[2] for line in list(self.out.lines)]

    def wait_for(self, prefix: str, timeout: float = 30.0, count: int = 1) -> list[str]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = [x for x in self.lines if x.split(" ", 1)[0] == prefix]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{prefix} not received by oscdump; got {self.lines[-20:]}")

    def close(self) -> None:
        stop_process(self.proc)


def oscsend(port: int, address: str, types: str = "", *values) -> None:
    subprocess.run(["oscsend", "127.0.0.1", str(port), address, types, *map(str, values)], check=True, timeout=10)


class Listener:
    """A python-osc UDP listener collecting (address, args) tuples."""

    def __init__(self):
        from pythonosc.osc_packet import OscPacket

        self._parse = OscPacket
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.messages: list[tuple[str, list]] = []
        self._next = 0  # where next() looks from
        self._stop = threading.Event()
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                data, _ = self.sock.recvfrom(65536)
            except (TimeoutError, OSError):
                continue
            for m in self._parse(data).messages:
                self.messages.append((m.message.address, list(m.message.params)))

    def wait_for(self, address: str, timeout: float = 30.0, count: int = 1, where=None) -> list[list]:
        """All ``address`` messages received so far (matching ``where``), once there are ``count``."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = [a for addr, a in list(self.messages) if addr == address and (where is None or where(a))]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{address} not received; got {[m[0] for m in self.messages[-20:]]}")

    def next(self, address: str, where=None, timeout: float = 30.0) -> list:
        """The first ``address`` message matching ``where`` after the one the last next() returned."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for i, (addr, args) in enumerate(self.messages[self._next :], self._next):
                if addr == address and (where is None or where(args)):
                    self._next = i + 1
                    return args
            time.sleep(0.05)
        raise AssertionError(f"no {address} arrived in {timeout} s")

    def send(self, port: int, address: str, *args, types: str | None = None) -> None:
        """Send from this listener's own socket (so a hello ties its source address to its port)."""
        from pythonosc.osc_message_builder import OscMessageBuilder

        b = OscMessageBuilder(address)
        for i, a in enumerate(args):
            b.add_arg(a, types[i] if types else None)
        self.sock.sendto(b.build().dgram, ("127.0.0.1", port))

    def close(self) -> None:
        self._stop.set()
        self.sock.close()
