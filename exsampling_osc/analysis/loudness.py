"""Loudness: integrated LUFS (ITU-R BS.1770 via pyloudnorm), sample peak, and peak-limited normalisation.

Pure numpy in, numpy out. pyloudnorm gates 400 ms blocks, so a clip shorter than one block (a drum hit) is
measured looped to one block's length: its loudness is then the K-weighted mean square over the clip itself,
which is what a listener hears when the hit plays.
"""

from __future__ import annotations

import math

import numpy as np

#: Loudness every sample is normalised to unless the config says otherwise (``loudness_target_lufs``).
DEFAULT_TARGET_LUFS = -23.0  # EBU R128; drum hits peak 17-22 dB above their loudness, so -16 would peak-limit them
#: Normalisation never lets the sample peak go above this (dBFS).
PEAK_CEILING_DB = -1.0
BLOCK_S = 0.4  # pyloudnorm's gating block
_SILENT = 1e-6  # below this peak (-120 dBFS) a clip counts as silent


def peak_db(y: np.ndarray) -> float:
    """Sample peak in dBFS (``-inf`` for silence or an empty clip).

    >>> round(peak_db(np.array([0.0, -0.5, 0.25])), 2)
    -6.02
    """
    top = float(np.max(np.abs(y))) if np.size(y) else 0.0
    return 20.0 * math.log10(top) if top > 0 else -math.inf


def integrated_lufs(y: np.ndarray, sr: int) -> float:
    """Integrated loudness of a mono clip in LUFS (``-inf`` when silent or below the -70 LUFS gate).

    A clip shorter than one 400 ms block is looped to one block (and a little more) before measuring.

    >>> sr = 22050; t = np.arange(sr) / sr
    >>> round(integrated_lufs(0.5 * np.sin(2 * np.pi * 997 * t), sr))
    -9
    """
    import pyloudnorm

    y = np.asarray(y, np.float64)
    if y.ndim != 1:
        raise ValueError(f"integrated_lufs wants a mono clip, got shape {y.shape}")
    if y.size == 0 or float(np.max(np.abs(y))) < _SILENT:
        return -math.inf
    block = int(math.ceil(BLOCK_S * sr))
    if y.size < block:
        y = np.tile(y, block // y.size + 2)[: block + block // 4]
    value = float(pyloudnorm.Meter(sr, block_size=BLOCK_S).integrated_loudness(y))
    return value if math.isfinite(value) else -math.inf


def normalise(
    y: np.ndarray,
    sr: int,
    target_lufs: float = DEFAULT_TARGET_LUFS,
    peak_ceiling_db: float = PEAK_CEILING_DB,
) -> np.ndarray:
    """``y`` scaled to ``target_lufs``, unless that would put its sample peak above ``peak_ceiling_db``: then
    scaled so the peak sits exactly at the ceiling (a gain, not a compressor: the sound's shape is kept).

    Silence is returned unchanged. float32 out.
    """
    y = np.asarray(y, np.float32)
    out = y.copy()
    for _ in range(4):  # the -70 LUFS absolute gate lets quiet blocks in once the gain lifts them: re-measure
        lufs, peak = integrated_lufs(out, sr), peak_db(out)
        if not math.isfinite(lufs) or not math.isfinite(peak):
            return out
        gain_db = min(target_lufs - lufs, peak_ceiling_db - peak)
        if abs(gain_db) < 0.05:
            break
        out = (out * np.float32(10.0 ** (gain_db / 20.0))).astype(np.float32)
    return out


def finite_or_none(value: float, digits: int = 2) -> float | None:
    """A measure for JSON: rounded, or None for ``-inf`` (silence)."""
    return round(value, digits) if math.isfinite(value) else None
