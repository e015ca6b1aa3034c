"""The exported phrase VAE run with numpy alone (no TensorFlow): encoder (phrase → latent point) and the
autoregressive GRU decoder (latent point + the steps written so far → the next step).

A model folder holds ``model.json`` (format, phrase length, latent size, pad map, metrics, settings) and
``decoder.npz``: ``enc_emb`` (V×E), ``enc_w/b`` (T·E×H, relu), ``mu_w/b``; ``dec_emb`` ((V+2)×E: the tokens,
START, MASK), ``init_w/b`` (D×G, tanh: the first state), ``gru_kernel`` (E+16+D × 3G), ``gru_recurrent``
(G×3G), ``gru_bias`` (2×3G), gates in Keras' order z, r, h with the reset gate after the recurrent product;
``out_w/b`` (G×V); ``logvar_w/b`` (kept for fine-tuning); ``codes`` (the latent means of the training
phrases) and the pad arrays (see :mod:`pad`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exsampling_osc.composer.grid import ON, STEPS_PER_BAR
from exsampling_osc.errors import ModelError

FORMAT = "exsampling-composer/2"
WEIGHTS: tuple[str, ...] = ("enc_emb", "enc_w", "enc_b", "mu_w", "mu_b", "dec_emb", "init_w", "init_b")
WEIGHTS += ("gru_kernel", "gru_recurrent", "gru_bias", "out_w", "out_b", "codes")


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def gru_step(x: np.ndarray, h: np.ndarray, kernel: np.ndarray, recurrent: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """One step of a Keras GRU (reset_after=True, sigmoid gates, tanh): x (B×I), h (B×G) → new h."""
    g = h.shape[-1]
    xs = x @ kernel + bias[0]
    rs = h @ recurrent + bias[1]
    z = sigmoid(xs[:, :g] + rs[:, :g])
    r = sigmoid(xs[:, g : 2 * g] + rs[:, g : 2 * g])
    cand = np.tanh(xs[:, 2 * g :] + r * rs[:, 2 * g :])
    return z * h + (1.0 - z) * cand


def position(step: int) -> np.ndarray:
    """One-hot position of a step in its bar."""
    p = np.zeros(STEPS_PER_BAR, dtype=np.float32)
    p[step % STEPS_PER_BAR] = 1.0
    return p


@dataclass
class Decoder:
    """VAE weights plus metadata; :meth:`encode` and :meth:`decode` are a few numpy products per step."""

    meta: dict
    weights: dict[str, np.ndarray]

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
        dec = cls(meta, weights)
        v, d, g = dec.vocab, dec.latent_dim, weights["gru_recurrent"].shape[0]
        e = weights["dec_emb"].shape[1]
        shapes = {
            "enc_emb": (v, None),
            "mu_w": (None, d),
            "dec_emb": (v + 2, None),
            "init_w": (d, g),
            "gru_kernel": (e + STEPS_PER_BAR + d, 3 * g),
            "out_w": (g, v),
            "codes": (None, d),
        }
        for key, shape in shapes.items():
            got = weights[key].shape
            if len(got) != 2 or any(s is not None and s != n for s, n in zip(shape, got, strict=True)):
                raise ModelError(f"{model_dir}/decoder.npz: {key} has shape {got}, model.json expects {shape}")
        if weights["enc_w"].shape[0] != dec.steps * weights["enc_emb"].shape[1]:
            raise ModelError(f"{model_dir}/decoder.npz: enc_w does not fit {dec.steps} steps")
        return dec

    @property
    def latent_dim(self) -> int:
        return int(self.meta["latent_dim"])

    @property
    def steps(self) -> int:
        return int(self.meta["bars"]) * STEPS_PER_BAR

    @property
    def vocab(self) -> int:
        return int(self.meta["vocab"])

    @property
    def kind(self) -> str:
        """``melody`` or ``drums``."""
        return str(self.meta.get("kind", "melody"))

    def encode(self, tokens: np.ndarray) -> np.ndarray:
        """Latent means (n × D) of token phrases (n × steps)."""
        w = self.weights
        tok = np.asarray(tokens, dtype=np.int64).reshape(-1, self.steps)
        x = w["enc_emb"][tok].reshape(len(tok), -1)
        h = np.maximum(x @ w["enc_w"] + w["enc_b"], 0.0)
        return h @ w["mu_w"] + w["mu_b"]

    def start(self, z: np.ndarray) -> np.ndarray:
        """The decoder's first state for latent points z (n × D)."""
        return np.tanh(np.atleast_2d(z) @ self.weights["init_w"] + self.weights["init_b"])

    def step_logits(self, z: np.ndarray, prev: np.ndarray, step: int, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Logits of the token at ``step`` after ``prev`` (token indices, START for the first) and the new state."""
        w = self.weights
        z = np.atleast_2d(z).astype(np.float32)
        pos = np.repeat(position(step)[None], len(z), axis=0)
        x = np.concatenate([w["dec_emb"][np.asarray(prev, dtype=np.int64)], pos, z], axis=1)
        h = gru_step(x, h, w["gru_kernel"], w["gru_recurrent"], w["gru_bias"])
        return h @ w["out_w"] + w["out_b"], h

    def teacher_forced(self, z: np.ndarray, tokens: np.ndarray) -> np.ndarray:
        """Per-step probabilities (n × steps × V) when the true previous tokens are fed (as in training)."""
        tokens = np.atleast_2d(tokens)
        h = self.start(z)
        prev = np.full(len(tokens), self.vocab, dtype=np.int64)
        out = []
        for t in range(self.steps):
            logits, h = self.step_logits(z, prev, t, h)
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
            out.append(e / e.sum(axis=1, keepdims=True))
            prev = tokens[:, t]
        return np.stack(out, axis=1)

    def decode(
        self,
        z: np.ndarray,
        temperature: float = 0.0,
        uniforms: np.ndarray | None = None,
        bias: np.ndarray | None = None,
        allowed: np.ndarray | None = None,
    ) -> np.ndarray:
        """Token phrases (n × steps) at latent points z (n × D).

        ``temperature`` 0: the most likely token at each step; above 0 a draw by inverse CDF from
        ``uniforms`` (n × steps in [0, 1): the same numbers at nearby points give nearby phrases).
        ``bias`` (V) is added to the logits (the density knob); ``allowed`` (V bools) masks tokens out
        (the pitch range).
        """
        z = np.atleast_2d(np.asarray(z, dtype=np.float32))
        n = len(z)
        h = self.start(z)
        prev = np.full(n, self.vocab, dtype=np.int64)
        out = np.zeros((n, self.steps), dtype=np.int32)
        for t in range(self.steps):
            logits, h = self.step_logits(z, prev, t, h)
            if bias is not None:
                logits = logits + bias
            if allowed is not None:
                logits = np.where(allowed, logits, -np.inf)
            if temperature <= 0 or uniforms is None:
                tok = logits.argmax(axis=1)
            else:
                zl = logits / temperature
                p = np.exp(zl - zl.max(axis=1, keepdims=True))
                c = np.cumsum(p, axis=1)
                u = uniforms[:, t : t + 1] * c[:, -1:]
                tok = np.minimum((c <= u).sum(axis=1), self.vocab - 1)
            out[:, t] = tok
            prev = tok
        return out

    def note_on_bias(self, density: float) -> np.ndarray:
        """Logit bias for the density knob: note-ons scaled by ``density`` (1: as learnt)."""
        b = np.zeros(self.vocab, dtype=np.float32)
        b[ON:] = np.log(max(density, 1e-3))
        return b
