"""Shared by the console's browser tests (no tests here): Debian's Chromium through Playwright, the console
opened on a closed network, waiting on page state without eval, uploads of plain tones, and WCAG contrast."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import requests
import soundfile as sf

CHROMIUM = "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


def until(page, expression: str, timeout: float = 30000) -> None:
    """Poll ``expression`` until it is true. The console's Content-Security-Policy forbids eval, which
    Playwright's wait_for_function uses in the page; page.evaluate goes through DevTools instead."""
    end = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > end:
            raise AssertionError(f"not true after {timeout / 1000:.0f} s: {expression}")
        time.sleep(0.05)


def post_tone(base: str, token: str, wav: Path, freq: float, seconds: float, name: str | None = None, **fields):
    """Write a plain sine of ``freq`` Hz to ``wav`` and upload it (as ``name``) with ``fields`` over real HTTP."""
    sr = 22050
    t = np.arange(int(sr * seconds)) / sr
    sf.write(wav, (0.4 * np.sin(2 * np.pi * freq * t)).astype(np.float32), sr)
    with wav.open("rb") as f:
        return requests.post(
            f"{base}/api/recordings?token={token}",
            files={"audio": (name or wav.name, f, "audio/wav")},
            data={k: str(v) for k, v in fields.items()},
            timeout=30,
        )


@contextmanager
def chromium():
    """Debian's Chromium through Playwright, closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


def open_console(browser, base: str, viewport: dict, ready_selector: str):
    context = browser.new_context(viewport=viewport)
    # a closed network: anything but the backend is refused (map tiles included)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(base + "/console")
    pg.wait_for_selector(ready_selector)
    pg.errors = errors
    return pg


def luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(page, selector: str) -> float:
    """WCAG contrast of ``selector``'s computed text colour against the first opaque background behind it."""
    fg, bg = page.evaluate(
        """(sel) => {
          const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
          let node = document.querySelector(sel);
          const fg = rgb(getComputedStyle(node).color);
          for (; node; node = node.parentElement) {
            const bg = rgb(getComputedStyle(node).backgroundColor);
            if (bg.length < 4 || bg[3] > 0) return [fg, bg];
          }
          return [fg, [255, 255, 255]];
        }""",
        selector,
    )
    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
