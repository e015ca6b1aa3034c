"""HTTPS with the self-signed certificate, plain HTTP on loopback, QR picture, token rotation."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request

from serve_support import Serve, tone, upload


def test_https_qr_and_token_rotation(tmp_path):
    from exsampling_osc.mapping import DEFAULT_CONFIG

    data, cfg = tmp_path / "data", tmp_path / "config.yaml"
    cfg.write_text(DEFAULT_CONFIG.read_text() + "recorder:\n  uploads_per_minute: 0\n")
    serve = Serve(data, "--https", "--public-url", "https://show.example.org", "--config", str(cfg))
    try:
        r = serve.ready
        assert r["https"] and r["participant_url"].startswith("https://show.example.org/?token=")
        assert r["http_url"].startswith("http://127.0.0.1:") and r["local_http_port"] != r["http_port"]
        assert (data / "tls" / "cert.pem").is_file() and (data / "tls" / "key.pem").is_file()
        ctx = ssl.create_default_context(cafile=str(data / "tls" / "cert.pem"))
        with urllib.request.urlopen(f"https://localhost:{r['http_port']}/api/status", context=ctx, timeout=10) as resp:
            assert json.loads(resp.read())["osc"]["port"] == r["osc_port"]
        with urllib.request.urlopen(r["http_url"] + "/qr.png", timeout=10) as resp:
            png = resp.read()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and png == (data / "qr.png").read_bytes()

        old = serve.token
        req = urllib.request.Request(
            r["http_url"] + "/api/token/rotate", data=b"{}", method="POST", headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            new_url = json.loads(resp.read())["participant_url"]
        new = new_url.split("token=", 1)[1]
        assert new != old and (data / "token").read_text().strip() == new
        assert (data / "qr.png").read_bytes() != png
        wav = tone(tmp_path / "a.wav", 1.0)
        code, body = upload(r["http_url"], wav, old)
        assert code == 403 and body["error"]
        code, body = upload(r["http_url"], wav, new)
        assert code == 201, body
    finally:
        serve.stop()
    cert = (data / "tls" / "cert.pem").read_bytes()
    again = Serve(data, "--https")
    try:
        assert (data / "tls" / "cert.pem").read_bytes() == cert  # kept, not re-made
        assert again.token == new  # the rotated token survives a restart
    finally:
        again.stop()


def test_token_rotation_is_refused_from_another_address(tmp_path):
    import pytest

    from exsampling_osc.web.server import lan_address

    lan = lan_address()
    if lan.startswith("127."):
        pytest.skip("no non-loopback address on this machine")
    serve = Serve(tmp_path / "data", "--host", "0.0.0.0", "--http")
    try:
        port = serve.ready["http_port"]
        req = urllib.request.Request(
            f"http://{lan}:{port}/api/token/rotate",
            data=b"{}",
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=10)
        assert err.value.code == 403 and "this computer" in json.loads(err.value.read())["error"]
        assert serve.ready["participant_url"].startswith(f"http://{lan}:{port}/?token=")
        assert (tmp_path / "data" / "token").read_text().strip() == serve.token
    finally:
        serve.stop()


def test_a_tunnel_or_another_site_cannot_rotate_the_token(tmp_path):
    """Over real HTTP: a tunnel on this computer (loopback peer + proxy header), a page of another site, a
    rebinding Host name and a form post are all refused, and the token stays."""
    from serve_support import fetch_json

    serve = Serve(tmp_path / "data")
    try:
        url = serve.url + "/api/token/rotate"
        json_type = {"Content-Type": "application/json"}
        for headers, status in (
            ({**json_type, "X-Forwarded-For": "203.0.113.9"}, 403),
            ({**json_type, "Cf-Connecting-Ip": "203.0.113.9"}, 403),
            ({**json_type, "Origin": "https://evil.example"}, 403),
            ({**json_type, "Host": "evil.example"}, 403),
            ({"Content-Type": "application/x-www-form-urlencoded"}, 415),
        ):
            code, body = fetch_json(url, b"{}", headers)
            assert code == status and body["error"], headers
        assert (tmp_path / "data" / "token").read_text().strip() == serve.token
        code, _ = fetch_json(serve.url + "/api/recordings", headers={"X-Forwarded-For": "203.0.113.9"})
        assert code == 403
        code, body = fetch_json(url, b"{}", json_type)
        assert code == 200 and serve.token not in body["participant_url"]
    finally:
        serve.stop()


def test_phones_get_https_by_default_and_the_first_visit_is_explained(tmp_path):
    """No flag: an HTTPS participant URL with our certificate (LAN address and host name in it) and the
    words about the phone's first warning; --http: plain HTTP and the words that phones get no microphone."""
    import socket

    from exsampling_osc.certs import certificate_sans
    from exsampling_osc.web.server import lan_address

    data = tmp_path / "data"
    serve = Serve(data)
    try:
        assert serve.ready["https"] and serve.ready["participant_url"].startswith("https://127.0.0.1:")
        assert {lan_address(), "127.0.0.1", socket.gethostname().lower()} <= certificate_sans(data / "tls" / "cert.pem")
        assert serve.err.wait_for(lambda line: "This Connection Is Not Private" in line, 10), serve.log
        assert "--tunnel cloudflared" in serve.log and "--cert FILE --key FILE" in serve.log
    finally:
        serve.stop()
    plain = Serve(tmp_path / "plain", "--http")
    try:
        assert not plain.ready["https"] and plain.ready["participant_url"].startswith("http://127.0.0.1:")
        assert plain.err.wait_for(lambda line: "only send sound files" in line, 10), plain.log
        assert not (tmp_path / "plain" / "tls").exists()
    finally:
        plain.stop()
