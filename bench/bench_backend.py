"""Benchmark of `exsampling serve` (real subprocess, real HTTP, real UDP).

Measures, printing numbers and ratios against baselines measured in the same run:
1. start → ready: launch to the EXSAMPLING_READY line, then to the first HTTP answer and OSC /ready
   (baseline: a bare `python -c pass`, and importing + loading the analyzer in-process);
2. upload received → /exsampling/sample sent, at idle, one upload at a time (client side: POST start → OSC
   arrival; server side: the service's own p50/p95), for 1 s and 5 s clips
   (baseline: the analysis alone of the same clip in-process);
3. 50 concurrent uploads of 5 s clips: per-upload latency p50/p95, throughput, lost count, peak memory.

    .venv/bin/python bench/bench_backend.py [--concurrent 50] [--idle 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from serve_support import Listener, Serve, tone, upload  # noqa: E402


def pct(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_start(tmp: Path, runs: int) -> None:
    import urllib.request

    bare = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - t)
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from exsampling_osc.analysis.pipeline import Analyzer; Analyzer()"],
        check=True,
        capture_output=True,
    )
    model_only = time.perf_counter() - t
    ready, answering = [], []
    for i in range(runs):
        dev = Listener()
        t = time.perf_counter()
        serve = Serve(tmp / f"start{i}", device_port=dev.port)
        ready.append(time.perf_counter() - t)
        urllib.request.urlopen(serve.url + "/api/status", timeout=10).read()
        dev.wait_for("/exsampling/ready", 10)
        answering.append(time.perf_counter() - t)
        serve.stop()
        dev.close()
    print("## start → ready")
    print(f"bare python start           {statistics.median(bare) * 1000:7.0f} ms (baseline)")
    print(f"python + Analyzer() loaded  {model_only * 1000:7.0f} ms")
    print(
        f"serve → READY line          {statistics.median(ready) * 1000:7.0f} ms median of {runs} "
        f"(max {max(ready) * 1000:.0f}; {statistics.median(ready) / statistics.median(bare):.1f}× bare python)"
    )
    print(f"serve → HTTP + OSC answered {statistics.median(answering) * 1000:7.0f} ms median (target ≤ 2000)")


def _upload_and_wait(serve: Serve, dev: Listener, wav: Path, timeout: float = 120) -> tuple[int, float, int]:
    t = time.perf_counter()
    code, body = upload(serve.url, wav, serve.token)
    if code != 201:
        raise RuntimeError(f"upload refused: {code} {body}")
    rid = body["id"]
    dev.wait_for("/exsampling/sample", timeout, where=lambda a: a[9] == rid)
    return rid, time.perf_counter() - t, code


def bench_idle(serve: Serve, dev: Listener, tmp: Path, n: int) -> None:
    from exsampling_osc.analysis.pipeline import Analyzer

    analyzer = Analyzer()
    print("## upload received → /exsampling/sample sent, at idle")
    for seconds in (1.0, 5.0):
        wav = tone(tmp / f"idle{seconds}.wav", seconds, 330.0, sr=44100)
        y = analyzer.analyse_file(wav) and None  # warm this process's analyzer
        base = []
        for _ in range(5):
            t = time.perf_counter()
            analyzer.analyse_file(wav)
            base.append(time.perf_counter() - t)
        lat = [_upload_and_wait(serve, dev, wav)[1] for _ in range(n)]
        b = statistics.median(base)
        print(
            f"{seconds:.0f} s clip: client p50 {pct(lat, 0.5) * 1000:6.1f} ms  p95 {pct(lat, 0.95) * 1000:6.1f} ms  "
            f"(analysis alone in-process {b * 1000:.1f} ms; p50 = {pct(lat, 0.5) / b:.2f}× analysis)"
        )
        del y
    st = serve.get("/api/status")["ingest_latency"]
    print(f"server side, all idle uploads: p50 {st['p50_ms']} ms  p95 {st['p95_ms']} ms  (n={st['n']})")


def bench_concurrent(serve: Serve, dev: Listener, tmp: Path, n: int) -> None:
    wavs = [tone(tmp / f"c{i}.wav", 5.0, 200.0 + 7 * i, sr=44100) for i in range(n)]
    before = serve.get("/api/status")
    results: list[tuple[int, float, int]] = []
    lock = threading.Lock()

    def one(w: Path):
        r = _upload_and_wait(serve, dev, w, timeout=300)
        with lock:
            results.append(r)

    t = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        errors = [f.exception() for f in [pool.submit(one, w) for w in wavs]]
    total = time.perf_counter() - t
    failed = [e for e in errors if e]
    ids = {r[0] for r in results}
    analysed = [serve.get(f"/api/recordings/{i}") for i in ids]
    after = serve.get("/api/status")
    lost = n - sum(1 for a in analysed if a["status"] == "analysed" and a["samples"])
    lat = [r[1] for r in results]
    print(f"## {n} concurrent uploads of 5 s clips")
    print(
        f"acknowledged {len(results)}/{n}, errors {len(failed)}, lost {lost}; "
        f"samples added {after['samples'] - before['samples']}"
    )
    if lat:
        print(
            f"latency upload → sample: p50 {pct(lat, 0.5) * 1000:.0f} ms  p95 {pct(lat, 0.95) * 1000:.0f} ms  "
            f"max {max(lat) * 1000:.0f} ms"
        )
    print(f"throughput {n / total:.1f} recordings/s ({n * 5 / total:.1f} s of audio per second); total {total:.1f} s")
    print(f"peak memory of serve (VmHWM) {peak_rss_mb(serve.proc.pid):.0f} MB")
    for e in failed[:3]:
        print("error:", e)


WARM = (
    "from exsampling_osc.analysis.pipeline import Analyzer; from exsampling_osc.backend.ingest import "
    "timed_warm_up; print(timed_warm_up(Analyzer()))"
)


def bench_warm_up(tmp: Path) -> None:
    """The analysis warm-up that runs before ready: cold (empty numba cache, as after a fresh install), then
    warm (the cache filled by the cold run)."""
    import os

    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp / "numba-cache")}
    cold, warm = (
        float(
            subprocess.run(
                [sys.executable, "-c", WARM], check=True, capture_output=True, text=True, env=env
            ).stdout.split()[-1]
        )
        for _ in range(2)
    )
    print(f"warm-up before ready: cold (empty numba cache) {cold:.2f} s, warm (cache filled) {warm:.2f} s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--concurrent", type=int, default=50)
    ap.add_argument("--idle", type=int, default=20, help="uploads per clip length at idle")
    ap.add_argument("--starts", type=int, default=3)
    args = ap.parse_args()
    from exsampling_osc.mapping import DEFAULT_CONFIG

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        print("## analysis warm-up (inside start → ready)")
        bench_warm_up(tmp)
        bench_start(tmp, args.starts)
        cfg = tmp / "config.yaml"
        cfg.write_text(DEFAULT_CONFIG.read_text() + "recorder:\n  uploads_per_minute: 0\n")
        dev = Listener()
        serve = Serve(tmp / "data", "--config", str(cfg), device_port=dev.port)
        try:
            _upload_and_wait(serve, dev, tone(tmp / "warm.wav", 1.0))  # waits for the warm-up too
            bench_idle(serve, dev, tmp, args.idle)
            bench_concurrent(serve, dev, tmp, args.concurrent)
            print("status:", json.dumps(serve.get("/api/status")["ingest_latency"]))
        finally:
            serve.stop()
            dev.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
