"""Augmentation for phones in rooms: pure numpy functions on a clip's samples (22.05 kHz mono).

A training clip is played in a simulated room (an image-source shoebox room from pyroomacoustics, size and
reverberation drawn at random), heard by a simulated phone (low cut, a resonance, a band limit, level, noise,
soft clipping) and mixed with a quiet background from another clip. The log-mel features are then computed
from the result exactly as serving computes them.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> y = np.sin(2 * np.pi * 440 * np.arange(22050) / 22050).astype(np.float32)
>>> out = phone_in_room(y, 22050, rng)
>>> out.shape == y.shape and float(np.abs(out).max()) <= 1.0
True
"""

from __future__ import annotations

import numpy as np
from scipy import signal


def room_response(sr: int, rng: np.random.Generator, size=None, rt60: float | None = None) -> np.ndarray:
    """Impulse response of a shoebox room (``size`` in m, ``rt60`` in s; random when None) between a random
    source and a phone 0.3-2 m from it, normalised to a peak of 1."""
    import pyroomacoustics as pra

    dims = np.asarray(size if size is not None else rng.uniform([2.5, 2.5, 2.3], [12.0, 9.0, 4.0]), dtype=float)
    rt = float(rt60 if rt60 is not None else rng.uniform(0.15, 0.9))
    while True:  # a large room cannot be as dry as a small one: lengthen the reverberation until it can
        try:
            absorption, order = pra.inverse_sabine(rt, dims)
            break
        except ValueError:
            rt *= 1.25
    room = pra.ShoeBox(dims, fs=sr, materials=pra.Material(absorption), max_order=min(order, 10))
    src = rng.uniform(0.5, dims - 0.5)
    direction = rng.standard_normal(3)
    mic = np.clip(src + direction / np.linalg.norm(direction) * rng.uniform(0.3, 2.0), 0.3, dims - 0.3)
    room.add_source(src)
    room.add_microphone(mic)
    room.compute_rir()
    rir = np.asarray(room.rir[0][0], dtype=np.float64)
    return rir / (np.abs(rir).max() + 1e-12)


def phone_response(y: np.ndarray, sr: int, rng: np.random.Generator) -> np.ndarray:
    """A phone microphone: low cut at 100-350 Hz, a resonance at 1.2-5 kHz, a band limit at 6.5-10 kHz,
    a level, noise 30-55 dB down and sometimes hard-ish clipping."""
    y = signal.sosfilt(signal.butter(2, rng.uniform(100, 350), "highpass", fs=sr, output="sos"), y)
    b, a = signal.iirpeak(rng.uniform(1200, 5000), Q=rng.uniform(1.5, 4), fs=sr)
    y = y + rng.uniform(0.2, 0.8) * signal.lfilter(b, a, y)
    top = min(rng.uniform(6500, 10000), 0.45 * sr)
    y = signal.sosfilt(signal.butter(6, top, "lowpass", fs=sr, output="sos"), y)
    y = y / (np.abs(y).max() + 1e-9) * rng.uniform(0.2, 1.0)
    y = y + rng.standard_normal(y.size) * 10 ** (-rng.uniform(30, 55) / 20) * np.abs(y).max()
    drive = rng.uniform(1.0, 3.0) if rng.random() < 0.3 else 1.0
    return (np.tanh(y * drive) / np.tanh(drive)).astype(np.float32)


def mix_background(y: np.ndarray, background: np.ndarray, snr_db: float) -> np.ndarray:
    """``y`` with ``background`` (looped or cut to its length) added ``snr_db`` below it (RMS)."""
    if background.size == 0 or not np.any(background):
        return y
    bg = np.resize(background, y.size).astype(np.float64)
    gain = np.sqrt(np.mean(y.astype(np.float64) ** 2) / (np.mean(bg**2) + 1e-12)) * 10 ** (-snr_db / 20)
    return (y + gain * bg).astype(np.float32)


def phone_in_room(y: np.ndarray, sr: int, rng: np.random.Generator, background: np.ndarray | None = None) -> np.ndarray:
    """``y`` played in a random room, heard by a random phone, with ``background`` mixed 8-25 dB below
    (when given); same length as ``y``, peak at most 1."""
    wet = signal.fftconvolve(y.astype(np.float64), room_response(sr, rng))[: y.size]
    wet = wet * rng.uniform(0.6, 1.0) + y * rng.uniform(0.0, 0.4)  # some direct sound from a near phone
    if background is not None:
        wet = mix_background(wet.astype(np.float32), background, rng.uniform(8, 25))
    out = phone_response(np.asarray(wet, dtype=np.float64), sr, rng)
    return np.clip(out, -1.0, 1.0)
