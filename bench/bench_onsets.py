"""Onset detection on rendered GM drum sequences over ESC-50 backgrounds: ours vs librosa's default detector.

Tuning seeds and held-out seeds are disjoint; the held-out figure is the one reported in docs/HITS.md.
Writes only to a scratch folder. Usage: ``python bench/bench_onsets.py [--tune] [--count N]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exsampling_osc.analysis.onsets import DEFAULTS, detect_onsets, match_onsets  # noqa: E402
from tests.onset_material import make_sequence  # noqa: E402

ESC50 = Path("/work/shared/datasets/esc50")
TUNE_SEEDS = range(0, 1000)
HELD_OUT_SEEDS = range(5000, 6000)


def score(seqs, detect) -> tuple[float, float, float]:
    """Micro-averaged F, precision, recall over all sequences."""
    tp = nf = nt = 0
    for s in seqs:
        found = detect(s)
        f, p, r = match_onsets(found, s.onsets)
        tp += round(r * s.onsets.size)
        nf += found.size
        nt += s.onsets.size
    p, r = tp / max(nf, 1), tp / max(nt, 1)
    return (2 * p * r / (p + r) if tp else 0.0), p, r


def librosa_default(s) -> np.ndarray:
    import librosa

    return librosa.onset.onset_detect(y=s.audio, sr=s.sr, units="time")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=20, help="sequences per split")
    ap.add_argument("--tune", action="store_true", help="grid-search delta and median_k on the tuning split")
    ap.add_argument("--esc50", type=Path, default=ESC50)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_onsets_"))
    tune = [make_sequence(s, work, args.esc50) for s in list(TUNE_SEEDS)[: args.count]]
    if args.tune:
        for delta in (0.01, 0.025, 0.05):
            for k in (0.0, 2.0, 4.0, 6.0):
                p = replace(DEFAULTS, delta=delta, median_k=k)
                f, pr, rc = score(tune, lambda s, p=p: detect_onsets(s.audio, s.sr, p) / s.sr)
                print(f"tune delta={delta} median_k={k}: F={f:.3f} P={pr:.3f} R={rc:.3f}")
    held = [make_sequence(s, work, args.esc50) for s in list(HELD_OUT_SEEDS)[: args.count]]
    n = sum(s.onsets.size for s in held)
    for split, seqs in (("tuning", tune), ("held-out", held)):
        ours = score(seqs, lambda s: detect_onsets(s.audio, s.sr) / s.sr)
        ref = score(seqs, librosa_default)
        print(
            f"{split:8s} ({len(seqs)} sequences): ours F={ours[0]:.3f} P={ours[1]:.3f} R={ours[2]:.3f} | "
            f"librosa default F={ref[0]:.3f} P={ref[1]:.3f} R={ref[2]:.3f}"
        )
    print(f"held-out onsets: {n}; window 25 ms; scratch folder {work}")


if __name__ == "__main__":
    main()
