"""Helpers for the backend tests (no tests here): a real `exsampling serve` subprocess, oscdump, uploads."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import numpy as np
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


class Serve:
    """`exsampling serve` as a subprocess; ``ready`` is the parsed EXSAMPLING_READY line."""

    def __init__(self, data_dir: Path, *extra: str, device_port: int | None = None, env: dict | None = None,
                 stdin=subprocess.DEVNULL, timeout: float = 60.0):
        self.device_port = device_port or free_udp_port()
        cmd = [*EXSAMPLING, "serve", "--data-dir", str(data_dir), "--http-port", "0", "--osc-port", "0",
               "--device-port", str(self.device_port), "--host", "127.0.0.1", "--no-qr", *extra]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=stdin,
                                     text=True, env={**os.environ, **(env or {})}, cwd=ROOT)
        self.stderr: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()
        self.ready = self._wait_ready(timeout)

    def _drain(self) -> None:
        for line in self.proc.stderr:
            self.stderr.append(line)

    def _wait_ready(self, timeout: float) -> dict:
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in self.proc.stdout], daemon=True).start()
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    time.sleep(0.2)
                    raise RuntimeError("serve exited: " + "".join(self.stderr)[-2000:]) from None
                continue
            if line.startswith("EXSAMPLING_READY "):
                return json.loads(line.split(" ", 1)[1])
        self.kill()
        raise RuntimeError("serve not ready in time: " + "".join(self.stderr)[-2000:])

    @property
    def url(self) -> str:
        return self.ready["http_url"]

    @property
    def token(self) -> str:
        return self.ready["participant_url"].split("token=", 1)[1]

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(self.url + path, timeout=10) as r:
            return json.loads(r.read())

    def upload(self, path: Path, token: str | None = None, name: str | None = None, **fields) -> tuple[int, dict]:
        return upload(self.url, path, self.token if token is None else token, name, **fields)

    def wait_analysed(self, rid: int, timeout: float = 60.0) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            rec = self.get(f"/api/recordings/{rid}")
            if rec["status"] != "received":
                return rec
            time.sleep(0.1)
        raise AssertionError(f"recording {rid} not analysed in {timeout} s")

    def stop(self, timeout: float = 20.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def multipart(fields: dict[str, str], file_field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
                 f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def upload(base: str, path: Path | None, token: str, name: str | None = None, data: bytes | None = None,
           field: str = "audio", **fields) -> tuple[int, dict]:
    """POST /api/recordings over real HTTP; returns (status, JSON body)."""
    data = path.read_bytes() if data is None else data
    body, ctype = multipart({k: str(v) for k, v in fields.items()}, field, name or path.name, data)
    req = urllib.request.Request(f"{base}/api/recordings?token={token}", data=body,
                                 headers={"Content-Type": ctype}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


class OscDump:
    """liblo's `oscdump` on a UDP port, its lines collected."""

    def __init__(self, port: int | None = None):
        self.port = port or free_udp_port()
        self.proc = subprocess.Popen(["oscdump", "-L", str(self.port)], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        time.sleep(0.2)

    def _read(self) -> None:
        for line in self.proc.stdout:  # "<timetag> /address types args..."
            head, _, rest = line.rstrip("\n").partition(" ")
            self.lines.append(rest if not head.startswith("/") else line.rstrip("\n"))

    def wait_for(self, prefix: str, timeout: float = 30.0, count: int = 1) -> list[str]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = [x for x in self.lines if x.split(" ", 1)[0] == prefix]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{prefix} not received by oscdump; got {self.lines[-20:]}")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)


def oscsend(port: int, address: str, types: str = "", *values) -> None:
    subprocess.run(["oscsend", "127.0.0.1", str(port), address, types, *map(str, values)], check=True,
                   timeout=10)


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
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = [a for addr, a in list(self.messages) if addr == address and (where is None or where(a))]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{address} not received; got {[m[0] for m in self.messages[-20:]]}")

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
