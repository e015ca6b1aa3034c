"""Knocks and claps through the participant's browser path, sliced and scored against the truth.

Each sequence (tests/knock_material.py: synthetic and ESC-50 knocks or claps, varied tempi and levels, half
over an ESC-50 background) is written as a 48 kHz WAV, played once by Chromium's fake microphone into the
recorder page of a real ``exsampling serve``, recorded, sent; the stored recording is then sliced and scored
within 25 ms, against the same file sliced directly (no browser), and the hits the backend itself stored.
The truth is placed in the recording by cross-correlation with the source (one offset per take, and again per
hit, so a dropped or repeated buffer shows as a jump and does not count against the slicer).

Usage: ``python bench/bench_fakemic_hits.py [--count 6] [--first 0]`` (about 15 s a sequence).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the test helpers import each other by module name

import fakemic_support as fm  # noqa: E402
from knock_material import make_knock_sequence  # noqa: E402

ESC50 = Path("/work/shared/datasets/esc50")


def run(
    count: int, first: int, esc50: Path | None, seconds: float, keep: Path | None = None, peak_db: float | None = None
) -> list[fm.Take]:
    """Record ``count`` sequences (seeds ``first``...) through one backend, one browser launch each."""
    from playwright.sync_api import sync_playwright
    from serve_support import Serve

    takes = []
    with tempfile.TemporaryDirectory(prefix="bench_fakemic_") as tmpdir:
        tmp = Path(tmpdir)
        serve = Serve(tmp / "data")
        try:
            with sync_playwright() as p:
                for seed in range(first, first + count):
                    seq = make_knock_sequence(seed, esc50, seconds=seconds, peak_db=peak_db)
                    mic = fm.write_source(tmp / f"{seq.name}.wav", seq.audio, seq.sr)
                    stored, sr, rec = fm.record_through_browser(p, serve, mic, seq.audio.size / seq.sr + 0.5)
                    assert sr == fm.RATE, sr
                    if keep is not None:
                        keep.mkdir(parents=True, exist_ok=True)
                        fm.write_source(keep / f"{seq.name}-source.wav", seq.audio, seq.sr)
                        fm.write_source(keep / f"{seq.name}-stored.wav", stored, sr)
                    takes.append(fm.measure(seq.name, seq.onsets, fm.load(mic), stored, rec))
                    print(describe(takes[-1]), flush=True)
        finally:
            serve.stop()
    return takes


def steps(t: fm.Take) -> int:
    """How often the offset moves (by more than 1 ms) from one scored hit to the next: buffers inserted or
    dropped between them (a lower bound: two that cancel out, or several between two hits, count once)."""
    return int(np.sum(np.abs(np.diff(t.hit_offsets_s)) > 0.001))


def describe(t: fm.Take) -> str:
    jumps = int(np.sum(np.abs(t.hit_offsets_s - t.offset_s) > 0.001))
    return (
        f"{t.name:32s} offset {1000 * t.offset_s:+6.1f} ms (corr {t.corr:.3f}) gain {t.gain:.3f} "
        f"hit corr min {t.hit_corr[0]:.3f} median {t.hit_corr[1]:.3f} "
        f"hits {t.truth_rec.size:2d} (own offset off by >1 ms: {jumps}, offset moves {steps(t)}) "
        f"found browser {t.browser.size} "
        f"direct {t.direct.size} backend {t.backend.size}; end steps "
        + " ".join(f"{k} {v:.1f}" for k, v in t.steps_db.items())
        + f"; flags {','.join(t.flags) or '-'}"
    )


def summary(takes: list[fm.Take]) -> dict[str, fm.Score]:
    """Micro-averaged scores: browser, direct, and the backend's own hits (takes it cut into hits)."""
    out = {"browser": fm.Score(), "direct": fm.Score(), "backend": fm.Score()}
    for t in takes:
        out["browser"].add(t.browser, t.truth_rec)
        out["direct"].add(t.direct, t.truth_src)
        if t.backend.size:
            out["backend"].add(t.backend, t.truth_rec)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=6, help="sequences (alternately knocks and claps)")
    ap.add_argument("--first", type=int, default=0, help="first seed")
    ap.add_argument("--seconds", type=float, default=6.0, help="length of each sequence, without its padding")
    ap.add_argument("--esc50", type=Path, default=ESC50, help="ESC-50 folder ('none': synthetic hits only)")
    ap.add_argument("--peak-db", type=float, help="every take's peak in dBFS (default: random -3 to -24)")
    ap.add_argument("--keep", type=Path, help="write each source and stored recording (WAV) into this folder")
    args = ap.parse_args()
    esc50 = None if str(args.esc50) == "none" else args.esc50
    takes = run(args.count, args.first, esc50, args.seconds, args.keep, args.peak_db)
    scores = summary(takes)
    offsets = np.array([1000 * t.offset_s for t in takes])
    jumps = sum(int(np.sum(np.abs(t.hit_offsets_s - t.offset_s) > 0.001)) for t in takes)
    moves = sum(steps(t) for t in takes)
    flagged = sum(1 for t in takes if "near_silent" in t.flags)
    print(f"{len(takes)} takes, {scores['browser'].truth} true onsets, window 25 ms; {flagged} flagged near-silent")
    for name, s in scores.items():
        extra = f" ({sum(1 for t in takes if t.backend.size)} takes cut into hits)" if name == "backend" else ""
        print(f"{name:8s} {s.line()}{extra}")
    print(
        f"offsets {offsets.min():+.1f} to {offsets.max():+.1f} ms; hits whose own offset differs by >1 ms: {jumps}, "
        f"offset moves between consecutive hits: {moves} in {sum(1 for t in takes if steps(t))} takes; "
        f"gain {min(t.gain for t in takes):.3f}-{max(t.gain for t in takes):.3f}; "
        f"whole-take correlation {min(t.corr for t in takes):.3f}-{max(t.corr for t in takes):.3f}, "
        f"per hit >= {min(t.hit_corr[0] for t in takes):.3f}"
    )
    for key in ("browser", "direct", "backend"):
        vals = [t.steps_db[key] for t in takes if key in t.steps_db]
        if vals:
            print(f"largest end step of a hit, {key}: {max(vals):.1f} dBFS")


if __name__ == "__main__":
    main()
