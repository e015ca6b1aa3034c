"""Moderation before use, with ``exsampling serve`` over real HTTP and a real OSC listener as the device: a
clipped recording is flagged and held (``pending``: the device hears nothing) until the performer accepts it
in the console; a clean one plays at once; ``--hold all`` holds everything, ``--hold none`` (the default)
nothing, its flags shown all the same."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from serve_support import Listener, Serve, fetch_json, tone


def clipped(path, seconds: float = 2.0, sr: int = 22050):
    t = np.arange(int(seconds * sr)) / sr
    sf.write(str(path), np.clip(1.6 * np.sin(2 * np.pi * 330 * t), -1, 1).astype(np.float32), sr, subtype="PCM_16")
    return path


def accept(serve: Serve, sample_id: int) -> int:
    url = f"{serve.url}/console/api/samples/{sample_id}/accept"
    return fetch_json(url, b"{}", {"Content-Type": "application/json"})[0]


@pytest.fixture
def show(tmp_path):
    def start(*extra: str) -> tuple[Serve, Listener]:
        (tmp_path / "data").mkdir(exist_ok=True)
        (tmp_path / "data" / "recorder.yaml").write_text("uploads_per_minute: 0\n")
        device = Listener()
        serve = Serve(tmp_path / "data", *extra, device_port=device.port)
        started.append((serve, device))
        return serve, device

    started: list[tuple[Serve, Listener]] = []
    yield start
    for serve, device in started:
        serve.stop()
        device.close()


def test_flagged_recordings_wait_for_the_performer(show, tmp_path):
    serve, device = show("--hold", "flagged")
    bad = serve.upload(clipped(tmp_path / "loud.wav"))[1]["id"]
    good = serve.upload(tone(tmp_path / "clean.wav", 2.0))[1]["id"]
    bad_rec, good_rec = serve.wait_analysed(bad), serve.wait_analysed(good)
    assert "clipped" in bad_rec["moderation"]["flags"] and bad_rec["moderation"]["clipped_share"] > 0.001
    assert good_rec["moderation"]["flags"] == []
    assert {s["state"] for s in bad_rec["samples"]} == {"pending"}
    assert {s["state"] for s in good_rec["samples"]} == {"ready"}
    device.wait_for("/exsampling/sample", where=lambda a: a[9] == good, timeout=20)
    assert not [a for addr, a in device.messages if addr == "/exsampling/sample" and a[9] == bad]

    console = fetch_json(serve.url + "/console/api/state")[1]
    held = [s for s in console["samples"] if s["recording_id"] == bad]
    assert held and all("clipped" in s["flags"] and s["state"] == "pending" for s in held)
    sid = held[0]["id"]
    accept_in_the_console(serve, sid)
    sent = device.wait_for("/exsampling/sample", where=lambda a: a[1] == sid, timeout=10)
    assert sent[0][11] == "accepted"


def accept_in_the_console(serve: Serve, sid: int) -> None:
    """The performer sees the held sample with its flags in the console (real Chromium) and clicks Accept;
    without a browser, the console's own request."""
    try:
        from playwright.sync_api import sync_playwright
        from recorder_support import launch
    except ImportError:
        assert accept(serve, sid) == 200
        return
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(serve.url + "/console")
            item = page.locator(f"li.sample[data-id='{sid}']")
            item.wait_for(timeout=15000)
            assert "flagged: clipped" in item.locator(".flags").text_content()
            assert item.locator(".state").text_content() == "pending"
            item.locator("button.accept").click()
            page.locator(f"li.sample[data-id='{sid}'] .state", has_text="accepted").wait_for(timeout=10000)
        finally:
            browser.close()


def test_hold_all_and_hold_none_the_default(show, tmp_path):
    serve, device = show("--hold", "all")
    rid = serve.upload(tone(tmp_path / "clean.wav", 2.0))[1]["id"]
    assert {s["state"] for s in serve.wait_analysed(rid)["samples"]} == {"pending"}
    serve.stop()
    serve, device = show()  # --hold none: flagged but played
    rid = serve.upload(clipped(tmp_path / "loud.wav"))[1]["id"]
    rec = serve.wait_analysed(rid)
    assert {s["state"] for s in rec["samples"]} == {"ready"} and "clipped" in rec["moderation"]["flags"]
    device.wait_for("/exsampling/sample", where=lambda a: a[9] == rid, timeout=20)
