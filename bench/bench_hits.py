"""Hits, loudness and loops, measured: the figures in docs/HITS.md.

- loudness: |LUFS − target| after :func:`normalise` over tones, noise bursts and the hits sliced from held-out
  drum sequences (peak-limited clips counted apart: their peak sits at the ceiling instead);
- loops: GM sustained instruments (fluidsynth) at three notes each: how many loop, the seam's LPC residual
  (dBFS) and its ratio to the largest residual elsewhere in the loop, against the same loop uncrossfaded;
- slices: the first and last sample and the first/last step of every hit (dBFS) of held-out sequences.

Usage: ``python bench/bench_hits.py [--count N]`` (writes only to a scratch folder).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exsampling_osc.analysis.loops import crossfade_loop, find_loop, seam_step  # noqa: E402
from exsampling_osc.analysis.loudness import PEAK_CEILING_DB, integrated_lufs, normalise, peak_db  # noqa: E402
from exsampling_osc.analysis.onsets import slice_hits  # noqa: E402
from tests import onset_material  # noqa: E402
from tests.conftest import ESC50  # noqa: E402  (EXSAMPLING_ESC50, else ../shared/datasets/esc50)
from tests.test_analysis_loudness import material  # noqa: E402

SUSTAINED = (0, 16, 19, 40, 48, 52, 56, 71, 73, 89)  # piano, organs, violin, strings, choir, trumpet, winds, pad
NOTES = (48, 60, 72)


def db(x: float) -> float:
    return 20 * math.log10(x) if x > 0 else -math.inf


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10, help="held-out drum sequences")
    ap.add_argument("--esc50", type=Path, default=ESC50)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-hits-"))
    seqs = [onset_material.make_sequence(5000 + i, work, args.esc50) for i in range(args.count)]
    hits = [(h.audio, s.sr) for s in seqs for h in slice_hits(s.audio, s.sr)]

    for target in (-23.0, -16.0):
        errors, limited = [], 0
        for y, sr in [(y, 22050) for y in material()] + hits:
            out = normalise(y, sr, target)
            if abs(peak_db(out) - PEAK_CEILING_DB) < 0.01 and integrated_lufs(out, sr) < target - 0.05:
                limited += 1
            else:
                errors.append(abs(integrated_lufs(out, sr) - target))
        print(
            f"loudness {target:g} LUFS: {len(errors) + limited} clips, max |error| {max(errors):.3f} LU "
            f"(mean {np.mean(errors):.3f}); {limited} peak-limited to {PEAK_CEILING_DB:g} dBFS"
        )

    for name, clips in (("as cut", hits), ("normalised", [(normalise(y, sr), sr) for y, sr in hits])):
        ends = [max(abs(y[0]), abs(y[-1])) for y, _ in clips]
        steps = [max(abs(y[1] - y[0]), abs(y[-1] - y[-2])) for y, _ in clips]
        print(
            f"slices {name}: {len(clips)} hits; largest end sample {db(max(ends)):.1f} dBFS, "
            f"largest first/last step {db(max(steps)):.1f} dBFS"
        )

    looped, seams, ratios, raw = 0, [], [], []
    for program in SUSTAINED:
        for note in NOTES:
            y = onset_material.render_note(work, note, 1.5, program)
            loop = find_loop(y, 22050)
            if loop is None:
                continue
            looped += 1
            at, elsewhere = seam_step(crossfade_loop(y, loop), loop.start, loop.end)
            seams.append(at)
            ratios.append(at / elsewhere)
            raw.append(seam_step(y, loop.start, loop.end - 7)[0])
    print(
        f"loops: {looped}/{len(SUSTAINED) * len(NOTES)} GM notes looped; seam residual max {db(max(seams)):.1f} dBFS, "
        f"seam/elsewhere max {max(ratios):.2f}; an uncrossfaded loop 7 samples short: max {db(max(raw)):.1f} dBFS"
    )


if __name__ == "__main__":
    main()
