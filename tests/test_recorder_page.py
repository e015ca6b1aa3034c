"""The recorder page in real headless Chromium, served as static files (no backend): capture through an
AudioWorklet from a WAV fake microphone, WAV encoding, resampling, the file fallback's in-page decoding."""

from __future__ import annotations

import functools
import io
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import soundfile as sf

from exsampling_osc.resources import shipped

pytest.importorskip("playwright")
from playwright.sync_api import sync_playwright  # noqa: E402
from recorder_support import launch, new_phone_page, record, take_bytes, write_tone  # noqa: E402


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def static_url():
    """The recorder folder at /recorder/ on a real loopback HTTP server (a secure context)."""
    root = shipped("recorder").parent
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/recorder/index.html?token=t"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    mic = write_tone(tmp_path_factory.mktemp("mic") / "mic.wav", freq=440.0)
    with sync_playwright() as p:
        b = launch(p, mic)
        yield b
        b.close()


def _peak_hz(y: np.ndarray, sr: int) -> float:
    spec = np.abs(np.fft.rfft(y * np.hanning(y.size)))
    return float(np.argmax(spec) * sr / y.size)


def test_recording_is_a_mono_16bit_wav_at_the_analysis_rate(browser, static_url):
    page = new_phone_page(browser)
    page.goto(static_url)
    record(page, 1.5)
    info = page.text_content("#review-info")
    y, sr = sf.read(io.BytesIO(take_bytes(page)))
    assert sr == 22050 and y.ndim == 1
    assert sf.info(io.BytesIO(take_bytes(page))).subtype == "PCM_16"
    assert 1.0 < y.size / sr < 3.0, y.size / sr
    assert abs(_peak_hz(y, sr) - 440.0) < 5.0  # the fake microphone's tone, through capture + resampling
    assert 0.2 < np.abs(y).max() < 0.6
    assert f"{y.size / sr:.1f} s" in info
    assert page.js_errors == []
    page.context.close()


def test_countdown_stops_at_the_configured_maximum(browser, static_url):
    page = new_phone_page(browser)
    # a short maximum through the same JSON element the server fills in
    page.route(
        "**/recorder/index.html*",
        lambda route: route.fulfill(
            body=(shipped("recorder") / "index.html")
            .read_text()
            .replace(
                '<script id="exsampling-config" type="application/json">{}</script>',
                '<script id="exsampling-config" type="application/json">{"max_seconds": 2}</script>',
            ),
            content_type="text/html",
        ),
    )
    page.goto(static_url)
    page.wait_for_selector("body[data-ready='1']")
    assert page.text_content("#max-length") == "0:02"
    page.click("#record")
    page.wait_for_selector("body[data-state='review']", timeout=6000)  # stopped by itself
    y, sr = sf.read(io.BytesIO(take_bytes(page)))
    assert 1.9 < y.size / sr < 2.3
    page.context.close()


def test_resampler_keeps_the_band_and_removes_aliases(browser, static_url):
    page = new_phone_page(browser)
    page.goto(static_url)
    page.wait_for_selector("body[data-ready='1']")
    gains = page.evaluate(
        """async () => {
            const { resample } = await import('/recorder/wav.js');
            const rms = (a) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
            const tone = (f) => Float32Array.from({ length: 48000 },
                (_, i) => Math.sin(2 * Math.PI * f * i / 48000));
            const out = {};
            for (const f of [1000, 9000, 15000]) {
              const y = resample(tone(f), 48000, 22050);
              out[f] = { gain: rms(y.subarray(200, y.length - 200)) / rms(tone(f)), length: y.length };
            }
            return out;
        }"""
    )
    assert gains["1000"]["length"] == 22050
    assert abs(gains["1000"]["gain"] - 1) < 0.01 and abs(gains["9000"]["gain"] - 1) < 0.02
    assert gains["15000"]["gain"] < 10 ** (-60 / 20)  # would alias to 7050 Hz: at least 60 dB down
    page.context.close()


def test_file_fallback_decodes_in_the_page(browser, static_url, tmp_path):
    """A 44.1 kHz stereo FLAC picked in the file input becomes a mono 22.05 kHz WAV ready to send."""
    sr = 44100
    t = np.arange(int(1.2 * sr)) / sr
    stereo = np.stack([0.3 * np.sin(2 * np.pi * 660 * t), 0.3 * np.sin(2 * np.pi * 660 * t)], axis=1)
    path = tmp_path / "field recording.flac"
    sf.write(str(path), stereo, sr)
    page = new_phone_page(browser)
    page.goto(static_url)
    page.wait_for_selector("body[data-ready='1']")
    page.set_input_files("#file", str(path))
    page.wait_for_selector("body[data-state='review']")
    y, rate = sf.read(io.BytesIO(take_bytes(page)))
    assert rate == 22050 and y.ndim == 1
    assert abs(y.size / rate - 1.2) < 0.05 and abs(_peak_hz(y, rate) - 660) < 5
    page.context.close()


def test_microphone_asked_once_and_a_suspended_context_resumes_from_a_tap(browser, static_url):
    """iOS Safari behaviour: one getUserMedia for the whole visit; an interrupted context resumes on a tap."""
    page = new_phone_page(browser)
    page.add_init_script("""
        window.__gum = 0;
        const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = (c) => { window.__gum++; window.__constraints = c; return real(c); };
    """)
    page.goto(static_url)
    record(page, 0.6)
    page.click("#again")  # record again: starts a new take at once
    page.wait_for_selector("body[data-state='recording']")
    page.evaluate("() => window.exsampling.capture.ctx.suspend()")  # what iOS does on a call or lock
    page.wait_for_selector("#resume:not([hidden])")
    page.click("#resume")
    page.wait_for_selector("#resume", state="hidden")
    assert page.evaluate("window.exsampling.capture.ctx.state") == "running"
    page.wait_for_timeout(600)
    page.click("#record")
    page.wait_for_selector("body[data-state='review']")
    y, _ = sf.read(io.BytesIO(take_bytes(page)))
    assert y.size > 0.4 * 22050
    assert page.evaluate("window.__gum") == 1
    audio = page.evaluate("window.__constraints.audio")
    assert audio["echoCancellation"] is False and audio["noiseSuppression"] is False
    assert audio["autoGainControl"] is False
    page.context.close()


def test_phone_layout_is_labelled_and_fits_a_portrait_screen(browser, static_url):
    page = new_phone_page(browser)
    page.goto(static_url)
    page.wait_for_selector("body[data-ready='1']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    box = page.locator("#record").bounding_box()
    assert box["width"] >= 300 and box["height"] >= 88 and box["y"] + box["height"] < 844  # big, above the fold
    assert page.get_by_role("button", name="Record").count() == 1
    assert page.get_by_role("checkbox", name="Share where I am (optional)").count() == 1
    assert page.get_by_label("No microphone here? Send a sound file").count() == 1
    assert page.get_by_role("timer").count() == 1 and page.get_by_role("alert").count() == 1
    # contrast of the main text and the record button (WCAG AA: 4.5:1)
    ratios = page.evaluate("""() => {
        const rgb = (c) => c.match(/\\d+/g).slice(0, 3).map(Number);
        const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 :
            Math.pow((v + 0.055) / 1.055, 2.4); }).reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
        const ratio = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p);
            return (x + 0.05) / (y + 0.05); };
        const st = (sel) => getComputedStyle(document.querySelector(sel));
        const bg = st('body').backgroundColor, card = st('#capture').backgroundColor;
        return { body: ratio(st('body').color, bg), consent: ratio(st('#consent').color, bg),
                 hint: ratio(st('#capture-hint').color, card), record: ratio(st('#record').color,
                 st('#record').backgroundColor) };
    }""")
    assert all(r >= 4.5 for r in ratios.values()), ratios
    page.context.close()
