"""Loop points for sustained sounds: a region [start, end) that a sampler repeats while a note is held.

Pure numpy in, numpy out. :func:`find_loop` looks only at the sustained part after the attack (frames within
``sustain_db`` of the loudest), measures the pitch period there by autocorrelation, puts the start on an upward
zero crossing a little into the sustain and the end on the upward zero crossing, a whole number of periods
later, whose surrounding period best matches the start's (value and slope). :func:`crossfade_loop` then blends
the last ``crossfade`` samples before the end into the samples before the start, so the jump from ``end - 1``
back to ``start`` continues the waveform exactly as ``start - 1`` → ``start`` does: no step at the seam.
Percussive, decaying or unpitched clips get no loop (None).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from exsampling_osc.analysis.audio import frame_rms_db


@dataclass(frozen=True)
class LoopParams:
    """Every knob of the loop search, with its one default."""

    sustain_db: float = 10.0  # the sustain: frames within this of the loudest frame, after it
    min_loop_s: float = 0.15  # shorter sustains get no loop
    settle: float = 0.25  # the loop starts this fraction into the sustain (past the attack's settling)
    fmin: float = 30.0  # pitch period searched between 1/fmax and 1/fmin
    fmax: float = 1500.0
    min_periodicity: float = 0.8  # normalised autocorrelation at the period
    max_mismatch: float = 0.6  # normalised difference of the periods around start and end
    crossfade_s: float = 0.03
    candidates: int = 64  # loop lengths tried (whole numbers of periods, longest first)


DEFAULTS = LoopParams()
_FRAME, _HOP = 1024, 256


@dataclass(frozen=True)
class Loop:
    """A loop region in samples: play ``[0, end)`` then ``[start, end)`` over and over."""

    start: int
    end: int
    crossfade: int
    period: float  # samples
    mismatch: float  # 0 (identical periods around start and end) .. 1


def _sustain(y: np.ndarray, sr: int, params: LoopParams) -> tuple[int, int] | None:
    """Samples [first, last) of the sustain after the loudest frame, or None when too short."""
    db = frame_rms_db(np.pad(y, _FRAME // 2), _FRAME, _HOP)
    top = int(np.flatnonzero(db >= db.max() - 1.0)[0])  # the attack's end: the first frame near the loudest
    below = np.flatnonzero(db[top:] < db[top] - params.sustain_db)
    last_frame = top + (int(below[0]) if below.size else db.size - top)
    first, last = top * _HOP, min(y.size, last_frame * _HOP)
    return (first, last) if last - first >= params.min_loop_s * sr else None


def _period(chunk: np.ndarray, sr: int, params: LoopParams) -> float | None:
    """Pitch period of ``chunk`` in samples (parabolic peak of the normalised autocorrelation), or None."""
    chunk = chunk - chunk.mean()
    n = chunk.size
    lo, hi = max(2, int(sr / params.fmax)), min(n // 2, int(sr / params.fmin))
    if hi <= lo + 2:
        return None
    spec = np.fft.rfft(chunk, 2 * n)
    ac = np.fft.irfft(spec * np.conj(spec))[:n]
    if ac[0] <= 0:
        return None
    ac = ac / (ac[0] * (n - np.arange(n)) / n)  # unbiased, 1 at lag 0
    lag = lo + int(np.argmax(ac[lo:hi]))
    # the first lag reaching nearly the best value: the period, not one of its multiples
    good = np.flatnonzero(ac[lo:hi] >= 0.9 * ac[lag])
    first = lo + int(good[0])
    while first + 1 < hi and ac[first + 1] > ac[first]:
        first += 1
    if ac[first] < params.min_periodicity:
        return None
    a, b, c = ac[first - 1], ac[first], ac[first + 1]
    shift = 0.5 * (a - c) / (a - 2 * b + c) if a - 2 * b + c != 0 else 0.0
    return float(first + np.clip(shift, -0.5, 0.5))


def _upward_crossings(y: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Indices n in [lo, hi) with y[n-1] < 0 <= y[n]."""
    lo, hi = max(1, lo), min(y.size, hi)
    if hi <= lo:
        return np.zeros(0, dtype=np.int64)
    seg = y[lo - 1 : hi]
    return lo + np.flatnonzero((seg[:-1] < 0) & (seg[1:] >= 0))


def _mismatch(y: np.ndarray, a: int, b: int, w: int) -> float:
    """How different the ``w`` samples before and after ``a`` are from those around ``b`` (0 = the same)."""
    x, z = y[a - w : a + w], y[b - w : b + w]
    norm = float(np.linalg.norm(x) + np.linalg.norm(z))
    return float(np.linalg.norm(x - z)) / norm if norm > 0 else 1.0


def find_loop(y: np.ndarray, sr: int, params: LoopParams = DEFAULTS) -> Loop | None:
    """The best loop of a sustained, pitched clip, or None (percussive, decaying, unpitched or too short).

    Examples
    --------
    >>> sr = 22050; t = np.arange(sr) / sr
    >>> loop = find_loop((0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), sr)
    >>> loop is not None and loop.start < loop.end and abs(loop.period - sr / 220) < 0.1
    True
    >>> hit = (np.exp(-t / 0.03) * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    >>> find_loop(hit, sr) is None
    True
    """
    y = np.asarray(y, np.float32)
    if y.size < 2 * _FRAME or not np.any(y):
        return None
    sustain = _sustain(y, sr, params)
    if sustain is None:
        return None
    first, last = sustain
    mid = (first + last) // 2
    half = min((last - first) // 2, 2048)
    period = _period(y[mid - half : mid + half].astype(np.float64), sr, params)
    if period is None:
        return None
    w = max(2, int(round(period)))
    xfade = int(min(params.crossfade_s * sr, 4 * period))
    start_at = max(first + int(params.settle * (last - first)), xfade + w)
    starts = _upward_crossings(y, start_at, start_at + w + 1)
    if starts.size == 0:
        return None
    start = int(starts[0])
    room = last - w - start  # the periods after the end must exist too
    most = int(room // period)
    if most < 1 or most * period < params.min_loop_s * sr * 0.5:
        return None
    best: tuple[float, int] | None = None
    for k in np.unique(np.linspace(most, max(1, most // 2), params.candidates).astype(int)):
        target = start + k * period
        for end in _upward_crossings(y, int(target - period / 2), int(target + period / 2) + 1):
            if end + w > y.size:
                continue
            score = _mismatch(y, start, int(end), w)
            if best is None or score < best[0]:
                best = (score, int(end))
    if best is None or best[0] > params.max_mismatch:
        return None
    score, end = best
    return Loop(start, end, min(xfade, start, (end - start) // 2), period, score)


def crossfade_loop(y: np.ndarray, loop: Loop) -> np.ndarray:
    """A copy of ``y`` whose last ``loop.crossfade`` samples before ``loop.end`` fade (linearly) into the
    samples before ``loop.start``: ``out[end - 1] == y[start - 1]``, so the seam continues the waveform."""
    out = np.asarray(y, np.float32).copy()
    n = loop.crossfade
    if n <= 0:
        return out
    w = np.arange(1, n + 1, dtype=np.float32) / n  # reaches 1 at end - 1
    tail = out[loop.end - n : loop.end]
    out[loop.end - n : loop.end] = tail * (1 - w) + out[loop.start - n : loop.start] * w
    return out


def loop_playback(y: np.ndarray, start: int, end: int, size: int) -> np.ndarray:
    """``size`` samples of ``y`` played as a sampler with that loop plays it: ``[0, end)`` then ``[start, end)``
    repeated."""
    y = np.asarray(y, np.float32)
    n = np.arange(size)
    idx = np.where(n < end, n, start + (n - end) % max(1, end - start))
    return y[idx]


def seam_step(y: np.ndarray, start: int, end: int, order: int = 16) -> tuple[float, float]:
    """(at the seam, elsewhere): the largest linear-prediction residual of ``y`` played with this loop, within
    ``order`` samples after the seam and over the rest of the loop region. A step or kink at the seam shows as a
    residual far above the waveform's own; full scale = 1.

    The predictor (order-``order`` LPC) is fitted on the loop region of ``y`` itself.
    """
    import librosa
    from scipy.signal import lfilter

    y = np.asarray(y, np.float32)
    a = librosa.lpc(y[start:end].astype(np.float64), order=order)
    played = loop_playback(y, start, end, end + min(end - start, 4 * order)).astype(np.float64)
    e = np.abs(lfilter(a, [1.0], played))
    return float(e[end - 2 : end + order].max()), float(e[start + order : end - 2].max())
