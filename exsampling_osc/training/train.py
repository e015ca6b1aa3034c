"""``exsampling train``: fit MobileNetV2 on log-mels, export full-int8 TFLite, write the model card."""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from exsampling_osc.analysis.features import FeatureParams
from exsampling_osc.errors import UsageError
from exsampling_osc.training.dataset import (
    Clip,
    assign_folds,
    build_arrays,
    build_room_arrays,
    is_esc50,
    read_dataset,
)


@dataclass(frozen=True)
class TrainSettings:
    epochs: int = 180
    batch_size: int = 32
    alpha: float = 0.5
    head_filters: int = 640
    learning_rate: float = 3e-3
    weight_decay: float = 1e-4
    mixup_alpha: float = 0.4
    label_smoothing: float = 0.05
    seed: int = 0
    threads: int = 0
    #: also train on one phone-in-room copy of every training clip (:mod:`exsampling_osc.training.augment`);
    #: off by default: at an equal number of steps it scored lower on ESC-50 fold 4, clean and in rooms
    rooms: bool = False


def train_model(
    x: np.ndarray,
    y: np.ndarray,
    n_classes: int,
    frames: int,
    settings: TrainSettings,
    val: tuple[np.ndarray, np.ndarray] | None = None,
    log=print,
    val_name: str = "held-out",
):
    """Fit a fresh model on features ``x`` (N, mels, 2·frames) with labels ``y``; returns the model.
    Logs one line per epoch (``val_name``: what the validation clips are, e.g. ``fold 1``)."""
    import keras
    import tensorflow as tf

    from exsampling_osc.training.model import augment_batch, build_model

    log = log or _quiet
    keras.utils.set_random_seed(settings.seed)
    tf.config.experimental.enable_op_determinism()
    if settings.threads:
        tf.config.threading.set_intra_op_parallelism_threads(settings.threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    rng = np.random.default_rng(settings.seed)
    model = build_model((x.shape[1], frames, 1), n_classes, alpha=settings.alpha, head_filters=settings.head_filters)
    steps = max(1, math.ceil(len(x) / settings.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(
        settings.learning_rate, decay_steps=steps * settings.epochs, warmup_target=None
    )
    model.compile(
        optimizer=keras.optimizers.AdamW(schedule, weight_decay=settings.weight_decay),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=settings.label_smoothing),
        metrics=["accuracy"],
    )
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    weights = 1.0 / np.sqrt(np.maximum(counts[y], 1.0))
    weights /= weights.sum()
    onehot = np.eye(n_classes, dtype=np.float32)
    val_images = None if val is None else val[0][:, :, :frames, None]
    for epoch in range(settings.epochs):
        t0 = time.perf_counter()
        idx = rng.choice(len(x), size=steps * settings.batch_size, p=weights)
        losses, accs = [], []
        for s in range(steps):
            batch = idx[s * settings.batch_size : (s + 1) * settings.batch_size]
            xb, yb = augment_batch(x[batch], onehot[y[batch]], frames, rng, settings.mixup_alpha)
            loss, acc = model.train_on_batch(xb, yb)
            losses.append(loss)
            accs.append(acc)
        line = f"  epoch {epoch + 1}/{settings.epochs}: loss {np.mean(losses):.3f}, training acc {np.mean(accs):.2f}"
        if val_images is not None and ((epoch + 1) % 5 == 0 or epoch + 1 == settings.epochs):
            recalibrate_batchnorm(model, x[:, :, :frames, None], rng)
            pred = model.predict(val_images, verbose=0, batch_size=64).argmax(axis=1)
            line += f", {val_name} acc {np.mean(pred == val[1]):.2f}"
        log(f"{line} ({time.perf_counter() - t0:.1f} s)")
    recalibrate_batchnorm(model, x[:, :, :frames, None], rng)
    return model


def recalibrate_batchnorm(model, images: np.ndarray, rng: np.random.Generator, n: int = 256) -> None:
    """Set every BatchNorm's moving mean/variance to the statistics of ``n`` clean training images.

    With a few hundred steps per run the moving averages trail the weights, and the model in inference
    mode can collapse to one class; one pass in training mode with momentum 0 fixes that ("precise BN").
    """
    import keras

    layers = [layer for layer in _all_layers(model) if isinstance(layer, keras.layers.BatchNormalization)]
    saved = [layer.momentum for layer in layers]
    for layer in layers:
        layer.momentum = 0.0
    pick = rng.choice(len(images), size=min(n, len(images)), replace=False)
    model(images[np.sort(pick)], training=True)
    for layer, momentum in zip(layers, saved, strict=True):
        layer.momentum = momentum


def _all_layers(model):
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _all_layers(layer)


def run_training(
    dataset: str | Path,
    out_dir: str | Path,
    val_fold: int = 4,
    final: bool = False,
    settings: TrainSettings | None = None,
    params: FeatureParams | None = None,
    limit_per_class: int | None = None,
    log=print,
    val_fraction: float = 1.0,
) -> dict:
    """Cross-validate on ``val_fold`` (0: none) and export; with ``final`` retrain on every fold and
    export that model to ``out_dir`` (the cross-validation model goes to ``out_dir/cv``). With
    ``val_fraction`` < 1 only that stratified share of the validation fold is held out; the rest trains
    (ESC-50 here has most few-shot clips in fold 4, so this is how their accuracy can be estimated)."""
    from exsampling_osc.training.card import write_card
    from exsampling_osc.training.export import evaluate, export_tflite

    settings = settings or TrainSettings()
    params = params or FeatureParams()
    log = log or _quiet
    out_dir = Path(out_dir)
    clips = assign_folds(read_dataset(dataset), seed=settings.seed)
    if limit_per_class:
        clips = _limit(clips, limit_per_class)
    labels = sorted({c.label for c in clips})
    log(f"{len(clips)} clips, {len(labels)} classes ({_counts_text(clips)}); computing features")
    x, y = build_arrays(clips, labels, params, log=log)
    rooms = build_room_arrays(clips, params, settings.seed, log=log) if settings.rooms else x[:0]
    folds = np.array([c.fold for c in clips])

    def with_rooms(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The training clips of ``mask`` and, with ``settings.rooms``, their phone-in-room copies."""
        if not settings.rooms:
            return x[mask], y[mask]
        return np.concatenate([x[mask], rooms[mask]]), np.concatenate([y[mask], y[mask]])

    frames = params.frames
    report: dict = {
        "settings": asdict(settings),
        "features": params.to_dict(),
        "labels": labels,
        "dataset": str(dataset),
        "esc50": is_esc50(dataset),
        "val_fold": val_fold,
        "val_fraction": val_fraction,
        "train_counts": dict(Counter(c.label for c in clips)),
    }
    step = "model 1 of 2, " if final and val_fold else ""
    if val_fold:
        va = _holdout(folds == val_fold, y, val_fraction, settings.seed)
        if not va.any():
            raise UsageError(f"--val-fold {val_fold}: that fold holds no clips (folds here: {_folds_text(folds)})")
        tr = ~va
        held = f"fold {val_fold}" if val_fraction >= 1 else f"{val_fraction:.0%} of fold {val_fold}"
        trained_on = f"{tr.sum()} clips, folds {_folds_text(folds[tr])}"
        log(f"{step}held-out check: trains on {trained_on}; validates on {held} ({va.sum()} clips)")
        t0 = time.perf_counter()
        model = train_model(*with_rooms(tr), len(labels), frames, settings, (x[va], y[va]), log, held)
        report["cv_train_seconds"] = round(time.perf_counter() - t0, 1)
        cv_dir = out_dir / "cv" if final else out_dir
        export_tflite(model, x[tr][:, :, :frames], cv_dir, labels, params)
        ev = evaluate(cv_dir, x[va], y[va])
        report["cv"] = {**_summary(ev, labels, y[va]), "held": held, "trained_on": trained_on}
        report["cv_counts_train"] = dict(Counter(labels[i] for i in y[tr]))
        log(f"held-out {held} accuracy: {ev['accuracy']:.2f} ({va.sum()} clips; int8 model trained on {trained_on})")
        _write_confusion(ev["confusion"], labels, out_dir / "confusion.png")
    if final or not val_fold:
        log(f"{'model 2 of 2, ' if step else ''}final model: trains on all {len(x)} clips")
        t0 = time.perf_counter()
        model = train_model(*with_rooms(np.ones(len(x), dtype=bool)), len(labels), frames, settings, None, log)
        report["final_train_seconds"] = round(time.perf_counter() - t0, 1)
        export_tflite(model, x[:, :, :frames], out_dir, labels, params)
        report["final_fit"] = _summary(evaluate(out_dir, x, y), labels, y)
        log(
            f"final model's accuracy on its own {len(x)} training clips: {report['final_fit']['accuracy']:.2f} "
            "(a fit check, not a measure on new sounds)"
        )
    ev_size = (out_dir / "model.tflite").stat().st_size
    report["size_bytes"] = ev_size
    report["latency_ms"] = _latency(out_dir, x[:8, :, :frames])
    (out_dir / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    write_card(out_dir, report)
    return report


def _holdout(in_fold: np.ndarray, y: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Mask of validation clips: ``fraction`` of each class's clips in the fold (at least one)."""
    if fraction >= 1.0:
        return in_fold.copy()
    rng = np.random.default_rng(seed)
    mask = np.zeros_like(in_fold)
    for label in np.unique(y[in_fold]):
        idx = np.flatnonzero(in_fold & (y == label))
        take = max(1, int(round(fraction * idx.size)))
        mask[rng.permutation(idx)[:take]] = True
    return mask


def _quiet(_message: str) -> None:
    pass


def _folds_text(folds: np.ndarray) -> str:
    """``1-3, 5`` for folds 1, 2, 3 and 5."""
    runs: list[list[int]] = []
    for f in sorted({int(v) for v in folds}):
        if runs and f == runs[-1][-1] + 1:
            runs[-1].append(f)
        else:
            runs.append([f])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _counts_text(clips: list[Clip]) -> str:
    """``beep 4, hiss 4`` for a few classes; ``8-40 clips each`` for many."""
    counts = Counter(c.label for c in clips)
    if len(counts) <= 8:
        return ", ".join(f"{label} {n}" for label, n in sorted(counts.items()))
    return f"{min(counts.values())}-{max(counts.values())} clips each"


def _limit(clips: list[Clip], n: int) -> list[Clip]:
    seen: Counter = Counter()
    out = []
    for c in clips:
        if seen[c.label] < n:
            seen[c.label] += 1
            out.append(c)
    return out


def _summary(ev: dict, labels: list[str], y: np.ndarray) -> dict:
    conf = ev["confusion"]
    per_class = {
        labels[i]: {"n": int(conf[i].sum()), "correct": int(conf[i, i])} for i in range(len(labels)) if conf[i].sum()
    }
    return {
        "accuracy": round(ev["accuracy"], 4),
        "per_class": per_class,
        "n": int(len(y)),
        "latency_ms": round(ev["latency_ms"], 3),
    }


def _latency(model_dir: Path, images: np.ndarray) -> float:
    from exsampling_osc.analysis.classify import Classifier

    clf = Classifier(model_dir)
    for img in images:
        clf.probabilities(img)
    times = []
    for _ in range(50):
        t = time.perf_counter()
        clf.probabilities(images[0])
        times.append(time.perf_counter() - t)
    return round(float(np.median(times) * 1000), 3)


def _write_confusion(confusion: np.ndarray, labels: list[str], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, ax = plt.subplots(figsize=(14, 14))
    norm = confusion / np.maximum(confusion.sum(axis=1, keepdims=True), 1)
    ax.imshow(norm, cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("Cross-validation confusion (rows normalised)")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def small_params(params: FeatureParams) -> FeatureParams:
    """Tiny input for smoke tests: 32 mels, 1-second windows."""
    return replace(params, n_mels=32, seconds=1.0, hop_length=512)
