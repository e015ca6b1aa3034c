"""Open set: known-class accuracy against rejection of sounds of no class, as the confidence threshold moves.

Known sounds: an ESC-50 fold the model did not train on (its clips dealt by index into a tuning and a
held-out half). Unknown sounds: ``bench/openset_material.py`` (speech, babble, music, tones, noise, beeps),
tuning seeds 0..N-1 and held-out seeds 1000..1000+N-1 of each kind. Both are analysed as serving does (trim,
loop, log-mel with the model's parameters, three crops averaged, int8 TFLite) and scored by the top
probability and, with ``--background``, by a background head (``exsampling_osc/analysis/openset.py``) fitted
on the model's training folds against made seeds 2000..2000+N-1. The thresholds are picked on the tuning
halves: those that reject the most unknown clips while costing the known clips at most 3 points of right
answers (a performer loses few good labels to ``unknown``); the curve and the pick are then reported on the
held-out halves. With ``--write`` the pick is stored as ``unknown_threshold`` in the model's ``model.json``
(and, with ``--background``, a head fitted for that model on all ESC-50 folds as ``background.npz``), which
the classifier uses unless a threshold is given.

Run: .venv/bin/python bench/bench_openset.py --model DIR --fold 4 [--count 20] [--background] [--write MODEL_DIR]
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

from fewshot_material import in_bench_room  # noqa: E402
from openset_material import KINDS, make_clip  # noqa: E402

from exsampling_osc.analysis.audio import load_audio  # noqa: E402
from exsampling_osc.analysis.classify import Classifier  # noqa: E402
from exsampling_osc.analysis.embedding import reader_for  # noqa: E402
from exsampling_osc.analysis.features import crops  # noqa: E402
from exsampling_osc.analysis.openset import BACKGROUND_FILE, fit_background, head_features  # noqa: E402
from exsampling_osc.training.augment import phone_in_room  # noqa: E402
from exsampling_osc.training.card import add_measured  # noqa: E402
from exsampling_osc.training.dataset import read_dataset, signal_features  # noqa: E402

DEFAULT_ESC50 = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "esc50"
GRID = np.round(np.arange(0.0, 0.951, 0.05), 2)


def curve(
    known_p: np.ndarray,
    known_h: np.ndarray,
    known_right: np.ndarray,
    unknown_p: np.ndarray,
    unknown_h: np.ndarray,
    heads: np.ndarray,
) -> list[dict]:
    """Per (top-probability threshold, head threshold): known clips kept and right, known clips rejected,
    unknown clips rejected. ``*_h`` are the head's p_known (ones without a head)."""
    rows = []
    for h in heads:
        for t in GRID:
            kept = (known_p >= t) & (known_h >= h)
            rows.append(
                {
                    "threshold": float(t),
                    "head": float(h),
                    "known_right": float(np.mean(kept & known_right)),
                    "known_rejected": float(np.mean(~kept)),
                    "unknown_rejected": float(np.mean((unknown_p < t) | (unknown_h < h))),
                }
            )
    return rows


#: the known clips labelled right may drop this far below their share without rejection, and no further
MAX_KNOWN_LOSS = 0.03
HEAD_GRID = np.round(np.arange(0.0, 0.951, 0.05), 2)


def pick(rows: list[dict]) -> dict:
    """The thresholds that reject the most unknown clips while costing the known clips at most
    :data:`MAX_KNOWN_LOSS` of right answers (ties: the higher thresholds)."""
    floor = max(r["known_right"] for r in rows if r["threshold"] == 0 and r["head"] == 0) - MAX_KNOWN_LOSS
    ok = [r for r in rows if r["known_right"] >= floor - 1e-9]
    return max(ok, key=lambda r: (round(r["unknown_rejected"], 9), r["known_right"], r["threshold"], r["head"]))


def read_clip(reader, params, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean probabilities and embedding of a signal, as serving computes them."""
    return reader.read_mean(crops(signal_features(y, params), params.frames))


def read_all(model: Path, signals) -> tuple[np.ndarray, np.ndarray]:
    clf = Classifier(model, threshold=0.0)
    reader = reader_for(clf)
    pairs = [read_clip(reader, clf.info.features, y) for y in signals]
    return np.stack([p for p, _ in pairs]), np.stack([e for _, e in pairs])


def made(split_base: int, count: int, work: Path, sr: int):
    """The made sounds of one seed range, kind by kind: (kind, signal) pairs."""
    return [(kind, make_clip(kind, split_base + s, work)) for kind in KINDS for s in range(count)]


def esc50_signals(clips, sr: int):
    return (load_audio(c.path, sr) for c in clips)


def in_rooms(signals, seed: int):
    """Each signal as a phone hears it in one of the four bench rooms (``fewshot_material``; never drawn in
    training), as bench_rooms does."""
    return (in_bench_room(y, i, seed) for i, y in enumerate(signals))


def augmented(signals, sr: int, seed: int):
    """Each signal, then the same through a random room and phone as training draws them
    (``training/augment.phone_in_room``), for fitting the head on both."""
    for i, y in enumerate(signals):
        yield y
        yield phone_in_room(y, sr, np.random.default_rng([seed, i])).astype(np.float32)


def fit_head(model: Path, known_clips, made_signals, sr: int, rooms: bool, threshold: float = 0.5):
    """A background head for ``model``: ``known_clips`` (ESC-50) against ``made_signals``, with ``rooms``
    each also through a training-style room and phone."""
    known = esc50_signals(known_clips, sr)
    made_ys = list(made_signals)
    if rooms:
        known, made_ys = augmented(known, sr, 1), list(augmented(made_ys, sr, 2))
    kp, ke = read_all(model, known)
    fp, fe = read_all(model, made_ys)
    return fit_background(head_features(kp, ke), head_features(fp, fe), threshold=threshold)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/esc50"))
    parser.add_argument("--fold", type=int, default=4)
    parser.add_argument("--esc50", type=Path, default=DEFAULT_ESC50)
    parser.add_argument("--count", type=int, default=20, help="unknown clips per kind and split")
    parser.add_argument(
        "--background",
        action="store_true",
        help="also fit a background head (known: the training folds; unknown: seeds 2000+) and pick both "
        "thresholds together; with --write, the shipped model's head is fitted on all its folds and stored",
    )
    parser.add_argument(
        "--fit-rooms",
        action="store_true",
        help="fit the head on every clip twice: as given and through a training-style room and phone",
    )
    parser.add_argument(
        "--write",
        type=Path,
        metavar="MODEL_DIR",
        help="store the pick as unknown_threshold in MODEL_DIR/model.json (e.g. the shipped model, when --model is "
        "its cross-validation twin) and the curve in its card",
    )
    args = parser.parse_args()
    sr = Classifier(args.model).info.features.sample_rate
    dataset = read_dataset(args.esc50)
    known = [c for c in dataset if c.fold == args.fold]
    labels = Classifier(args.model).labels
    scored = {}  # condition -> (probs, embeddings, right answers)
    for cond, signals in (("dry", esc50_signals(known, sr)), ("rooms", in_rooms(esc50_signals(known, sr), 0))):
        p, e = read_all(args.model, signals)
        scored[cond] = (p, e, np.array([labels[int(np.argmax(q))] == c.label for q, c in zip(p, known, strict=True)]))
    half = np.arange(len(known)) % 2 == 0
    work = Path(tempfile.mkdtemp(prefix="bench_openset_"))
    unknown = {}  # (split, condition) -> (probs, embeddings, kinds)
    for split, base in (("tuning", 0), ("held-out", 1000)):
        kinds_signals = made(base, args.count, work, sr)
        kinds = np.array([k for k, _ in kinds_signals])
        for cond, signals in (
            ("dry", [y for _, y in kinds_signals]),
            ("rooms", in_rooms([y for _, y in kinds_signals], base + 500)),
        ):
            up, ue = read_all(args.model, signals)
            unknown[split, cond] = (up, ue, kinds)
    head = None
    if args.background:
        train = [c for c in dataset if c.fold != args.fold]
        head = fit_head(args.model, train, (y for _, y in made(2000, args.count, work, sr)), sr, args.fit_rooms)

    def scores(p, e):
        return p.max(axis=1), (np.ones(len(p)) if head is None else head.known_features(head_features(p, e)))

    def joined(parts):
        return tuple(np.concatenate(x) for x in zip(*parts, strict=True))

    # tuning: the tuning halves of both conditions together, so the 3-point rule covers phones in rooms too
    km, kh, kr = joined([(*scores(p[half], e[half]), r[half]) for p, e, r in scored.values()])
    tm, th = joined([scores(*unknown["tuning", c][:2]) for c in ("dry", "rooms")])
    heads = HEAD_GRID if head is not None else np.array([0.0])
    chosen = pick(curve(km, kh, kr, tm, th, heads))
    held = {}
    for cond, (p, e, r) in scored.items():
        m, h = scores(p[~half], e[~half])
        um, uh = scores(*unknown["held-out", cond][:2])
        rows = curve(m, h, r[~half], um, uh, np.array([chosen["head"]]))
        held[cond] = {
            "rows": rows,
            "base": float(np.mean(r[~half])),
            "pick": next(x for x in rows if x["threshold"] == chosen["threshold"]),
        }
    kinds = unknown["held-out", "dry"][2]
    hm, hh = scores(*unknown["held-out", "dry"][:2])
    rejected = (hm < chosen["threshold"]) | (hh < chosen["head"])
    per_kind = {k: round(float(np.mean(rejected[kinds == k])), 3) for k in KINDS}
    print(f"model {args.model}, fold {args.fold}: {len(known)} known clips, {hm.size} unknown per split and condition")
    print(f"picked on tuning (dry + rooms): threshold {chosen['threshold']:.2f}, head {chosen['head']:.2f}")
    for cond, h in held.items():
        print(f"held-out, {cond}: top-1 without rejection {h['base']:.3f}")
        print("  threshold | known right | known rejected | unknown rejected")
        for r in h["rows"]:
            mark = "  <- picked on tuning" if r is h["pick"] else ""
            print(
                f"  {r['threshold']:.2f}      | {r['known_right']:.3f}       | {r['known_rejected']:.3f}"
                f"          | {r['unknown_rejected']:.3f}{mark}"
            )
    print(f"held-out unknown (dry) rejected at the pick, by kind: {per_kind}")
    summary = {c: {"base": h["base"], **h["pick"]} for c, h in held.items()}
    result = {
        "model": str(args.model),
        "fold": args.fold,
        "fit_rooms": args.fit_rooms,
        **chosen,
        "held_out": summary,
        "by_kind": per_kind,
    }
    print(json.dumps(result))
    if args.write:
        write(args, chosen, held, per_kind, work)
    return 0


def write(args, chosen: dict, held: dict, per_kind: dict, work: Path) -> None:
    """Store the pick (and a head fitted for MODEL_DIR on all ESC-50 folds) and the curve in its card."""
    meta_path = args.write / "model.json"
    meta = json.loads(meta_path.read_text())
    meta["unknown_threshold"] = chosen["threshold"]
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    head_line = ""
    if args.background:
        sr = Classifier(args.write).info.features.sample_rate
        made_ys = (y for _, y in made(2000, args.count, work, sr))
        head = fit_head(args.write, read_dataset(args.esc50), made_ys, sr, args.fit_rooms, chosen["head"])
        head.save(args.write / BACKGROUND_FILE)
        head_line = (
            f" A background head ({BACKGROUND_FILE}: logistic regression on the embedding and log-probabilities, "
            f"known = the training folds, unknown = made seeds 2000+"
            f"{', each also through a room and a phone' if args.fit_rooms else ''}) rejects below p_known "
            f"{chosen['head']:.2f}."
        )
    flags = (" --background" if args.background else "") + (" --fit-rooms" if args.fit_rooms else "")
    table = [
        f"Measured with `bench/bench_openset.py --model {args.model} --fold {args.fold} --count {args.count}{flags}`: "
        f"known sounds are ESC-50 fold {args.fold} (a model that did not train on it), as given and through four "
        "simulated rooms and phones; unknown ones are speech, babble, music, tones, noise and beeps made here, also "
        "both ways; the thresholds are picked on tuning halves (the highest costing the known clips at most "
        f"{MAX_KNOWN_LOSS:.0%} of right answers) and reported on held-out halves.{head_line}",
    ]
    for cond, h in held.items():
        table += [
            "",
            f"Held out, {'as given' if cond == 'dry' else 'phones in rooms'} "
            f"(top-1 without rejection {h['base']:.1%}):",
            "",
            "| threshold | known right | known rejected | unknown rejected |",
            "|---|---|---|---|",
            *(
                f"| {r['threshold']:.2f}{' (picked)' if r is h['pick'] else ''} | "
                f"{r['known_right']:.1%} | {r['known_rejected']:.1%} | {r['unknown_rejected']:.1%} |"
                for r in h["rows"]
            ),
        ]
    table += [
        "",
        "Unknown sounds rejected at the pick, by kind: " + ", ".join(f"{k} {v:.0%}" for k, v in per_kind.items()) + ".",
    ]
    add_measured(args.write, "Open set: sounds of no class", table, unknown_threshold=chosen["threshold"])
    print(f"wrote unknown_threshold {chosen['threshold']} to {meta_path} and the curve to its card")


if __name__ == "__main__":
    raise SystemExit(main())
