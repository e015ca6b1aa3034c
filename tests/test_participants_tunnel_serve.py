"""``serve --tunnel``: a stand-in ``cloudflared`` / ``ngrok`` first on PATH that prints its URL as the real one
does AND forwards requests like it (from 127.0.0.1, adding the real programs' headers). Through it the page
and uploads work, the console and the library are refused, the QR code holds the tunnel's address, and the
program is stopped when serve stops. Nothing leaves this computer.

Not proven here: the real programs' headers in their current versions (read from their documentation).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from serve_support import EXSAMPLING, ROOT, Serve, fetch_json, tone, upload
from test_participants_tunnel import CLOUDFLARED_BANNER, NGROK_LINES, gone

PUBLIC_HOST = {"cloudflared": "four-dashed-word-url.trycloudflare.com", "ngrok": "ab12-203-0-113-7.ngrok-free.app"}
#: What each program adds to a forwarded request (cloudflared's docs "HTTP request headers"; ngrok's docs).
ADDED = {
    "cloudflared": {
        "Cf-Connecting-Ip": "203.0.113.9",
        "Cf-Ray": "8c1d-NRT",
        "X-Forwarded-For": "203.0.113.9",
        "X-Forwarded-Proto": "https",
    },
    "ngrok": {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": PUBLIC_HOST["ngrok"], "X-Forwarded-Proto": "https"},
}

FORWARDER = r'''#!{python}
"""Stand-in {kind}: prints its URL like the real one, then forwards HTTP to the local URL it was given."""
import http.client, http.server, json, os, ssl, sys, threading, urllib.parse
from pathlib import Path
args = sys.argv[1:]
Path(os.environ["STANDIN_DIR"], "argv.json").write_text(json.dumps(args))
Path(os.environ["STANDIN_DIR"], "pid").write_text(str(os.getpid()))
target = urllib.parse.urlsplit(args[args.index("--url") + 1] if "--url" in args else args[1])
ADDED, HOST = {added!r}, os.environ.get("STANDIN_HOST") or {host!r}

class Forward(http.server.BaseHTTPRequestHandler):
    def _any(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {{k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}}
        headers.update(ADDED, Host=HOST)
        if target.scheme == "https":
            conn = http.client.HTTPSConnection(target.hostname, target.port, context=ssl._create_unverified_context())
        else:
            conn = http.client.HTTPConnection(target.hostname, target.port)
        conn.request(self.command, self.path, body=body or None, headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for k, v in answer.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_POST = do_DELETE = _any
    def log_message(self, *a):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forward)
Path(os.environ["STANDIN_DIR"], "port").write_text(str(server.server_address[1]))
out = sys.stderr if {kind!r} == "cloudflared" else sys.stdout
out.write({banner!r})
out.flush()
server.serve_forever()
'''


def forwarder(bin_dir: Path, kind: str) -> None:
    banner = CLOUDFLARED_BANNER if kind == "cloudflared" else "\n".join(NGROK_LINES) + "\n"
    script = bin_dir / kind
    script.write_text(
        FORWARDER.format(python=sys.executable, kind=kind, added=ADDED[kind], host=PUBLIC_HOST[kind], banner=banner)
    )
    script.chmod(0o755)


def serve_with_tunnel(tmp_path: Path, kind: str, *extra: str, host: str = "") -> tuple[Serve, Path]:
    bin_dir, standin = tmp_path / "bin", tmp_path / "standin"
    bin_dir.mkdir()
    standin.mkdir()
    forwarder(bin_dir, kind)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "recorder.yaml").write_text("uploads_per_minute: 0\n")
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "STANDIN_DIR": str(standin), "STANDIN_HOST": host}
    return Serve(tmp_path / "data", "--tunnel", kind, *extra, env=env), standin


@pytest.mark.parametrize("kind", ["cloudflared", "ngrok"])
def test_tunnel_url_in_the_qr_code_participants_pass_the_console_is_refused(tmp_path, kind):
    serve, standin = serve_with_tunnel(tmp_path, kind)
    try:
        r = serve.ready
        assert r["participant_url"] == f"https://{PUBLIC_HOST[kind]}/?token={serve.token}"
        assert r["tunnel"] == kind
        argv = json.loads((standin / "argv.json").read_text())
        local = f"https://127.0.0.1:{r['http_port']}"  # the participant server, HTTPS by default
        want = ["tunnel", "--no-autoupdate", "--url", local] if kind == "cloudflared" else ["http", local]
        assert argv[: len(want)] == want
        said = f"Phones open {r['participant_url']} with the microphone available."
        assert serve.err.wait_for(lambda line: said in line, 10), serve.log
        via = f"http://127.0.0.1:{(standin / 'port').read_text()}"

        code, body = upload(via, tone(tmp_path / "a.wav", 1.0), serve.token)
        assert code == 201, body  # a participant's upload goes through the tunnel
        code, body = fetch_json(f"{via}/api/token?token={serve.token}")
        assert (code, body) == (200, {"valid": True})
        for path in ("/api/recordings", "/api/status", "/console", "/console/api/state", "/qr.png"):
            code, body = _status(via + path)
            assert code == 403, (path, code, body)
        code, body = fetch_json(via + "/api/token/rotate", b"{}", {"Content-Type": "application/json"})
        assert code == 403 and "this computer" in body["error"]
        assert (tmp_path / "data" / "token").read_text().strip() == serve.token
        code, _ = fetch_json(serve.url + "/api/recordings")  # the performer's own loopback address still works
        assert code == 200
    finally:
        serve.stop()
    pid = int((standin / "pid").read_text())
    end = time.monotonic() + 10
    while not gone(pid) and time.monotonic() < end:
        time.sleep(0.1)
    assert gone(pid), "the tunnel program outlived serve"


def test_a_tunnel_rewriting_the_host_is_still_remote(tmp_path):
    """ngrok's --host-header=rewrite sends Host: 127.0.0.1:PORT; its X-Forwarded-For alone makes it remote."""
    serve, standin = serve_with_tunnel(tmp_path, "ngrok", host="127.0.0.1")
    try:
        via = f"http://127.0.0.1:{(standin / 'port').read_text()}"
        code, body = fetch_json(via + "/api/token/rotate", b"{}", {"Content-Type": "application/json"})
        assert code == 403 and "this computer" in body["error"]
        assert fetch_json(via + "/api/recordings")[0] == 403
    finally:
        serve.stop()


def test_missing_tunnel_program_stops_serve_with_how_to_install(tmp_path):
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}/usr/bin{os.pathsep}/bin"}
    cmd = [*EXSAMPLING, "serve", "--data-dir", str(tmp_path / "data"), "--http-port", "0", "--osc-port", "0"]
    t0 = time.monotonic()
    done = subprocess.run(
        [*cmd, "--tunnel", "ngrok", "--no-qr"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert done.returncode == 1 and time.monotonic() - t0 < 120
    assert "`ngrok` is not installed" in done.stderr and "ngrok config add-authtoken" in done.stderr
    assert "EXSAMPLING_READY" not in done.stdout


def _status(url: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode(errors="replace")[:200]
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")[:200]
