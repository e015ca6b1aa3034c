"""The hub's Node for Max launcher under plain Node (a stand-in for max-api), with the real backend.

The devices are installed into a temporary User Library, so the launcher finds Python through the path
recorded at install, exactly as in Live.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from serve_support import stop_process

from exsampling_osc.devices.install import build, install

HERE = Path(__file__).resolve().parent
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node")


def backend_pids(marker: str) -> list[int]:
    """Processes whose command line mentions ``marker`` (our temporary data folder)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().replace(b"\x00", b" ").decode(errors="replace")
            except OSError:
                continue
            if marker in cmd and "exsampling_osc" in cmd:
                pids.append(int(entry.name))
    return pids


@pytest.fixture
def hub_script(tmp_path) -> tuple[Path, Path]:
    build(tmp_path / "amxd")
    install(tmp_path / "amxd", tmp_path / "lib")
    hub_dir = tmp_path / "lib" / "Presets" / "Audio Effects" / "Max Audio Effect" / "ExSampling OSC"
    config_path = hub_dir / "exsampling-hub.json"
    config = json.loads(config_path.read_text())
    data = tmp_path / "data"
    config["args"] = ["--data-dir", str(data), "--http-port", "0", "--osc-port", "0", "--host", "127.0.0.1"]
    config_path.write_text(json.dumps(config))
    yield hub_dir / "exsampling-hub.js", data
    for pid in backend_pids(str(data)):
        os.kill(pid, signal.SIGKILL)


def node_env() -> dict:
    env = dict(os.environ, NODE_PATH=str(HERE / "node" / "stubs"))
    env.pop("EXSAMPLING_PYTHON", None)
    return env


def test_python_lookup_order_and_osc_codec(tmp_path):
    script = HERE.parent / "patches" / "node" / "exsampling-hub.js"
    proc = subprocess.run(
        ["node", str(HERE / "node" / "test_find_python.js"), str(script), str(tmp_path)],
        env=node_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    # the script's OSC bytes are what python-osc reads
    from pythonosc.osc_message import OscMessage

    msg = OscMessage(bytes.fromhex(out["osc_hex"]))
    assert msg.address == "/exsampling/hello" and msg.params == [9101, "my track", 0.5]


def test_launcher_starts_relays_restarts_and_stops(hub_script):
    script, data = hub_script
    proc = subprocess.run(
        ["node", str(HERE / "node" / "test_launcher.js"), str(script)],
        env=node_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-4000:]
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert [e["event"] for e in events] == ["started", "restarted", "stopped"]
    assert "[max console]" in proc.stderr  # backend output reached the Max console
    assert backend_pids(str(data)) == []


def test_backend_goes_when_node_is_killed(hub_script):
    script, data = hub_script
    program = (
        "const m = require('max-api');"
        f"const hub = require({json.dumps(str(script))}).hub;"
        "m._bus.on('outlet', (a) => { if (a[0] === 'ports') console.log('PORTS ' + hub.child.pid); });"
        "m._call('start'); setInterval(() => {}, 1000);"
    )
    proc = subprocess.Popen(
        ["node", "-e", program], env=node_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("PORTS "), line
        backend = int(line.split()[1])
        assert backend in backend_pids(str(data))
        proc.send_signal(signal.SIGKILL)  # no clean-up code runs: the backend must notice on its own
        proc.wait(timeout=10)
        deadline = time.monotonic() + 20
        while backend_pids(str(data)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert backend_pids(str(data)) == []
    finally:
        stop_process(proc, 0, signal.SIGKILL)


def test_hub_simpler_mode_script_against_a_simulated_live_object_model():
    script = HERE.parent / "patches" / "js" / "exsampling-simpler.js"
    proc = subprocess.run(
        ["node", str(HERE / "node" / "test_simpler.js"), str(script)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "simpler mode ok" in proc.stdout
