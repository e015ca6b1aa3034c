"""How close generated phrases are to real music (pure numpy): histogram distances, rhythm and melody
figures, copy rates, and the pad survey figures.

A phrase here is a sequence of notes ``(onset step, length in steps, pitch)``, pitch relative to the key's
tonic (so ``pitch % 12`` is the pitch class in the key), on a grid of :data:`BAR` steps per bar.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

BAR = 16
MAX_INTERVAL = 12  # intervals are clipped to ±12 semitones
MAX_LENGTH = 16  # note lengths clipped to 16 steps (one bar)
NGRAM = 8

Notes = Sequence[tuple[int, int, int]]
# the seven distribution figures compared against held-out music (JSDs: lower is closer)
JSD_FIGURES = ("interval_jsd", "duration_jsd", "onset_jsd", "pitch_class_jsd")
SCALAR_FIGURES = ("distinct_durations", "repeated_notes", "density")


def jsd(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon divergence in bits (0: same distribution, 1: disjoint) of two histograms."""
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    if p.sum() == 0 or q.sum() == 0:
        return 1.0
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2

    def kl(a: np.ndarray) -> float:
        nz = a > 0
        return float((a[nz] * np.log2(a[nz] / m[nz])).sum())

    return (kl(p) + kl(q)) / 2


def intervals(phrase: Notes) -> np.ndarray:
    """Semitone steps between successive notes."""
    pitches = np.array([p for _, _, p in phrase], dtype=int)
    return np.diff(pitches)


def histograms(phrases: Iterable[Notes]) -> dict[str, np.ndarray]:
    """Counts of intervals (−12…12), lengths (1…16 steps), onset positions in the bar (0…15) and pitch
    classes (0…11) over all phrases."""
    h = {
        "interval": np.zeros(2 * MAX_INTERVAL + 1),
        "duration": np.zeros(MAX_LENGTH),
        "onset": np.zeros(BAR),
        "pitch_class": np.zeros(12),
    }
    for ph in phrases:
        for d in np.clip(intervals(ph), -MAX_INTERVAL, MAX_INTERVAL):
            h["interval"][d + MAX_INTERVAL] += 1
        for onset, length, pitch in ph:
            h["duration"][min(max(length, 1), MAX_LENGTH) - 1] += 1
            h["onset"][onset % BAR] += 1
            h["pitch_class"][pitch % 12] += 1
    return h


def distinct_durations(phrase: Notes) -> int:
    return len({length for _, length, _ in phrase})


def repeated_share(phrases: Iterable[Notes]) -> float:
    """Share of successive note pairs at the same pitch."""
    steps = np.concatenate([intervals(ph) for ph in phrases] + [np.zeros(0, int)])
    return float((steps == 0).mean()) if steps.size else 0.0


def density(phrase: Notes, steps: int) -> float:
    """Notes per bar."""
    return len(phrase) * BAR / steps


def degenerate(phrase: Notes) -> bool:
    """Fewer than two notes, or one pitch throughout, or one length throughout."""
    return len(phrase) < 2 or len({p for _, _, p in phrase}) == 1 or distinct_durations(phrase) == 1


def ngrams(phrase: Notes, n: int = NGRAM) -> set[tuple]:
    """Transposition-invariant n-grams of notes: (pitch relative to the n-gram's first, length) pairs."""
    out = set()
    for i in range(len(phrase) - n + 1):
        first = phrase[i][2]
        out.add(tuple((p - first, length) for _, length, p in phrase[i : i + n]))
    return out


def copy_rates(generated: Sequence[Notes], training: Sequence[Notes], n: int = NGRAM) -> dict[str, float]:
    """``exact``: share of generated phrases equal to a training phrase (notes and positions, any
    transposition); ``ngram``: share of generated note n-grams that occur in the training phrases."""

    def shape(ph: Notes) -> tuple:
        first = ph[0][2] if ph else 0
        return tuple((o, length, p - first) for o, length, p in ph)

    train_shapes = {shape(ph) for ph in training}
    train_grams: set[tuple] = set().union(*(ngrams(ph, n) for ph in training)) if training else set()
    exact = float(np.mean([shape(ph) in train_shapes for ph in generated])) if generated else 0.0
    grams = [g for ph in generated for g in ngrams(ph, n)]
    ngram = float(np.mean([g in train_grams for g in grams])) if grams else 0.0
    return {"exact": exact, "ngram": ngram}


def describe(phrases: Sequence[Notes], steps: int) -> dict:
    """Histograms and the scalar figures of a set of phrases."""
    return {
        "histograms": histograms(phrases),
        "distinct_durations": float(np.mean([distinct_durations(ph) for ph in phrases])) if phrases else 0.0,
        "repeated_notes": repeated_share(phrases),
        "density": float(np.mean([density(ph, steps) for ph in phrases])) if phrases else 0.0,
        "degenerate": float(np.mean([degenerate(ph) for ph in phrases])) if phrases else 0.0,
        "range": float(np.mean([np.ptp([p for _, _, p in ph]) for ph in phrases if ph])) if phrases else 0.0,
    }


def compare(generated: Sequence[Notes], reference: Sequence[Notes], training: Sequence[Notes], steps: int) -> dict:
    """Every figure of ``generated`` next to ``reference`` (held-out music): the four JSDs, the scalar
    figures with their distance to the reference's, the degenerate share and the copy rates."""
    g, r = describe(generated, steps), describe(reference, steps)
    out: dict = {f"{k}_jsd": jsd(g["histograms"][k], r["histograms"][k]) for k in g["histograms"]}
    for k in (*SCALAR_FIGURES, "degenerate", "range"):
        out[k] = g[k]
        out[f"{k}_gap"] = abs(g[k] - r[k])
    out.update({f"copy_{k}": v for k, v in copy_rates(generated, training).items()})
    return out


def closer_count(a: dict, b: dict) -> int:
    """On how many of the seven distribution figures ``a`` is closer to the reference than ``b``."""
    wins = sum(a[k] < b[k] for k in JSD_FIGURES)
    return wins + sum(a[f"{k}_gap"] < b[f"{k}_gap"] for k in SCALAR_FIGURES)


def changed_share(a: Notes, b: Notes) -> float:
    """Share of events (notes: onset, length, pitch) that differ between two phrases: 1 − common / the
    larger count (0 for two empty phrases)."""
    common = len(set(map(tuple, a)) & set(map(tuple, b)))
    larger = max(len(a), len(b))
    return 1.0 - common / larger if larger else 0.0


def pad_survey(grid: Sequence[Sequence[Notes]]) -> dict[str, float]:
    """Figures of phrases decoded on an n×n grid over the pad (neighbours one grid step apart): the
    degenerate share, the share of neighbouring pairs that change more than half of their events, the
    mean change between neighbours, and the number of distinct phrases."""
    n = len(grid)
    pairs = [(grid[i][j], grid[i + di][j + dj]) for i in range(n) for j in range(n)
             for di, dj in ((1, 0), (0, 1)) if i + di < n and j + dj < len(grid[i])]  # fmt: skip
    flat: list[tuple] = [tuple(tuple(n) for n in ph) for row in grid for ph in row]
    changes = [changed_share(a, b) for a, b in pairs]
    return {
        "degenerate": float(np.mean([degenerate(ph) for ph in flat])),
        "neighbour_change": float(np.mean([c > 0.5 for c in changes])) if changes else 0.0,
        "mean_neighbour_change": float(np.mean(changes)) if changes else 0.0,
        "distinct": float(len(set(flat))),
    }
