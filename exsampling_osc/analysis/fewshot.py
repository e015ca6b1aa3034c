"""Few-shot labels taught from the performer's own examples, on the model's embeddings (numpy only).

Each taught label is a cosine prototype: the normalised mean of its examples' normalised embeddings
(one example = one recording; its pieces are averaged first). A piece matches a taught label when its
cosine similarity to the label's prototype reaches :data:`MIN_SIMILARITY`; :func:`combine` then merges
the taught labels with the base classes' probabilities into one :class:`Prediction`, and what matches
neither stays ``unknown``. Teaching is an average, so it takes microseconds, not a training run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from exsampling_osc.analysis.classify import Prediction, decide
from exsampling_osc.analysis.embedding import embedding_of, reader_for
from exsampling_osc.analysis.openset import BackgroundHead, reject
from exsampling_osc.errors import ExSamplingError, existing_folder

__all__ = ["MIN_SIMILARITY", "TaughtClassifier", "TaughtLabels", "combine", "embedding_of", "unit"]

#: Cosine similarity to a taught prototype at which a piece counts as that label (bench/bench_fewshot.py).
MIN_SIMILARITY = 0.85
#: Width of the soft step around :data:`MIN_SIMILARITY` (how fast "taught" takes over from the base classes).
STEP_WIDTH = 0.02
#: Temperature of the softmax that shares the taught weight among taught labels.
TAUGHT_TEMPERATURE = 0.02
#: How far the similarity a taught label needs falls as the base classes grow unsure: the threshold is
#: ``min_similarity − CONFIDENCE_SLOPE · (1 − top base probability)`` (0: one fixed threshold). With 0.85 it
#: beat the fixed 0.82 on every taught figure of bench_fewshot at the same cost to the base classes.
CONFIDENCE_SLOPE = 0.1
FORMAT = "exsampling-taught-labels/1"


class TeachingError(ExSamplingError):
    """Taught labels that cannot be used: no examples, mismatched embeddings, an unreadable file."""


def unit(x: np.ndarray) -> np.ndarray:
    """Rows of ``x`` scaled to length 1 (zero rows stay zero).

    >>> unit(np.array([[3.0, 4.0], [0.0, 0.0]])).astype(float).round(3).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """
    x = np.asarray(x, dtype=np.float32)
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return np.where(norm > 0, x / np.maximum(norm, 1e-12), 0.0).astype(np.float32)


def example_embedding(piece_embeddings: np.ndarray) -> np.ndarray:
    """One recording's embedding from its pieces' (n_pieces, D) or (D,): they count as one example.

    >>> example_embedding(np.array([[1.0, 0.0], [0.0, 1.0]])).astype(float).round(3).tolist()
    [0.707, 0.707]
    """
    e = unit(np.atleast_2d(piece_embeddings))
    return unit(e.mean(axis=0))


@dataclass(frozen=True)
class TaughtLabels:
    """Taught labels: every example's unit embedding and its label. Immutable: teaching returns a new one.

    >>> t = TaughtLabels.empty(2).teach("door", [np.array([1.0, 0.0])])
    >>> t.labels, t.similarities(np.array([[1.0, 1.0]])).astype(float).round(3).tolist()
    (['door'], [[0.707]])
    """

    dim: int
    examples: np.ndarray = field(repr=False)  # (n, dim) unit rows
    example_labels: tuple[str, ...] = ()
    min_similarity: float = MIN_SIMILARITY
    model: str = ""  # the model the embeddings come from (EmbeddingReader.model_id); "" = not recorded

    @classmethod
    def empty(cls, dim: int, min_similarity: float = MIN_SIMILARITY, model: str = "") -> TaughtLabels:
        return cls(dim, np.zeros((0, dim), np.float32), (), float(min_similarity), model)

    @classmethod
    def fit(
        cls, examples: dict[str, list[np.ndarray]], min_similarity: float = MIN_SIMILARITY, model: str = ""
    ) -> TaughtLabels:
        """Taught labels from ``{label: [example embedding, ...]}`` (each example (D,) or its pieces (n, D))."""
        dims = {np.atleast_2d(e).shape[-1] for es in examples.values() for e in es}
        if not dims:
            raise TeachingError("no examples to teach")
        if len(dims) > 1:
            raise TeachingError(f"examples of different embedding sizes: {sorted(dims)}")
        taught = cls.empty(dims.pop(), min_similarity, model)
        for label, es in examples.items():
            taught = taught.teach(label, es)
        return taught

    @property
    def labels(self) -> list[str]:
        """Taught labels in the order they were first taught."""
        return list(dict.fromkeys(self.example_labels))

    def counts(self) -> dict[str, int]:
        """Examples per label."""
        return {label: self.example_labels.count(label) for label in self.labels}

    def teach(self, label: str, examples: list[np.ndarray]) -> TaughtLabels:
        """Add examples of ``label`` (a new name or a base class name); each is one recording."""
        label = label.strip()
        if not label:
            raise TeachingError("a taught label needs a name")
        if not examples:
            raise TeachingError(f"{label}: no examples")
        rows = np.stack([example_embedding(e) for e in examples])
        if rows.shape[1] != self.dim:
            raise TeachingError(f"{label}: embeddings of size {rows.shape[1]}, taught labels hold {self.dim}")
        return replace(
            self,
            examples=np.concatenate([self.examples, rows]),
            example_labels=self.example_labels + (label,) * len(rows),
        )

    def untaught(self, label: str) -> TaughtLabels:
        """Without ``label`` (and all its examples); unknown labels raise :class:`TeachingError`."""
        if label not in self.example_labels:
            raise TeachingError(f"{label}: not a taught label")
        keep = np.array([lab != label for lab in self.example_labels], dtype=bool)
        return replace(
            self, examples=self.examples[keep], example_labels=tuple(lab for lab in self.example_labels if lab != label)
        )

    def prototypes(self) -> np.ndarray:
        """(n_labels, dim) unit prototypes, one per label of :attr:`labels`."""
        names = np.array(self.example_labels)
        return unit(np.stack([self.examples[names == lab].mean(axis=0) for lab in self.labels]))

    def similarities(self, embeddings: np.ndarray) -> np.ndarray:
        """Cosine similarity of each embedding (n, dim) to each taught prototype: (n, n_labels)."""
        if not self.example_labels:
            return np.zeros((np.atleast_2d(embeddings).shape[0], 0), np.float32)
        return unit(np.atleast_2d(embeddings)) @ self.prototypes().T

    # serialisation: JSON, so the library can keep it as text
    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "dim": self.dim,
            "min_similarity": self.min_similarity,
            "model": self.model,
            "labels": list(self.example_labels),
            "examples": np.round(self.examples, 6).tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> TaughtLabels:
        try:
            if data.get("format") != FORMAT:
                raise TeachingError(f"not taught labels (format {data.get('format')!r}, expected {FORMAT!r})")
            dim = int(data["dim"])
            rows = np.asarray(data["examples"], dtype=np.float32).reshape(-1, dim)
            labels = tuple(str(s) for s in data["labels"])
            if len(labels) != rows.shape[0]:
                raise TeachingError(f"{len(labels)} labels for {rows.shape[0]} examples")
            return cls(
                dim, unit(rows), labels, float(data.get("min_similarity", MIN_SIMILARITY)), str(data.get("model", ""))
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise TeachingError(f"taught labels are damaged ({exc})") from None

    def save(self, path: str | Path) -> None:
        """Write JSON to ``path`` (atomically: a half-written file never replaces a good one)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_dict()))
        tmp.replace(path)

    @classmethod
    def load(cls, path: str | Path) -> TaughtLabels:
        try:
            return cls.from_dict(json.loads(Path(path).read_text()))
        except (OSError, json.JSONDecodeError) as exc:
            raise TeachingError(f"{Path(path).name}: cannot read taught labels ({exc})") from None


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def combine(
    taught: TaughtLabels,
    embedding: np.ndarray,
    base_probs: np.ndarray,
    base_labels: list[str],
    threshold: float = 0.25,
    top_k: int = 3,
    slope: float = CONFIDENCE_SLOPE,
) -> Prediction:
    """One prediction over the base classes and the taught labels for one piece.

    The taught labels together get weight ``g = sigmoid((s_max − tau) / STEP_WIDTH)`` (``s_max``: the best
    cosine similarity to a prototype; ``tau = min_similarity − slope · (1 − top base probability)``), shared by
    a softmax over their similarities; the base classes share ``1 − g`` in proportion to their probabilities.
    A taught label named like a base class adds to it. Below ``threshold`` the label is ``unknown``, as
    without taught labels.

    >>> t = TaughtLabels.empty(2).teach("tram", [np.array([1.0, 0.0])])
    >>> combine(t, np.array([0.9, 0.1]), np.array([0.7, 0.3]), ["train", "rain"]).label
    'tram'
    >>> combine(t, np.array([0.1, 0.9]), np.array([0.7, 0.3]), ["train", "rain"]).label
    'train'
    """
    base_probs = np.asarray(base_probs, dtype=np.float64)
    if not taught.example_labels:
        return decide(base_probs, base_labels, threshold, top_k)
    sims = taught.similarities(embedding)[0].astype(np.float64)
    tau = taught.min_similarity - slope * (1.0 - float(base_probs.max()))
    g = float(_sigmoid(np.array((sims.max() - tau) / STEP_WIDTH)))
    share = np.exp((sims - sims.max()) / TAUGHT_TEMPERATURE)
    share /= share.sum()
    names = list(base_labels) + [lab for lab in taught.labels if lab not in base_labels]
    scores = np.zeros(len(names))
    scores[: len(base_labels)] = (1.0 - g) * base_probs
    for lab, w in zip(taught.labels, share, strict=True):
        scores[names.index(lab)] += g * w
    return decide(scores, names, threshold, top_k)


def label_piece(
    taught: TaughtLabels,
    embedding: np.ndarray,
    base_probs: np.ndarray,
    base_labels: list[str],
    threshold: float = 0.25,
    top_k: int = 3,
    head: BackgroundHead | None = None,
    slope: float = CONFIDENCE_SLOPE,
) -> Prediction:
    """What the running system says of one piece: :func:`combine`, then the background ``head`` (the open
    set) for an answer that is no taught label; a taught match is never background."""
    pred = combine(taught, embedding, base_probs, base_labels, threshold, top_k, slope)
    if pred.label in taught.labels:
        return pred
    return reject(pred, head, base_probs, embedding)


class TaughtClassifier:
    """A :class:`~exsampling_osc.analysis.classify.Classifier` whose ``predict`` also knows taught labels.

    Put it in place of ``Analyzer.classifier``; every other attribute is the base classifier's. Assigning
    ``taught`` applies new labels to the next piece at once.
    """

    def __init__(self, base, taught: TaughtLabels | None = None):
        self.base = base
        reader = reader_for(base)
        self.taught = taught or TaughtLabels.empty(reader.dim, model=reader.model_id)

    @property
    def taught(self) -> TaughtLabels:
        return self._taught

    @taught.setter
    def taught(self, taught: TaughtLabels) -> None:
        """Raises :class:`TeachingError` for labels taught on another model (re-teach from their recordings)."""
        reader = reader_for(self.base)
        if taught.dim != reader.dim or (taught.model and taught.model != reader.model_id):
            raise TeachingError(
                f"these labels were taught on another model ({taught.model or taught.dim}, this one "
                f"is {reader.model_id}): teach them again from their recordings"
            )
        self._taught = taught

    def __getattr__(self, name: str):
        if name in ("base", "_taught"):
            raise AttributeError(name)
        return getattr(self.base, name)

    def probabilities_and_embedding(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean base probabilities and mean embedding over a piece's crops, from one pass per crop."""
        embed = getattr(self.base, "embed", None)
        if callable(embed):
            return self.base.mean_probabilities(images), embedding_of(self.base, images)
        return reader_for(self.base).read_mean(images)

    def predict(self, images: np.ndarray) -> Prediction:
        probs, emb = self.probabilities_and_embedding(images)
        base = self.base
        head = getattr(base, "background", None)
        return label_piece(self.taught, emb, probs, base.labels, base.threshold, base.top_k, head)


class _Capture(TaughtClassifier):
    """Records each piece's (probabilities, embedding) while predicting as the base classifier does."""

    def __init__(self, base):
        super().__init__(base)
        self.rows: list[tuple[np.ndarray, np.ndarray]] = []

    def predict(self, images: np.ndarray) -> Prediction:
        probs, emb = self.probabilities_and_embedding(images)
        self.rows.append((probs, emb))
        return decide(probs, self.base.labels, self.base.threshold, self.base.top_k)


def embed_signal(analyzer, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Base probabilities (n_pieces, n_classes) and embeddings (n_pieces, D) of a signal's pieces.

    Runs the analyzer's own trim and cut (so examples are seen exactly as recordings are) on a shallow copy
    of it: the analyzer itself is untouched and may serve other threads meanwhile.
    """
    import copy

    capture = _Capture(getattr(analyzer.classifier, "base", analyzer.classifier))
    worker = copy.copy(analyzer)
    worker.classifier = capture
    worker.analyse_signal(y)
    return np.stack([p for p, _ in capture.rows]), np.stack([e for _, e in capture.rows])


def embed_file(analyzer, path: str | Path) -> np.ndarray:
    """One example's embedding from an audio file: its pieces' embeddings averaged (:func:`example_embedding`)."""
    from exsampling_osc.analysis.audio import load_audio

    y = load_audio(path, analyzer.sample_rate, analyzer.config.max_seconds)
    return example_embedding(embed_signal(analyzer, y)[1])


def teach_from_folder(analyzer, folder: str | Path, min_similarity: float = MIN_SIMILARITY) -> TaughtLabels:
    """Taught labels from ``folder/LABEL/*.wav`` (one sub-folder of example recordings per label).

    Raises :class:`TeachingError` for a folder without label sub-folders, a label without usable audio, or
    an example that cannot be read (its name and the reason are in the message).
    """
    from exsampling_osc.audio_suffixes import AUDIO_SUFFIXES

    folder = Path(folder)
    existing_folder(folder, "folder of example sub-folders")
    examples: dict[str, list[np.ndarray]] = {}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = sorted(f for f in sub.rglob("*") if f.is_file() and f.suffix.lower() in AUDIO_SUFFIXES)
        if not files:
            raise TeachingError(f"{sub}: no audio files to learn '{sub.name}' from")
        try:
            examples[sub.name] = [embed_file(analyzer, f) for f in files]
        except ExSamplingError as exc:
            raise TeachingError(f"example for '{sub.name}': {exc}") from None
    if not examples:
        raise TeachingError(f"{folder}: no label sub-folders (expected {folder}/LABEL/example.wav)")
    base = getattr(analyzer.classifier, "base", analyzer.classifier)
    return TaughtLabels.fit(examples, min_similarity, reader_for(base).model_id)


def teach_analyzer(analyzer, folder: str | Path) -> TaughtLabels:
    """Teach ``analyzer`` the labels of ``folder`` (see :func:`teach_from_folder`): its next pieces know them."""
    taught = teach_from_folder(analyzer, folder)
    current = analyzer.classifier
    if isinstance(current, TaughtClassifier):
        current.taught = taught
    else:
        analyzer.classifier = TaughtClassifier(current, taught)
    return taught
