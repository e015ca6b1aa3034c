"""Console polling cost against a real `exsampling serve`, and console action → OSC latency.

Prints: the time of a full /console/api/state answer (N samples) against an idle poll (`since` = current
version, the baseline), the ratio between them, and the time from a console re-map POST to the
/exsampling/mapping datagram at a listener on the device port. Also the time to generate, validate and
pack both devices.

    .venv/bin/python bench/bench_console.py [--recordings 30]
"""

from __future__ import annotations

import argparse
import json
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import requests
import soundfile as sf
from pythonosc.dispatcher import Dispatcher
from pythonosc.osc_server import ThreadingOSCUDPServer


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def bench_devices() -> None:
    from exsampling_osc.devices.install import build, generate

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        generate(Path(tmp) / "patches")
        t1 = time.perf_counter()
        build(Path(tmp) / "amxd", Path(tmp) / "patches")
        t2 = time.perf_counter()
    print(f"devices: generate {1000 * (t1 - t0):.1f} ms, validate + pack {1000 * (t2 - t1):.1f} ms")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--recordings", type=int, default=30)
    ap.add_argument("--polls", type=int, default=100)
    args = ap.parse_args()
    bench_devices()

    messages: queue.Queue = queue.Queue()
    d = Dispatcher()
    d.set_default_handler(lambda address, *a: messages.put((time.perf_counter(), address, a)))
    device_port = free_udp_port()
    server = ThreadingOSCUDPServer(("127.0.0.1", device_port), d)
    import threading

    threading.Thread(target=server.serve_forever, daemon=True).start()
    tmp = Path(tempfile.mkdtemp(prefix="bench-console-"))
    (tmp / "drop").mkdir()
    exe = Path(sys.executable).with_name("exsampling")
    proc = subprocess.Popen(
        [
            str(exe),
            "serve",
            "--data-dir",
            str(tmp / "data"),
            "--host",
            "127.0.0.1",
            "--http-port",
            "0",
            "--osc-port",
            "0",
            "--device-port",
            str(device_port),
            "--probe-ports",
            "--drop-folder",
            str(tmp / "drop"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        while True:
            line = proc.stdout.readline()
            if not line:
                print("serve did not start")
                return 1
            if line.startswith("EXSAMPLING_READY "):
                ready = json.loads(line.split(" ", 1)[1])
                break
        base = ready["http_url"]  # plain HTTP on loopback (phones get HTTPS on http_port)
        token = ready["participant_url"].split("token=", 1)[1]
        sr = 22050
        t = np.arange(sr) / sr
        for i in range(args.recordings):  # a few uploads with a place (the per-phone limit allows 6/min)
            wav = tmp / f"r{i}.wav"
            sf.write(wav, (0.3 * np.sin(2 * np.pi * (200 + 10 * i) * t)).astype(np.float32), sr)
            if i < 5:
                with wav.open("rb") as f:
                    requests.post(
                        f"{base}/api/recordings?token={token}",
                        files={"audio": (wav.name, f)},
                        data={"latitude": 48.85 + i * 1e-3, "longitude": 2.29},
                        timeout=30,
                    )
            else:  # the rest through the drop folder
                wav.rename(tmp / "drop" / wav.name)
        deadline = time.monotonic() + 120
        session = requests.Session()
        while time.monotonic() < deadline:
            state = session.get(f"{base}/console/api/state", timeout=10).json()
            if len(state["samples"]) >= args.recordings and state["status"]["queue"] == 0:
                break
            time.sleep(0.5)
        version = state["version"]
        full = timed(lambda: session.get(f"{base}/console/api/state", timeout=10).json(), args.polls)
        idle = timed(lambda: session.get(f"{base}/console/api/state?since={version}", timeout=10).json(), args.polls)
        size = len(session.get(f"{base}/console/api/state", timeout=10).content)
        print(
            f"state with {len(state['samples'])} samples ({size / 1024:.1f} KiB): "
            f"full p50 {pct(full, 50):.2f} ms p95 {pct(full, 95):.2f} ms; "
            f"idle poll (baseline) p50 {pct(idle, 50):.2f} ms p95 {pct(idle, 95):.2f} ms; "
            f"ratio full/idle {statistics.median(full) / statistics.median(idle):.1f}x"
        )
        labels = list(state["mapping"])[:10]
        tracks = state["tracks"]
        lat = []
        for k, m in enumerate(labels):
            while not messages.empty():
                messages.get()
            target = tracks[(tracks.index(m["track"]) + 1 + k) % len(tracks)]
            t0 = time.perf_counter()
            session.post(f"{base}/console/api/remap", json={"label": m["label"], "track": target}, timeout=10)
            while True:
                at, address, a = messages.get(timeout=10)
                if address == "/exsampling/mapping" and a[0] == m["label"]:
                    lat.append((at - t0) * 1000)
                    break
        print(
            f"console re-map POST → /exsampling/mapping at the device port: p50 {pct(lat, 50):.2f} ms, "
            f"max {max(lat):.2f} ms ({len(lat)} re-maps)"
        )
    finally:
        proc.terminate()
        proc.wait(20)
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
