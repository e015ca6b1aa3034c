"""Slow clients against the real HTTP server (cheroot + the web app, in-process; real loopback sockets).

With N connections sending their request headers one byte at a time, times a normal upload and a
console page GET, for the old server configuration (10 threads, no request deadlines: the baseline)
and the current one (exsampling_osc.web.server defaults), in the same run. A request that gets no
answer within --wait seconds counts as "no answer".

    .venv/bin/python bench/bench_slow_clients.py [--slow 100] [--wait 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from slow_clients import Trickle  # noqa: E402
from test_web_doors import wav_bytes  # noqa: E402
from web_client import ShowStandIn  # noqa: E402

from exsampling_osc.web.app import make_app  # noqa: E402
from exsampling_osc.web.server import THREADS, WebServer  # noqa: E402


def timed(fn, wait: float) -> str:
    start = time.perf_counter()
    try:
        code = fn(wait).status_code
    except requests.RequestException:
        return f"no answer in {wait:.0f} s"
    return f"{code} in {time.perf_counter() - start:.3f} s"


def run(label: str, slow: int, wait: float, **server_args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        show = ShowStandIn(Path(tmp) / "data")
        server = WebServer(make_app(show), "127.0.0.1", 0, **server_args)
        server.start()
        base = f"http://127.0.0.1:{server.port}"
        wav = wav_bytes(2.0)
        try:
            idle_up = timed(
                lambda w: requests.post(
                    f"{base}/api/recordings?token={show.tokens.current}", files={"audio": ("a.wav", wav)}, timeout=w
                ),
                wait,
            )
            trickle = Trickle(server.port, slow, every=0.3, limit_s=wait * 4)
            time.sleep(1.0)
            up = timed(
                lambda w: requests.post(
                    f"{base}/api/recordings?token={show.tokens.current}", files={"audio": ("a.wav", wav)}, timeout=w
                ),
                wait,
            )
            console = timed(lambda w: requests.get(f"{base}/console", timeout=w), wait)
            trickle.close()
        finally:
            server.stop()
    print(f"{label:<34} idle upload {idle_up:<18} with {slow} slow: upload {up:<18} console {console}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--slow", type=int, default=100)
    ap.add_argument("--wait", type=float, default=5.0)
    a = ap.parse_args()
    run("baseline (10 threads, no deadline)", a.slow, a.wait, threads=10, header_timeout=1e9, body_timeout=1e9)
    run(f"current ({THREADS} threads, deadlines)", a.slow, a.wait)


if __name__ == "__main__":
    main()
