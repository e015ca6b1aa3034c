"""The recorder's message catalogue and photo resizing in real Chromium (Playwright, /usr/bin/chromium).

A tiny test page is served with the recorder folder by a local HTTP server on 127.0.0.1; the browser's locale
is set to ja-JP, en-US and fr-FR (no catalogue: English).
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import re
import shutil
import threading
from pathlib import Path

import pytest

from tests.recorder_support import launch

REPO = Path(__file__).resolve().parents[1]
RECORDER = REPO / "recorder"
PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<h1 data-i18n="my_sounds">x</h1><button data-i18n="record" data-i18n-label="record">x</button>
<input type="file" id="photo" accept="image/*">
<script type="module">
import { setupI18n, t } from "./recorder/i18n.js";
import { resizePhoto } from "./recorder/photo.js";
import { blurPosition } from "./recorder/location.js";
window.blur = (c, km) => blurPosition(c, km);
const lang = await setupI18n();
window.result = { lang, htmlLang: document.documentElement.lang, scan: t("scan_again"),
  sent: t("sent", { id: 7 }), missing: t("no_such_key"), consent: t("consent"), photo: t("photo_add"),
  del: t("delete"), heading: document.querySelector("h1").textContent,
  label: document.querySelector("button").getAttribute("aria-label") };
window.resize = async () => {
  const out = await resizePhoto(document.getElementById("photo").files[0], 800);
  const bytes = new Uint8Array(await out.blob.arrayBuffer());
  return { width: out.width, height: out.height, type: out.blob.type, bytes: Array.from(bytes) };
};
window.resizeBad = () => resizePhoto(new File(["RIFF"], "a.wav", { type: "audio/wav" })).catch((e) => e.code);
</script></body></html>"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(RECORDER, root / "recorder")
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    pw = pytest.importorskip("playwright.sync_api")
    with pw.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


def open_page(browser, url, locale):
    ctx = browser.new_context(locale=locale)
    page = ctx.new_page()
    page.goto(url)
    page.wait_for_function("window.result !== undefined", timeout=15000)
    return ctx, page


@pytest.mark.parametrize("locale,lang", [("ja-JP", "ja"), ("en-US", "en"), ("fr-FR", "en")])
def test_catalogue_chosen_by_browser_language(browser, site, locale, lang):
    ctx, page = open_page(browser, site, locale)
    r = page.evaluate("window.result")
    ctx.close()
    cat = json.loads((RECORDER / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
    assert r["lang"] == lang and r["htmlLang"] == lang
    assert r["scan"] == cat["scan_again"] and r["heading"] == cat["my_sounds"] and r["label"] == cat["record"]
    assert r["sent"] == cat["sent"].replace("{id}", "7") and "7" in r["sent"]
    assert r["missing"] == "no_such_key"
    if lang == "ja":
        assert r["scan"] == "このリンクはもう使えません。QR コードをもう一度読み取って、新しいリンクを開いてください。"
        assert r["heading"] == "わたしの音" and r["del"] == "削除"
    else:
        assert r["scan"].startswith("This link is not valid any more") and r["del"] == "Delete"


def test_catalogues_have_the_same_keys_and_placeholders():
    en = json.loads((RECORDER / "i18n" / "en.json").read_text(encoding="utf-8"))
    ja = json.loads((RECORDER / "i18n" / "ja.json").read_text(encoding="utf-8"))
    assert set(en) == set(ja)
    for k in en:
        assert set(re.findall(r"\{\w+\}", en[k])) == set(re.findall(r"\{\w+\}", ja[k])), k


def test_photo_resized_in_the_page_without_exif(browser, site, tmp_path):
    from PIL import Image

    from tests.test_participants_photos import jpeg_with_gps

    src = tmp_path / "photo.jpg"
    src.write_bytes(jpeg_with_gps((3000, 2000)))
    ctx, page = open_page(browser, site, "en-US")
    page.set_input_files("#photo", str(src))
    out = page.evaluate("window.resize()")
    bad = page.evaluate("window.resizeBad()")
    ctx.close()
    data = bytes(out["bytes"])
    assert out["type"] == "image/jpeg" and bad == "not-image"
    assert (out["width"], out["height"]) == (533, 800)  # upright (EXIF orientation 6) and at most 800 px
    img = Image.open(io.BytesIO(data))
    assert img.size == (533, 800) and not img.getexif()
    assert b"Shibuya" not in data and b"GPSLatitude" not in data and b"Exif\x00\x00" not in data


def test_location_blurred_to_the_configured_grid(browser, site):
    import math

    ctx, page = open_page(browser, site, "en-US")
    shibuya = {"latitude": 35.65914, "longitude": 139.70063, "accuracy": 12}
    near = {"latitude": 35.6602, "longitude": 139.7021, "accuracy": 30}  # about 170 m away
    a, b = (page.evaluate("([c, km]) => window.blur(c, km)", [p, 1.0]) for p in (shibuya, near))
    exact = page.evaluate("([c, km]) => window.blur(c, km)", [shibuya, 0])
    ctx.close()
    assert exact == shibuya
    assert (a["latitude"], a["longitude"]) == (b["latitude"], b["longitude"])  # one cell, one point
    moved_km = math.hypot(
        (a["latitude"] - shibuya["latitude"]) * 111.32,
        (a["longitude"] - shibuya["longitude"]) * 111.32 * math.cos(math.radians(35.66)),
    )
    assert 0 < moved_km <= 1.0 / math.sqrt(2) + 1e-6
    assert a["accuracy"] >= 700
