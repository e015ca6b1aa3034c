"""One note on one sample: rate from note and root, cut at note-off, 50 ms linear release, velocity gain;
a sample with a loop ``[start, end)`` repeats it for as long as the note (and its release) lasts."""

from __future__ import annotations

from typing import Literal

import numpy as np

from exsampling_osc.errors import AudioError

RELEASE_S = 0.05  # linear release after note-off, seconds
Mode = Literal["melodic", "percussive"]


def playback_rate(note: float, root_midi: float, mode: Mode) -> float:
    """2^((note − root)/12) for a melodic sample; 1 for a percussive one."""
    if mode == "percussive":
        return 1.0
    if mode != "melodic":
        raise ValueError(f"mode must be 'melodic' or 'percussive', not {mode!r}")
    return float(2.0 ** ((note - root_midi) / 12.0))


def render_note(
    sample: np.ndarray,
    sr: int,
    root_midi: float,
    note: float,
    velocity: int,
    duration_s: float,
    mode: Mode = "melodic",
    out_sr: int | None = None,
    release_s: float = RELEASE_S,
    loop: tuple[int, int] | None = None,
) -> np.ndarray:
    """Render one note of ``sample`` (mono, ``sr`` Hz) as the devices play it; returns mono float32 at
    ``out_sr`` (default ``sr``).

    The sample is read from its start at ``playback_rate`` (linear interpolation, like ``groove~``); the
    output lasts ``duration_s`` plus ``release_s`` (a linear fade from full to silence that starts at
    note-off), or less when the sample runs out first; everything is scaled by ``velocity / 127``.

    With ``loop = (start, end)`` (source samples, ``end`` exclusive) the read position jumps from ``end`` back to
    ``start`` (continuously: between ``end - 1`` and ``start`` it interpolates as between neighbours), so the
    sample never runs out and the note lasts its full length plus the release.
    """
    y = np.asarray(sample, dtype=np.float32)
    if y.ndim != 1 or y.size == 0:
        raise AudioError(f"sample must be a non-empty mono array, got shape {y.shape}")
    if not 0 <= velocity <= 127:
        raise ValueError(f"velocity must be 0-127, got {velocity}")
    if duration_s < 0:
        raise ValueError(f"duration must be >= 0 s, got {duration_s}")
    out_sr = out_sr or sr
    step = playback_rate(note, root_midi, mode) * sr / out_sr  # source samples per output sample
    held = int(round(duration_s * out_sr))
    release = int(round(release_s * out_sr))
    if loop is not None:
        start, end = loop
        if not 0 <= start < end <= y.size:
            raise ValueError(f"loop [{start}, {end}) must lie within the sample's {y.size} samples")
        n = held + release
        pos = np.arange(n, dtype=np.float64) * step
        pos = np.where(pos < end, pos, start + np.mod(pos - start, end - start))
        ext = np.append(y[:end], y[start])  # index `end` stands for `start`: the seam interpolates across
        out = np.interp(pos, np.arange(end + 1), ext).astype(np.float32)
    else:
        available = int(np.floor((y.size - 1) / step)) + 1  # output samples before the source runs out
        n = min(held + release, available)
        pos = np.arange(n, dtype=np.float64) * step
        out = np.interp(pos, np.arange(y.size), y).astype(np.float32)
    if n > held and release > 0:
        k = np.arange(n - held, dtype=np.float32)
        out[held:] *= 1.0 - (k + 1) / release
    return out * np.float32(velocity / 127.0)
