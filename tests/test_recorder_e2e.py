"""The participant's whole path with real parts: ``exsampling serve --https`` (self-signed certificate) in a
subprocess, headless Chromium with a WAV file as its microphone, liblo's ``oscdump`` as the device.

Record → stop → send; the recording reaches the library, is analysed, ``/exsampling/sample`` reaches the
OSC listener and the page shows the label. Also: the file fallback, a wrong token, a dropped connection
retried (oversize and the per-client limit: test_recorder_refusals.py)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from exsampling_osc.resources import default_model_dir

pytest.importorskip("playwright")
from playwright.sync_api import sync_playwright  # noqa: E402
from recorder_support import launch, new_phone_page, record, write_tone  # noqa: E402
from serve_support import OscDump, Serve, fetch_json  # noqa: E402

LABELS = set(json.loads((default_model_dir() / "model.json").read_text())["labels"]) | {"unknown"}
LABEL_LINE = re.compile(r"analysed as (.+?) \((\d+) %\)")


def _recorder_settings(data_dir: Path, **settings) -> None:
    """The show's ``recorder.yaml`` in the data folder, written before serve starts."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "recorder.yaml").write_text("".join(f"{k}: {json.dumps(v)}\n" for k, v in settings.items()))


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """One backend, one OSC listener, one browser for the module."""
    tmp = tmp_path_factory.mktemp("e2e")
    mic = write_tone(tmp / "mic.wav", seconds=3.0, freq=523.25)
    osc = OscDump()
    _recorder_settings(
        tmp / "data",
        project_name="Night Market Sounds",
        consent="We keep your sound for tonight only.",
        stream_url="https://stream.example.org/live",
        uploads_per_minute=30,
    )
    serve = Serve(tmp / "data", "--https", device_port=osc.port)
    with sync_playwright() as p:
        browser = launch(p, mic)
        try:
            yield {"serve": serve, "osc": osc, "browser": browser, "tmp": tmp, "playwright": p}
        finally:
            browser.close()
            serve.stop()
            osc.close()


def _wait_label(page, rid: int, timeout: float = 60.0) -> tuple[str, int]:
    item = page.locator(f"#sounds li[data-id='{rid}']")
    item.filter(has_text="analysed as").wait_for(timeout=timeout * 1000)
    match = LABEL_LINE.search(item.inner_text())
    assert match, item.inner_text()
    return match.group(1).replace(" ", "_"), int(match.group(2))  # the page writes labels with spaces


def _sent_id(page) -> int:
    page.wait_for_selector("body[data-state='idle']", timeout=30000)
    msg = page.text_content("#message")
    match = re.search(r"Sound (\d+) (is on its way|arrived)", msg or "")  # the label may have come already
    assert match, (msg, page.text_content("#error"))
    return int(match.group(1))


def test_record_send_analyse_osc_and_label_on_screen(env):
    serve, osc = env["serve"], env["osc"]
    assert serve.ready["participant_url"].startswith("https://")
    page = new_phone_page(env["browser"])
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    response = page.goto(serve.ready["participant_url"])
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"  # the token stays on this site
    assert page.text_content("h1") == "Night Market Sounds"
    assert page.text_content("#consent") == "We keep your sound for tonight only."
    assert page.get_attribute("#stream-link", "href") == "https://stream.example.org/live"
    assert page.evaluate("window.isSecureContext") and page.evaluate("location.protocol") == "https:"

    record(page, 2.0)
    page.click("#send")
    rid = _sent_id(page)
    label, pct = _wait_label(page, rid)
    assert label in LABELS
    # once the label arrived, "on its way" gives way to what became of the sound
    page.locator("#message", has_text=f"Sound {rid} arrived: analysed as").wait_for(timeout=10000)
    assert "on its way" not in page.text_content("#message")

    rec = serve.get(f"/api/recordings/{rid}", public=True)
    assert rec["samples"], rec
    first = rec["samples"][0]
    assert (first.get("overridden_label") or first["label"]) == label
    assert abs(round(first["confidence"] * 100) - pct) <= 1
    stored, sr = sf.read(rec.get("path") or first["path"])
    assert sr in (22050, 48000) and 0.5 < stored.shape[0] / sr < 3.5

    line = osc.out.wait_for(lambda s: "/exsampling/sample" in s and f" {rid} " in f" {s} ", 20)
    assert line is not None, osc.out.lines[-10:]
    assert label in line
    track = page.locator(f"#sounds li[data-id='{rid}']").inner_text()
    assert f"on track {first['track']}" in track if first.get("track") else "on track" in track
    # record again without reloading
    record(page, 1.0)
    assert page.is_visible("#send")
    assert page.js_errors == [] and not [c for c in console if "Content Security Policy" in c], console
    page.context.close()


@pytest.mark.parametrize("query", ["?token=not-the-token", "", "?token="])
def test_a_wrong_or_missing_token_is_refused_on_opening(env, query):
    """The page asks whether its link is valid before anything else: no record button, no file input, and
    the words to scan the QR code again (before: a normal recorder, refused only after Send)."""
    serve = env["serve"]
    page = new_phone_page(env["browser"])
    page.goto(serve.base + "/" + query)
    page.wait_for_selector("body[data-ready='1']")
    assert page.evaluate("document.body.dataset.link") == "refused"
    assert not page.is_visible("#record") and not page.is_visible("#file") and not page.is_visible("#send")
    error = page.text_content("#error")
    assert ("Scan the QR code again" if "not-the-token" in query else "scan the QR code") in error, error
    assert page.js_errors == []
    page.context.close()


def test_the_valid_link_is_checked_too(env):
    serve = env["serve"]
    page = new_phone_page(env["browser"])
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/api/token" in r.url else None)
    page.goto(serve.ready["participant_url"])
    page.wait_for_selector("body[data-ready='1']")
    assert page.is_visible("#record") and page.evaluate("document.body.dataset.link") is None
    assert asked and asked[0].endswith(f"/api/token?token={serve.token}")
    page.context.close()


def test_file_fallback_without_a_microphone(env, tmp_path):
    """A browser with no capture device gets the file input; an unreadable file is refused in words."""
    serve = env["serve"]
    browser = launch(env["playwright"], None, fake_ui=False)  # a second browser: no microphone at all
    try:
        page = new_phone_page(browser)
        page.goto(serve.ready["participant_url"])
        page.wait_for_selector("body[data-ready='1']")
        page.click("#record")
        page.wait_for_selector("#fallback-reason:not([hidden])")
        assert "send a sound file instead" in page.text_content("#fallback-reason")
        assert not page.is_visible("#capture")
        sr = 44100
        t = np.arange(sr) / sr
        path = tmp_path / "bell.ogg"
        sf.write(str(path), 0.4 * np.sin(2 * np.pi * 880 * t) * np.exp(-3 * t), sr)
        page.set_input_files("#file", str(path))
        page.wait_for_selector("body[data-state='review']")
        # recording is impossible here: the second button offers what the user can do instead
        assert page.text_content("#again") == "Choose another file"
        with page.expect_file_chooser() as chooser:
            page.click("#again")
        chooser.value.set_files(str(path))
        page.wait_for_selector("body[data-state='review']")
        assert not page.is_visible("#capture")
        page.click("#send")
        rid = _sent_id(page)
        assert _wait_label(page, rid)[0] in LABELS
        page.locator("#message", has_text=f"Sound {rid} arrived").wait_for(timeout=10000)

        junk = tmp_path / "notes.wav"
        junk.write_bytes(b"this is not audio at all" * 100)
        page.set_input_files("#file", str(junk))
        page.wait_for_selector("body[data-state='review']")
        page.click("#send")
        page.wait_for_selector("#error:not(:empty)")
        assert "not a readable audio file" in page.text_content("#error")
    finally:
        browser.close()


def test_dropped_connection_is_retried(env):
    """The first upload attempt dies with a connection reset; the page says so, waits and sends again."""
    serve = env["serve"]
    page = new_phone_page(env["browser"])
    attempts = []

    def drop_first(route):
        attempts.append(route.request.method)
        if len(attempts) == 1:
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/recordings?*", drop_first)
    page.goto(serve.ready["participant_url"])
    record(page, 1.0)
    page.click("#send")
    page.wait_for_selector("#message:has-text('trying again')")
    rid = _sent_id(page)
    assert attempts == ["POST", "POST"]
    assert serve.get(f"/api/recordings/{rid}", public=True)["id"] == rid
    page.context.close()


def test_an_answer_lost_after_storing_is_not_stored_twice(env):
    """The backend stores the first attempt but its answer never reaches the phone (a timeout, a dropped
    connection on the way back); the page sends again with the same upload id and gets the same recording."""
    serve = env["serve"]
    page = new_phone_page(env["browser"])
    answers = []

    def lose_first_answer(route):
        response = route.fetch()  # reaches the backend for real
        answers.append(response.json())
        if len(answers) == 1:
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    page.route("**/api/recordings?*", lose_first_answer)
    before = len(serve.get("/api/recordings")["recordings"])
    page.goto(serve.ready["participant_url"])
    record(page, 1.0)
    page.click("#send")
    page.wait_for_selector("#message:has-text('trying again')")
    rid = _sent_id(page)
    assert [a["id"] for a in answers] == [rid, rid]
    assert len(serve.get("/api/recordings")["recordings"]) == before + 1
    page.context.close()


def test_location_is_sent_only_when_opted_in(env):
    serve = env["serve"]
    page = new_phone_page(
        env["browser"],
        geolocation={"latitude": 52.52, "longitude": 13.405, "accuracy": 25},
        permissions=["geolocation"],
    )
    page.goto(serve.ready["participant_url"])
    record(page, 0.8)
    page.click("#send")
    plain = serve.get(f"/api/recordings/{_sent_id(page)}", public=True)
    assert plain["latitude"] is None and plain["longitude"] is None
    page.check("#geo")
    page.wait_for_timeout(300)
    assert page.is_checked("#geo") and page.text_content("#error") == ""
    record(page, 0.8)
    page.click("#send")
    rid = _sent_id(page)
    located = serve.get(f"/api/recordings/{rid}", public=True)
    # blurred on the phone to the default 1 km grid: the exact point never reaches the server
    assert (located["latitude"], located["longitude"]) != (52.52, 13.405)
    moved_km = math.hypot(
        (located["latitude"] - 52.52) * 111.32, (located["longitude"] - 13.405) * 111.32 * math.cos(math.radians(52.52))
    )
    assert 0 < moved_km <= 1.0 / math.sqrt(2) + 1e-6 and located["accuracy"] >= 700
    assert "about 1 km" in page.text_content("#location-blurred")
    status = serve.get(
        f"/recorder/status?token={serve.ready['participant_url'].split('token=')[1]}&ids={rid}", public=True
    )
    assert "52.52" not in json.dumps(status)  # other people's phones never see where a sound was made
    page.context.close()


def test_rotated_token_refuses_the_old_page_in_words(env):
    """Runs last in this module: it rotates the session token."""
    serve = env["serve"]
    page = new_phone_page(env["browser"])
    page.goto(serve.ready["participant_url"])
    record(page, 0.8)
    code, answer = fetch_json(serve.url + "/api/token/rotate", b"{}", {"Content-Type": "application/json"})
    assert code == 200, answer
    fresh = answer["participant_url"]
    assert fresh != serve.ready["participant_url"]
    page.click("#send")
    page.wait_for_selector("#error:not(:empty)")
    assert "scan the QR code again" in page.text_content("#error")
    page.goto(fresh)  # the new QR code's link works
    record(page, 0.8)
    page.click("#send")
    rid = _sent_id(page)
    _wait_label(page, rid)
    page.reload()  # the list of my sounds survives a reload
    page.wait_for_selector("body[data-ready='1']")
    assert "analysed as" in page.locator(f"#sounds li[data-id='{rid}']").inner_text()
    page.context.close()


def test_a_teach_link_shows_its_label_and_teaches_each_recording_once(env):
    """The performer's link (made by the console) in a phone's browser: a banner names the label, and the
    recording sent becomes one example of it (tests/test_backend_teach_links.py covers refusals and restarts)."""
    import requests

    serve = env["serve"]
    made = requests.post(f"{serve.url}/console/api/teach-link", json={"label": "tin"}, timeout=10, verify=False)
    url = made.json()["result"]["url"]
    page = new_phone_page(env["browser"])
    page.goto(url)
    assert page.is_visible("#teach-banner") and "Teaching “tin”" in page.text_content("#teach-banner")
    record(page, 2.0)
    page.click("#send")
    _wait_label(page, _sent_id(page))
    state = lambda: fetch_json(f"{serve.url}/console/api/state")[1]["taught"]  # noqa: E731
    for _ in range(100):
        if state().get("tin") == 1:
            break
        page.wait_for_timeout(100)
    assert state().get("tin") == 1
    # the ordinary participant link shows no banner and teaches nothing
    page.goto(serve.ready["participant_url"])
    assert not page.is_visible("#teach-banner")
    page.context.close()
