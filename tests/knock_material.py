"""Knock and clap sequences with exact onsets, for the fake-microphone hits bench and test.

Hits are synthesised (a knock: a few damped wood modes and a contact click; a clap: one to three band-passed
noise bursts a few milliseconds apart) or cut from ESC-50 ``door_wood_knock`` / ``clapping`` clips (each cut
starts where the isolated hit first rises out of the clip's own floor). A sequence places them in groups at
varied tempi and levels, tails overlapping the next hit, optionally over an ESC-50 background clip, with
silence around it so a browser's start offset loses nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

SR = 48000  # the source files' rate: what Chromium's fake microphone plays
PAD_S = 1.0  # silence before the first and after the last hit
MIN_GAP_S = 0.07  # no two onsets closer than this (the detector merges closer ones)
KINDS = ("knock", "clap")
ESC50_CATEGORY = {"knock": "door_wood_knock", "clap": "clapping"}
BACKGROUNDS = ("rain", "wind", "sea_waves", "crickets", "engine")


@dataclass(frozen=True)
class KnockSequence:
    """Mono float32 ``audio`` at ``sr`` with its true onset times (s) and a descriptive ``name``."""

    audio: np.ndarray
    sr: int
    onsets: np.ndarray
    name: str


def synth_knock(rng: np.random.Generator, sr: int = SR) -> np.ndarray:
    """One knock on wood starting at sample 0: 3-5 damped modes (120-1800 Hz) plus a 2 ms contact click."""
    n = int(sr * 0.35)
    t = np.arange(n) / sr
    y = np.zeros(n)
    base = rng.uniform(120, 400)
    for _ in range(int(rng.integers(3, 6))):
        f = base * rng.uniform(1.0, 4.5)
        y += (
            rng.uniform(0.3, 1.0)
            * np.sin(2 * np.pi * f * t + rng.uniform(0, np.pi))
            * np.exp(-t / rng.uniform(0.015, 0.09))
        )
    click = int(0.002 * sr)
    y[:click] += rng.normal(0, 0.8, click) * np.linspace(1, 0, click)
    return _attack(y, sr, 0.0005)


def synth_clap(rng: np.random.Generator, sr: int = SR) -> np.ndarray:
    """One hand clap starting at sample 0: 1-3 noise bursts 3-9 ms apart, band-passed around 1-2.5 kHz."""
    from scipy.signal import butter, sosfilt

    n = int(sr * 0.3)
    t = np.arange(n) / sr
    y = np.zeros(n)
    at = 0
    for _ in range(int(rng.integers(1, 4))):
        burst = rng.normal(0, 1, n - at) * np.exp(-t[: n - at] / rng.uniform(0.006, 0.03))
        y[at:] += rng.uniform(0.5, 1.0) * burst
        at += int(rng.uniform(0.003, 0.009) * sr)
    centre = rng.uniform(900, 2500)
    y = sosfilt(butter(2, [centre / 2, min(centre * 2.5, sr / 2 - 100)], "bandpass", fs=sr, output="sos"), y)
    return _attack(y, sr, 0.0003)


def _attack(y: np.ndarray, sr: int, ramp_s: float) -> np.ndarray:
    """Peak-normalised to 1 with a short raised-cosine attack, so sample 0 is the onset and not a step."""
    y = np.asarray(y, np.float64)
    k = max(1, int(ramp_s * sr))
    y[:k] *= 0.5 - 0.5 * np.cos(np.pi * np.arange(k) / k)
    return (y / max(1e-9, float(np.max(np.abs(y))))).astype(np.float32)


def _rows(esc50: Path, categories: tuple[str, ...]) -> list[Path]:
    with open(esc50 / "esc50.csv") as fh:
        return sorted(esc50 / "audio" / r["filename"] for r in csv.DictReader(fh) if r["category"] in categories)


@lru_cache(maxsize=4)
def esc50_hits(esc50: Path, kind: str, sr: int = SR, max_clips: int = 32) -> tuple[np.ndarray, ...]:
    """Isolated hits cut from ESC-50 clips of ``kind``: each starts where it rises 20 dB over the clip's floor
    after 60 ms of quiet, and stops 300 ms later or before the next hit; at least 25 dB above the floor."""
    import soundfile as sf
    import soxr
    from scipy.ndimage import maximum_filter1d

    hits: list[np.ndarray] = []
    for path in _rows(esc50, (ESC50_CATEGORY[kind],))[:max_clips]:
        y, rate = sf.read(str(path), dtype="float32")
        y = soxr.resample(y, rate, sr).astype(np.float32) if rate != sr else y
        env = maximum_filter1d(np.abs(y), int(0.001 * sr))
        floor = max(float(np.percentile(env, 10)), 1e-5)
        peak = float(env.max())
        if peak < floor * 10 ** (25 / 20):
            continue
        rise = max(floor * 10, peak * 10 ** (-30 / 20))
        onsets = _isolated_rises(env, sr, rise, floor)
        for j, on in enumerate(onsets):
            end = min(on + int(0.3 * sr), onsets[j + 1] - int(0.01 * sr) if j + 1 < len(onsets) else y.size)
            end = on + _single(env[on:end], sr)
            seg = y[on:end].astype(np.float64)
            if seg.size < 0.05 * sr or np.max(np.abs(seg)) < floor * 10 ** (25 / 20):
                continue
            fade = int(0.02 * sr)
            seg[-fade:] *= np.linspace(1, 0, fade)
            hits.append(_attack(seg, sr, 0.0005))
    return tuple(hits)


def _isolated_rises(env: np.ndarray, sr: int, rise: float, floor: float) -> list[int]:
    """Samples where ``env`` leaves ``floor`` (×3) on its way up to ``rise`` after 60 ms under ``rise``/2."""
    ms = sr // 1000
    coarse = env[: env.size // ms * ms].reshape(-1, ms).max(axis=1)  # 1 ms blocks
    onsets: list[int] = []
    i = 60
    while i < coarse.size:
        if coarse[i] >= rise and np.all(coarse[i - 60 : i - 2] < rise * 0.5):
            k = i * ms
            while k > (i - 60) * ms and env[k] > floor * 3:  # back to where it leaves the floor
                k -= 1
            onsets.append(k)
            i += 80
        else:
            i += 1
    return onsets


def _single(env: np.ndarray, sr: int) -> int:
    """Length of the first hit in ``env`` (its 1 ms envelope): up to 10 ms before the envelope, smoothed over
    5 ms, climbs 6 dB above its lowest point since the hit's peak (a second attack)."""
    from scipy.ndimage import maximum_filter1d

    smooth = maximum_filter1d(env, int(0.005 * sr))
    top = int(np.argmax(smooth[: int(0.03 * sr)])) if smooth.size else 0
    low = np.minimum.accumulate(smooth[top:])
    again = np.flatnonzero(smooth[top:] > 2 * low)
    return int(top + again[0] - 0.01 * sr) if again.size else env.size


def _background(esc50: Path, rng: np.random.Generator, n: int, sr: int) -> np.ndarray:
    import soundfile as sf
    import soxr

    files = _rows(esc50, BACKGROUNDS)
    y, rate = sf.read(str(files[int(rng.integers(len(files)))]), dtype="float32")
    y = soxr.resample(y, rate, sr).astype(np.float32)
    if not np.any(np.abs(y) > 1e-4):
        y = rng.normal(0, 0.01, sr).astype(np.float32)
    return np.tile(y, n // y.size + 1)[:n]


def make_knock_sequence(
    seed: int,
    esc50: Path | None,
    kind: str | None = None,
    seconds: float = 6.0,
    sr: int = SR,
    peak_db: float | None = None,
) -> KnockSequence:
    """Sequence ``seed``: groups of 1-4 hits (70-300 ms apart) every 0.3-1.2 s, group levels 0 to -24 dB,
    hits ±3 dB; half of them over a background (15-35 dB under the hits' RMS); peak at ``peak_db`` dBFS
    (random -3 to -24 when None).
    ESC-50 hits are mixed with synthetic ones when ``esc50`` is given."""
    rng = np.random.default_rng(seed)
    kind = kind or KINDS[seed % 2]
    real = esc50_hits(esc50, kind, sr) if esc50 is not None else ()
    n = int((seconds + 2 * PAD_S) * sr)
    hits = np.zeros(n)
    onsets: list[float] = []
    t = PAD_S
    while t < PAD_S + seconds - 0.4:
        level = 10 ** (-rng.uniform(0, 24) / 20)
        for _ in range(int(rng.integers(1, 5))):
            if t >= PAD_S + seconds - 0.4:
                break
            if real and rng.random() < 0.5:
                hit = real[int(rng.integers(len(real)))]
            else:
                hit = synth_knock(rng, sr) if kind == "knock" else synth_clap(rng, sr)
            at = int(round(t * sr))
            m = min(hit.size, n - at)
            hits[at : at + m] += level * 10 ** (rng.uniform(-3, 3) / 20) * hit[:m]
            onsets.append(at / sr)
            t += rng.uniform(MIN_GAP_S, 0.3)
        t += rng.uniform(0.3, 1.2)
    mix = hits
    name = f"{kind}{seed}"
    if esc50 is not None and rng.random() < 0.5:
        snr = float(rng.uniform(15, 35))
        bg = _background(esc50, rng, n, sr).astype(np.float64)
        rms = lambda x: float(np.sqrt(np.mean(np.square(x))) + 1e-12)  # noqa: E731
        mix = hits + bg * rms(hits) / rms(bg) * 10 ** (-snr / 20)
        name += f"-bg{snr:.0f}dB"
    drawn = -float(rng.uniform(3, 24))  # drawn either way, so a seed's hits do not depend on peak_db
    peak_db = drawn if peak_db is None else peak_db
    mix = mix / float(np.max(np.abs(mix))) * 10 ** (peak_db / 20)
    return KnockSequence(mix.astype(np.float32), sr, np.asarray(onsets), f"{name}-peak{peak_db:.0f}dBFS")
