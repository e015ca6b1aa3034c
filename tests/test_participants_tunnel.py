"""--tunnel: the tunnel programs are stand-ins (scripts named cloudflared / ngrok first on PATH) that print
their public URL exactly as the real programs do; nothing here leaves this computer.

What this does not prove: that the real programs' output has not changed since their format was read, and
that a tunnel really reaches the page from the internet.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import psutil
import pytest

from exsampling_osc.tunnel import TunnelError, start_tunnel

# cloudflared 2022-2026 prints this on stderr for a quick tunnel (the banner's box is part of the log lines).
CLOUDFLARED_BANNER = """\
2026-09-30T02:32:18Z INF Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out. However, be aware that these account-less Tunnels have no uptime guarantee, are subject to the Cloudflare Online Services Terms of Use (https://www.cloudflare.com/website-terms/), and Cloudflare reserves the right to investigate your use of Tunnels for violations of such terms. If you intend to use Tunnels in production you should use a pre-created named tunnel by following: https://developers.cloudflare.com/cloudflare-one/connections/connect-apps
2026-09-30T02:32:18Z INF Requesting new quick Tunnel on trycloudflare.com...
2026-09-30T02:32:21Z INF +--------------------------------------------------------------------------------------------+
2026-09-30T02:32:21Z INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |
2026-09-30T02:32:21Z INF |  https://four-dashed-word-url.trycloudflare.com                                            |
2026-09-30T02:32:21Z INF +--------------------------------------------------------------------------------------------+
2026-09-30T02:32:21Z INF Version 2026.9.0
"""  # noqa: E501
# ngrok 3 with --log stdout --log-format json: one JSON object a line on stdout.
NGROK_LINES = [
    '{"lvl":"info","msg":"no configuration paths supplied","t":"2026-09-30T02:40:00Z"}',
    '{"addr":"http://127.0.0.1:8765","lvl":"info","msg":"started tunnel","name":"command_line","obj":"tunnels",'
    '"t":"2026-09-30T02:40:01Z","url":"https://ab12-203-0-113-7.ngrok-free.app"}',
]
NGROK_AUTH_FAILURE = [
    '{"err":"authentication failed: Usage of ngrok requires a verified account and authtoken.","lvl":"eror",'
    '"msg":"session closing","obj":"tunnels.session","t":"2026-09-30T02:40:01Z"}',
]

STAND_IN = """#!{python}
import json, signal, sys, time
from pathlib import Path
Path({argv_file!r}).write_text(json.dumps(sys.argv[1:]))
if {ignore_term!r}:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
time.sleep({delay!r})
out = sys.stderr if {to_stderr!r} else sys.stdout
out.write({text!r})
out.flush()
if {exit_code!r} is not None:
    sys.exit({exit_code!r})
while True:
    time.sleep(0.2)
"""


@pytest.fixture
def stand_in(tmp_path, monkeypatch):
    """Place a stand-in program named ``name`` first on PATH; returns the file its argv is written to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin")

    def make(
        name: str,
        text: str,
        *,
        to_stderr: bool,
        exit_code: int | None = None,
        delay: float = 0.2,
        ignore_term: bool = False,
    ) -> Path:
        argv_file = tmp_path / f"{name}.argv.json"
        script = bin_dir / name
        script.write_text(
            STAND_IN.format(
                python=sys.executable,
                argv_file=str(argv_file),
                text=text,
                to_stderr=to_stderr,
                exit_code=exit_code,
                delay=delay,
                ignore_term=ignore_term,
            )
        )
        script.chmod(0o755)
        return argv_file

    return make


def gone(pid: int) -> bool:
    return not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_cloudflared_url_read_from_its_stderr_banner_and_stopped(stand_in):
    argv = stand_in("cloudflared", CLOUDFLARED_BANNER, to_stderr=True)
    tunnel = start_tunnel("cloudflared", "https://127.0.0.1:8765", timeout=10)
    try:
        assert tunnel.public_url == "https://four-dashed-word-url.trycloudflare.com"
        assert json.loads(argv.read_text()) == [
            "tunnel",
            "--no-autoupdate",
            "--url",
            "https://127.0.0.1:8765",
            "--no-tls-verify",
        ]
        assert tunnel.running
    finally:
        code = tunnel.stop()
    assert code == -signal.SIGTERM
    assert gone(tunnel.proc.pid)


def test_cloudflared_plain_http_needs_no_tls_flag(stand_in):
    argv = stand_in("cloudflared", CLOUDFLARED_BANNER, to_stderr=True)
    with start_tunnel("cloudflared", "http://127.0.0.1:9000", timeout=10) as tunnel:
        assert tunnel.public_url.endswith(".trycloudflare.com")
    assert json.loads(argv.read_text()) == ["tunnel", "--no-autoupdate", "--url", "http://127.0.0.1:9000"]
    assert not tunnel.running


def test_ngrok_url_read_from_json_log_lines(stand_in):
    argv = stand_in("ngrok", "\n".join(NGROK_LINES) + "\n", to_stderr=False)
    with start_tunnel("ngrok", "http://127.0.0.1:8765", timeout=10) as tunnel:
        assert tunnel.public_url == "https://ab12-203-0-113-7.ngrok-free.app"
        assert json.loads(argv.read_text()) == [
            "http",
            "http://127.0.0.1:8765",
            "--log",
            "stdout",
            "--log-format",
            "json",
        ]
    assert not tunnel.running


def test_missing_program_says_how_to_install(stand_in):
    for kind, words in (("cloudflared", "brew install cloudflared"), ("ngrok", "ngrok config add-authtoken")):
        with pytest.raises(TunnelError, match="not installed") as err:
            start_tunnel(kind, "http://127.0.0.1:8765")
        assert words in str(err.value)


def test_unknown_kind_is_refused():
    with pytest.raises(TunnelError, match="cloudflared, ngrok"):
        start_tunnel("frp", "http://127.0.0.1:8765")


def test_program_that_exits_without_url_is_quoted(stand_in):
    stand_in("ngrok", "\n".join(NGROK_AUTH_FAILURE) + "\n", to_stderr=False, exit_code=1)
    with pytest.raises(TunnelError, match="stopped before giving a public URL") as err:
        start_tunnel("ngrok", "http://127.0.0.1:8765", timeout=10)
    assert "authentication failed" in str(err.value)
    assert "add-authtoken" in str(err.value)


def test_silent_program_times_out_and_is_stopped(stand_in):
    stand_in(
        "cloudflared", "2026-09-30T02:32:18Z INF Requesting new quick Tunnel on trycloudflare.com...\n", to_stderr=True
    )
    before = {p.pid for p in psutil.Process().children()}
    t0 = time.monotonic()
    with pytest.raises(TunnelError, match="no public URL within 1 s") as err:
        start_tunnel("cloudflared", "http://127.0.0.1:8765", timeout=1)
    assert time.monotonic() - t0 < 8
    assert "Requesting new quick Tunnel" in str(err.value)
    new = [p for p in psutil.Process().children() if p.pid not in before]
    assert all(gone(p.pid) for p in new)


def test_program_ignoring_terminate_is_killed(stand_in):
    stand_in("cloudflared", CLOUDFLARED_BANNER, to_stderr=True, ignore_term=True)
    tunnel = start_tunnel("cloudflared", "http://127.0.0.1:8765", timeout=10)
    time.sleep(0.3)  # let it install its SIGTERM handler (it prints the banner after)
    assert tunnel.stop(timeout=0.5) == -signal.SIGKILL
    assert gone(tunnel.proc.pid)
