"""Shared helpers of the recorder tests: headless Debian Chromium through Playwright, test WAV files."""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}


def write_tone(path: Path, seconds: float = 3.0, sr: int = 48000, freq: float = 440.0) -> Path:
    """A WAV with a sine plus a little noise (the fake microphone loops it)."""
    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * sr)) / sr
    y = 0.4 * np.sin(2 * np.pi * freq * t) + 0.02 * rng.standard_normal(t.size)
    sf.write(str(path), y.astype(np.float32), sr, subtype="PCM_16")
    return path


def launch(playwright, mic_wav: Path | None = None, fake_ui: bool = True):
    """Start /usr/bin/chromium headless with a WAV file as the microphone."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    args = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
            "--ignore-certificate-errors", "--autoplay-policy=no-user-gesture-required"]
    if mic_wav is not None:
        args += ["--use-fake-device-for-media-stream", f"--use-file-for-fake-audio-capture={mic_wav}"]
    if fake_ui:
        args.append("--use-fake-ui-for-media-stream")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args)


def new_phone_page(browser, **context_args):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  ignore_https_errors=True, **context_args)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.js_errors = errors  # type: ignore[attr-defined]
    return page


def record(page, seconds: float) -> None:
    """Tap Record, wait ``seconds`` of captured audio, tap Stop, wait for the review."""
    page.wait_for_selector("body[data-ready='1']")
    page.click("#record")
    page.wait_for_selector("body[data-state='recording']")
    page.wait_for_timeout(int(seconds * 1000))
    page.click("#record")
    page.wait_for_selector("body[data-state='review']")


def take_bytes(page) -> bytes:
    """The WAV the page is about to send (from the listen-back player)."""
    data = page.evaluate(
        """async () => {
            const r = await fetch(document.getElementById('playback').src);
            return Array.from(new Uint8Array(await r.arrayBuffer()));
        }""")
    return bytes(data)


# ---- the real backend as a subprocess, a real OSC listener ------------------------------------------------

REPO = Path(__file__).resolve().parents[1]


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lines:
    """Collect a subprocess stream's lines in a background thread."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        for raw in iter(stream.readline, ""):
            with self._cond:
                self.lines.append(raw.rstrip("\n"))
                self._cond.notify_all()

    def wait_for(self, predicate, timeout: float) -> str | None:
        """First line for which ``predicate`` holds, waiting up to ``timeout`` seconds."""
        end = time.monotonic() + timeout
        seen = 0
        with self._cond:
            while True:
                for line in self.lines[seen:]:
                    if predicate(line):
                        return line
                seen = len(self.lines)
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)


class OscDump:
    """liblo's ``oscdump`` on a UDP port: the device side of the OSC conversation."""

    def __init__(self, port: int | None = None):
        if not shutil.which("oscdump"):
            pytest.skip("liblo-tools (oscdump) is not installed")
        self.port = port or free_udp_port()
        self.proc = subprocess.Popen(["oscdump", "-L", str(self.port)], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.out = Lines(self.proc.stdout)
        time.sleep(0.2)

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Serve:
    """``exsampling serve`` in a subprocess, with its EXSAMPLING_READY line parsed into ``ready``."""

    def __init__(self, data_dir: Path, device_port: int, *extra: str, timeout: float = 90.0):
        cmd = [sys.executable, "-m", "exsampling_osc", "serve", "--data-dir", str(data_dir),
               "--host", "127.0.0.1", "--http-port", "0", "--osc-port", "0",
               "--device-port", str(device_port), *extra]
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.log_path = Path(data_dir).parent / f"serve-{Path(data_dir).name}.log"
        self._log = open(self.log_path, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._log, stdin=subprocess.PIPE,
                                     text=True, cwd=str(REPO), env=env)
        self.out = Lines(self.proc.stdout)
        line = self.out.wait_for(lambda s: s.startswith("EXSAMPLING_READY "), timeout)
        if line is None:
            self.close()
            raise AssertionError(f"serve did not get ready: {self.log_path.read_text()[-3000:]}")
        self.ready = json.loads(line.split(" ", 1)[1])

    @property
    def base(self) -> str:
        """The participant URL's scheme://host:port (no path, no token)."""
        url = self.ready["participant_url"]
        return url.split("/", 3)[0] + "//" + url.split("/", 3)[2]

    def get_json(self, path: str) -> dict:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        with urllib.request.urlopen(self.base + path, context=ctx, timeout=10) as r:
            return json.loads(r.read())

    def post_json(self, path: str) -> dict:
        """POST an empty body to ``path`` (from this machine) and return the JSON answer."""
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        req = urllib.request.Request(self.base + path, data=b"", method="POST")
        with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
            return json.loads(r.read())

    def post_audio(self, path: Path, headers: dict | None = None,
                   token: str | None = None) -> tuple[int, dict]:
        """POST a file as the ``audio`` field of /api/recordings; returns (status, JSON body)."""
        if token is None:
            token = self.ready["participant_url"].split("token=")[1].split("&")[0]
        boundary = "exsampling-test-boundary"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"audio\"; "
                f"filename=\"{path.name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
        body = head.encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(f"{self.base}/api/recordings?token={token}", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                              **(headers or {})})
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        try:
            with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"{}")

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
