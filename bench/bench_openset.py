"""Open set: known-class accuracy against rejection of sounds of no class, as the confidence threshold moves.

Known sounds: an ESC-50 fold the model did not train on (its clips dealt by index into a tuning and a
held-out half). Unknown sounds: ``bench/openset_material.py`` (speech, babble, music, tones, noise, beeps),
tuning seeds 0..N-1 and held-out seeds 1000..1000+N-1 of each kind. Both are analysed as serving does (trim,
loop, log-mel with the model's parameters, three crops averaged, int8 TFLite) and scored by the top
probability. The threshold is picked on the tuning halves: the highest that costs the known clips at most 5
points of right answers (a performer loses few good labels to ``unknown``); the curve and the pick are then
reported on the held-out halves. With ``--write`` the pick is stored as ``unknown_threshold`` in the model's
``model.json``, which the classifier uses unless a threshold is given.

Run: .venv/bin/python bench/bench_openset.py --model DIR --fold 4 [--count 20] [--write MODEL_DIR]
Only meaningful on a fold the model did not train on.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from openset_material import KINDS, make_clip  # noqa: E402

from exsampling_osc.analysis.audio import load_audio  # noqa: E402
from exsampling_osc.analysis.classify import Classifier  # noqa: E402
from exsampling_osc.analysis.features import crops  # noqa: E402
from exsampling_osc.training.card import add_measured  # noqa: E402
from exsampling_osc.training.dataset import read_dataset, signal_features  # noqa: E402

DEFAULT_ESC50 = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "esc50"
GRID = np.round(np.arange(0.0, 0.951, 0.05), 2)


def curve(known_p: np.ndarray, known_right: np.ndarray, unknown_p: np.ndarray) -> list[dict]:
    """Per threshold: share of known clips kept and right, known clips rejected, unknown clips rejected."""
    rows = []
    for t in GRID:
        kept = known_p >= t
        rows.append(
            {
                "threshold": float(t),
                "known_right": float(np.mean(kept & known_right)),
                "known_rejected": float(np.mean(~kept)),
                "unknown_rejected": float(np.mean(unknown_p < t)),
            }
        )
    return rows


#: the known clips labelled right may drop this far below their share without rejection, and no further
MAX_KNOWN_LOSS = 0.05


def pick(rows: list[dict]) -> dict:
    """The highest threshold that costs the known clips at most :data:`MAX_KNOWN_LOSS` of right answers."""
    floor = rows[0]["known_right"] - MAX_KNOWN_LOSS
    return max((r for r in rows if r["known_right"] >= floor - 1e-9), key=lambda r: r["threshold"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/esc50"))
    parser.add_argument("--fold", type=int, default=4)
    parser.add_argument("--esc50", type=Path, default=DEFAULT_ESC50)
    parser.add_argument("--count", type=int, default=20, help="unknown clips per kind and split")
    parser.add_argument(
        "--write",
        type=Path,
        metavar="MODEL_DIR",
        help="store the pick as unknown_threshold in MODEL_DIR/model.json (e.g. the shipped model, when --model is "
        "its cross-validation twin) and the curve in its card",
    )
    args = parser.parse_args()
    clf = Classifier(args.model, threshold=0.0)
    params = clf.info.features

    def score(y: np.ndarray) -> np.ndarray:
        return clf.mean_probabilities(crops(signal_features(y, params), params.frames))

    known = [c for c in read_dataset(args.esc50) if c.fold == args.fold]
    kp, kr = [], []
    for clip in known:
        p = score(load_audio(clip.path, params.sample_rate))
        kp.append(float(p.max()))
        kr.append(clf.labels[int(np.argmax(p))] == clip.label)
    known_p, known_right = np.array(kp), np.array(kr)
    half = np.arange(len(known)) % 2 == 0
    work = Path(tempfile.mkdtemp(prefix="bench_openset_"))
    unknown: dict[str, dict[str, np.ndarray]] = {"tuning": {}, "held-out": {}}
    for split, base in (("tuning", 0), ("held-out", 1000)):
        for kind in KINDS:
            unknown[split][kind] = np.array(
                [score(make_clip(kind, base + s, work)).max() for s in range(args.count)], dtype=float
            )
    tune_rows = curve(known_p[half], known_right[half], np.concatenate(list(unknown["tuning"].values())))
    chosen = pick(tune_rows)["threshold"]
    held_u = np.concatenate(list(unknown["held-out"].values()))
    held_rows = curve(known_p[~half], known_right[~half], held_u)
    print(f"model {args.model}, fold {args.fold}: {len(known)} known clips, {held_u.size} unknown per split")
    print(f"top-1 without rejection: {known_right.mean():.3f}")
    print("held-out | threshold | known right | known rejected | unknown rejected")
    for r in held_rows:
        mark = "  <- picked on tuning" if r["threshold"] == chosen else ""
        print(
            f"         | {r['threshold']:.2f}      | {r['known_right']:.3f}       | {r['known_rejected']:.3f}"
            f"          | {r['unknown_rejected']:.3f}{mark}"
        )
    per_kind = {k: round(float(np.mean(v < chosen)), 3) for k, v in unknown["held-out"].items()}
    print(f"held-out unknown rejected at {chosen:.2f}, by kind: {per_kind}")
    result = {
        "model": str(args.model),
        "fold": args.fold,
        "threshold": chosen,
        "held_out": held_rows,
        "by_kind": per_kind,
    }
    print(json.dumps({k: v for k, v in result.items() if k != "held_out"}))
    if args.write:
        meta_path = args.write / "model.json"
        meta = json.loads(meta_path.read_text())
        meta["unknown_threshold"] = chosen
        meta_path.write_text(json.dumps(meta, indent=2) + "\n")
        table = [
            f"Measured with `bench/bench_openset.py --model {args.model} --fold {args.fold} --count {args.count}`: "
            f"known sounds are ESC-50 fold {args.fold} (a model that did not train on it), unknown ones are "
            "speech, babble, music, tones, noise and beeps made here; the threshold is picked on tuning halves "
            "(the highest costing the known clips at most 5 points) and reported on held-out halves.",
            "",
            "| threshold | known right | known rejected | unknown rejected |",
            "|---|---|---|---|",
            *(
                f"| {r['threshold']:.2f}{' (picked)' if r['threshold'] == chosen else ''} | "
                f"{r['known_right']:.1%} | {r['known_rejected']:.1%} | {r['unknown_rejected']:.1%} |"
                for r in held_rows
            ),
            "",
            f"Unknown sounds rejected at {chosen:.2f}, by kind: "
            + ", ".join(f"{k} {v:.0%}" for k, v in per_kind.items())
            + ".",
        ]
        add_measured(args.write, "Open set: sounds of no class", table, unknown_threshold=chosen)
        print(f"wrote unknown_threshold {chosen} to {meta_path} and the curve to its card")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
