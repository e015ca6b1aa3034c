"""Helpers for the Pure Data sampler tests: run patches/pd/exsampling.pd headless, talk OSC and FUDI to it,
record its output with writesf~ and measure what it played."""

from __future__ import annotations

import queue
import re
import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import soundfile as sf
from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder
from serve_support import free_udp_port, stop_process

PD_DIR = Path(__file__).resolve().parents[1] / "patches" / "pd"
PD = shutil.which("pd") or shutil.which("puredata")


def osc_packet(address: str, *args: object) -> bytes:
    """An OSC message; Python ints go as `i`, floats as `f`, strings as `s`."""
    b = OscMessageBuilder(address)
    for a in args:
        b.add_arg(a)
    return b.build().dgram


def tone_wav(path: Path, freq: float = 440.0, seconds: float = 2.0, sr: int = 22050, amp: float = 0.5) -> Path:
    """Write a mono sine (16-bit WAV) with 5 ms fades, so trimming and looping see no clicks."""
    t = np.arange(int(sr * seconds)) / sr
    y = amp * np.sin(2 * np.pi * freq * t)
    fade = int(0.005 * sr)
    y[:fade] *= np.linspace(0, 1, fade)
    y[-fade:] *= np.linspace(1, 0, fade)
    sf.write(path, y, sr, subtype="PCM_16")
    return path


def active_span(y: np.ndarray, sr: int, threshold: float = 1e-3) -> tuple[float, float]:
    """First and last time (s) where |y| exceeds ``threshold``."""
    idx = np.flatnonzero(np.abs(y) > threshold)
    if idx.size == 0:
        raise AssertionError("the recording is silent")
    return idx[0] / sr, (idx[-1] + 1) / sr


def dominant_hz(y: np.ndarray, sr: int) -> float:
    """Frequency of the strongest spectral peak (Hann window, zero-padded FFT, parabolic interpolation)."""
    n = 1 << 18
    spec = np.abs(np.fft.rfft(y * np.hanning(y.size), n))
    k = int(spec[1:-1].argmax()) + 1
    a, b, c = np.log(spec[k - 1 : k + 2] + 1e-12)
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * sr / n


def band_level(y: np.ndarray, sr: int, lo: float, hi: float) -> float:
    """Spectral magnitude of the strongest bin between ``lo`` and ``hi`` Hz, relative to the overall peak."""
    spec = np.abs(np.fft.rfft(y * np.hanning(y.size), 1 << 18))
    freqs = np.fft.rfftfreq(1 << 18, 1 / sr)
    band = (freqs >= lo) & (freqs <= hi)
    return float(spec[band].max() / spec.max())


class PdSampler:
    """``pd -nogui -noaudio`` running exsampling.pd for ``track``; ``backend_port`` is where it says hello."""

    def __init__(self, track: str, backend_port: int, cwd: Path | None = None):
        self.track = track
        self.port = free_udp_port()
        self.control_port = free_udp_port()
        self.backend_port = backend_port
        self.lines: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        sends = [
            f"exsampling track {track}",
            f"exsampling listen {self.port}",
            f"exsampling backend {backend_port}",
            f"exsampling control {self.control_port}",
        ]
        cmd = [PD, "-nogui", "-noaudio", "-stderr", "-path", str(PD_DIR)]
        for s in sends:
            cmd += ["-send", s]
        cmd += ["-open", str(PD_DIR / "exsampling.pd")]
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd or PD_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self.wait_for(rf"exsampling: track {track} listens on port {self.port} ")
        except AssertionError:
            self.close()
            raise

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line.rstrip())
            self._new.put(line.rstrip())

    def wait_for(self, pattern: str, timeout: float = 10.0) -> re.Match:
        """Wait for a line of Pd's console output matching ``pattern`` (printed after this call or before)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for line in self.lines[seen:]:
                if m := rx.search(line):
                    return m
            seen = len(self.lines)
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None and self._new.empty():
                raise AssertionError(f"Pd never printed /{pattern}/; it printed: {self.lines[-20:]}")
            try:
                self._new.get(timeout=min(left, 0.2))
            except queue.Empty:
                pass

    def count(self, pattern: str) -> int:
        rx = re.compile(pattern)
        return sum(1 for line in self.lines if rx.search(line))

    def osc(self, address: str, *args: object) -> None:
        """Send an OSC message to the patch's listen port (as the backend would)."""
        self._sock.sendto(osc_packet(address, *args), ("127.0.0.1", self.port))

    def control(self, message: str) -> None:
        """Send a FUDI message to the patch's control port (what `pdsend PORT localhost udp` does)."""
        self._sock.sendto((message.rstrip(";") + ";\n").encode(), ("127.0.0.1", self.control_port))

    @contextmanager
    def recording(self, path: Path):
        """Record the patch's output to ``path`` with writesf~ while the block runs."""
        before = self.count(r"exsampling: recorded")
        self.control(f"record {path}")
        self.wait_for(r"exsampling: recording " + re.escape(str(path)))
        yield path
        self.control("stop")
        deadline = time.monotonic() + 10
        while self.count(r"exsampling: recorded") == before:
            assert time.monotonic() < deadline, f"no 'recorded' from Pd: {self.lines[-20:]}"
            time.sleep(0.02)
        wait_for_file(path)

    def close(self) -> None:
        self._sock.close()
        stop_process(self.proc)
        self._reader.join(2)


def wait_for_file(path: Path, timeout: float = 10.0) -> int:
    """Wait until writesf~'s child thread has written ``path``'s header: "recorded" is printed when ``stop``
    is sent, the file is finished a moment later. Its frame count, once it holds frames and stops growing."""
    deadline = time.monotonic() + timeout
    last = -1
    while True:
        try:
            frames = sf.info(path).frames
        except (RuntimeError, sf.LibsndfileError):  # not there yet, or a header still being written
            frames = 0
        if frames > 0 and frames == last:
            return frames
        assert time.monotonic() < deadline, f"writesf~ never finished {path} ({frames} frames)"
        last = frames
        time.sleep(0.05)


class FakeBackend:
    """A UDP socket standing in for the backend's OSC port: receives what the patch sends."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]

    def receive(self, address: str, timeout: float = 10.0) -> tuple[OscMessage, bytes]:
        """The next message with ``address`` (others are skipped), with its raw bytes."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {address} arrived within {timeout} s")
            self.sock.settimeout(left)
            try:
                data, _ = self.sock.recvfrom(65536)
            except TimeoutError:
                continue
            msg = OscMessage(data)
            if msg.address == address:
                return msg, data

    def close(self) -> None:
        self.sock.close()
