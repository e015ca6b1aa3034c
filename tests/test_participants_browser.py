"""Issue 17 in real Chromium (fake microphone) against a real ``exsampling serve`` (HTTPS by default): "My
sounds" deletes a sound (no file, no row left, the device told), the location is blurred on the phone."""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import sync_playwright  # noqa: E402
from recorder_support import launch, new_phone_page, record, write_tone  # noqa: E402
from serve_support import Listener, Serve  # noqa: E402


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("participants")
    mic = write_tone(tmp / "mic.wav", seconds=3.0, freq=660.0)
    (tmp / "data").mkdir()
    (tmp / "data" / "recorder.yaml").write_text("uploads_per_minute: 60\nlocation_precision_km: 1.0\n")
    device = Listener()
    serve = Serve(tmp / "data", device_port=device.port)
    with sync_playwright() as p:
        browser = launch(p, mic)
        try:
            yield {"serve": serve, "device": device, "browser": browser, "data": tmp / "data"}
        finally:
            browser.close()
            serve.stop()
            device.close()


def send_take(page, seconds: float = 1.0) -> int:
    record(page, seconds)
    page.click("#send")
    page.wait_for_selector("body[data-state='idle']", timeout=30000)
    match = re.search(r"Sound (\d+) (is on its way|arrived)", page.text_content("#message") or "")
    assert match, (page.text_content("#message"), page.text_content("#error"))
    return int(match.group(1))


def test_my_sounds_delete_leaves_no_file_or_row(env):
    serve, data = env["serve"], env["data"]
    page = new_phone_page(env["browser"])
    page.goto(serve.ready["participant_url"])
    rid = send_take(page)
    item = page.locator(f"#sounds li[data-id='{rid}']")
    item.filter(has_text="analysed as").wait_for(timeout=60000)
    rec = serve.get(f"/api/recordings/{rid}")
    files = [Path(rec["path"]), *(Path(s["path"]) for s in rec["samples"])]
    sample_ids = [s["id"] for s in rec["samples"]]
    assert all(f.is_file() for f in files)
    stored = json.loads(page.evaluate("localStorage.getItem('exsampling:sounds')"))
    assert [s["key"] for s in stored if s["id"] == rid][0]  # the deletion key is kept on the phone

    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    item.locator("button.delete").click()
    page.wait_for_selector(f"#message:has-text('Sound {rid} was deleted')")
    assert dialogs and f"Delete sound {rid}?" in dialogs[0]
    assert page.locator(f"#sounds li[data-id='{rid}']").count() == 0
    with sqlite3.connect(data / "library.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM recordings WHERE id = ?", (rid,)).fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM samples WHERE recording_id = ?", (rid,)).fetchone()[0] == 0
    assert not any(f.exists() for f in files)
    said = env["device"].wait_for("/exsampling/deleted", timeout=10, where=lambda a: a[0] == rid)
    assert said == [[rid, " ".join(map(str, sample_ids))]]
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator(f"#sounds li[data-id='{rid}']").count() == 0  # forgotten on the phone too
    assert page.js_errors == []
    page.context.close()


def test_the_page_speaks_the_phone_language(env):
    """A phone set to Japanese gets the whole page in Japanese (index.html's texts and app.js's), English
    otherwise; a show's own consent text wins over the catalogue's."""
    cat = json.loads((Path(__file__).resolve().parents[1] / "recorder" / "i18n" / "ja.json").read_text("utf-8"))
    page = new_phone_page(env["browser"], locale="ja-JP")
    page.goto(env["serve"].ready["participant_url"])
    page.wait_for_selector("body[data-ready='1']")
    assert page.evaluate("document.documentElement.lang") == "ja"
    assert page.text_content("#record-label") == cat["record"]
    assert page.text_content("#consent") == cat["consent"] and page.text_content("#capture-hint") == cat["hint_idle"]
    assert page.text_content("#max-left") == cat["left_of"].replace("{max}", "0:30")
    assert page.get_attribute("#countdown", "aria-label") == cat["time_left_label"]
    record(page, 0.8)
    assert page.text_content("#send") == cat["send"]
    assert page.text_content("#review-info").endswith(cat["review_take"].split("}")[-1])
    page.click("#send")
    page.wait_for_selector("body[data-state='idle']", timeout=30000)
    rid = env["serve"].get("/api/recordings?limit=1")["recordings"][0]["id"]
    message = page.text_content("#message")  # "sent", or already "arrived" once the label came
    assert message == cat["sent"].replace("{id}", str(rid)) or message.startswith(
        cat["arrived"].split("{what}")[0].replace("{id}", str(rid))
    ), message
    title = page.locator(f"#sounds li[data-id='{rid}'] .sound-title")
    assert title.text_content() == cat["sound_title"].replace("{id}", str(rid))
    assert page.locator(f"#sounds li[data-id='{rid}'] button.delete").text_content() == cat["delete"]
    assert page.js_errors == []
    page.context.close()
    english = new_phone_page(env["browser"], locale="fr-FR")  # no French catalogue: English
    english.goto(env["serve"].ready["participant_url"])
    english.wait_for_selector("body[data-ready='1']")
    assert english.text_content("#record-label") == "Record" and english.text_content("#max-left") == "left of 0:30"
    english.context.close()


def test_a_photo_goes_with_the_sound_without_its_gps(env, tmp_path):
    """A photo with EXIF GPS picked on the phone: resized in the page, stripped again on the server; the file
    on disk has no EXIF at all, the device hears /exsampling/photo, the console shows it, a delete removes it."""
    from PIL import Image

    from tests.test_participants_photos import jpeg_with_gps

    serve, data = env["serve"], env["data"]
    src = tmp_path / "street.jpg"
    src.write_bytes(jpeg_with_gps((3000, 2000)))
    page = new_phone_page(env["browser"])
    page.goto(serve.ready["participant_url"])
    record(page, 0.8)
    page.set_input_files("#photo", str(src))
    page.click("#send")
    page.wait_for_selector("body[data-state='idle']", timeout=30000)
    rid = int(re.search(r"Sound (\d+)", page.text_content("#message")).group(1))
    kept = data / "photos" / f"r{rid:06d}.jpg"
    assert kept.is_file()
    raw = kept.read_bytes()
    img = Image.open(kept)
    assert max(img.size) <= 1600 and img.size[1] > img.size[0]  # upright (EXIF orientation 6)
    assert not img.getexif() and b"Exif\x00\x00" not in raw and b"GPS" not in raw and b"Shibuya" not in raw
    said = env["device"].wait_for("/exsampling/photo", timeout=10, where=lambda a: a[0] == rid)
    assert said == [[rid, kept.as_posix()]]
    rec = serve.get(f"/api/recordings/{rid}")
    assert rec["photo_path"] == str(kept)
    serve.wait_analysed(rid)
    console = serve.get("/console/api/state")
    assert {s["photo"] for s in console["samples"] if s["recording_id"] == rid} == {
        f"/console/api/recordings/{rid}/photo"
    }
    with urllib.request.urlopen(f"{serve.url}/console/api/recordings/{rid}/photo", timeout=10) as r:
        assert r.read() == raw
    assert page.evaluate("document.getElementById('photo').value") == ""  # one photo, one sound
    page.on("dialog", lambda d: d.accept())
    page.locator(f"#sounds li[data-id='{rid}'] button.delete").click()
    page.wait_for_selector(f"#message:has-text('Sound {rid} was deleted')")
    assert not kept.exists()
    page.context.close()


def test_a_file_that_is_no_photo_is_refused_by_the_server(env, tmp_path):
    from serve_support import tone

    serve = env["serve"]
    before = len(serve.get("/api/recordings")["recordings"])
    body, ctype = _two_files(tone(tmp_path / "a.wav", 1.0).read_bytes(), b"not a picture at all" * 50)
    req = urllib.request.Request(
        f"{serve.url}/api/recordings?token={serve.token}", data=body, method="POST", headers={"Content-Type": ctype}
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 400 and "photo" in json.loads(err.value.read())["error"]
    assert len(serve.get("/api/recordings")["recordings"]) == before  # nothing stored


def _two_files(audio: bytes, photo: bytes) -> tuple[bytes, str]:
    boundary = "exsamplingboundary17"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{fn}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
        for name, fn, data in (("audio", "a.wav", audio), ("photo", "p.jpg", photo))
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
