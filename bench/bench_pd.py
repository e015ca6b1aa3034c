"""Pure Data sampler benchmarks, headless (`pd -nogui -noaudio`), over real UDP.

Prints: how long the patch takes from an /exsampling/sample message to the sample being loaded (console
line), against an OSC round trip through the patch in the same runs (/exsampling/ready → its
/exsampling/query/samples answer) as the baseline; and Pd's CPU use (CPU seconds per second) with 8 voices
playing against the same patch idle (DSP on, no notes) as the baseline.

Run: .venv/bin/python bench/bench_pd.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from pd_support import FakeBackend, PdSampler, tone_wav  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_use(pd: PdSampler, seconds: float) -> float:
    c0, t0 = cpu_seconds(pd.proc.pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(pd.proc.pid) - c0) / (time.monotonic() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=3.0, help="length of each CPU measurement")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        wav = tone_wav(tmp / "a440.wav", seconds=5.0)
        backend = FakeBackend()
        pd = PdSampler("bench", backend.port)
        try:
            backend.receive("/exsampling/hello")
            loads, trips = [], []
            for i in range(args.runs):
                t0 = time.perf_counter()
                pd.osc("/exsampling/ready", "0", "http://x/", "http://x/", "/q.png", backend.port, 1)
                # a change makes the next ready ask again: re-announce the same track
                backend.receive("/exsampling/query/samples")
                trips.append(time.perf_counter() - t0)
                pd.control("track bench")
                n = pd.count(r"exsampling: loaded")
                t0 = time.perf_counter()
                pd.osc(
                    "/exsampling/sample", "bench", i + 1, "x", 1.0, str(wav), 69.0, "melodic", 0.0, 0.0, 1, 5.0, "ready"
                )
                while pd.count(r"exsampling: loaded") == n:
                    time.sleep(0.0005)
                loads.append(time.perf_counter() - t0)
            ms = [1000 * x for x in loads]
            base = [1000 * x for x in trips]
            print(
                f"load 5 s sample (22.05 kHz WAV): median {statistics.median(ms):.2f} ms "
                f"(min {min(ms):.2f}, max {max(ms):.2f}) over {args.runs} runs"
            )
            print(
                f"baseline OSC round trip ready→query: median {statistics.median(base):.2f} ms; "
                f"ratio {statistics.median(ms) / statistics.median(base):.1f}×"
            )
            idle = cpu_use(pd, args.seconds)
            for k in range(8):
                pd.osc("/exsampling/note", "bench", 48 + 3 * k, 100, args.seconds + 1.0)
            busy = cpu_use(pd, args.seconds)
            print(
                f"Pd CPU idle (DSP on): {100 * idle:.2f} % of a core; 8 voices: {100 * busy:.2f} %; "
                f"ratio {busy / max(idle, 1e-6):.1f}×"
            )
        finally:
            pd.close()
            backend.close()


if __name__ == "__main__":
    main()
