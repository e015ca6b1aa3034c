"""The phrase VAE in Keras (training only; generation runs the exported weights in numpy, see
:mod:`decoder`).

Encoder: token embedding → flatten → Dense(relu) → mean and log-variance of a ``latent``-dim Gaussian.
Decoder: a GRU whose first state is tanh(Dense(z)) and whose input at each step is the previous token
(embedded; START first, replaced by MASK with probability ``word_dropout`` in training so the decoder
must listen to z), the step's position in the bar and z. KL to N(0, I) with free bits per dimension and a
weight annealed from 0 (callback :class:`Anneal`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from exsampling_osc.composer.grid import STEPS_PER_BAR


@dataclass
class VaeShape:
    steps: int
    vocab: int
    latent: int = 16
    enc_embed: int = 8
    enc_hidden: int = 256
    dec_embed: int = 16
    gru: int = 128
    word_dropout: float = 0.7
    free_bits: float = 1.0  # nats per latent dimension not charged
    seed: int = 0


def decoder_inputs(tokens: np.ndarray, vocab: int) -> tuple[np.ndarray, np.ndarray]:
    """(previous tokens with START first, positions one-hot n × steps × 16) for teacher forcing."""
    n, steps = tokens.shape
    prev = np.concatenate([np.full((n, 1), vocab, dtype=np.int32), tokens[:, :-1]], axis=1)
    pos = np.eye(STEPS_PER_BAR, dtype=np.float32)[np.arange(steps) % STEPS_PER_BAR]
    return prev, np.broadcast_to(pos, (n, steps, STEPS_PER_BAR)).copy()


def build_vae(shape: VaeShape):
    """(vae, encoder, kl_layer): vae maps [tokens, prev, pos] to per-step logits; it carries the KL loss."""
    import keras
    from keras import layers, ops

    class Sampling(layers.Layer):
        """z = mu + sigma·eps in training (mu otherwise); adds weight·KL (free bits) / steps as a loss."""

        def __init__(self, free_bits: float, steps: int, seed: int, **kw):
            super().__init__(**kw)
            self.free_bits, self.steps = free_bits, steps
            self.weight = keras.Variable(0.0, trainable=False, name="kl_weight")
            self.seeds = keras.random.SeedGenerator(seed)
            self.kl = keras.Variable(0.0, trainable=False, name="kl_nats")

        def call(self, mu, logvar, training=None):
            kl_dim = ops.mean(0.5 * (ops.exp(logvar) + ops.square(mu) - 1.0 - logvar), axis=0)
            kl = ops.sum(ops.maximum(kl_dim, self.free_bits))
            self.kl.assign(ops.sum(kl_dim))
            self.add_loss(self.weight * kl / self.steps)
            if not training:
                return mu
            eps = keras.random.normal(ops.shape(mu), seed=self.seeds)
            return mu + ops.exp(0.5 * logvar) * eps

    class WordDropout(layers.Layer):
        def __init__(self, rate: float, mask_id: int, seed: int, **kw):
            super().__init__(**kw)
            self.rate, self.mask_id = rate, mask_id
            self.seeds = keras.random.SeedGenerator(seed)

        def call(self, prev, training=None):
            if not training or self.rate <= 0:
                return prev
            drop = keras.random.uniform(ops.shape(prev), seed=self.seeds) < self.rate
            return ops.where(drop, ops.full_like(prev, self.mask_id), prev)

    s = shape
    tokens = keras.Input((s.steps,), dtype="int32", name="tokens")
    prev = keras.Input((s.steps,), dtype="int32", name="prev")
    pos = keras.Input((s.steps, STEPS_PER_BAR), name="pos")
    h = layers.Flatten()(layers.Embedding(s.vocab, s.enc_embed, name="enc_emb")(tokens))
    h = layers.Dense(s.enc_hidden, activation="relu", name="enc")(h)
    mu = layers.Dense(s.latent, name="mu")(h)
    logvar = layers.Dense(s.latent, name="logvar")(h)
    sampler = Sampling(s.free_bits, s.steps, s.seed, name="sampling")
    z = sampler(mu, logvar)
    dropped = WordDropout(s.word_dropout, s.vocab + 1, s.seed + 1, name="word_dropout")(prev)
    x = layers.Concatenate()(
        [layers.Embedding(s.vocab + 2, s.dec_embed, name="dec_emb")(dropped), pos, layers.RepeatVector(s.steps)(z)]
    )
    h0 = layers.Dense(s.gru, activation="tanh", name="init")(z)
    seq = layers.GRU(s.gru, return_sequences=True, name="gru")(x, initial_state=h0)
    logits = layers.Dense(s.vocab, name="out")(seq)
    vae = keras.Model([tokens, prev, pos], logits, name="vae")
    encoder = keras.Model(tokens, mu, name="encoder")
    return vae, encoder, sampler


def export_arrays(vae) -> dict[str, np.ndarray]:
    """The weights :class:`~exsampling_osc.composer.decoder.Decoder` reads, as float32 arrays."""
    get = lambda name: [np.asarray(w, dtype=np.float32) for w in vae.get_layer(name).get_weights()]  # noqa: E731
    out = {"enc_emb": get("enc_emb")[0], "dec_emb": get("dec_emb")[0]}
    for name in ("enc", "mu", "logvar", "init", "out"):
        out[f"{name}_w"], out[f"{name}_b"] = get(name)
    out["gru_kernel"], out["gru_recurrent"], out["gru_bias"] = get("gru")
    return out
