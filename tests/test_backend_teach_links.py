"""Teach links, through a real `serve`: the console makes a performer-only recorder link for a label; each
recording sent through it becomes one example of the label (its pieces count once); a wrong link is refused
and stores nothing; links and pending examples survive a restart (backend/teach_links.py)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import numpy as np
import requests
import soundfile as sf
from serve_support import Serve

from exsampling_osc.backend.teach_links import TeachLinks

SR = 22050


def chirps(path, seed, seconds=8.0):
    """Rising chirps, a sound of no ESC-50 class; 8 s, so the recording is cut into two pieces."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(0.25 * SR)) / SR
    y = np.zeros(int(seconds * SR))
    for k in range(int(seconds * 3) - 1):
        burst = np.sin(2 * np.pi * ((900 + 60 * rng.standard_normal()) * t + 2400 * t**2)) * np.hanning(t.size)
        start = int((0.2 + 0.33 * k) * SR)
        y[start : start + t.size] += 0.5 * burst
    sf.write(path, y + 0.003 * rng.standard_normal(y.size), SR)
    return path


def taught(serve) -> dict:
    return requests.get(f"{serve.url}/console/api/state", timeout=10).json()["taught"]


def wait_taught(serve, label, count, timeout=60.0) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        now = taught(serve)
        if now.get(label) == count:
            return now
        time.sleep(0.2)
    raise AssertionError(f"{label} not taught {count} times: {taught(serve)}")


def test_a_teach_link_turns_each_recording_into_one_example(tmp_path):
    serve = Serve(tmp_path / "data")
    try:
        made = requests.post(f"{serve.url}/console/api/teach-link", json={"label": "chirps"}, timeout=10).json()
        url = made["result"]["url"]
        query = parse_qs(urlsplit(url).query)
        assert query["token"] == [serve.token] and query["label"] == ["chirps"] and len(query["teach"][0]) >= 12
        secret = query["teach"][0]
        # from the participant address (a phone), as the recorder page sends it
        status, rec = serve.upload(chirps(tmp_path / "a.wav", 1), public=True, teach=secret)
        assert status == 201, rec
        assert len(serve.wait_analysed(rec["id"])["samples"]) == 2
        wait_taught(serve, "chirps", 1)  # two pieces, one example
        status, rec = serve.upload(chirps(tmp_path / "b.wav", 2), public=True, teach=secret)
        assert status == 201
        wait_taught(serve, "chirps", 2)
        # a wrong link is refused with a clear error and stores nothing
        before = len(serve.get("/api/recordings"))
        status, body = serve.upload(chirps(tmp_path / "c.wav", 3), public=True, teach="not-a-link-secret")
        assert status == 403 and "teach link is not valid" in body["error"]
        assert len(serve.get("/api/recordings")) == before
        # an ordinary upload teaches nothing
        status, rec = serve.upload(chirps(tmp_path / "d.wav", 4), public=True)
        assert status == 201
        serve.wait_analysed(rec["id"])
        time.sleep(0.5)
        assert taught(serve)["chirps"] == 2
        # a bad label gets no link
        bad = requests.post(f"{serve.url}/console/api/teach-link", json={"label": "two words"}, timeout=10)
        assert bad.status_code == 400 and "one word" in bad.json()["error"]
        # only this computer makes links: tests/test_web_doors.py (CHANGES)
    finally:
        serve.stop()
    serve = Serve(tmp_path / "data")  # restart: the printed link still teaches
    try:
        status, rec = serve.upload(chirps(tmp_path / "e.wav", 5), public=True, teach=secret)
        assert status == 201
        wait_taught(serve, "chirps", 3)
    finally:
        serve.stop()


def test_a_pending_example_survives_a_restart_and_is_taught_once(tmp_path):
    calls = []
    links = TeachLinks(tmp_path, lambda label, ids: calls.append((label, ids)) or {}, print)
    secret = links.issue("door")
    links.expect(7, links.label_of(secret) or "", [])
    again = TeachLinks(tmp_path, lambda label, ids: calls.append((label, ids)) or {}, print)  # a restart
    assert again.label_of(secret) == "door" and again.label_of("other") is None
    again.on_event("sample", {"recording_id": 7, "sample_id": 31})
    again.on_event("sample", {"recording_id": 7, "sample_id": 32})
    again.on_event("sample", {"recording_id": 8, "sample_id": 40})
    assert calls == [("door", [31])]
    assert TeachLinks(tmp_path, print, print).pending == {}
