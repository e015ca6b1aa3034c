"""Onset slicing: the hits of a recording, each from its real onset to just before the next, with short fades.

Pure numpy in, numpy out. Detection is a spectral-flux onset envelope (librosa, with a maximum filter across
frequency against vibrato and noise) with adaptive peak picking against a moving median (so rain, crackle and
chirps raise the bar where they are); each onset is then refined to the sample on a sub-millisecond amplitude
envelope. All defaults live in :class:`OnsetParams`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class OnsetParams:
    """Every knob of detection and slicing, with its one default."""

    hop: int = 256  # samples between onset-envelope frames (at 22.05 kHz: 11.6 ms)
    n_mels: int = 96
    lag: int = 1
    max_size: int = 3  # maximum filter across mel bands (SuperFlux)
    delta: float = 0.025  # peak height above the local mean, in units of the envelope's maximum
    median_s: float = 0.4  # adaptive threshold: a peak also stands median_k times above the envelope's median
    median_k: float = 4.0  # over this long a window (plus delta), so a busy background raises the bar
    pre_max: int = 1  # a peak is the largest of the frames this far either side (11.6 ms: close hits stay apart)
    pre_avg: int = 3  # the local mean: this many frames before the peak ...
    post_avg: int = 3  # ... and after it
    wait_s: float = 0.04  # no two onsets closer than this
    pre_s: float = 0.03  # refine the onset in [frame − pre_s, frame + post_s]
    post_s: float = 0.02
    rise: float = 0.15  # onset sample: where the envelope first rises this far from floor to local peak
    fade_in_s: float = 0.0015
    fade_out_s: float = 0.005
    gap_s: float = 0.002  # a hit ends this long before the next begins
    min_rise_db: float = 6.0  # a hit's local peak stands this far above the envelope floor just before it
    min_level_db: float = 30.0  # and no further than this below the recording's loudest point
    tail_db: float = 45.0  # trim a hit's tail once it falls this far below the hit's peak
    floor_db: float = 6.0  # or into the recording's background (this above the level of its quietest fifth)
    min_hit_s: float = 0.02


DEFAULTS = OnsetParams()


@dataclass(frozen=True)
class Hit:
    """One hit: samples ``start:end`` of the recording and the faded ``audio``; ``peak_db`` in dBFS."""

    index: int
    start: int
    end: int
    sr: int
    audio: np.ndarray
    peak_db: float

    @property
    def start_s(self) -> float:
        return self.start / self.sr

    @property
    def end_s(self) -> float:
        return self.end / self.sr


def onset_envelope(y: np.ndarray, sr: int, params: OnsetParams = DEFAULTS) -> np.ndarray:
    """Spectral-flux onset strength, one value per ``params.hop`` samples (frame k at sample k·hop).

    Examples
    --------
    >>> env = onset_envelope(np.zeros(22050, np.float32), 22050)
    >>> env.shape[0] == 1 + 22050 // 256
    True
    """
    import librosa

    return librosa.onset.onset_strength(
        y=np.asarray(y, np.float32),
        sr=sr,
        hop_length=params.hop,
        n_mels=params.n_mels,
        lag=params.lag,
        max_size=params.max_size,
        center=True,
    )


def detect_onsets(y: np.ndarray, sr: int, params: OnsetParams = DEFAULTS) -> np.ndarray:
    """Onset positions in samples (sorted int array), refined to the sample.

    Examples
    --------
    >>> sr = 22050
    >>> y = np.zeros(sr, np.float32); y[5000:5200] = np.hanning(200)
    >>> abs(int(detect_onsets(y, sr)[0]) - 5000) < 40
    True
    """
    import librosa

    y = np.asarray(y, np.float32)
    if y.size < params.hop * 4 or not np.any(y):
        return np.zeros(0, dtype=np.int64)
    env = onset_envelope(y, sr, params)
    top = float(env.max())
    if top <= 0:
        return np.zeros(0, dtype=np.int64)
    norm = env / top
    wait = max(1, int(round(params.wait_s * sr / params.hop)))
    peaks = librosa.util.peak_pick(
        norm,
        pre_max=params.pre_max,
        post_max=params.pre_max,
        pre_avg=params.pre_avg,
        post_avg=params.post_avg,
        delta=params.delta,
        wait=wait,
    )
    median = _moving_median(norm, max(3, int(params.median_s * sr / params.hop)) | 1)
    peaks = peaks[norm[peaks] >= params.median_k * median[peaks] + params.delta]
    loudest = float(np.max(np.abs(y)))
    refined = []
    for p in peaks:
        start, floor, peak = _refine(y, sr, int(p) * params.hop, params)
        if peak >= loudest * 10 ** (-params.min_level_db / 20) and peak >= floor * 10 ** (params.min_rise_db / 20):
            refined.append(start)
    out: list[int] = []
    for s in sorted(refined):
        if not out or s - out[-1] >= params.wait_s * sr / 2:
            out.append(s)
    return np.asarray(out, dtype=np.int64)


def _moving_median(x: np.ndarray, width: int) -> np.ndarray:
    """Centred moving median of ``x`` over ``width`` frames."""
    from scipy.ndimage import median_filter

    return median_filter(x, size=width, mode="nearest")


def _envelope(y: np.ndarray, width: int) -> np.ndarray:
    """Moving maximum of |y| over ``width`` samples (centred)."""
    from scipy.ndimage import maximum_filter1d

    return maximum_filter1d(np.abs(y), size=max(1, width), mode="nearest")


def refine_onset(y: np.ndarray, sr: int, around: int, params: OnsetParams = DEFAULTS) -> int:
    """The sample where the hit near ``around`` begins: its amplitude envelope first rises ``params.rise`` of
    the way from the floor before it to its local peak.

    Examples
    --------
    >>> y = np.zeros(4000, np.float32); y[1500:] = 0.5
    >>> refine_onset(y, 22050, 1700)
    1500
    """
    return _refine(y, sr, around, params)[0]


def _refine(y: np.ndarray, sr: int, around: int, params: OnsetParams) -> tuple[int, float, float]:
    """(onset sample, envelope floor before it, local peak) near ``around``."""
    lo = max(0, around - int(params.pre_s * sr))
    hi = min(y.size, around + int(params.post_s * sr))
    if hi - lo < 4:
        return int(around), 0.0, 0.0
    env = _envelope(y[lo:hi], max(1, int(0.0005 * sr)))
    k_peak = int(np.argmax(env))
    floor = float(np.min(env[: k_peak + 1]))
    k_floor = int(np.argmin(env[: k_peak + 1]))
    level = floor + params.rise * (float(env[k_peak]) - floor)
    above = np.flatnonzero(env[k_floor : k_peak + 1] >= level)
    k = k_floor + int(above[0]) if above.size else k_peak
    half = max(1, int(0.0005 * sr)) // 2  # the moving maximum leads by half its width
    return int(min(hi - 1, lo + k + half)), floor, float(env[k_peak])


def _ramp(n: int) -> np.ndarray:
    """Raised-cosine ramp 0 → 1 over ``n`` samples (0 at the first): its first steps are tiny, unlike a line's."""
    return (0.5 - 0.5 * np.cos(np.pi * np.arange(n) / n)).astype(np.float32)


def _fade(audio: np.ndarray, n_in: int, n_out: int) -> np.ndarray:
    out = audio.astype(np.float32, copy=True)
    n_in, n_out = min(n_in, out.size), min(n_out, out.size)
    if n_in:
        out[:n_in] *= _ramp(n_in)
    if n_out:
        out[-n_out:] *= _ramp(n_out)[::-1]
    return out


def slice_hits(y: np.ndarray, sr: int, params: OnsetParams = DEFAULTS, onsets: np.ndarray | None = None) -> list[Hit]:
    """Cut ``y`` into hits: each from its onset (a ``fade_in_s`` ramp placed just before it) to ``gap_s``
    before the next, its tail trimmed where it first falls ``tail_db`` under its peak or into the background
    (``floor_db`` above the level the recording's quietest fifth stays under), faded out over ``fade_out_s``.

    Both ends of every hit are exactly zero, so no hit starts or ends with a step.

    Examples
    --------
    >>> sr = 22050
    >>> y = np.zeros(sr, np.float32)
    >>> for s in (2000, 12000): y[s:s + 800] = np.sin(np.arange(800) / 3) * np.exp(-np.arange(800) / 200)
    >>> [h.start // 100 for h in slice_hits(y, sr)]
    [19, 119]
    """
    y = np.asarray(y, np.float32)
    starts = detect_onsets(y, sr, params) if onsets is None else np.asarray(onsets, dtype=np.int64)
    n_in = max(1, int(round(params.fade_in_s * sr)))
    n_out = max(1, int(round(params.fade_out_s * sr)))
    gap = int(round(params.gap_s * sr))
    width = max(1, int(0.01 * sr))
    background = float(np.percentile(_envelope(y, width), 20)) * 10 ** (params.floor_db / 20) if y.size else 0.0
    hits: list[Hit] = []
    for i, onset in enumerate(starts):
        begin = max(0, int(onset) - n_in)
        stop = int(starts[i + 1]) - n_in - gap if i + 1 < len(starts) else y.size
        stop = min(y.size, stop)
        if stop - begin < params.min_hit_s * sr:
            continue
        seg = y[begin:stop]
        peak = float(np.max(np.abs(seg)))
        if peak <= 0:
            continue
        env = _envelope(seg, 2 * width)
        top = int(np.argmax(env))
        quiet = np.flatnonzero(env[top:] <= max(peak * 10 ** (-params.tail_db / 20), background))
        # the first time it has died away (for 20 ms: the window reaches 10 ms ahead; keep 5 ms of the tail)
        last = top + max(0, int(quiet[0]) - width // 2) if quiet.size else seg.size
        last = min(last, seg.size)
        last = max(last, min(seg.size, n_in + n_out + int(params.min_hit_s * sr)))
        audio = cut(y, sr, begin, begin + last, params)
        hits.append(Hit(len(hits), begin, begin + last, sr, audio, float(20 * np.log10(peak))))
    return hits


def cut(y: np.ndarray, sr: int, begin: int, end: int, params: OnsetParams = DEFAULTS) -> np.ndarray:
    """Samples ``begin:end`` of ``y`` with a hit's fades (``fade_in_s``, ``fade_out_s`` raised-cosine ramps) and
    both end samples exactly zero: how :func:`slice_hits` cuts, usable on the same recording at another rate.

    >>> out = cut(np.ones(1000, np.float32), 22050, 100, 600)
    >>> out.size, float(out[0]), float(out[-1]), float(out[250])
    (500, 0.0, 0.0, 1.0)
    """
    n_in = max(1, int(round(params.fade_in_s * sr)))
    n_out = max(1, int(round(params.fade_out_s * sr)))
    audio = _fade(np.asarray(y[begin:end], np.float32), n_in, n_out)
    if audio.size:
        audio[0] = 0.0
        audio[-1] = 0.0
    return audio


def match_onsets(found: np.ndarray, truth: np.ndarray, window_s: float = 0.025) -> tuple[float, float, float]:
    """F-measure, precision and recall of ``found`` against ``truth`` (both in seconds) within ``window_s``,
    each reference matched at most once (mir_eval's rule, via librosa-free greedy matching on sorted times).

    Examples
    --------
    >>> match_onsets(np.array([0.1, 0.5, 0.9]), np.array([0.11, 0.5]))
    (0.8, 0.6666666666666666, 1.0)
    """
    found, truth = np.sort(np.asarray(found, float)), np.sort(np.asarray(truth, float))
    if found.size == 0 or truth.size == 0:
        return 0.0, 0.0, 0.0
    used = np.zeros(truth.size, bool)
    hits = 0
    for t in found:
        d = np.abs(truth - t)
        d[used] = np.inf
        j = int(np.argmin(d))
        if d[j] <= window_s:
            used[j] = True
            hits += 1
    p, r = hits / found.size, hits / truth.size
    f = 0.0 if hits == 0 else 2 * p * r / (p + r)
    return f, p, r
