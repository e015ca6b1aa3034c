"""Open set: a background head that tells sounds of no class from the model's classes.

A logistic regression in numpy on the model's penultimate embedding and its log-probabilities, fitted on
the training clips (known) against sounds made to be of no class (speech, babble, music, tones, noise,
beeps: ``bench/openset_material.py``). It gives ``p_known`` for a piece; below the head's threshold the
label is ``unknown``, whatever the top probability says. The head lives beside the model as
``background.npz`` (``bench/bench_openset.py --background --write MODEL_DIR`` fits and stores it); a model
without one rejects by its top probability alone.

>>> rng = np.random.default_rng(0)
>>> known = rng.normal(1.0, 0.3, (200, 4)); other = rng.normal(-1.0, 0.3, (200, 4))
>>> head = fit_background(known, other, threshold=0.5)
>>> bool(head.known_features(known[:1])[0] > 0.5), bool(head.known_features(other[:1])[0] < 0.5)
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from exsampling_osc.analysis.classify import UNKNOWN, Prediction, decide
from exsampling_osc.analysis.embedding import reader_for

#: the head's file in a model folder
BACKGROUND_FILE = "background.npz"
_FLOOR = 1e-4  # log-probabilities are taken of max(p, _FLOOR)


def head_features(probs: np.ndarray, embedding: np.ndarray) -> np.ndarray:
    """What the head reads: the embedding (…, D) followed by the log-probabilities (…, C)."""
    probs, embedding = np.atleast_2d(probs), np.atleast_2d(embedding)
    return np.concatenate([embedding, np.log(np.maximum(probs, _FLOOR))], axis=1)


@dataclass(frozen=True)
class BackgroundHead:
    """Standardised logistic regression: ``p_known = sigmoid(((x - mean) / scale) @ weights + bias)``."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float = 0.5

    def known_features(self, x: np.ndarray) -> np.ndarray:
        """``p_known`` for rows of :func:`head_features`."""
        z = ((np.atleast_2d(x) - self.mean) / self.scale) @ self.weights + self.bias
        return 0.5 * (1.0 + np.tanh(0.5 * z))

    def known(self, probs: np.ndarray, embedding: np.ndarray) -> float:
        """``p_known`` of one piece from its mean probabilities and mean embedding."""
        return float(self.known_features(head_features(probs, embedding))[0])

    def save(self, path: Path) -> None:
        np.savez(path, mean=self.mean, scale=self.scale, weights=self.weights, bias=self.bias, threshold=self.threshold)

    @classmethod
    def load(cls, path: Path) -> BackgroundHead:
        with np.load(path) as d:
            return cls(d["mean"], d["scale"], d["weights"], float(d["bias"]), float(d["threshold"]))


def fit_background(
    known: np.ndarray, unknown: np.ndarray, threshold: float = 0.5, l2: float = 1e-3, steps: int = 2000
) -> BackgroundHead:
    """Fit the head on rows of :func:`head_features` of known (N, F) and unknown (M, F) sounds.

    Both sides weigh the same in the loss whatever their counts (class-balanced), with an L2 penalty ``l2``
    on the weights; plain gradient descent on standardised features, deterministic.
    """
    x = np.concatenate([known, unknown]).astype(np.float64)
    t = np.r_[np.ones(len(known)), np.zeros(len(unknown))]
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    weight = np.where(t == 1, 0.5 / t.mean(), 0.5 / (1 - t.mean())) / len(t)
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        g = (0.5 * (1.0 + np.tanh(0.5 * (z @ w + b))) - t) * weight
        w -= 0.1 * (z.T @ g + l2 * w)
        b -= 0.1 * float(g.sum())
    return BackgroundHead(mean, scale, w, b, float(threshold))


def load_background(model_dir: Path) -> BackgroundHead | None:
    """The model folder's head, or None when it has none."""
    path = Path(model_dir) / BACKGROUND_FILE
    return BackgroundHead.load(path) if path.is_file() else None


def reject(prediction: Prediction, head: BackgroundHead | None, probs: np.ndarray, embedding: np.ndarray) -> Prediction:
    """``prediction`` as ``unknown`` when the head says the piece is of no class (its top list stays)."""
    if head is None or prediction.label == UNKNOWN or head.known(probs, embedding) >= head.threshold:
        return prediction
    return replace(prediction, label=UNKNOWN)


class OpenSetClassifier:
    """A :class:`~exsampling_osc.analysis.classify.Classifier` whose ``predict`` also asks the background head.

    Every other attribute is the wrapped classifier's (``inner``); one TFLite pass per crop gives both the
    probabilities and the embedding.
    """

    def __init__(self, inner, head: BackgroundHead):
        self.inner, self.background = inner, head

    def __getattr__(self, name: str):
        if name in ("inner", "background"):
            raise AttributeError(name)
        return getattr(self.inner, name)

    def predict(self, images: np.ndarray) -> Prediction:
        probs, emb = reader_for(self.inner).read_mean(images)
        return reject(decide(probs, self.labels, self.threshold, self.top_k), self.background, probs, emb)


def with_background(classifier):
    """``classifier`` wrapped in :class:`OpenSetClassifier` when its model folder has a head, else itself."""
    head = load_background(classifier.model_dir)
    return classifier if head is None else OpenSetClassifier(classifier, head)
