"""serve's participant flags reach the page: ``--consent`` and ``--location-precision`` override the recorder
section; bad values stop serve with words."""

from __future__ import annotations

import json
import re
import ssl
import subprocess
import urllib.request

from serve_support import EXSAMPLING, ROOT, Serve


def page_config(serve: Serve) -> dict:
    ctx = ssl._create_unverified_context()
    with urllib.request.urlopen(serve.base + "/", context=ctx, timeout=10) as r:
        html = r.read().decode()
    found = re.search(r'<script id="exsampling-config" type="application/json">(.*?)</script>', html)
    assert found, html[:300]
    return json.loads(found.group(1))


def test_consent_and_location_precision_flags_override_the_recorder_section(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "recorder.yaml").write_text("consent: From the file.\nlocation_precision_km: 2.5\n")
    serve = Serve(tmp_path / "data")
    try:
        cfg = page_config(serve)
        assert cfg["consent"] == "From the file." and cfg["location_precision_km"] == 2.5
    finally:
        serve.stop()
    serve = Serve(tmp_path / "data", "--consent", "Kept for tonight only.", "--location-precision", "0")
    try:
        cfg = page_config(serve)
        assert cfg["consent"] == "Kept for tonight only." and cfg["location_precision_km"] == 0
    finally:
        serve.stop()


def test_bad_participant_flags_are_refused_in_words(tmp_path):
    base = [*EXSAMPLING, "serve", "--data-dir", str(tmp_path / "d"), "--http-port", "0", "--osc-port", "0"]
    for extra, words in (
        (["--keep-days", "0"], "--keep-days must be more than 0"),
        (["--location-precision", "500"], "--location-precision must be between 0 and 100 km"),
        (["--http", "--cert", "c.pem", "--key", "k.pem"], "--http serves no certificate"),
    ):
        done = subprocess.run([*base, *extra], capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert done.returncode == 1 and words in done.stderr, (extra, done.stderr[-500:])
