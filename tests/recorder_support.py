"""Browser helpers of the recorder tests: headless Debian Chromium through Playwright, test WAV files.

The backend subprocess and the OSC peers are in serve_support."""

from __future__ import annotations

import shutil
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
    args = [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--ignore-certificate-errors",
        "--autoplay-policy=no-user-gesture-required",
    ]
    if mic_wav is not None:
        args += ["--use-fake-device-for-media-stream", f"--use-file-for-fake-audio-capture={mic_wav}"]
    if fake_ui:
        args.append("--use-fake-ui-for-media-stream")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args)


def new_phone_page(browser, **context_args):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, ignore_https_errors=True, **context_args
    )
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
        }"""
    )
    return bytes(data)
