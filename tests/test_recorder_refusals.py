"""Refusals shown in words on the phone, from a real ``exsampling serve --https``: an upload over the size
limit (413), too many uploads from one client in a minute (429), a file longer than the maximum."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

pytest.importorskip("playwright")
from playwright.sync_api import sync_playwright  # noqa: E402
from recorder_support import launch, new_phone_page, record, take_bytes, write_tone  # noqa: E402
from serve_support import OscDump, Serve  # noqa: E402


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from exsampling_osc.mapping.config import DEFAULT_CONFIG

    tmp = tmp_path_factory.mktemp("refusals")
    config = tmp / "config.yaml"
    config.write_text(DEFAULT_CONFIG.read_text() + "\nmax_upload_mb: 0.05\n")
    (tmp / "data").mkdir()
    (tmp / "data" / "recorder.yaml").write_text("uploads_per_minute: 3\nmax_seconds: 4\n")
    osc = OscDump()
    serve = Serve(tmp / "data", "--https", "--config", str(config), device_port=osc.port)
    with sync_playwright() as p:
        browser = launch(p, write_tone(tmp / "mic.wav"))
        try:
            yield {"serve": serve, "browser": browser}
        finally:
            browser.close()
            serve.stop()
            osc.close()


def _send_file(page, path: Path) -> str:
    """Pick ``path`` in the file input, send it; return the message or the error shown."""
    page.set_input_files("#file", str(path))
    page.wait_for_selector("body[data-state='review']")
    page.click("#send")
    page.wait_for_selector("body:not([data-state='sending'])")
    return page.text_content("#error") or page.text_content("#message")


def _tone_file(path: Path, seconds: float, sr: int = 22050) -> Path:
    t = np.arange(int(seconds * sr)) / sr
    sf.write(str(path), 0.3 * np.sin(2 * np.pi * 330 * t), sr, subtype="PCM_16")
    return path


def test_oversized_upload_shows_its_error(env):
    page = new_phone_page(env["browser"])
    page.goto(env["serve"].ready["participant_url"])
    record(page, 2.0)  # about 88 KB at 22.05 kHz: over the 0.05 MB limit
    page.click("#send")
    page.wait_for_selector("#error:not(:empty)", timeout=30000)
    error = page.text_content("#error")
    assert error.startswith("Too large:") and "Record a shorter sound" in error
    assert "limit 50 KB" in error, error  # the 0.05 MB limit in a unit that reads (not "0 MB")
    assert "trying again" not in (page.text_content("#message") or "")  # a refusal is not retried
    page.context.close()


def test_too_many_uploads_from_one_client(env, tmp_path):
    # as if through a tunnel on this machine: the client is the address the tunnel appends
    page = new_phone_page(env["browser"], extra_http_headers={"X-Forwarded-For": "203.0.113.9"})
    page.goto(env["serve"].ready["participant_url"])
    page.wait_for_selector("body[data-ready='1']")
    small = _tone_file(tmp_path / "clap.wav", 0.3)
    said = [_send_file(page, small) for _ in range(4)]
    # accepted: "Sent. Sound N is on its way", replaced by "Sound N arrived: …" once its label came (it may be quick)
    assert all("is on its way" in s or " arrived: " in s for s in said[:3]), said
    assert said[3].startswith("Slow down:") and "at most 3 a minute" in said[3], said
    page.context.close()


def test_file_longer_than_the_maximum(env, tmp_path):
    """Cut to the maximum in the page (which decodes it), and refused by the server as a raw upload."""
    page = new_phone_page(env["browser"], extra_http_headers={"X-Forwarded-For": "203.0.113.10"})
    page.goto(env["serve"].ready["participant_url"])
    page.wait_for_selector("body[data-ready='1']")
    long = _tone_file(tmp_path / "long.wav", 6.0, sr=4000)  # 48 KB: under the size limit
    page.set_input_files("#file", str(long))
    page.wait_for_selector("body[data-state='review']")
    assert "Only the first 0:04 of 0:06 will be sent." in page.text_content("#review-info")
    y, sr = sf.read(io.BytesIO(take_bytes(page)))
    assert abs(y.size / sr - 4.0) < 0.01
    page.context.close()
    status, body = env["serve"].upload(long, public=True, headers={"X-Forwarded-For": "203.0.113.11"})
    assert status == 422 and "the limit is 4 s" in body["error"], (status, body)


def test_settings_reach_the_page(env):
    page = new_phone_page(env["browser"])
    page.goto(env["serve"].ready["participant_url"])
    page.wait_for_selector("body[data-ready='1']")
    assert page.text_content("#max-length") == "0:04"
    cfg = json.loads(page.text_content("#exsampling-config"))
    assert cfg["max_seconds"] == 4 and "uploads_per_minute" not in cfg
    page.context.close()
