"""Load and fault benchmark of `exsampling serve` (real subprocess, HTTP and UDP): what a show survives.

Scenarios: 1. N concurrent uploads; 2. 100 connections sending headers byte by byte while an upload and the
console are timed (each must answer within 1 s); 3. a 10,000-ping burst from an announced device, replies
counted against the same burst answered by a bare UDP echo in this process (the baseline), then the fuzz
packets of tests/test_backend_osc_fuzz.py and a ping that must be answered within 1 s; 4. malformed uploads
that must each get a 4xx; 5. stop loops (SIGKILL/SIGTERM alternating) right after uploads, after which one
more start must analyse every acknowledged recording and sweep upload temp files; 6. the data folder on a
real 100 MB tmpfs filled to just above the free-space margin (needs root to mount; skipped with the reason
otherwise): 201 or 507, never 500, and every acknowledged recording analysed once space returns.
The summary counts load held, faults survived, bad inputs tried and recordings lost (exit 1 unless 0 lost).

    .venv/bin/python bench/bench_faults.py [--concurrent 50] [--burst 10000] [--loops 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fault_inputs import bad_uploads, open_post  # noqa: E402
from serve_support import Listener, Serve, multipart, tone, upload  # noqa: E402
from slow_clients import Trickle  # noqa: E402
from test_backend_osc_fuzz import fuzz_packets  # noqa: E402

from exsampling_osc.mapping import DEFAULT_CONFIG  # noqa: E402


@dataclass
class Tally:
    """What the whole run proved: counted across scenarios."""

    load_held: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    faults_survived: int = 0
    bad_inputs: int = 0
    bad_answered_5xx: int = 0
    acknowledged: int = 0
    lost: int = 0

    def fault(self, name: str, survived: bool) -> None:
        self.faults.append(f"{name}: {'survived' if survived else 'NOT SURVIVED'}")
        self.faults_survived += survived


def pct(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))] if v else float("nan")


def config(tmp: Path) -> Path:
    """The default mapping without the per-phone upload limit (every upload here comes from one address)."""
    cfg = tmp / "config.yaml"
    cfg.write_text(DEFAULT_CONFIG.read_text() + "recorder:\n  uploads_per_minute: 0\n")
    return cfg


def serve(data: Path, cfg: Path, **kw) -> Serve:
    return Serve(data, "--config", str(cfg), **kw)


def wait_all_analysed(
    srv: Serve, ids: set[int], timeout: float, pending: tuple[str, ...] = ("received",)
) -> tuple[int, float]:
    """Wait until no id is in a ``pending`` state; returns (how many are analysed, seconds waited)."""
    t, end = time.perf_counter(), time.monotonic() + timeout
    while True:
        states = {i: srv.get(f"/api/recordings/{i}")["status"] for i in ids}
        if all(s not in pending for s in states.values()) or time.monotonic() > end:
            return sum(s == "analysed" for s in states.values()), time.perf_counter() - t
        time.sleep(0.2)


def upload_many(srv: Serve, wavs: list[Path], on_ack=None) -> list[tuple[int, dict, float]]:
    """Upload ``wavs`` all at once; (status, answer, seconds) each. ``on_ack()`` is called at each 201."""

    def one(w: Path) -> tuple[int, dict, float]:
        t = time.perf_counter()
        code, body = srv.upload(w, upload_id=f"bench-{w.stem}-{os.getpid()}")
        if code == 201 and on_ack is not None:
            on_ack()
        return code, body, time.perf_counter() - t

    with ThreadPoolExecutor(len(wavs)) as pool:
        return list(pool.map(one, wavs))


def scenario_load(srv: Serve, tmp: Path, n: int, tally: Tally) -> None:
    wavs = [tone(tmp / f"load{i}.wav", 5.0, 200.0 + 7 * i, sr=44100) for i in range(n)]
    t = time.perf_counter()
    answers = upload_many(srv, wavs)
    ids = {b["id"] for c, b, _ in answers if c == 201}
    analysed, _ = wait_all_analysed(srv, ids, 300)
    total = time.perf_counter() - t
    lost = n - analysed
    tally.acknowledged += len(ids)
    tally.lost += lost
    up = [s for c, _, s in answers if c == 201]
    print(
        f"load: {n} concurrent 5 s uploads: acknowledged {len(ids)}, analysed {analysed}, lost {lost}; "
        f"upload answer p95 {pct(up, 0.95) * 1000:.0f} ms; all analysed in {total:.1f} s"
    )
    tally.load_held.append(f"{analysed}/{n} concurrent uploads")


def scenario_slow(srv: Serve, tmp: Path, n: int, tally: Tally) -> None:
    port = int(srv.url.rsplit(":", 1)[1].split("/")[0])
    wav = tone(tmp / "slow.wav", 2.0)
    trickle = Trickle(port, n, every=0.3, limit_s=30)
    time.sleep(1.0)
    times = {}
    try:
        for what, call in (
            ("upload", lambda: srv.upload(wav, upload_id=f"slow-{os.getpid()}")[0]),
            ("console", lambda: requests.get(srv.url + "/console", timeout=5).status_code),
        ):
            t = time.perf_counter()
            try:
                code = call()
            except (requests.RequestException, OSError):
                code = 0
            times[what] = (code, time.perf_counter() - t)
    finally:
        trickle.close()
    ok = all(code in (200, 201) and s < 1.0 for code, s in times.values())
    print(
        f"slow clients: {n} byte-by-byte connections open; "
        + ", ".join(f"{w} {c} in {s:.3f} s" for w, (c, s) in times.items())
    )
    tally.fault(f"{n} slow connections", ok)
    if ok:
        tally.load_held.append(f"{n} slow connections")


def echo_replies(listener: Listener, burst: int) -> int:
    """The baseline: the same burst answered by a bare UDP echo in this process."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.5)
    stop = threading.Event()

    def echo() -> None:
        while not stop.is_set():
            try:
                data, _ = sock.recvfrom(65536)
            except OSError:
                continue
            sock.sendto(data.replace(b"/exsampling/ping", b"/exsampling/echo"), ("127.0.0.1", listener.port))

    threading.Thread(target=echo, daemon=True).start()
    before = len(listener.messages)
    for i in range(burst):
        listener.send(sock.getsockname()[1], "/exsampling/ping", i, types="i")
    time.sleep(3.0)
    stop.set()
    sock.close()
    return sum(1 for a, _ in listener.messages[before:] if a == "/exsampling/echo")


def scenario_osc(srv: Serve, burst: int, tally: Tally) -> None:
    port = srv.ready["osc_port"]
    dev = Listener()
    # a deep receive buffer on the device side too, so what is counted is what the backend answered
    dev.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    try:
        dev.send(port, "/exsampling/hello", dev.port, "bench", types="is")
        dev.wait_for("/exsampling/ready", timeout=10)
        baseline = echo_replies(dev, burst)
        before, osc0 = len(dev.messages), srv.get("/api/status")["osc"]
        t = time.perf_counter()
        for i in range(burst):
            dev.send(port, "/exsampling/ping", i, types="i")
        sent_s = time.perf_counter() - t
        time.sleep(5.0)
        pongs = sum(1 for a, _ in dev.messages[before:] if a == "/exsampling/pong")
        osc1 = srv.get("/api/status")["osc"]
        print(
            f"OSC flood: {burst} pings sent in {sent_s:.2f} s; the backend received "
            f"{osc1['received'] - osc0['received']} and sent {osc1['sent'] - osc0['sent']}; pongs arrived "
            f"{pongs} ({100 * pongs / burst:.1f} %), bare echo baseline {baseline} ({100 * baseline / burst:.1f} %), "
            f"ratio {pongs / max(1, baseline):.2f}"
        )
        packets = fuzz_packets()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for data in packets:
                s.sendto(data, ("127.0.0.1", port))
        tally.bad_inputs += len(packets)
        t = time.perf_counter()
        dev.send(port, "/exsampling/ping", 777777, types="i")
        try:
            dev.wait_for("/exsampling/pong", timeout=5, where=lambda a: a == [777777])
            answered = time.perf_counter() - t
        except AssertionError:
            answered = float("inf")
        print(f"OSC fuzz: {len(packets)} bad datagrams, then a ping answered in {answered * 1000:.0f} ms")
        tally.fault(f"{burst}-ping burst + {len(packets)} fuzz datagrams", answered < 1.0)
        tally.load_held.append(f"{pongs}/{burst} pings answered in a burst")
    finally:
        dev.close()


def scenario_bad(srv: Serve, tmp: Path, tally: Tally) -> None:
    codes = bad_uploads(srv, tmp)
    tally.bad_inputs += len(codes)
    bad = {k: c for k, c in codes.items() if not 400 <= c < 500}
    tally.bad_answered_5xx += len(bad)
    print(f"bad uploads: {len(codes)} tried, {len(codes) - len(bad)} answered 4xx; not 4xx: {bad or 'none'}")
    print("  " + ", ".join(f"{k} {c}" for k, c in codes.items()))
    tally.fault(f"{len(codes)} malformed uploads", not bad and srv.proc.poll() is None)


def half_upload(srv: Serve) -> socket.socket:
    """An upload whose body stops half way (the kill comes before it ends): leaves an upload temp file."""
    body, ctype = multipart({}, "audio", "half.wav", b"RIFF" + b"\1" * 400_000)
    s = open_post(srv, ctype, len(body))
    s.sendall(body[: len(body) // 2])
    return s


def scenario_kills(tmp: Path, cfg: Path, loops: int, per: int, tally: Tally) -> None:
    data, acked = tmp / "kills", set()
    for loop in range(loops):
        srv = serve(data, cfg)
        wavs = [tone(tmp / f"k{loop}_{i}.wav", 3.0, 300.0 + 11 * i + loop) for i in range(per)]
        acked |= {b["id"] for c, b, _ in upload_many(srv, wavs) if c == 201}
        held = half_upload(srv)
        # a kill while an upload is copied into incoming/ leaves its temp file; the half-sent body above
        # never reaches that copy (it is still being read), so one such file is planted here, as the kill leaves it
        (data / "incoming" / f".upload-planted{loop}.tmp").write_bytes(b"\1" * 100_000)
        time.sleep(0.3)
        if loop % 2:
            srv.stop()
        else:
            srv.kill()
        held.close()
    temps = list((data / "incoming").glob(".upload-*.tmp"))
    srv = serve(data, cfg)
    try:
        analysed, waited = wait_all_analysed(srv, acked, 300)
        swept = not list((data / "incoming").glob(".upload-*.tmp"))
    finally:
        srv.stop()
    lost = len(acked) - analysed
    tally.acknowledged += len(acked)
    tally.lost += lost
    print(
        f"kill loops: {loops} (SIGKILL/SIGTERM alternating), {len(acked)} acknowledged, analysed after restart "
        f"{analysed} in {waited:.1f} s, lost {lost}; half-sent upload temp files before restart "
        f"{len(temps)}, after {'0' if swept else 'some'}"
    )
    tally.fault(f"{loops} kills mid-show", lost == 0 and swept)


def mount_tmpfs(where: Path, mb: int) -> str | None:
    """Mount a ``mb`` MB tmpfs on ``where``; the reason when it cannot be."""
    where.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={mb}m", "tmpfs", str(where)], capture_output=True)
    return None if r.returncode == 0 else (r.stderr.decode().strip() or "mount failed")


def scenario_disk(tmp: Path, cfg: Path, n: int, tally: Tally) -> None:
    from exsampling_osc.library import RESERVE_BYTES

    disk = tmp / "disk"
    why = mount_tmpfs(disk, 100)
    if why:
        print(f"full disk: skipped (cannot mount a tmpfs: {why})")
        return
    try:
        srv = serve(disk / "data", cfg)
        try:
            filler = disk / "filler"
            free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
            filler.write_bytes(b"\0" * max(0, free - RESERVE_BYTES - 4_000_000))  # room for a few recordings
            wavs = [tone(tmp / f"d{i}.wav", 5.0, 250.0 + 13 * i, sr=44100) for i in range(n)]
            more, acks, lock = disk / "filler2", [0], threading.Lock()

            def fill_up() -> None:  # at the third acknowledgement the disk fills up: queued analyses must wait
                with lock:
                    acks[0] += 1
                    if acks[0] == 3:
                        more.write_bytes(b"\0" * 3_500_000)

            answers = upload_many(srv, wavs, fill_up)
            codes = [c for c, _, _ in answers]
            ids = {b["id"] for c, b, _ in answers if c == 201}
            time.sleep(2.0)
            failed = sum(srv.get(f"/api/recordings/{i}")["status"] == "failed" for i in ids)
            filler.unlink()
            more.unlink(missing_ok=True)
            analysed, waited = wait_all_analysed(srv, ids, 60, pending=("received", "failed"))
            refused_after = srv.upload(tone(tmp / "after.wav", 1.0))[0]
        finally:
            srv.stop()
    finally:
        subprocess.run(["umount", str(disk)], check=False)
    lost = len(ids) - analysed
    tally.acknowledged += len(ids)
    tally.lost += lost
    others = sorted({c for c in codes if c not in (201, 507)})
    print(
        f"full disk: {n} uploads onto a nearly full 100 MB tmpfs: acknowledged {len(ids)}, refused 507 "
        f"{codes.count(507)}, other answers {others or 'none'}; failed for space {failed}; after freeing "
        f"space: analysed {analysed} in {waited:.1f} s, lost {lost}; next upload {refused_after}"
    )
    tally.fault("disk full during the show", lost == 0 and not others and refused_after == 201)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--concurrent", type=int, default=50)
    ap.add_argument("--slow", type=int, default=100)
    ap.add_argument("--burst", type=int, default=10_000)
    ap.add_argument("--loops", type=int, default=5)
    ap.add_argument("--per-loop", type=int, default=8)
    ap.add_argument("--disk-uploads", type=int, default=20)
    a = ap.parse_args()
    tally = Tally()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        cfg = config(tmp)
        srv = serve(tmp / "data", cfg)
        try:
            upload(srv.url, tone(tmp / "warm.wav", 1.0), srv.token)
            scenario_load(srv, tmp, a.concurrent, tally)
            scenario_slow(srv, tmp, a.slow, tally)
            scenario_osc(srv, a.burst, tally)
            scenario_bad(srv, tmp, tally)
            alive = srv.proc.poll() is None and srv.get("/api/status") is not None
            tally.fault("serve still answering after all of the above", alive)
        finally:
            srv.stop()
        scenario_kills(tmp, cfg, a.loops, a.per_loop, tally)
        scenario_disk(tmp, cfg, a.disk_uploads, tally)
    print(
        f"SUMMARY: load held: {'; '.join(tally.load_held)}. Faults survived {tally.faults_survived}/"
        f"{len(tally.faults)}. Bad inputs tried {tally.bad_inputs} ({tally.bad_answered_5xx} not answered 4xx). "
        f"Recordings acknowledged {tally.acknowledged}, lost {tally.lost}."
    )
    for f in tally.faults:
        print("  -", f)
    return 0 if tally.lost == 0 and tally.faults_survived == len(tally.faults) else 1


if __name__ == "__main__":
    sys.exit(main())
