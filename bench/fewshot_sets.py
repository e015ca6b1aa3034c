"""The bench_fewshot material, embedded once per model through the real analysis and cached: ESC-50 folds
1-4 as given and through rooms A and B, and the 21 made sounds in rooms A-D; and the label sets its
goal-like tests teach."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import fewshot_material as material
import numpy as np

from exsampling_osc.analysis import fewshot
from exsampling_osc.analysis.audio import load_audio
from exsampling_osc.analysis.fewshot import embed_signal
from exsampling_osc.analysis.pipeline import Analyzer

REPO = Path(__file__).resolve().parents[1]
ESC50 = Path(
    os.environ.get("EXSAMPLING_ESC50")
    or next(
        (p / "shared" / "datasets" / "esc50" for p in REPO.parents if (p / "shared" / "datasets" / "esc50").is_dir()),
        REPO.parent / "shared" / "datasets" / "esc50",
    )
)


def embed(analyzer: Analyzer, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean base probabilities, example embedding) of one recording."""
    probs, embs = embed_signal(analyzer, y)
    return probs.mean(axis=0), fewshot.example_embedding(embs)


def esc50_set(analyzer: Analyzer, scratch: Path, tag: str) -> dict:
    path = scratch / f"esc50-{tag}.npz"
    if path.exists():
        return dict(np.load(path))
    rows = [r for r in csv.DictReader(open(ESC50 / "esc50.csv")) if r["fold"] in "1234"]
    probs, embs = [], []
    for n, r in enumerate(rows):
        y = load_audio(ESC50 / "audio" / r["filename"], analyzer.sample_rate)
        if tag != "dry":
            y = material.recorded(y, tag, seed=n)
        p, e = embed(analyzer, y)
        probs.append(p)
        embs.append(e)
    out = {
        "probs": np.stack(probs),
        "emb": np.stack(embs),
        "fold": np.array([int(r["fold"]) for r in rows]),
        "label": np.array([r["category"] for r in rows]),
    }
    np.savez(path, **out)
    return out


def made_set(analyzer: Analyzer, scratch: Path, takes: int) -> dict:
    """Every label × take, recorded in rooms A, B, C and D."""
    path = scratch / f"made-{takes}.npz"
    if path.exists():
        return dict(np.load(path))
    probs, embs, labels, rooms, take_ids = [], [], [], [], []
    for label in material.LABELS:
        for take in range(takes):
            y = material.dry(label, take)
            for room in material.ROOMS:
                p, e = embed(analyzer, material.recorded(y, room, seed=take))
                probs.append(p)
                embs.append(e)
                labels.append(label)
                rooms.append(room)
                take_ids.append(take)
    out = {
        "probs": np.stack(probs),
        "emb": np.stack(embs),
        "label": np.array(labels),
        "room": np.array(rooms),
        "take": np.array(take_ids),
    }
    np.savez(path, **out)
    return out


#: The phone recordings of the independent evaluation, as ESC-50 classes: taught in room A, tested in room B.
PHONE_FIVE = ["clapping", "door_wood_knock", "laughing", "coughing", "clock_alarm"]
#: Five made labels for the "5 labels, k = 5" test (a fixed draw).
MADE_FIVE = [str(x) for x in np.random.default_rng(5).choice(material.LABELS, 5, replace=False)]


def rooms_a_b(esc_sets) -> dict:
    """ESC-50 through room A and room B as one set (``room``, and ``take`` = the clip)."""
    a, b = esc_sets["A"], esc_sets["B"]
    both = {k: np.concatenate([a[k], b[k]]) for k in a}
    both["room"] = np.array(["A"] * len(a["label"]) + ["B"] * len(b["label"]))
    both["take"] = np.concatenate([np.arange(len(a["label"]))] * 2)
    return both
