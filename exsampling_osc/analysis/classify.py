"""Classify log-mel images with a full-int8 TFLite model and its ``model.json`` sidecar."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exsampling_osc.analysis.features import FeatureParams
from exsampling_osc.errors import ModelError, no_such_folder

UNKNOWN = "unknown"
#: below this top probability the label is ``unknown``, for a model whose ``model.json`` names no
#: ``unknown_threshold`` of its own (``bench/bench_openset.py --write`` picks and stores one)
DEFAULT_THRESHOLD = 0.25


def load_interpreter_class():
    """The TFLite ``Interpreter``: LiteRT first, then tflite-runtime, then TensorFlow's own."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        try:
            from tflite_runtime.interpreter import Interpreter
        except ImportError:
            try:
                from tensorflow.lite import Interpreter  # type: ignore[no-redef]
            except ImportError:
                raise ModelError(
                    "no TFLite runtime found: install ai-edge-litert (pip install ai-edge-litert)"
                ) from None
    return Interpreter


@dataclass(frozen=True)
class ModelInfo:
    """What a model directory says about itself: labels and the feature parameters it was trained on."""

    labels: list[str]
    features: FeatureParams
    name: str = "model"
    unknown_threshold: float | None = None  # the model's own rejection threshold, when it has one

    @classmethod
    def read(cls, model_dir: Path) -> ModelInfo:
        path = model_dir / "model.json"
        if not model_dir.is_dir():
            raise ModelError(f"{no_such_folder(model_dir)} (a model folder holds model.tflite and model.json)")
        try:
            data = json.loads(path.read_text())
            return cls(
                labels=list(data["labels"]),
                features=FeatureParams.from_dict(data["features"]),
                name=str(data.get("name", model_dir.name)),
                unknown_threshold=_threshold(data.get("unknown_threshold")),
            )
        except FileNotFoundError:
            raise ModelError(f"{path}: missing (a model folder needs model.tflite and model.json)") from None
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{path}: not valid model metadata ({exc})") from None


def _threshold(value: object) -> float | None:
    """``unknown_threshold`` of ``model.json``: absent, or a number in [0, 1]."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ValueError(f"unknown_threshold must be a number in [0, 1], not {value!r}")
    return float(value)


@dataclass(frozen=True)
class Prediction:
    """Best label (``unknown`` below the threshold), its probability and the top-k list, best first."""

    label: str
    confidence: float
    top: list[tuple[str, float]]


class Classifier:
    """A loaded model: ``predict(image)`` for one log-mel image of shape ``info.features.shape``."""

    def __init__(self, model_dir: str | Path, threshold: float | None = None, top_k: int = 3, threads: int = 1):
        """``threshold`` None: the model's own ``unknown_threshold``, else :data:`DEFAULT_THRESHOLD`."""
        self.model_dir = Path(model_dir)
        self.info = ModelInfo.read(self.model_dir)
        own = self.info.unknown_threshold
        self.threshold = threshold if threshold is not None else own if own is not None else DEFAULT_THRESHOLD
        self.top_k = top_k
        tflite = self.model_dir / "model.tflite"
        if not tflite.is_file():
            raise ModelError(f"{tflite}: missing")
        Interpreter = load_interpreter_class()
        try:
            self._interp = Interpreter(model_path=str(tflite), num_threads=threads)
            self._interp.allocate_tensors()
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"{tflite}: cannot be loaded ({exc})") from None
        self._in = self._interp.get_input_details()[0]
        self._out = self._interp.get_output_details()[0]
        n_out = int(self._out["shape"][-1])
        if n_out != len(self.info.labels):
            raise ModelError(f"{tflite}: {n_out} outputs but {len(self.info.labels)} labels in model.json")

    @property
    def labels(self) -> list[str]:
        return self.info.labels

    def probabilities(self, image: np.ndarray) -> np.ndarray:
        """Class probabilities for one image (n_mels, frames) in [0, 1]."""
        x = np.asarray(image, dtype=np.float32).reshape(self._in["shape"])
        x = quantize(x, self._in)
        self._interp.set_tensor(self._in["index"], x)
        self._interp.invoke()
        y = dequantize(self._interp.get_tensor(self._out["index"]), self._out)[0]
        return y / y.sum() if y.sum() > 0 else y

    def mean_probabilities(self, images: np.ndarray) -> np.ndarray:
        """Class probabilities for one image (n_mels, frames), or their mean over several (k, n_mels, frames)."""
        images = np.asarray(images)
        if images.ndim == 2:
            images = images[None]
        return np.mean([self.probabilities(img) for img in images], axis=0)

    def predict(self, images: np.ndarray) -> Prediction:
        """Prediction from one image or the mean over several (see :meth:`mean_probabilities`)."""
        return decide(self.mean_probabilities(images), self.labels, self.threshold, self.top_k)


def decide(probs: np.ndarray, labels: list[str], threshold: float, top_k: int) -> Prediction:
    """Top-k labels from probabilities; the label is ``unknown`` when the best is below ``threshold``."""
    order = np.argsort(probs)[::-1][:top_k]
    top = [(labels[i], round(float(probs[i]), 4)) for i in order]
    best_label, best_p = top[0]
    return Prediction(best_label if best_p >= threshold else UNKNOWN, best_p, top)


def quantize(x: np.ndarray, detail: dict) -> np.ndarray:
    """Float input → the tensor's integer type with its scale and zero point (pass-through for float)."""
    dtype = detail["dtype"]
    if np.issubdtype(dtype, np.floating):
        return x.astype(dtype)
    scale, zero = detail["quantization"]
    info = np.iinfo(dtype)
    return np.clip(np.round(x / scale + zero), info.min, info.max).astype(dtype)


def dequantize(y: np.ndarray, detail: dict) -> np.ndarray:
    """Integer output → float with the tensor's scale and zero point."""
    if np.issubdtype(detail["dtype"], np.floating):
        return y.astype(np.float32)
    scale, zero = detail["quantization"]
    return (y.astype(np.float32) - zero) * scale
