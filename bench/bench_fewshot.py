"""Benchmark: few-shot teaching on the model's embedding, with a log-probability baseline in the same run.

Material: ESC-50 folds 1-4 (as given, and through simulated rooms A and B with a phone), and 21 sounds of no
ESC-50 class made here (bench/fewshot_material.py). Embeddings and base probabilities are computed once per
model through the real analysis (trim, 5 s pieces, 3 crops) and cached in the scratch folder.

    python bench/bench_fewshot.py [--scratch DIR] [--reps 4] [--takes 8] [--slopes 0,0.1,0.2]
    EXSAMPLING_MODEL=<fold-4 twin> python bench/bench_fewshot.py --cost-fold 4   # base cost on unseen clips

Reports: teach time for 50 examples, analysis cost with taught labels, closed-set accuracy of six heads for
k = 1, 2, 5, 10, the full system (taught + base classes + unknown), the cost to the base classes, and a sweep
of the similarity threshold. Writes ``fewshot.json`` into the scratch folder.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fewshot_material as material  # noqa: E402
from fewshot_sets import MADE_FIVE, PHONE_FIVE, embed, esc50_set, made_set, rooms_a_b  # noqa: E402

from exsampling_osc.analysis import fewshot  # noqa: E402
from exsampling_osc.analysis.audio import fit_length  # noqa: E402
from exsampling_osc.analysis.fewshot import TaughtClassifier, TaughtLabels, label_piece, unit  # noqa: E402
from exsampling_osc.analysis.pipeline import Analyzer  # noqa: E402
from exsampling_osc.compiled_cache import configure_numba_cache  # noqa: E402

configure_numba_cache()
KS = (1, 2, 5, 10)


# ---------------------------------------------------------------- heads (closed set over the taught labels)
def head_prototype(tr_x, tr_y, te_x, labels):
    protos = unit(np.stack([unit(tr_x[tr_y == lab]).mean(0) for lab in labels]))
    return unit(te_x) @ protos.T


def head_euclid(tr_x, tr_y, te_x, labels):
    means = np.stack([tr_x[tr_y == lab].mean(0) for lab in labels])
    return -((te_x[:, None, :] - means[None]) ** 2).sum(-1)


def head_nearest(tr_x, tr_y, te_x, labels):
    sims = unit(te_x) @ unit(tr_x).T
    return np.stack([sims[:, tr_y == lab].max(1) for lab in labels], axis=1)


def head_logreg(tr_x, tr_y, te_x, labels, l2=1e-2, steps=200, lr=0.5):
    """Softmax regression on unit embeddings, L2-regularised, full-batch gradient descent (numpy)."""
    x = unit(tr_x)
    y = np.eye(len(labels))[[labels.index(v) for v in tr_y]]
    w = np.zeros((x.shape[1], len(labels)))
    b = np.zeros(len(labels))
    for _ in range(steps):
        z = x @ w + b
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        g = (p - y) / len(x)
        w -= lr * (x.T @ g + l2 * w) * 10
        b -= lr * g.sum(0) * 10
    return unit(te_x) @ w + b


def heads(centre: np.ndarray):
    return {
        "cosine prototype (chosen)": ("emb", head_prototype),
        "cosine prototype, centred": ("emb", lambda a, b, c, d: head_prototype(a - centre, b, c - centre, d)),
        "nearest class mean (euclid)": ("emb", head_euclid),
        "nearest example (cosine)": ("emb", head_nearest),
        "logistic regression": ("emb", head_logreg),
        "baseline: centroid of log-probs": ("logp", head_euclid),
    }


def closed_accuracy(data, teach, test, labels, centre) -> dict[str, float]:
    out = {}
    for name, (field, head) in heads(centre).items():
        x = np.log(np.maximum(data["probs"], 1e-4)) if field == "logp" else data["emb"]
        scores = head(x[teach], data["label"][teach], x[test], labels)
        out[name] = float(np.mean(np.array(labels)[scores.argmax(1)] == data["label"][test]))
    return out


# ---------------------------------------------------------------- full system: taught + base + unknown
# The shipped model's rejection settings (its unknown_threshold and background head), set in main() so the
# system figures are those of the running backend (fewshot.label_piece, as TaughtClassifier.predict).
SYSTEM: dict = {"threshold": 0.25, "head": None, "slope": fewshot.CONFIDENCE_SLOPE}


def system_labels(taught: TaughtLabels, data, idx, base_labels, names=None) -> np.ndarray:
    """Labels the system gives pieces ``idx`` (taught names mapped back through ``names``)."""
    out = []
    for i in idx:
        emb, probs = data["emb"][i], data["probs"][i]
        label = label_piece(
            taught, emb, probs, base_labels, SYSTEM["threshold"], head=SYSTEM["head"], slope=SYSTEM["slope"]
        ).label
        out.append((names or {}).get(label, label))
    return np.array(out)


def teach(data, idx, rename=None, tau=fewshot.MIN_SIMILARITY) -> TaughtLabels:
    ex: dict[str, list] = {}
    for i in idx:
        ex.setdefault((rename or {}).get(data["label"][i], data["label"][i]), []).append(data["emb"][i])
    return TaughtLabels.fit(ex, tau)


def pick(rng, idx, k):
    return list(rng.choice(idx, size=min(k, len(idx)), replace=False))


def esc_curves(esc, base_labels, reps, centre, taus):
    """10 ESC-50 classes taught as new names from two folds; tested on the other two folds."""
    res = {k: [] for k in KS}
    sweep = {t: [] for t in taus}
    for rep in range(reps):
        rng = np.random.default_rng(rep)
        new = list(rng.choice(base_labels, 10, replace=False))
        teach_folds = {rep % 4 + 1, (rep + 1) % 4 + 1}
        fold_in = np.isin(esc["fold"], list(teach_folds))
        test = np.flatnonzero(~fold_in & np.isin(esc["label"], new))
        others = np.flatnonzero(~fold_in & ~np.isin(esc["label"], new))
        for k in KS:
            tr = [i for lab in new for i in pick(rng, np.flatnonzero(fold_in & (esc["label"] == lab)), k)]
            acc = closed_accuracy(esc, tr, test, new, centre)
            rename = {lab: "new " + lab for lab in new}
            back = {v: k_ for k_, v in rename.items()}
            taught = teach(esc, tr, rename)
            acc["system: taught right"] = float(
                np.mean(system_labels(taught, esc, test, base_labels, back) == esc["label"][test])
            )
            base_before = system_labels(TaughtLabels.empty(taught.dim), esc, others, base_labels)
            base_after = system_labels(taught, esc, others, base_labels)
            acc["system: base cost (points)"] = 100 * float(
                np.mean(base_before == esc["label"][others]) - np.mean(base_after == esc["label"][others])
            )
            res[k].append(acc)
            if k == 5:
                for t in taus:
                    tt = teach(esc, tr, rename, tau=t)
                    right = np.mean(system_labels(tt, esc, test, base_labels, back) == esc["label"][test])
                    after = np.mean(system_labels(tt, esc, others, base_labels) == esc["label"][others])
                    sweep[t].append((right, np.mean(base_before == esc["label"][others]) - after))
    return mean_of(res), {t: np.mean(v, axis=0).tolist() for t, v in sweep.items()}


def made_curves(made, base_labels, centre, labels, teach_room="A", test_room="B", ks=(1, 2, 5)):
    """Taught from recordings in ``teach_room``, tested on the other takes in ``test_room``."""
    res = {}
    for k in ks:
        runs = []
        for rep in range(4):
            rng = np.random.default_rng(100 + rep)
            tr, te = [], []
            for lab in labels:
                takes = rng.permutation(np.unique(made["take"][made["label"] == lab]))
                tr += [
                    i
                    for i in np.flatnonzero((made["label"] == lab) & (made["room"] == teach_room))
                    if made["take"][i] in takes[:k]
                ]
                te += [
                    i
                    for i in np.flatnonzero((made["label"] == lab) & (made["room"] == test_room))
                    if made["take"][i] not in takes[:k]
                ]
            acc = closed_accuracy(made, tr, te, labels, centre)
            taught = teach(made, tr)
            acc["system: taught right"] = float(
                np.mean(system_labels(taught, made, te, base_labels) == made["label"][te])
            )
            runs.append(acc)
        res[k] = mean_of({0: runs})[0]
    return res


def made_goal(made, base_labels, labels, k, tests, tau):
    """System % right: ``k`` takes per label taught in room A, ``tests`` other takes tested in rooms B, C, D."""
    rights = []
    for rep in range(4):
        rng = np.random.default_rng(100 + rep)
        tr, te = [], []
        for lab in labels:
            takes = rng.permutation(np.unique(made["take"]))
            tr += [
                i
                for i in np.flatnonzero((made["label"] == lab) & (made["room"] == "A"))
                if made["take"][i] in takes[:k]
            ]
            te += [
                i
                for i in np.flatnonzero((made["label"] == lab) & (made["room"] != "A"))
                if made["take"][i] in takes[k : k + tests]
            ]
        rights.append(np.mean(system_labels(teach(made, tr, tau=tau), made, te, base_labels) == made["label"][te]))
    return float(np.mean(rights))


def sweep(esc_sets, made, base_labels, taus) -> dict:
    """For each threshold: the two goal-like tests on made sounds and the base cost of 5 taught labels."""
    out = {}
    for tau in taus:
        cost = base_cost(esc_sets, made, base_labels, tau)
        out[tau] = {
            "made_5_labels_k5": made_goal(made, base_labels, MADE_FIVE, 5, 3, tau),
            "made_21_labels_k2": made_goal(made, base_labels, material.LABELS, 2, 3, tau),
            **{f"base_cost_{tag}": cost[tag]["cost_points"] for tag in esc_sets},
        }
    return out


def slope_sweep(esc_sets, made, base_labels, centre, slopes) -> dict:
    """The goal-like figures and the base cost for each confidence slope (fewshot.combine's ``slope``)."""
    both = rooms_a_b(esc_sets)
    kept, out = SYSTEM["slope"], {}
    try:
        for sl in slopes:
            SYSTEM["slope"] = sl
            cost = base_cost(esc_sets, made, base_labels, fewshot.MIN_SIMILARITY)
            out[sl] = {
                "esc50_5": made_curves(both, base_labels, centre, PHONE_FIVE, ks=(5,))[5]["system: taught right"],
                "made_5": made_goal(made, base_labels, MADE_FIVE, 5, 3, fewshot.MIN_SIMILARITY),
                "made_21": made_goal(made, base_labels, material.LABELS, 2, 3, fewshot.MIN_SIMILARITY),
                **{f"cost_{tag}": cost[tag]["cost_points"] for tag in esc_sets},
            }
    finally:
        SYSTEM["slope"] = kept
    return out


def mean_of(res):
    return {k: {name: float(np.mean([r[name] for r in runs])) for name in runs[0]} for k, runs in res.items()}


COST_FOLD: dict = {"fold": None}  # --cost-fold: score the base classes on that fold only (a twin's held-out fold)


def base_cost(esc_sets, made, base_labels, tau):
    """Base accuracy on ESC-50 clips before and after teaching 5 made labels (5 examples each, room A)."""
    rng = np.random.default_rng(7)
    labels = list(rng.choice(material.LABELS, 5, replace=False))
    tr = [i for lab in labels for i in np.flatnonzero((made["label"] == lab) & (made["room"] == "A"))[:5]]
    taught = teach(made, tr, tau=tau)
    out = {"labels": labels}
    for tag, esc in esc_sets.items():
        fold = COST_FOLD["fold"]
        idx = np.arange(len(esc["label"])) if fold is None else np.flatnonzero(esc["fold"] == fold)
        truth = esc["label"][idx]
        before = np.mean(system_labels(TaughtLabels.empty(taught.dim), esc, idx, base_labels) == truth)
        after = np.mean(system_labels(taught, esc, idx, base_labels) == truth)
        out[tag] = {"before": float(before), "after": float(after), "cost_points": 100 * float(before - after)}
    return out


# ---------------------------------------------------------------- time
def timing(analyzer: Analyzer, made, runs: int) -> dict:
    idx = [i for i in range(len(made["label"])) if made["room"][i] == "A"][:50]
    t0 = time.perf_counter()
    for _ in range(20):
        taught = teach(made, idx)
    fit_ms = (time.perf_counter() - t0) / 20 * 1000
    clips = [material.recorded(material.dry(lab, 0), "B", 0) for lab in material.LABELS[:10]]
    t0 = time.perf_counter()
    for y in clips * 5:
        embed(analyzer, y)
    audio_s = (time.perf_counter() - t0) + fit_ms / 1000
    y = fit_length(clips[0], analyzer.params.samples)
    plain = timed(lambda: analyzer.analyse_signal(y), runs)
    taught_analyzer = Analyzer(analyzer.classifier.model_dir, analyzer.config)
    taught_analyzer.classifier = TaughtClassifier(taught_analyzer.classifier, taught)
    with_taught = timed(lambda: taught_analyzer.analyse_signal(y), runs)
    return {
        "fit_50_examples_ms": fit_ms,
        "teach_50_from_audio_s": audio_s,
        "analysis_5s_ms_plain": plain,
        "analysis_5s_ms_taught": with_taught,
        "ratio": with_taught / plain,
    }


def timed(fn, runs: int) -> float:
    for _ in range(3):
        fn()
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return 1000 * statistics.median(out)


def table(title: str, res: dict) -> None:
    names = list(next(iter(res.values())))
    print(f"\n{title}\n{'':34}" + "".join(f"k={k:<7}" for k in res))
    for n in names:
        cells = "".join(f"{res[k][n]:<9.1f}" if "points" in n else f"{100 * res[k][n]:<9.1f}" for k in res)
        print(f"{n:34}{cells}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scratch", type=Path, default=Path("/tmp/exsampling-bench-fewshot"))
    ap.add_argument("--reps", type=int, default=4)
    ap.add_argument("--takes", type=int, default=8)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument(
        "--cost-fold",
        type=int,
        help="score the base classes' cost on this ESC-50 fold only: the held-out fold of a cross-validation "
        "twin given as EXSAMPLING_MODEL (the shipped model trained on all four)",
    )
    ap.add_argument(
        "--slopes",
        default="0,0.1,0.2",
        help="confidence slopes to sweep at the shipped threshold (fewshot.CONFIDENCE_SLOPE)",
    )
    args = ap.parse_args()
    COST_FOLD["fold"] = args.cost_fold
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    analyzer = Analyzer()
    digest = hashlib.sha1((Path(analyzer.classifier.model_dir) / "model.tflite").read_bytes()).hexdigest()[:10]
    scratch = args.scratch / digest
    scratch.mkdir(parents=True, exist_ok=True)
    base_labels = analyzer.classifier.labels
    SYSTEM.update(threshold=analyzer.classifier.threshold, head=getattr(analyzer.classifier, "background", None))
    print(f"system: unknown_threshold {SYSTEM['threshold']}, background head: {SYSTEM['head'] is not None}")
    t0 = time.perf_counter()
    made = made_set(analyzer, scratch, args.takes)
    esc = {tag: esc50_set(analyzer, scratch, tag) for tag in ("dry", "A", "B")}
    print(f"material embedded/cached in {time.perf_counter() - t0:.0f} s ({scratch})")
    centre = esc["dry"]["emb"].mean(0)
    taus = [0.7, 0.75, 0.8, 0.82, 0.85, 0.88, 0.9]
    report: dict = {"model": digest, "min_similarity": fewshot.MIN_SIMILARITY}
    report["esc50_new_classes"], report["esc50_tau_sweep"] = esc_curves(
        esc["dry"], base_labels, args.reps, centre, taus
    )
    table("ESC-50, 10 classes taught as new names (two folds teach, two test), % right", report["esc50_new_classes"])
    report["made_21_room_A_to_B"] = made_curves(made, base_labels, centre, material.LABELS)
    table("21 made sounds, taught in room A, tested in room B, % right", report["made_21_room_A_to_B"])
    both = rooms_a_b(esc)
    report["esc50_5_room_A_to_B"] = made_curves(both, base_labels, centre, PHONE_FIVE, ks=(5,))
    table("5 ESC-50 classes (phone, room A) taught under their names, tested in room B", report["esc50_5_room_A_to_B"])
    print(f"\nthreshold sweep at confidence slope {SYSTEM['slope']} (ESC-50 new classes, k=5): tau, right %, cost")
    for t, (right, cost) in report["esc50_tau_sweep"].items():
        print(f"  {t:.2f}  {100 * right:5.1f}  {100 * cost:5.1f}")
    report["made_tau_sweep"] = sweep(esc, made, base_labels, taus)
    print(f"\nthreshold sweep at slope {SYSTEM['slope']}, system % right on made sounds (taught in room A, tested")
    print("in B/C/D), and the base")
    print("classes' cost in points (5 made labels taught; ESC-50 as given, through room A, through room B):")
    print("  tau   5 labels k=5  21 labels k=2  cost dry  cost A  cost B")
    for t, r in report["made_tau_sweep"].items():
        print(
            f"  {t:.2f}  {100 * r['made_5_labels_k5']:11.1f}  {100 * r['made_21_labels_k2']:13.1f}"
            f"  {r['base_cost_dry']:8.1f}  {r['base_cost_A']:6.1f}  {r['base_cost_B']:6.1f}"
        )
    report["slope_sweep"] = slope_sweep(esc, made, base_labels, centre, [float(x) for x in args.slopes.split(",")])
    print(f"\nconfidence slope at tau {fewshot.MIN_SIMILARITY}: system % right, base cost in points (dry / A / B)")
    print("  slope  5 ESC-50 A->B  5 made k=5  21 made k=2  cost dry  cost A  cost B")
    for sl, r in report["slope_sweep"].items():
        print(
            f"  {sl:.2f}  {100 * r['esc50_5']:13.1f}  {100 * r['made_5']:10.1f}  {100 * r['made_21']:11.1f}"
            f"  {r['cost_dry']:8.1f}  {r['cost_A']:6.1f}  {r['cost_B']:6.1f}"
        )
    report["base_cost_5_labels"] = base_cost(esc, made, base_labels, fewshot.MIN_SIMILARITY)
    print("\nbase classes before/after teaching 5 made labels:", json.dumps(report["base_cost_5_labels"]))
    report["timing"] = timing(analyzer, made, args.runs)
    print("\ntiming:", json.dumps({k: round(v, 3) for k, v in report["timing"].items()}))
    (scratch / "fewshot.json").write_text(json.dumps(report, indent=1, default=float))
    print(f"wrote {scratch / 'fewshot.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
