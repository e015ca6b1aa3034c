"""The door policy, route by route, through the in-process client (no subprocess, no socket).

Who may call what (exsampling_osc/web/doors.py): participant routes need the token; everything that reads
the library or changes the show is for this computer only (loopback peer AND loopback Host name AND no proxy
header); changes also need a JSON body and a same-origin (or no) Origin.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf
from web_client import make_client, multipart

from exsampling_osc.web.doors import DOORS, PROXY_HEADERS

READS = [
    "/api/recordings",
    "/api/recordings/1",
    "/api/samples",
    "/api/samples/1/audio",
    "/api/status",
    "/api/mapping",
    "/qr.png",
    "/console",
    "/console/api/state",
    "/console/api/samples/1/peaks",
    "/console/console.js",
]
CHANGES = [
    ("/api/token/rotate", {}),
    ("/console/api/remap", {"label": "dog", "track": "Drums"}),
    ("/console/api/samples/1/accept", {}),
    ("/console/api/samples/1/reject", {}),
    ("/console/api/samples/1/override", {"label": "dog"}),
    ("/console/api/samples/1/reanalyse", {}),
    ("/console/api/compose", {"x": 0.5, "y": 0.5}),
    ("/console/api/teach-link", {"label": "door"}),
]
TUNNEL = [{h: "203.0.113.7"} for h in PROXY_HEADERS]  # what cloudflared, ngrok or a reverse proxy add


def wav_bytes(seconds: float = 0.5, sr: int = 22050) -> bytes:
    buf = io.BytesIO()
    t = np.arange(int(sr * seconds)) / sr
    sf.write(buf, (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), sr, format="WAV")
    return buf.getvalue()


@pytest.fixture
def web(tmp_path):
    client, show = make_client(tmp_path / "data")
    return client, show


def upload(client, show, name="a.wav", data=None, token=None, headers=None, **fields):
    body, ctype = multipart({k: str(v) for k, v in fields.items()}, {"audio": (name, data or wav_bytes())})
    token = show.tokens.current if token is None else token
    return client.post(f"/api/recordings?token={token}", body, headers={"Content-Type": ctype, **(headers or {})})


def test_every_route_names_its_door(web):
    client, _ = web
    missing = [r.rule for r in client.app.routes if r.config.get("door") not in DOORS]
    assert missing == []


@pytest.mark.parametrize("path", READS)
def test_reads_are_served_to_this_computer(web, path):
    client, _ = web
    for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765", "localhost"):
        assert client.get(path, headers={"Host": host}).status != 403, (path, host)


@pytest.mark.parametrize("path", READS)
def test_reads_are_refused_to_the_lan_tunnels_and_rebinding(web, path):
    client, _ = web
    assert client.get(path, remote="192.168.1.20").status == 403  # a phone on the LAN
    for headers in TUNNEL:  # a tunnel on this computer: loopback peer, proxy header
        answer = client.get(path, headers=headers)
        assert answer.status == 403 and "this computer" in answer.json()["error"], headers
    for host in ("evil.example", "evil.example:8765", "127.0.0.1.evil.example", "192.168.1.10:8765", ""):
        assert client.get(path, headers={"Host": host}).status == 403, host  # DNS rebinding


@pytest.mark.parametrize("path, data", CHANGES)
def test_changes_from_this_computer_with_json(web, path, data):
    client, show = web
    assert client.post_json(path, data).status == 200  # a script or curl: no Origin
    assert client.post_json(path, data, headers={"Origin": "http://127.0.0.1:8765"}).status == 200  # the console
    assert len(show.changes()) == 2


@pytest.mark.parametrize("path, data", CHANGES)
def test_changes_refused_from_tunnels_other_sites_rebinding_and_forms(web, path, data):
    client, show = web
    token = show.tokens.current
    for headers in TUNNEL:
        assert client.post_json(path, data, headers=headers).status == 403
    for origin in ("http://evil.example", "http://127.0.0.1:9999", "https://127.0.0.1:8765", "null"):
        answer = client.post_json(path, data, headers={"Origin": origin})
        assert answer.status == 403 and "another site" in answer.json()["error"], origin
    assert client.post_json(path, data, headers={"Host": "evil.example", "Origin": "http://evil.example"}).status == 403
    form = "&".join(f"{k}={v}" for k, v in data.items()).encode()
    for ctype in ("application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x", None):
        answer = client.post(path, form, headers={"Content-Type": ctype})
        assert answer.status == 415 and "JSON" in answer.json()["error"], ctype
    assert client.post_json(path, data, remote="192.168.1.20").status == 403
    assert show.changes() == [] and show.tokens.current == token


def test_a_json_body_must_be_an_object(web):
    client, show = web
    answer = client.post("/console/api/remap", b"[1, 2]", headers={"Content-Type": "application/json"})
    assert answer.status == 400 and answer.json()["error"] == "send a JSON object"
    answer = client.post("/console/api/remap", b"{nope", headers={"Content-Type": "application/json"})
    assert answer.status == 400 and "JSON" in answer.json()["error"]
    assert show.changes() == []


def test_participants_need_the_token_and_may_come_through_a_tunnel(web):
    client, show = web
    assert upload(client, show, token="wrong").status == 403
    assert client.get("/recorder/status?ids=1").status == 403
    answer = upload(
        client, show, headers={"X-Forwarded-For": "198.51.100.4", "Host": "show.example.org"}, remote="127.0.0.1"
    )
    assert answer.status == 201, answer.body
    rid = answer.json()["id"]
    status = client.get(
        f"/recorder/status?ids={rid}&token={show.tokens.current}",
        headers={"X-Forwarded-For": "198.51.100.4", "Host": "show.example.org"},
    )
    assert status.status == 200 and status.json()["recordings"][0]["id"] == rid
    assert client.get("/", remote="192.168.1.20", headers={"Host": "192.168.1.10:8765"}).status == 200
    assert client.get("/recorder/app.js", remote="192.168.1.20").status == 200


def test_the_console_page_has_a_strict_content_security_policy(web):
    client, _ = web
    csp = client.get("/console").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
    assert "unsafe" not in csp and directives["object-src"] == "'none'"


def test_errors_answer_json_with_the_status_of_their_type(web):
    client, show = web
    assert client.get("/console/api/samples/5/audio").status == 404  # NotFound
    answer = upload(client, show, latitude="1_0")  # float() would read 10.0
    assert answer.status == 400 and "latitude" in answer.json()["error"]
    for bad in ("nan", "inf", " 1", "0x10", "1e999"):
        assert upload(client, show, longitude=bad).status == 400, bad
    assert upload(client, show, name="").status == 400
    assert upload(client, show, name="a\x00.wav").status == 400
    assert upload(client, show, latitude="48.85", longitude="-2.5e0").status == 201
    assert client.get("/api/nowhere").json()["error"] == "no such address: /api/nowhere"


def test_a_short_disk_refuses_before_acknowledging(web):
    client, show = web
    show.library.free_space = lambda path: 10_000_000  # 10 MB free
    answer = upload(client, show)
    assert answer.status == 507 and "disk space" in answer.json()["error"]
    assert show.calls == [] and list(show.library.recordings_dir.iterdir()) == []
    show.library.free_space = lambda path: 10**12
    assert upload(client, show).status == 201


def test_a_retried_upload_is_stored_once(web):
    client, show = web
    first = upload(client, show, upload_id="page-1234-abcd")
    again = upload(client, show, upload_id="page-1234-abcd")
    other = upload(client, show, upload_id="page-1234-abce")
    assert first.status == 201 and again.status == 200 and other.status == 201
    assert again.json()["id"] == first.json()["id"] != other.json()["id"]
    assert len(list(show.library.recordings_dir.iterdir())) == 2
    assert len(show.library.store.recordings()) == 2
    assert upload(client, show, upload_id="bad id!").status == 400
    body, ctype = multipart({}, {"audio": ("a.wav", wav_bytes())})  # the id as a header also works
    answer = client.post(
        f"/api/recordings?token={show.tokens.current}",
        body,
        headers={"Content-Type": ctype, "X-Upload-Id": "page-1234-abcd"},
    )
    assert answer.status == 200 and answer.json()["id"] == first.json()["id"]
