"""Pitch benchmark on material of known pitch (tests/pitch_material.py): GM instrument notes and triads rendered
with fluidsynth, synthesized sung vowels, whistles and sirens; GM drums and noise bursts as unpitched.

For the tuning and the held-out set, per kind: the share of pitched sounds within 50 cents of the truth,
octave errors, and how often ``mode`` is right, for `analysis.pitch.estimate_pitch` (what serving uses) and,
with ``--baseline``, librosa's pYIN (the paper's choice: median f0 of voiced frames) in the same run.

    .venv/bin/python bench/bench_pitch.py [--baseline] [--show-misses]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pitch_material import SR, Item, material, score  # noqa: E402

from exsampling_osc.analysis.pitch import estimate_pitch, hz_to_midi  # noqa: E402


def ours(y: np.ndarray) -> tuple[float | None, str]:
    p = estimate_pitch(y, SR)
    return p.root_midi, p.mode


def pyin(y: np.ndarray) -> tuple[float | None, str]:
    import librosa

    f0, voiced, _ = librosa.pyin(y, fmin=40, fmax=2000, sr=SR)
    f0 = f0[voiced & np.isfinite(f0)]
    if f0.size < 3:
        return None, "percussive"
    return float(np.median(hz_to_midi(f0))), "melodic"


def run(name: str, estimator, items: list[Item], show: bool) -> None:
    by_kind: dict[str, list[dict[str, bool]]] = defaultdict(list)
    t = time.perf_counter()
    misses = []
    for it in items:
        root, mode = estimator(it.y)
        s = score(it, root, mode)
        by_kind[it.kind].append(s)
        if not all(v for k, v in s.items() if k != "octave_error"):
            misses.append(f"{it.name}: root {root if root is None else round(root, 2)} mode {mode}")
    per = (time.perf_counter() - t) / len(items) * 1000
    pitched = [s for v in by_kind.values() for s in v if "within_50c" in s]
    unpitched = [s for v in by_kind.values() for s in v if "within_50c" not in s]
    print(
        f"  {name:<6} pitched {len(pitched)}: within 50 cents {np.mean([s['within_50c'] for s in pitched]):.1%}, "
        f"octave errors {sum(s['octave_error'] for s in pitched)}, mode right "
        f"{np.mean([s['mode'] for s in pitched]):.1%}; unpitched {len(unpitched)}: mode right "
        f"{np.mean([s['mode'] for s in unpitched]) if unpitched else float('nan'):.1%}; {per:.1f} ms per sound"
    )
    for kind, scores in sorted(by_kind.items()):
        within = [s["within_50c"] for s in scores if "within_50c" in s]
        octave = sum(s.get("octave_error", False) for s in scores)
        text = f"within 50 c {np.mean(within):.0%}, octave errors {octave}, " if within else ""
        print(f"    {kind:<10} n={len(scores):<3} {text}mode right {np.mean([s['mode'] for s in scores]):.0%}")
    if show:
        for m in misses:
            print("      miss:", m)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", action="store_true", help="also run librosa's pYIN (slow)")
    ap.add_argument("--show-misses", action="store_true")
    a = ap.parse_args()
    for which in ("tuning", "held_out"):
        items = material(which)
        print(f"## {which}: {len(items)} sounds")
        run("ours", ours, items, a.show_misses)
        if a.baseline:
            run("pYIN", pyin, items, a.show_misses)


if __name__ == "__main__":
    main()
