"""Train the phrase VAE (needs TensorFlow): pretrain on a corpus, fine-tune on the performer's songs, export
the weights as plain arrays with the pad map and the performer's songs as landmarks."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from exsampling_osc.composer.baselines import nearest, step_accuracy
from exsampling_osc.composer.dataset import PhraseSet, Song, phrase_set, read_songs, split_songs
from exsampling_osc.composer.decoder import FORMAT, Decoder
from exsampling_osc.composer.drums import DRUM_VOCAB
from exsampling_osc.composer.grid import VOCAB
from exsampling_osc.composer.pad import PadMap
from exsampling_osc.composer.vae import VaeShape, build_vae, decoder_inputs, export_arrays
from exsampling_osc.errors import ExSamplingError

MAX_LANDMARKS = 32


@dataclass
class ComposerSettings:
    bars: int = 2
    latent_dim: int = 16
    gru: int = 128
    epochs: int = 60  # pretraining, at most (early stopping once the KL weight is full)
    finetune_epochs: int = 30
    anneal_epochs: int = 15  # KL weight from 0 to kl_weight
    kl_weight: float = 1.0
    free_bits: float = 1.0  # nats per latent dimension not charged
    word_dropout: float = 0.7
    patience: int = 8  # 0: no early stopping (the last epoch's weights)
    batch_size: int = 64
    learning_rate: float = 2e-3
    finetune_learning_rate: float = 5e-4
    test_fraction: float = 0.2
    val_fraction: float = 0.1
    seed: int = 0
    bpm: float = 120.0
    kind: str = "melody"


@dataclass
class Stage:
    """One training stage's data: the folder, its songs split, the phrase sets."""

    name: str
    folder: str
    train: list[Song]
    val: list[Song]
    test: list[Song]
    train_set: PhraseSet
    val_set: PhraseSet
    test_set: PhraseSet

    def sources(self) -> dict:
        names = lambda songs: [s.name for s in songs]  # noqa: E731
        return {"folder": self.folder, "train": names(self.train), "val": names(self.val), "test": names(self.test)}


def load_stage(name: str, folder: str | Path, s: ComposerSettings, log=print) -> Stage:
    songs, skipped = read_songs(folder, drums=s.kind == "drums")
    for reason in skipped:
        log(f"skipped: {reason}")
    tr, va, te = split_songs(songs, s.test_fraction, s.val_fraction, s.seed)
    sets = [phrase_set(tr, s.bars, 1), phrase_set(va, s.bars, s.bars), phrase_set(te, s.bars, s.bars)]
    if not len(sets[0]):
        raise ExSamplingError(f"{folder}: too little music to train on (no {s.bars}-bar training phrases)")
    log(f"{name}: {len(songs)} songs ({len(tr)}/{len(va)}/{len(te)}); phrases {'/'.join(str(len(p)) for p in sets)}")
    return Stage(name, str(Path(folder).resolve()), tr, va, te, *sets)


class Anneal:
    """Keras callback factory: KL weight linear from 0 to ``top`` over ``epochs``; one log line per epoch."""

    @staticmethod
    def make(sampler, top: float, epochs: int, log: Callable[[str], None], stage: str):
        import keras

        class _Anneal(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                sampler.weight.assign(top * min(1.0, epoch / epochs) if epochs > 0 else top)

            def on_epoch_end(self, epoch, logs=None):
                logs = logs or {}
                val = f" val {logs['val_loss']:.4f}" if "val_loss" in logs else ""
                log(
                    f"{stage} epoch {epoch + 1}: loss {logs.get('loss', float('nan')):.4f}{val} "
                    f"KL {float(sampler.kl.numpy()):.2f} nats (weight {float(sampler.weight.numpy()):.2f})"
                )

        return _Anneal()


def fit_stage(vae, sampler, stage: Stage, epochs: int, lr: float, anneal: int, s: ComposerSettings, log) -> int:
    """Train on a stage (early stopping on validation loss after the annealing); returns the epochs run."""
    import keras

    vocab = DRUM_VOCAB if s.kind == "drums" else VOCAB
    vae.compile(optimizer=keras.optimizers.Adam(lr), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = [stage.train_set.tokens, *decoder_inputs(stage.train_set.tokens, vocab)]
    callbacks = [Anneal.make(sampler, s.kl_weight, anneal, log, stage.name)]
    val = None
    if len(stage.val_set):
        val = ([stage.val_set.tokens, *decoder_inputs(stage.val_set.tokens, vocab)], stage.val_set.tokens)
    if val is not None and s.patience > 0:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                patience=s.patience, restore_best_weights=True, start_from_epoch=anneal, monitor="val_loss"
            )
        )
    hist = vae.fit(
        x, stage.train_set.tokens, validation_data=val, epochs=epochs, batch_size=s.batch_size, verbose=0,
        callbacks=callbacks, shuffle=True,
    )  # fmt: skip
    return len(hist.history["loss"])


def held_out_report(dec: Decoder, stage: Stage) -> dict:
    """Greedy reconstruction of held-out phrases from their codes, next to nearest-phrase retrieval."""
    test = stage.test_set if len(stage.test_set) else stage.val_set
    if not len(test):
        return {}
    recon = dec.decode(dec.encode(test.tokens))
    retrieved = stage.train_set.tokens[nearest(stage.train_set.tokens, test.tokens)]
    codes = dec.encode(stage.train_set.tokens)
    return {
        "held_out_phrases": len(test),
        "reconstruction_step_accuracy": round(step_accuracy(recon, test.tokens), 4),
        "retrieval_step_accuracy": round(step_accuracy(retrieved, test.tokens), 4),
        "active_latent_dims": int((codes.var(axis=0) > 0.01).sum()),
    }


def train_composer(
    songs_dir: str | Path | None,
    out_dir: str | Path,
    s: ComposerSettings | None = None,
    corpus_dir: str | Path | None = None,
    base: str | Path | None = None,
    log: Callable[[str], None] = print,
) -> dict:
    """Pretrain on ``corpus_dir`` (or start from the ``base`` model, whose shape is kept), fine-tune on
    ``songs_dir``, export to ``out_dir``. Returns the metrics written into ``model.json``."""
    import keras

    s = s or ComposerSettings()
    base_dec = Decoder.load(base) if base is not None else None
    if base_dec is not None:  # fine-tuning keeps the base model's shape
        b = base_dec.meta["settings"]
        s = replace(s, bars=b["bars"], latent_dim=b["latent_dim"], gru=b["gru"], kind=b["kind"])
    keras.utils.set_random_seed(s.seed)
    vocab = DRUM_VOCAB if s.kind == "drums" else VOCAB
    shape = VaeShape(s.bars * 16, vocab, s.latent_dim, gru=s.gru, word_dropout=s.word_dropout,
                     free_bits=s.free_bits, seed=s.seed)  # fmt: skip
    vae, _, sampler = build_vae(shape)
    stages: list[Stage] = []
    metrics: dict = {}
    meta_sources: dict = {}
    t0 = time.perf_counter()
    if base is not None and base_dec is not None:
        load_weights(vae, base_dec.weights)
        meta_sources["base"] = str(Path(base).resolve())
        meta_sources.update({k: v for k, v in base_dec.meta.get("sources", {}).items() if k == "pretrain"})
    elif corpus_dir is not None:
        stage = load_stage("pretrain", corpus_dir, s, log)
        metrics["pretrain_epochs"] = fit_stage(vae, sampler, stage, s.epochs, s.learning_rate, s.anneal_epochs, s, log)
        stages.append(stage)
    if songs_dir is not None:
        stage = load_stage("finetune", songs_dir, s, log)
        if base is not None or stages:  # fine-tune what was learnt
            run = (s.finetune_epochs, s.finetune_learning_rate, 0)
        else:  # the songs alone (drums, or --corpus none): a full training
            run = (s.epochs, s.learning_rate, s.anneal_epochs)
        metrics["finetune_epochs"] = fit_stage(vae, sampler, stage, *run, s, log)
        stages.append(stage)
    if not stages:
        raise ExSamplingError("nothing to train on: give the performer's songs, a corpus, or both")
    metrics["train_seconds"] = round(time.perf_counter() - t0, 1)
    last = stages[-1]
    arrays = export_arrays(vae)
    meta = {"format": FORMAT, "kind": s.kind, "bars": s.bars, "vocab": vocab, "latent_dim": s.latent_dim,
            "bpm": s.bpm, "settings": asdict(s)}  # fmt: skip
    dec = Decoder(meta, {**arrays, "codes": np.zeros((1, s.latent_dim), np.float32)})
    codes = dec.encode(last.train_set.tokens)
    landmarks, names = landmark_codes(dec, stages[-1] if songs_dir is not None else None, s)
    pad = PadMap.fit(codes, landmarks)
    metrics.update(held_out_report(dec, last))
    log(f"held-out ({last.name}): {json.dumps({k: v for k, v in metrics.items() if 'accuracy' in k or 'dims' in k})}")
    for st in stages:
        meta_sources[st.name] = st.sources()
    meta.update(metrics=metrics, sources=meta_sources, landmarks=names)
    export(out_dir, meta, {**arrays, "codes": codes.astype(np.float32), **pad.arrays()})
    return metrics


def landmark_codes(dec: Decoder, stage: Stage | None, s: ComposerSettings) -> tuple[np.ndarray | None, list[str]]:
    """The first phrase of each of the performer's songs, encoded (at most :data:`MAX_LANDMARKS`)."""
    if stage is None:
        return None, []
    toks, names = [], []
    for song in stage.train + stage.val + stage.test:
        ps = phrase_set([song], s.bars, s.bars)
        if len(ps):
            toks.append(ps.tokens[0])
            names.append(song.name)
    if not toks:
        return None, []
    return dec.encode(np.array(toks[:MAX_LANDMARKS])), names[:MAX_LANDMARKS]


def load_weights(vae, w: dict[str, np.ndarray]) -> None:
    """Put exported arrays back into the Keras model (fine-tuning from a shipped model)."""
    vae.get_layer("enc_emb").set_weights([w["enc_emb"]])
    vae.get_layer("dec_emb").set_weights([w["dec_emb"]])
    for name in ("enc", "mu", "init", "out", "logvar"):
        vae.get_layer(name).set_weights([w[f"{name}_w"], w[f"{name}_b"]])
    vae.get_layer("gru").set_weights([w["gru_kernel"], w["gru_recurrent"], w["gru_bias"]])


def export(out_dir: str | Path, meta: dict, arrays: dict[str, np.ndarray]) -> Path:
    """Write ``decoder.npz`` (float32 arrays) and ``model.json``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / "decoder.npz", **{k: np.asarray(v, dtype=np.float32) for k, v in arrays.items()})  # type: ignore[arg-type]
    (out / "model.json").write_text(json.dumps(meta, indent=1))
    return out
