"""The network: MobileNetV2 from scratch on one-channel log-mel images, and its augmentation."""

from __future__ import annotations

import numpy as np


def build_model(
    input_shape: tuple[int, int, int], n_classes: int, alpha: float = 0.5, head_filters: int = 640, dropout: float = 0.3
):
    """MobileNetV2 (no ImageNet weights) up to its last inverted residual block, then a 1×1 conv of
    ``head_filters`` (Keras fixes it at 1280, made for ImageNet; 640 keeps the int8 file under 1 MB),
    global average pooling, dropout and a softmax."""
    import keras

    base = keras.applications.MobileNetV2(input_shape=input_shape, alpha=alpha, include_top=False, weights=None)
    x = base.get_layer("block_16_project_BN").output
    x = keras.layers.Conv2D(head_filters, 1, use_bias=False, name="head_conv")(x)
    x = keras.layers.BatchNormalization(name="head_bn")(x)
    x = keras.layers.ReLU(6.0, name="head_relu")(x)
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    x = keras.layers.Dropout(dropout)(x)
    outputs = keras.layers.Dense(n_classes, activation="softmax", name="probabilities")(x)
    model = keras.Model(base.input, outputs, name=f"mobilenetv2_{alpha}_{head_filters}")
    for layer in model.layers:  # 0.999 needs thousands of steps; small datasets give hundreds
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = 0.99
    return model


def augment_batch(
    x: np.ndarray, y: np.ndarray, frames: int, rng: np.random.Generator, mixup_alpha: float = 0.4
) -> tuple[np.ndarray, np.ndarray]:
    """One training batch: random crop of the looped clip (time shift), small mel shift (≈ pitch
    shift), SpecAugment masks, then mixup. ``x`` is (B, mels, 2·frames), ``y`` one-hot (B, C)."""
    b, mels, total = x.shape
    out = np.empty((b, mels, frames), dtype=np.float32)
    for i in range(b):
        t0 = rng.integers(0, total - frames + 1)
        img = x[i, :, t0 : t0 + frames].copy()
        shift = int(rng.integers(-3, 4))
        if shift:
            img = np.roll(img, shift, axis=0)
            if shift > 0:
                img[:shift] = 0.0
            else:
                img[shift:] = 0.0
        for _ in range(2):
            w = int(rng.integers(0, mels // 8))
            f = int(rng.integers(0, mels - w + 1))
            img[f : f + w] = 0.0
            w = int(rng.integers(0, frames // 8))
            t = int(rng.integers(0, frames - w + 1))
            img[:, t : t + w] = 0.0
        img *= rng.uniform(0.85, 1.15)
        out[i] = img
    if mixup_alpha > 0:
        lam = rng.beta(mixup_alpha, mixup_alpha, size=(b, 1)).astype(np.float32)
        perm = rng.permutation(b)
        out = lam[:, :, None] * out + (1 - lam[:, :, None]) * out[perm]
        y = lam * y + (1 - lam) * y[perm]
    return out[..., None], y.astype(np.float32)
