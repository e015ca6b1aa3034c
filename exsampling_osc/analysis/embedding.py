"""The model's penultimate embedding, read beside its class probabilities in one TFLite invocation.

A model exported with a second output (the embedding) is read through that output. The shipped model has
only the probabilities: its global-average-pool tensor is read instead, from an interpreter that keeps
every intermediate tensor (``experimental_preserve_all_tensors``). Either way one ``invoke`` per crop gives
both, so taught labels cost no second pass through the network.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from exsampling_osc.analysis.classify import dequantize, load_interpreter_class, quantize
from exsampling_osc.errors import ModelError

#: Names that mark the global-average-pool tensor in a converted Keras model.
_POOL_NAMES = ("pool", "global_average", "mean", "embedding")


class EmbeddingReader:
    """One interpreter over ``model.tflite`` that returns ``(probabilities, embedding)`` for an image.

    >>> reader = EmbeddingReader("models/esc50/model.tflite", n_labels=50)  # doctest: +SKIP
    >>> probs, emb = reader.read(image)                                      # doctest: +SKIP
    """

    def __init__(self, tflite: str | Path, n_labels: int, threads: int = 1):
        import hashlib

        Interpreter = load_interpreter_class()
        path = str(tflite)
        #: Fingerprint of the model file: embeddings of one model mean nothing to another.
        self.model_id = hashlib.sha1(Path(path).read_bytes()).hexdigest()[:12]
        probe = Interpreter(model_path=path, num_threads=threads)
        outputs = probe.get_output_details()
        probs = next((o for o in outputs if int(o["shape"][-1]) == n_labels), None)
        if probs is None:
            raise ModelError(f"{tflite}: no output of {n_labels} classes")
        self._probs: dict = probs
        extra = [o for o in outputs if o is not probs and len(o["shape"]) == 2]
        #: True when the embedding is a model output; False when it is read from the pool tensor.
        self.from_output = bool(extra)
        if extra:  # an exported embedding output: no need to keep intermediate tensors
            self._interp, self._emb = probe, extra[0]
        else:
            self._interp = _preserving_interpreter(Interpreter, path, threads)
            self._emb = find_pool_tensor(self._interp.get_tensor_details(), n_labels)
            self._probs = next(o for o in self._interp.get_output_details() if o["index"] == self._probs["index"])
        self._interp.allocate_tensors()
        self._in = self._interp.get_input_details()[0]
        self.dim = int(self._emb["shape"][-1])
        self._lock = threading.Lock()

    def read(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities (summing to 1) and the float embedding of one image (n_mels, frames)."""
        x = quantize(np.asarray(image, dtype=np.float32).reshape(self._in["shape"]), self._in)
        with self._lock:
            self._interp.set_tensor(self._in["index"], x)
            self._interp.invoke()
            y = dequantize(self._interp.get_tensor(self._probs["index"]), self._probs)[0]
            emb = dequantize(self._interp.get_tensor(self._emb["index"]), self._emb).reshape(-1)
        total = float(y.sum())
        return (y / total if total > 0 else y), emb

    def read_mean(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`read` averaged over one image (n_mels, frames) or several (k, n_mels, frames)."""
        images = np.asarray(images)
        if images.ndim == 2:
            images = images[None]
        pairs = [self.read(img) for img in images]
        return np.mean([p for p, _ in pairs], axis=0), np.mean([e for _, e in pairs], axis=0)


def _preserving_interpreter(Interpreter, path: str, threads: int):
    import warnings

    with warnings.catch_warnings():  # LiteRT warns that this mode is meant for debugging; it costs little here
        warnings.simplefilter("ignore")
        try:
            return Interpreter(model_path=path, num_threads=threads, experimental_preserve_all_tensors=True)
        except TypeError:
            raise ModelError(
                f"{path}: this TFLite runtime cannot read intermediate tensors; "
                "export the model with an embedding output"
            ) from None


def find_pool_tensor(details: list[dict], n_labels: int) -> dict:
    """The penultimate (global-average-pool) tensor among ``get_tensor_details()``: shape (1, D), D ≠ n_labels.

    A tensor whose name says pool/mean wins; otherwise the last such (1, D) tensor before the logits.

    >>> find_pool_tensor([{"name": "x/pool/Mean", "shape": np.array([1, 640]), "index": 3},
    ...                   {"name": "logits", "shape": np.array([1, 50]), "index": 4}], 50)["index"]
    3
    """
    flat = [
        d
        for d in details
        if len(d["shape"]) == 2 and int(d["shape"][0]) == 1 and int(d["shape"][1]) not in (n_labels, 0)
    ]
    if not flat:
        raise ModelError("the model has no (1, D) tensor before its logits: no embedding to read")
    named = [d for d in flat if any(k in d["name"].lower() for k in _POOL_NAMES)]
    return max(named or flat, key=lambda d: d["index"])


_READERS: dict[tuple[str, int], EmbeddingReader] = {}
_READERS_LOCK = threading.Lock()


def reader_for(classifier) -> EmbeddingReader:
    """The (cached) :class:`EmbeddingReader` of a :class:`~exsampling_osc.analysis.classify.Classifier`."""
    key = (str(Path(classifier.model_dir) / "model.tflite"), len(classifier.labels))
    with _READERS_LOCK:
        if key not in _READERS:
            _READERS[key] = EmbeddingReader(key[0], key[1])
        return _READERS[key]


def embedding_of(classifier, features: np.ndarray) -> np.ndarray:
    """Mean embedding of one piece's log-mel crops (k, n_mels, frames) or one image (n_mels, frames).

    Uses ``classifier.embed`` when the classifier has one (a model exported with an embedding output),
    otherwise reads the model's penultimate tensor.
    """
    embed = getattr(classifier, "embed", None)
    if callable(embed):
        emb = np.asarray(embed(features), dtype=np.float32)
        return emb.mean(axis=0) if emb.ndim == 2 else emb.reshape(-1)
    return reader_for(classifier).read_mean(features)[1]
