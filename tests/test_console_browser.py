"""The console in headless Chromium against the real backend (`exsampling serve` as a subprocess).

Recordings with latitude/longitude are uploaded through the real HTTP API; a python-osc listener (serve_support) is
the device. Set EXSAMPLING_CONSOLE_SCREENSHOT=path to also save a screenshot of the page.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest
import requests
from console_support import chromium, contrast, needs_chromium, open_console, post_tone, until
from pythonosc.udp_client import SimpleUDPClient
from serve_support import Listener, Serve

from exsampling_osc.osc import protocol

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


POINTS = [(48.858844, 2.294351), (48.853, 2.3499), (48.8606, 2.3376)]


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("console")
    listener = Listener()
    # launched-by-device: the backend goes with us even if pytest is killed (stdin closes, parent goes)
    try:
        serve = Serve(
            tmp / "data", "--probe-ports", "--launched-by-device", device_port=listener.port, stdin=subprocess.PIPE
        )
    except RuntimeError:
        listener.close()
        raise
    ready = serve.ready
    beating = threading.Event()
    client = SimpleUDPClient("127.0.0.1", ready["osc_port"])

    def heartbeat() -> None:
        seq = 0
        while not beating.wait(1.0):
            seq += 1
            client.send_message("/exsampling/heartbeat", seq)

    client.send_message("/exsampling/heartbeat", 0)
    threading.Thread(target=heartbeat, daemon=True).start()
    base = ready["http_url"]  # plain HTTP on loopback (phones get HTTPS on http_port)
    token = ready["participant_url"].split("token=", 1)[1]
    ids = []
    for i, (lat, lon) in enumerate(POINTS):
        r = post_tone(base, token, tmp / f"tone{i}.wav", 330 + 110 * i, 1.5, latitude=lat, longitude=lon, accuracy=10)
        assert r.status_code < 300, r.text
        ids.append(r.json()["id"])
    for rid in ids:  # wait until analysed
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            rec = requests.get(f"{base}/api/recordings/{rid}", timeout=10).json()
            if rec.get("samples") and all(s.get("state") != "pending" for s in rec["samples"]):
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"recording {rid} was not analysed")
    yield {"base": base, "listener": listener, "ready": ready, "ids": ids}
    beating.set()
    serve.stop(15)
    listener.close()


@pytest.fixture(scope="module")
def page(backend, browser):
    pg = open_console(browser, backend["base"], {"width": 1400, "height": 900}, "li.sample")
    yield pg
    pg.context.close()


def test_map_shows_the_recordings_points(page):
    until(page, f"window.exsConsole && window.exsConsole.points().length === {len(POINTS)}")
    points = page.evaluate("window.exsConsole.points()")
    got = sorted((round(p[0], 5), round(p[1], 5)) for p in points)
    assert got == sorted((round(a, 5), round(b, 5)) for a, b in POINTS)
    # markers are drawn (SVG paths) inside the visible map
    assert page.locator("#map path.leaflet-interactive").count() == len(POINTS)
    box = page.locator("#map").bounding_box()
    for i in range(len(POINTS)):
        marker = page.locator("#map path.leaflet-interactive").nth(i).bounding_box()
        assert box["x"] <= marker["x"] <= box["x"] + box["width"]
        assert box["y"] <= marker["y"] <= box["y"] + box["height"]
    assert page.errors == []


def test_remap_click_sends_the_osc_mapping_message(page, backend):
    listener = backend["listener"]
    row = page.locator("#mapping tr[data-label]").first
    label = row.get_attribute("data-label")
    select = row.locator("select.track")
    current = select.input_value()
    options = select.locator("option").all_inner_texts()
    target = next(t for t in options if t != current)
    select.select_option(target)
    with page.expect_response(lambda r: r.url.endswith("/console/api/remap"), timeout=30000) as resp:
        row.locator("button.remap").click()
    assert resp.value.status == 200, resp.value.text()
    args = listener.next("/exsampling/mapping", lambda a: a[0] == label and a[1] == target)
    assert args[2] in ("melodic", "percussive")
    until(page, f"document.querySelector('#mapping tr[data-label=\"{label}\"] select').value === '{target}'")


def test_preview_plays_the_sample_audio(page):
    first = page.locator("li.sample").first
    first.locator("button.listen").click()
    until(
        page,
        "document.querySelector('#player').readyState >= 2 && document.querySelector('#player').currentTime > 0.05",
        timeout=10000,
    )
    duration = page.evaluate("document.querySelector('#player').duration")
    sample_id = page.evaluate("document.querySelector('#player').dataset.sample")
    assert 0.5 < duration < 6.0
    assert first.get_attribute("data-id") == sample_id
    # the waveform thumbnail was drawn from the sample's peaks
    until(page, "document.querySelector('li.sample canvas').dataset.drawn === '1'")
    shot = os.environ.get("EXSAMPLING_CONSOLE_SCREENSHOT")
    if shot:
        page.evaluate("document.querySelector('#player').pause()")
        page.screenshot(path=shot)


def test_accept_and_override_go_through_the_service(page, backend):
    listener = backend["listener"]
    first = page.locator("li.sample").first
    sample_id = int(first.get_attribute("data-id"))
    with page.expect_response(lambda r: r.url.endswith("/accept"), timeout=30000) as resp:
        first.locator("button.accept").click()
    assert resp.value.status == 200, resp.value.text()
    state = [a.name for a in protocol.get("/exsampling/sample").args].index("state")
    listener.next("/exsampling/sample", lambda a: a[1] == sample_id and a[state] == "accepted")
    page.wait_for_selector(f"li.sample.accepted[data-id='{sample_id}']")
    select = page.locator(f"li.sample[data-id='{sample_id}'] select.override")
    new_label = next(o for o in select.locator("option").all_inner_texts() if o != select.input_value())
    with page.expect_response(lambda r: r.url.endswith("/override"), timeout=30000) as resp:
        select.select_option(new_label)
    assert resp.value.status == 200
    listener.next("/exsampling/sample", lambda a: a[1] == sample_id and a[2] == new_label)
    rec = requests.get(f"{backend['base']}/console/api/state", timeout=10).json()
    assert next(s for s in rec["samples"] if s["id"] == sample_id)["label"] == new_label


def test_console_refuses_other_computers(backend):
    base = backend["base"]
    assert requests.get(base + "/console", timeout=10).status_code == 200
    forwarded = requests.get(base + "/console", headers={"X-Forwarded-For": "8.8.8.8"}, timeout=10)
    assert forwarded.status_code == 403
    assert requests.get(base + "/console/api/state", headers={"Host": "evil.example"}, timeout=10).status_code == 403


def test_live_update_status_qr_blur_and_reanalyse(page, backend, tmp_path):
    base, listener = backend["base"], backend["listener"]
    # status: the fixture's heartbeats show as a fresh heartbeat
    until(page, "document.querySelector('#heartbeat-status').classList.contains('ok')")
    assert "OSC" in page.locator("#osc-status").inner_text()
    # a new recording appears without reloading the page
    before = page.locator("li.sample").count()
    token = backend["ready"]["participant_url"].split("token=", 1)[1]
    r = post_tone(base, token, tmp_path / "late.wav", 550, 1.0, latitude="48.87", longitude="2.30")
    assert r.status_code < 300, r.text
    until(page, f"document.querySelectorAll('li.sample').length > {before}", timeout=30000)
    until(page, "window.exsConsole.points().length === 4")
    # the QR code, large, for projection
    page.click("#project-qr")
    overlay = page.locator("#qr-overlay img")
    assert overlay.is_visible()
    assert page.evaluate("document.querySelector('#qr-overlay img').naturalWidth") > 100
    assert overlay.bounding_box()["width"] > 500
    page.click("#qr-overlay")
    assert not overlay.is_visible()
    # blur: coordinates are rounded on the server, before they reach the page
    blurred = requests.get(f"{base}/console/api/state?blur=1", timeout=10).json()
    assert sorted((p["latitude"], p["longitude"]) for p in blurred["recordings"]) == sorted(
        (round(a, 2), round(b, 2)) for a, b in [*POINTS, (48.87, 2.30)]
    )
    page.check("#blur")
    until(page, "window.exsConsole.points().every(p => Math.abs(p[0] * 100 - Math.round(p[0] * 100)) < 1e-6)")
    page.uncheck("#blur")
    # re-analyse: the sample is analysed again and re-sent to the devices
    last = page.locator("li.sample").last
    sample_id = int(last.get_attribute("data-id"))
    with page.expect_response(lambda r: r.url.endswith("/reanalyse"), timeout=30000) as resp:
        last.locator("button.reanalyse").click()
    assert resp.value.status == 200
    listener.next("/exsampling/sample", lambda a: a[1] == sample_id)


def test_bad_console_requests_answer_json_errors(backend):
    base = backend["base"]
    r = requests.post(f"{base}/console/api/samples/999999/override", json={"label": "dog"}, timeout=10)
    assert r.status_code == 400 and "999999" in r.json()["error"]
    r = requests.post(f"{base}/console/api/remap", json={"label": "dog"}, timeout=10)
    assert r.status_code == 400 and r.json()["error"] == "give label and track"
    r = requests.post(f"{base}/console/api/remap", json={"label": "dog", "track": "nowhere"}, timeout=10)
    assert r.status_code == 400 and "nowhere" in r.json()["error"]
    r = requests.get(f"{base}/console/api/samples/999999/audio", timeout=10)
    assert r.status_code == 404 and r.json()["error"] == "no sample 999999"
    r = requests.get(f"{base}/console/api/state", headers={"X-Forwarded-For": "1.2.3.4"}, timeout=10)
    assert r.status_code == 403 and "this computer" in r.json()["error"]


def test_xy_pad_composes_a_phrase_and_sends_it_to_the_devices(page, backend):
    listener = backend["listener"]
    pad = page.locator("#xy-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    with page.expect_response(lambda r: r.url.endswith("/console/api/compose"), timeout=30000) as resp:
        pad.click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.25})  # latent (0.5, 0.5)
    result = resp.value.json()["result"]
    assert abs(result["x"] - 0.5) < 0.05 and abs(result["y"] - 0.5) < 0.05
    phrase = listener.next("/exsampling/phrase", lambda a: a[0] == result["phrase_id"])
    assert phrase[1] == len(result["notes"]) > 0 and phrase[3] == result["midi_path"]
    notes = [listener.next("/exsampling/phrase/note", lambda a: a[0] == result["phrase_id"]) for _ in result["notes"]]
    assert [n[2] for n in notes] == [n["note"] for n in result["notes"]]
    until(page, f"document.querySelector('#phrase').dataset.phrase === '{result['phrase_id']}'")
    assert "sent to the devices" in page.locator("#phrase").inner_text()
    href = page.locator("#phrase a").get_attribute("href")
    midi = requests.get(backend["base"] + href, timeout=10)
    assert midi.status_code == 200 and midi.content[:4] == b"MThd"
    # the same point without a seed gives the same phrase (the OSC door answers the same)
    again = page.evaluate(
        "([x, y]) => fetch('/console/api/compose', {method: 'POST', headers: {'Content-Type': "
        "'application/json'}, body: JSON.stringify({x, y, seed: -1})}).then(r => r.json())",
        [result["x"], result["y"]],
    )
    assert [n["note"] for n in again["result"]["notes"]] == [n["note"] for n in result["notes"]]
    bad = requests.post(backend["base"] + "/console/api/compose", json={"x": "left"}, timeout=10)
    assert bad.status_code == 400 and "x and y" in bad.json()["error"]
    assert page.errors == []


def test_moving_a_knob_composes_again_at_the_same_point_with_its_value(page, backend):
    import json

    # the sliders' ranges come from the protocol's declaration (the HTML carries none)
    until(page, "document.querySelector('#knob-density').max === '4'")
    assert (
        page.get_attribute("#knob-density", "min") == "0.25" and page.get_attribute("#knob-temperature", "max") == "2"
    )

    pad = page.locator("#xy-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    with page.expect_response(lambda r: r.url.endswith("/console/api/compose"), timeout=30000) as first:
        pad.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.5})  # latent (-0.5, 0)
    sent = json.loads(first.value.request.post_data)
    assert {k: sent[k] for k in ("temperature", "density", "register", "key", "bars")} == {
        "temperature": 1, "density": 1, "register": -1, "key": 0, "bars": -1,
    }  # fmt: skip
    base = first.value.json()["result"]
    with page.expect_response(lambda r: r.url.endswith("/console/api/compose"), timeout=30000) as resp:
        page.locator("#knob-density").fill("3")
    sent = json.loads(resp.value.request.post_data)
    result = resp.value.json()["result"]
    assert sent["density"] == 3 and (sent["x"], sent["y"]) == (base["x"], base["y"])
    assert result["controls"]["density"] == 3.0 and result["phrase_id"] != base["phrase_id"]
    assert page.locator("#knob-density + output").inner_text() == "3"
    with page.expect_response(lambda r: r.url.endswith("/console/api/compose"), timeout=30000) as resp:
        page.locator("#knob-temperature").fill("0")
    assert json.loads(resp.value.request.post_data)["temperature"] == 0
    assert resp.value.json()["result"]["controls"]["temperature"] == 0.0
    with page.expect_response(lambda r: r.url.endswith("/console/api/compose"), timeout=30000) as resp:
        page.locator("#knob-key").select_option("7")
    assert resp.value.json()["result"]["controls"]["key"] == 7
    until(page, f"document.querySelector('#phrase').dataset.phrase === '{resp.value.json()['result']['phrase_id']}'")
    assert "density 3" in page.locator("#phrase").inner_text()
    bad = requests.post(backend["base"] + "/console/api/compose", json={"x": 0, "y": 0, "density": 9}, timeout=10)
    assert bad.status_code == 400 and "density must be" in bad.json()["error"]
    assert page.errors == []


XSS_NAME = "<img src=x onerror=window.__xss=1>.wav"


def test_a_participants_file_name_is_shown_as_text_and_runs_nothing(page, backend, tmp_path):
    """Stored XSS (issue 12): a recording named like an HTML element, with a location, so the map shows it.
    Its tooltip shows the name as text; no element is made from it and no script runs; the page's
    Content-Security-Policy forbids inline script as a second wall."""
    base = backend["base"]
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    before = page.evaluate("window.exsConsole.points().length")
    token = backend["ready"]["participant_url"].split("token=", 1)[1]
    r = post_tone(base, token, tmp_path / "named.wav", 660, 1.0, XSS_NAME, latitude="48.857", longitude="2.32")
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    until(page, f"window.exsConsole.points().length === {before + 1}")
    shown = None
    markers = page.locator("#map path.leaflet-interactive")
    for i in range(markers.count()):
        box = markers.nth(i).bounding_box()
        if not box:
            continue
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tip = page.locator(".leaflet-tooltip", has_text=f"#{rid} ")
        try:
            tip.wait_for(timeout=1000)
        except Exception:  # noqa: BLE001 - another marker's tooltip: try the next one
            continue
        shown = tip
        break
    assert shown is not None, "no tooltip shows the new recording"
    assert XSS_NAME in shown.inner_text()
    assert shown.locator("img").count() == 0 and page.locator("img[src='x']").count() == 0
    assert page.evaluate("window.__xss") is None
    headers = requests.get(base + "/console", timeout=10).headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    # the CSP holds too: an inline handler injected on purpose does not run
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img id=probe src=x onerror=\"window.__xss=2\">')")
    time.sleep(0.5)
    assert page.evaluate("window.__xss") is None
    assert violations, "the page's Content-Security-Policy did not block the injected handler"
    page.evaluate("document.getElementById('probe').remove()")
    assert page.errors == []


def test_download_link_is_readable(page):
    if not page.locator("#phrase a").count():
        page.locator("#xy-pad").click()
        page.locator("#phrase a").wait_for(timeout=30000)
    assert page.locator("#phrase a").inner_text() == "Download .mid"
    assert contrast(page, "#phrase a") >= 4.5  # was 1.9:1 (default blue on near-black)


def test_once_a_recording_has_a_place_the_empty_map_note_goes(page):
    assert not page.locator("#no-points").is_visible()


def test_the_console_makes_a_teach_link_for_the_label(page, backend):
    page.fill("#teach-label", "")
    page.dispatch_event("#teach-label", "input")
    assert page.locator("#teach-link").is_disabled()  # no label, no link
    page.fill("#teach-label", "kettle")
    with page.expect_response(lambda r: r.url.endswith("/console/api/teach-link"), timeout=30000) as resp:
        page.locator("#teach-link").click()
    assert resp.value.status == 200, resp.value.text()
    url = page.input_value("#teach-link-url")
    assert "token=" in url and "&teach=" in url and url.endswith("&label=kettle")
    assert page.locator("#teach-link-box").is_visible()
    page.fill("#teach-label", "")
    assert page.errors == []


def test_teach_ticked_samples_as_a_label_then_forget_it(page, backend):
    listener = backend["listener"]
    boxes = page.locator("li.sample input.pick")
    ids = [int(page.locator("li.sample").nth(i).get_attribute("data-id")) for i in range(2)]
    assert page.locator("#teach").is_disabled()  # nothing ticked, no label
    for i in range(2):
        boxes.nth(i).check()
    page.fill("#teach-label", "hum")
    assert page.locator("#teach").inner_text() == "Teach 2 ticked as hum"
    with page.expect_response(lambda r: r.url.endswith("/console/api/teach"), timeout=60000) as resp:
        page.locator("#teach").click()
    assert resp.value.status == 200, resp.value.text()
    assert listener.next("/exsampling/taught", lambda a: a[0] == "hum")[1] == 2
    until(page, "document.querySelector('#taught li[data-label=\"hum\"]') !== null")
    assert "2 examples" in page.locator('#taught li[data-label="hum"]').inner_text()
    assert page.locator("li.sample input.pick:checked").count() == 0  # the ticks were cleared
    # re-analysing the library applies the new label to the examples themselves
    with page.expect_response(lambda r: r.url.endswith("/console/api/reanalyse"), timeout=30000) as resp:
        page.locator("#reanalyse-all").click()
    assert resp.value.json()["queued"] == page.locator("li.sample").count()
    for sid in ids:
        until(page, f"document.querySelector('li.sample[data-id=\"{sid}\"] .label').textContent === 'hum'", 60000)
    page.locator('#taught li[data-label="hum"] button.forget').click()
    until(page, "document.querySelector('#taught li') === null")
    assert listener.next("/exsampling/taught", lambda a: a[0] == "hum")[1] == 0
    assert page.errors == []
