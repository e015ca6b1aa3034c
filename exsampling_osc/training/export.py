"""Export a trained Keras model as a full-int8 TFLite file with its ``model.json``; evaluate it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from exsampling_osc.analysis.classify import Classifier
from exsampling_osc.analysis.features import FeatureParams


def export_tflite(
    model,
    representative: np.ndarray,
    out_dir: Path,
    labels: list[str],
    params: FeatureParams,
    extra: dict | None = None,
) -> Path:
    """Convert ``model`` to full-int8 (int8 in and out) with ``representative`` images (N, mels, frames)."""
    import tensorflow as tf

    out_dir.mkdir(parents=True, exist_ok=True)

    def rep():
        for img in representative[:200]:
            yield [img[None, :, :, None].astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = rep
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    path = out_dir / "model.tflite"
    path.write_bytes(converter.convert())
    meta = {"name": out_dir.name, "labels": labels, "features": params.to_dict(), **(extra or {})}
    (out_dir / "model.json").write_text(json.dumps(meta, indent=2) + "\n")
    return path


def evaluate(model_dir: Path, images: np.ndarray, y: np.ndarray, count: int = 3) -> dict:
    """Accuracy of the exported TFLite model as serving runs it (mean over ``count`` crops of each looped
    image (N, mels, 2-window frames)), the confusion matrix, and the median time of one prediction."""
    from exsampling_osc.analysis.features import crops

    clf = Classifier(model_dir, threshold=0.0, top_k=1)
    frames = clf.info.features.frames
    n = len(clf.labels)
    confusion = np.zeros((n, n), dtype=np.int64)
    times = []
    for img, target in zip(images, y, strict=True):
        t = time.perf_counter()
        p = clf.mean_probabilities(crops(img, frames, count))
        times.append(time.perf_counter() - t)
        confusion[int(target), int(np.argmax(p))] += 1
    correct = np.trace(confusion)
    return {
        "accuracy": float(correct / max(1, confusion.sum())),
        "confusion": confusion,
        "latency_ms": float(np.median(times) * 1000) if times else float("nan"),
        "size_bytes": (model_dir / "model.tflite").stat().st_size,
    }
