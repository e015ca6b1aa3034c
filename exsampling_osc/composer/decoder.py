"""The exported decoder run with numpy alone (no TensorFlow): latent point → token and duration choices.

A model folder holds ``model.json`` (vocabulary, durations, phrase length, latent bounds, metrics) and
``decoder.npz`` (the Dense weights: ``hidden0_w/b``, ``hidden1_w/b``… (relu), ``token_w/b``, ``duration_w/b``,
and ``codes``, the latent points of the training phrases).

Coordinates: ``x`` and ``y`` in [-1, 1] span the box of the training codes on the first two latent axes
(0, 0 is its centre); values outside extrapolate. Further latent axes stay at the box centre.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exsampling_osc.composer.midi import Event
from exsampling_osc.composer.vocab import Vocabulary
from exsampling_osc.errors import ModelError

FORMAT = "exsampling-composer/1"
WEIGHTS = ("hidden0_w", "hidden0_b", "token_w", "token_b", "duration_w", "duration_b")


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Softmax over the last axis at ``temperature`` (> 0)."""
    z = logits / max(temperature, 1e-6)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass
class Decoder:
    """Decoder weights plus the metadata to turn its output into events."""

    meta: dict
    weights: dict[str, np.ndarray]
    vocab: Vocabulary

    @classmethod
    def load(cls, model_dir: str | Path) -> Decoder:
        """Read and check a model folder; ModelError names what is missing or inconsistent."""
        model_dir = Path(model_dir)
        try:
            meta = json.loads((model_dir / "model.json").read_text())
            with np.load(model_dir / "decoder.npz") as npz:
                weights = {k: np.asarray(npz[k], dtype=np.float32) for k in npz.files}
        except (OSError, ValueError) as exc:
            raise ModelError(f"{model_dir}: not a composer model ({exc})") from None
        if meta.get("format") != FORMAT:
            raise ModelError(f"{model_dir}/model.json: format {meta.get('format')!r}, expected {FORMAT!r}")
        missing = [k for k in WEIGHTS if k not in weights]
        if missing:
            raise ModelError(f"{model_dir}/decoder.npz: missing arrays {', '.join(missing)}")
        vocab = Vocabulary(tuple(meta["tokens"]), tuple(float(d) for d in meta["durations"]))
        n, dim = meta["phrase_length"], meta["latent_dim"]
        shapes = {
            "hidden0_w": (dim, None),
            "token_w": (None, n * vocab.size),
            "duration_w": (None, n * len(vocab.durations)),
        }
        for key, shape in shapes.items():
            got = weights[key].shape
            if len(got) != 2 or any(s is not None and s != g for s, g in zip(shape, got, strict=True)):
                raise ModelError(f"{model_dir}/decoder.npz: {key} has shape {got}, model.json expects {shape}")
        return cls(meta, weights, vocab)

    @property
    def latent_dim(self) -> int:
        return int(self.meta["latent_dim"])

    @property
    def phrase_length(self) -> int:
        return int(self.meta["phrase_length"])

    def latent_point(self, x: float | None, y: float | None, rng: np.random.Generator | None = None) -> np.ndarray:
        """The latent vector at pad coordinates (x, y) (see the module doc); a None coordinate is drawn
        uniformly in [-1, 1] from ``rng``."""
        lo = np.asarray(self.meta["latent_min"], dtype=np.float32)
        hi = np.asarray(self.meta["latent_max"], dtype=np.float32)
        z = ((lo + hi) / 2).astype(np.float32)
        rng = rng or np.random.default_rng()
        for axis, value in enumerate((x, y)[: self.latent_dim]):
            u = rng.uniform(-1.0, 1.0) if value is None else float(value)
            z[axis] += u * (hi[axis] - lo[axis]) / 2
        return z

    def pad_coordinates(self, z: np.ndarray) -> tuple[float, ...]:
        """Inverse of :meth:`latent_point` on the first two axes."""
        lo = np.asarray(self.meta["latent_min"], dtype=np.float32)
        hi = np.asarray(self.meta["latent_max"], dtype=np.float32)
        half = np.maximum((hi - lo) / 2, 1e-9)
        return tuple(float(v) for v in ((np.asarray(z) - (lo + hi) / 2) / half)[:2])

    def probabilities(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Token (length, V) and duration (length, D) probabilities at latent point ``z``."""
        logits = self.logits(z)
        return softmax(logits[0]), softmax(logits[1])

    def logits(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = self.weights
        h = np.asarray(z, dtype=np.float32).reshape(1, self.latent_dim)
        i = 0
        while f"hidden{i}_w" in w:
            h = np.maximum(h @ w[f"hidden{i}_w"] + w[f"hidden{i}_b"], 0.0)
            i += 1
        tok = (h @ w["token_w"] + w["token_b"]).reshape(self.phrase_length, self.vocab.size)
        dur = (h @ w["duration_w"] + w["duration_b"]).reshape(self.phrase_length, len(self.vocab.durations))
        return tok, dur

    def decode(self, z: np.ndarray, rng: np.random.Generator | None = None, temperature: float = 0.7) -> list[Event]:
        """Events at ``z``: the most likely token and duration of each step, or, with ``rng``, a draw from
        the decoder's distribution at ``temperature`` (repeatable for a seeded generator)."""
        tok_logits, dur_logits = self.logits(z)
        if rng is None:
            return self.vocab.decode(tok_logits.argmax(axis=1), dur_logits.argmax(axis=1))
        tp, dp = softmax(tok_logits, temperature), softmax(dur_logits, temperature)
        tok = [rng.choice(len(p), p=p) for p in tp]
        dur = [rng.choice(len(p), p=p) for p in dp]
        return self.vocab.decode(tok, dur)
