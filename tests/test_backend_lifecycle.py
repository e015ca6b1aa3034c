"""Lifecycle of `exsampling serve`: crash safety, SIGTERM, parent watch, busy ports, broken config."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from serve_support import EXSAMPLING, ROOT, Listener, Serve, stop_process, tone

NO_LIMIT = "recorder:\n  uploads_per_minute: 0\n"


def _config(tmp_path, extra: str = NO_LIMIT):
    from exsampling_osc.mapping import DEFAULT_CONFIG

    cfg = tmp_path / "config.yaml"
    cfg.write_text(DEFAULT_CONFIG.read_text() + extra)
    return cfg


def test_kill_9_during_ingest_loses_nothing_and_keeps_live_changes(tmp_path):
    cfg, data = _config(tmp_path), tmp_path / "data"
    serve = Serve(data, "--config", str(cfg))
    try:
        # fifteen uploads at once: more than the (warm, fast) worker analyses before the kill
        files = [tone(tmp_path / f"r{i}.wav", 6.5, 200.0 + 25 * i) for i in range(15)]
        with ThreadPoolExecutor(max_workers=15) as pool:
            answers = list(pool.map(serve.upload, files))
        assert all(code == 201 for code, _ in answers)
        ids = [body["id"] for _, body in answers]
        statuses = [r["status"] for r in serve.get("/api/recordings")["recordings"]]
        dev = Listener()
        dev.send(serve.ready["osc_port"], "/exsampling/remap", "dog", "bells")
        time.sleep(0.3)
        dev.close()
        assert serve.get("/api/mapping")["mapping"]["dog"] == "bells"
    finally:
        serve.kill()
    assert "received" in statuses  # the kill came while recordings were still waiting for analysis
    (data / "recordings" / "stray-never-acknowledged.wav").write_bytes(b"RIFF")
    (data / "samples" / ".r000009-p000.wav.123.tmp").write_bytes(b"half")
    again = Serve(data, "--config", str(cfg))
    try:
        recs = [again.wait_analysed(i) for i in ids]
        assert all(r["status"] == "analysed" and len(r["samples"]) == 2 for r in recs)
        assert all(os.path.isfile(s["path"]) for r in recs for s in r["samples"])
        assert not (data / "recordings" / "stray-never-acknowledged.wav").exists()
        assert not list((data / "samples").glob(".*.tmp"))
        assert again.get("/api/mapping")["mapping"]["dog"] == "bells"
        sid = recs[0]["samples"][0]["sample_id"]
        dev = Listener()
        dev.send(again.ready["osc_port"], "/exsampling/hello", dev.port, "test")
        dev.wait_for("/exsampling/ready", 10)
        dev.send(again.ready["osc_port"], "/exsampling/override", sid, "dog")
        dev.wait_for("/exsampling/sample", 10, where=lambda a: a[1] == sid and a[2] == "dog")
        dev.close()
    finally:
        again.stop()
    third = Serve(data, "--config", str(cfg))
    try:
        s = [x for x in third.get("/api/samples")["samples"] if x["sample_id"] == sid][0]
        assert s["label"] == "dog" and s["overridden_label"] == "dog" and s["track"] == "bells"
    finally:
        third.stop()


def test_sigterm_stops_cleanly(tmp_path):
    serve = Serve(tmp_path / "data", "--config", str(_config(tmp_path)))
    code, body = serve.upload(tone(tmp_path / "a.wav", 3.0))
    assert code == 201
    assert serve.stop() == 0
    assert "stopped (SIGTERM)" in serve.log


def test_launched_by_device_exits_when_stdin_closes(tmp_path):
    serve = Serve(tmp_path / "data", "--launched-by-device", "--heartbeat-timeout", "60", stdin=subprocess.PIPE)
    assert serve.proc.poll() is None
    serve.proc.stdin.close()
    assert stop_process(serve.proc, 20, sig=None) == 0
    assert "stdin closed" in serve.log


def test_launched_by_device_exits_when_heartbeats_stop(tmp_path):
    serve = Serve(tmp_path / "data", "--launched-by-device", "--heartbeat-timeout", "1.5", stdin=subprocess.PIPE)
    try:
        dev = Listener()
        for seq in range(8):  # 2.4 s of heartbeats: longer than the timeout, so they are what keeps it alive
            dev.send(serve.ready["osc_port"], "/exsampling/heartbeat", seq)
            time.sleep(0.3)
        dev.close()
        assert serve.proc.poll() is None
        assert stop_process(serve.proc, 20, sig=None) == 0
        assert "no heartbeat for 1.5 s" in serve.log
    finally:
        serve.kill()


def test_launched_by_device_exits_when_parent_goes(tmp_path):
    log = tmp_path / "serve.log"
    cmd = " ".join(
        [
            *EXSAMPLING,
            "serve",
            "--data-dir",
            str(tmp_path / "data"),
            "--http-port",
            "0",
            "--osc-port",
            "0",
            "--no-qr",
            "--launched-by-device",
            "--heartbeat-timeout",
            "60",
        ]
    )
    parent = subprocess.Popen(
        ["sh", "-c", f"exec 3<&0; {cmd} <&3 >{log} 2>&1 & echo $!; sleep 4"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    child = int(parent.stdout.readline())
    try:
        parent.wait(20)
        end = time.monotonic() + 20
        while time.monotonic() < end and _alive(child):
            time.sleep(0.2)
        assert not _alive(child)
        text = log.read_text()
        assert "EXSAMPLING_READY" in text and "parent process" in text
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)
        parent.stdin.close()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_busy_ports_fail_clearly_or_move_with_probe(tmp_path):
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    busy = udp.getsockname()[1]
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    tcp.listen()
    busy_http = tcp.getsockname()[1]
    try:
        base = [*EXSAMPLING, "serve", "--data-dir", str(tmp_path / "d"), "--no-qr", "--host", "127.0.0.1"]
        r = subprocess.run(
            [*base, "--osc-port", str(busy), "--http-port", "0"], capture_output=True, text=True, timeout=60, cwd=ROOT
        )
        assert r.returncode == 1 and f"OSC port {busy}" in r.stderr and "--probe-ports" in r.stderr
        r = subprocess.run(
            [*base, "--osc-port", "0", "--http-port", str(busy_http)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
        assert r.returncode == 1 and f"HTTP port {busy_http}" in r.stderr and "in use" in r.stderr
        probe = subprocess.Popen(
            [*base, "--osc-port", str(busy), "--http-port", str(busy_http), "--probe-ports"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        try:
            line = probe.stdout.readline()
            assert line.startswith("EXSAMPLING_READY ")
            ready = json.loads(line.split(" ", 1)[1])
            assert ready["osc_port"] > busy and ready["http_port"] > busy_http
        finally:
            stop_process(probe, 20)
    finally:
        udp.close()
        tcp.close()


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("tracks:\n  - name: a\n    mode: percussive\n    classes: [dog\n", 5, "not valid YAML"),
        ("tracks:\n  - name: a\n    mode: loud\n    classes: [dog]\n", 3, "mode must be percussive or melodic"),
    ],
)
def test_broken_config_stops_startup_with_file_and_line(tmp_path, text, line, words):
    cfg = tmp_path / "broken.yaml"
    cfg.write_text(text)
    r = subprocess.run(
        [*EXSAMPLING, "serve", "--data-dir", str(tmp_path / "d"), "--config", str(cfg)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert r.returncode == 1
    assert f"{cfg}:{line}:" in r.stderr and words in r.stderr
    assert "EXSAMPLING_READY" not in r.stdout
