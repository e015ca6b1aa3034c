"""The console in headless Chromium groups samples under their recording: a knock take uploaded over real HTTP to
`exsampling serve` becomes six hits, listed together under one "Recording #N · time · 6 hits" heading, apart
from a tone's recording."""

from __future__ import annotations

import subprocess
import time

import numpy as np
import pytest
import requests
import soundfile as sf
from console_support import chromium, needs_chromium, open_console, post_tone, until
from serve_support import Listener, Serve

pytestmark = needs_chromium

STARTS = [0.3, 0.9, 1.5, 2.2, 2.8, 3.4]  # six knocks, as in tests/test_backend_ingest.py


def knocks(path):
    sr, rng = 22050, np.random.default_rng(3)
    y = np.zeros(4 * sr, np.float32)
    for k, t0 in enumerate(STARTS):
        n = int(0.12 * sr)
        knock = rng.normal(0, 0.5, n) * np.exp(-np.arange(n) / (0.015 * sr)) * (0.5 + 0.1 * k)
        y[int(t0 * sr) : int(t0 * sr) + n] += knock.astype(np.float32)
    sf.write(path, y, sr)
    return path


def analysed(base, rid):
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        rec = requests.get(f"{base}/api/recordings/{rid}", timeout=10).json()
        if rec.get("samples") and all(s.get("state") != "pending" for s in rec["samples"]):
            return rec["samples"]
        time.sleep(0.2)
    pytest.fail(f"recording {rid} was not analysed")


def test_hits_are_listed_under_their_recording(tmp_path):
    listener = Listener()
    try:
        serve = Serve(tmp_path / "data", "--probe-ports", device_port=listener.port, stdin=subprocess.PIPE)
    except RuntimeError:
        listener.close()
        raise
    try:
        base = serve.ready["http_url"]
        token = serve.ready["participant_url"].split("token=", 1)[1]
        tone_id = post_tone(base, token, tmp_path / "tone.wav", 440, 1.5).json()["id"]
        with knocks(tmp_path / "knocks.wav").open("rb") as f:
            r = requests.post(
                f"{base}/api/recordings?token={token}",
                files={"audio": ("knocks.wav", f, "audio/wav")},
                timeout=30,
            )
        assert r.status_code < 300, r.text
        rid = r.json()["id"]
        hits = analysed(base, rid)
        assert len(hits) == len(STARTS)
        tone_samples = analysed(base, tone_id)
        with chromium() as browser:
            page = open_console(browser, base, {"width": 1400, "height": 900}, f"li.recording[data-recording='{rid}']")
            until(page, f"document.querySelectorAll(\"li.recording[data-recording='{rid}'] li.sample\").length === 6")
            group = page.locator(f"li.recording[data-recording='{rid}']")
            heading = group.locator("h3.recording-head").inner_text()
            assert heading.startswith(f"Recording #{rid} · ") and heading.endswith(" · 6 hits")
            assert sorted(
                int(x) for x in group.locator("li.sample").evaluate_all("l => l.map(e => e.dataset.id)")
            ) == sorted(s["id"] for s in hits)
            other = page.locator(f"li.recording[data-recording='{tone_id}']")
            assert other.locator("li.sample").count() == len(tone_samples)
            assert page.locator("#samples > li").count() == 2  # one entry per recording, not per sample
            assert page.locator("#samples > li.sample").count() == 0
            assert not page.errors
    finally:
        serve.stop(15)
        listener.close()
