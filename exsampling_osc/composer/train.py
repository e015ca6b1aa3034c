"""Train the phrase autoencoder with Keras and export the decoder as plain numpy arrays (needs TensorFlow).

Model (after the seed, deeper on the decoder side): one-hot phrase → Dense(128, relu) → Dense(latent, linear)
→ Dense(64, relu) → Dense(256, relu) → per-step softmax over tokens and over durations. At latent 2 the
seed's shape (one tanh layer each side) barely beat the baseline; this one does (see docs/COMPOSER.md).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from exsampling_osc.composer.dataset import Split, augment, read_folder, split_phrases
from exsampling_osc.composer.decoder import FORMAT
from exsampling_osc.composer.vocab import Vocabulary
from exsampling_osc.errors import ExSamplingError


@dataclass
class ComposerSettings:
    phrase_length: int = 16
    hop: int = 4
    latent_dim: int = 2
    encoder_hidden: tuple[int, ...] = (128,)
    decoder_hidden: tuple[int, ...] = (64, 256)
    transpose: int = 6  # augment with every shift in -transpose+1 .. +transpose semitones
    test_fraction: float = 0.2
    val_fraction: float = 0.1
    epochs: int = 400
    patience: int = 40  # epochs without a better validation event accuracy
    batch_size: int = 32
    learning_rate: float = 1e-3
    seed: int = 0
    bpm: float = 120.0


def build_models(length: int, vocab_size: int, n_durations: int, s: ComposerSettings):
    """(autoencoder, encoder, decoder) Keras models."""
    import keras
    from keras import layers

    inp = keras.Input((length * (vocab_size + n_durations),), name="phrase")
    h = inp
    for i, n in enumerate(s.encoder_hidden):
        h = layers.Dense(n, activation="relu", name=f"enc_hidden{i}")(h)
    z = layers.Dense(s.latent_dim, name="latent")(h)
    encoder = keras.Model(inp, z, name="encoder")
    z_in = keras.Input((s.latent_dim,), name="z")
    hd = z_in
    for i, n in enumerate(s.decoder_hidden):
        hd = layers.Dense(n, activation="relu", name=f"hidden{i}")(hd)
    tok = layers.Reshape((length, vocab_size))(layers.Dense(length * vocab_size, name="token")(hd))
    dur = layers.Reshape((length, n_durations))(layers.Dense(length * n_durations, name="duration")(hd))
    decoder = keras.Model(z_in, [layers.Softmax()(tok), layers.Softmax()(dur)], name="decoder")
    autoencoder = keras.Model(inp, decoder(z), name="autoencoder")
    autoencoder.compile(
        optimizer=keras.optimizers.Adam(s.learning_rate),
        loss=["sparse_categorical_crossentropy", "sparse_categorical_crossentropy"],
    )
    return autoencoder, encoder, decoder


def accuracy(pred_tok: np.ndarray, pred_dur: np.ndarray, tok: np.ndarray, dur: np.ndarray) -> dict[str, float]:
    """Share of steps with the right token, the right duration, and both."""
    t, d = pred_tok == tok, pred_dur == dur
    return {"token": float(t.mean()), "duration": float(d.mean()), "event": float((t & d).mean())}


def baseline(train_tok: np.ndarray, train_dur: np.ndarray, tok: np.ndarray, dur: np.ndarray) -> dict[str, float]:
    """Accuracy of always answering the most frequent training token and duration."""
    mt = Counter(train_tok.ravel().tolist()).most_common(1)[0][0]
    md = Counter(train_dur.ravel().tolist()).most_common(1)[0][0]
    return accuracy(np.full_like(tok, mt), np.full_like(dur, md), tok, dur)


def train_composer(
    midi_dir: str | Path, out_dir: str | Path, s: ComposerSettings | None = None, log: Callable[[str], None] = print
) -> dict:
    """Read, split, augment, train with early stopping, evaluate on held-out phrases, export.

    Returns the report written into ``model.json`` under ``metrics``.
    """
    import keras

    s = s or ComposerSettings()
    keras.utils.set_random_seed(s.seed)
    pieces, skipped = read_folder(midi_dir)
    for reason in skipped:
        log(f"skipped: {reason}")
    split: Split = split_phrases(pieces, s.phrase_length, s.hop, s.test_fraction, s.val_fraction, s.seed)
    shifts = range(-s.transpose + 1, s.transpose + 1) if s.transpose > 0 else [0]
    train_ph, val_ph, test_ph = (augment(p, shifts) for p in (split.train, split.val, split.test))
    if not train_ph:
        raise ExSamplingError(f"{midi_dir}: too little music to train on (no training phrases)")
    vocab = Vocabulary.build(train_ph + val_ph + test_ph)
    log(
        f"{len(pieces)} files; phrases train/val/test {len(split.train)}/{len(split.val)}/{len(split.test)} "
        f"(×{len(shifts)} transpositions: {len(train_ph)}/{len(val_ph)}/{len(test_ph)}); "
        f"vocabulary {vocab.size} tokens, {len(vocab.durations)} durations"
    )
    tr_tok, tr_dur = vocab.encode(train_ph)
    ae, encoder, decoder = build_models(s.phrase_length, vocab.size, len(vocab.durations), s)
    x_train = vocab.one_hot(tr_tok, tr_dur)
    va_tok, va_dur = vocab.encode(val_ph or train_ph)
    x_val = vocab.one_hot(va_tok, va_dur)

    class Progress(keras.callbacks.Callback):
        """Adds ``val_event_accuracy`` (validation loss rises with overconfidence while accuracy still
        improves, so early stopping watches accuracy) and prints one line per epoch."""

        def on_epoch_end(self, epoch, logs=None):
            logs = logs if logs is not None else {}
            p_tok, p_dur = self.model.predict(x_val, verbose=0, batch_size=256)
            logs["val_event_accuracy"] = accuracy(p_tok.argmax(-1), p_dur.argmax(-1), va_tok, va_dur)["event"]
            log(
                f"epoch {epoch + 1}: loss {logs.get('loss', float('nan')):.4f} "
                f"{'val' if val_ph else 'train'} event accuracy {logs['val_event_accuracy']:.3f}"
            )

    stop = keras.callbacks.EarlyStopping(
        monitor="val_event_accuracy", mode="max", patience=s.patience, restore_best_weights=True
    )
    t0 = time.perf_counter()
    hist = ae.fit(
        x_train,
        [tr_tok, tr_dur],
        epochs=s.epochs,
        batch_size=s.batch_size,
        shuffle=True,
        verbose=0,
        callbacks=[Progress(), stop],
    )
    seconds = time.perf_counter() - t0
    metrics: dict = {
        "epochs_run": len(hist.history["loss"]),
        "train_seconds": round(seconds, 1),
        "phrases": {"train": len(train_ph), "val": len(val_ph), "test": len(test_ph)},
    }
    eval_ph = test_ph or val_ph
    if eval_ph:
        te_tok, te_dur = vocab.encode(eval_ph)
        p_tok, p_dur = ae.predict(vocab.one_hot(te_tok, te_dur), verbose=0)
        metrics["held_out"] = accuracy(p_tok.argmax(-1), p_dur.argmax(-1), te_tok, te_dur)
        metrics["baseline"] = baseline(tr_tok, tr_dur, te_tok, te_dur)
        metrics["held_out_set"] = "test" if test_ph else "val"
        log(
            f"held-out reconstruction: token {metrics['held_out']['token']:.3f} (baseline "
            f"{metrics['baseline']['token']:.3f}), duration {metrics['held_out']['duration']:.3f} (baseline "
            f"{metrics['baseline']['duration']:.3f}), event {metrics['held_out']['event']:.3f} (baseline "
            f"{metrics['baseline']['event']:.3f})"
        )
    else:
        log("no held-out phrases (fewer than 3 distinct phrases): accuracy against the baseline not measured")
    p_tok, p_dur = ae.predict(x_train, verbose=0)
    metrics["train"] = accuracy(p_tok.argmax(-1), p_dur.argmax(-1), tr_tok, tr_dur)
    codes = encoder.predict(x_train, verbose=0)
    export(decoder, vocab, codes, s, out_dir, metrics, sorted(pieces))
    return metrics


def export(
    decoder,
    vocab: Vocabulary,
    codes: np.ndarray,
    s: ComposerSettings,
    out_dir: str | Path,
    metrics: dict,
    files: list[str],
) -> Path:
    """Write ``decoder.npz`` (plain arrays) and ``model.json`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    arrays = {}
    names = [f"hidden{i}" for i in range(len(s.decoder_hidden))] + ["token", "duration"]
    for name in names:
        w, b = decoder.get_layer(name).get_weights()
        arrays[f"{name}_w"], arrays[f"{name}_b"] = w.astype(np.float32), b.astype(np.float32)
    arrays["codes"] = codes.astype(np.float32)
    np.savez_compressed(out_dir / "decoder.npz", **arrays)
    meta = {
        "format": FORMAT,
        "phrase_length": s.phrase_length,
        "latent_dim": s.latent_dim,
        "tokens": list(vocab.tokens),
        "durations": list(vocab.durations),
        "bpm": s.bpm,
        "latent_min": codes.min(axis=0).round(4).tolist(),
        "latent_max": codes.max(axis=0).round(4).tolist(),
        "metrics": metrics,
        "settings": asdict(s),
        "trained_on": files,
    }
    (out_dir / "model.json").write_text(json.dumps(meta, indent=1))
    return out_dir
