"""Pitch: the dominant pitch of a piece as a MIDI note, with a confidence and a playing mode."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Pieces whose periodicity (YIN's period, median normalised autocorrelation over loud frames) is at or above
#: this are played melodic (relative to their root). Chosen on the tuning set of bench/bench_pitch.py: snare and
#: kick drums reach 0.64, two-tone sirens, voices and instrument notes 0.73 and more.
MELODIC_THRESHOLD = 0.7
#: Spectral peaks within this many dB of the loudest count as strong (for the root check of chords).
STRONG_PEAK_DB = 20.0
#: Below this spectral flatness (40 Hz-4.2 kHz) a sound is a few sharp partials (a chord, a bell) and plays
#: melodic even when no single period fits it. Tuning set: triads 0.0004-0.0006, a kick drum 0.004.
TONAL_FLATNESS = 0.0015
#: A lowest strong peak this many times above the root or more: harmonics 1-3 are missing, the root is virtual.
VIRTUAL_ROOT_RATIO = 3.5


@dataclass(frozen=True)
class PitchEstimate:
    """``root_midi`` is None when nothing pitched was found; ``cents`` is the offset from ``note``."""

    root_midi: float | None
    note: int | None
    cents: float | None
    confidence: float
    mode: str


def hz_to_midi(hz: float | np.ndarray) -> float | np.ndarray:
    """Frequency in Hz to a (fractional) MIDI note number: 440 Hz is 69."""
    return 69.0 + 12.0 * np.log2(np.asarray(hz, dtype=np.float64) / 440.0)


def estimate_pitch(
    y: np.ndarray,
    sr: int,
    fmin: float = 40.0,
    fmax: float = 4200.0,
    frame_length: int = 2048,
    hop_length: int = 1024,
    melodic_threshold: float = MELODIC_THRESHOLD,
) -> PitchEstimate:
    """Dominant pitch of ``y`` with YIN, and how far to trust it.

    The f0 track of every loud frame is read as MIDI; the root is the median of the largest cluster
    of frames within half a semitone of each other, checked against the spectrum (:func:`spectral_root`:
    a chord's common period lies octaves below its bass note, which is taken instead). Confidence is the
    share of loud frames in that cluster, scaled by how periodic they are: a steady tone scores near 1,
    noise near 0. The mode is ``melodic`` when the periodicity reaches ``melodic_threshold`` or the
    spectrum is a few sharp partials (flatness under :data:`TONAL_FLATNESS`: chords, bells). pYIN would
    cost about 80× more for little gain on 5-second pieces.

    Examples
    --------
    >>> sr = 22050
    >>> t = np.arange(sr) / sr
    >>> est = estimate_pitch(np.sin(2 * np.pi * 440 * t).astype(np.float32), sr)
    >>> round(est.root_midi), est.mode
    (69, 'melodic')
    """
    import librosa

    if y.size < frame_length:
        y = np.pad(y, (0, frame_length - y.size))
    f0 = librosa.yin(y, fmin=fmin, fmax=fmax, sr=sr, frame_length=frame_length, hop_length=hop_length, center=True)
    rms = librosa.feature.rms(y=y, frame_length=frame_length, hop_length=hop_length, center=True)[0]
    n = min(f0.size, rms.size)
    f0, rms = f0[:n], rms[:n]
    loud = rms > rms.max() * 0.1 if rms.max() > 0 else np.zeros(n, dtype=bool)
    if not loud.any():
        return PitchEstimate(None, None, None, 0.0, "percussive")
    notes = hz_to_midi(f0[loud])
    # Cluster: for each frame, the frames within 0.5 semitone; take the densest.
    close = np.abs(notes[:, None] - notes[None, :]) <= 0.5
    counts = close.sum(axis=1)
    best = int(np.argmax(counts))
    members = notes[close[best]]
    share = members.size / notes.size
    periodicity = _periodicity(y, f0, loud, sr, frame_length, hop_length)
    confidence = float(np.clip(share * periodicity, 0.0, 1.0))
    yin_hz = 440.0 * 2 ** ((float(np.median(members)) - 69) / 12)
    freqs, mag = mean_spectrum(y, sr)
    periodic = periodicity >= melodic_threshold
    root_hz = spectral_root(freqs, mag, yin_hz, fmin, fmax, periodic=periodic)
    root = float(hz_to_midi(root_hz))
    note = int(round(root))
    tonal = spectral_flatness(freqs, mag, fmin, fmax) < TONAL_FLATNESS
    mode = "melodic" if periodic or tonal else "percussive"
    return PitchEstimate(root, note, (root - note) * 100.0, confidence, mode)


def _periodicity(y: np.ndarray, f0: np.ndarray, loud: np.ndarray, sr: int, frame_length: int, hop_length: int) -> float:
    """Median normalised autocorrelation at the detected period over loud frames (1 = periodic)."""
    pad = frame_length // 2
    padded = np.pad(y, (pad, pad))
    scores = []
    for i in np.flatnonzero(loud)[:64]:
        lag = int(round(sr / f0[i]))
        seg = padded[i * hop_length : i * hop_length + frame_length]
        if lag <= 0 or lag >= seg.size // 2 or seg.size < frame_length:
            continue
        a, b = seg[:-lag], seg[lag:]
        denom = np.sqrt(np.dot(a, a) * np.dot(b, b))
        scores.append(float(np.dot(a, b) / denom) if denom > 0 else 0.0)
    return float(np.clip(np.median(scores), 0.0, 1.0)) if scores else 0.0


def mean_spectrum(y: np.ndarray, sr: int, n_fft: int = 8192) -> tuple[np.ndarray, np.ndarray]:
    """``(freqs, magnitude)``: the magnitude spectrum averaged over Hann frames of ``n_fft`` (half overlap)."""
    y = np.asarray(y, dtype=np.float64)
    if y.size < n_fft:
        y = np.pad(y, (0, n_fft - y.size))
    frames = np.lib.stride_tricks.sliding_window_view(y, n_fft)[:: n_fft // 2]
    return np.fft.rfftfreq(n_fft, 1.0 / sr), np.abs(np.fft.rfft(frames * np.hanning(n_fft), axis=1)).mean(axis=0)


def spectral_flatness(freqs: np.ndarray, mag: np.ndarray, fmin: float = 40.0, fmax: float = 4200.0) -> float:
    """Geometric over arithmetic mean of the power between ``fmin`` and ``fmax``: 1 for white noise, near 0
    for a few sharp partials."""
    power = mag[(freqs >= fmin) & (freqs <= fmax)] ** 2 + 1e-20
    return float(np.exp(np.mean(np.log(power))) / np.mean(power))


def spectral_root(
    freqs: np.ndarray, mag: np.ndarray, root_hz: float, fmin: float = 40.0, fmax: float = 4200.0, periodic: bool = True
) -> float:
    """The root to play a sound from, given YIN's ``root_hz``: the lowest strong spectral peak instead when
    ``root_hz`` is a period no one would call the note.

    A chord's partials share a period octaves below its bass note (a major triad's is two octaves down, as
    harmonics 4:5:6); YIN finds that period. The lowest strong peak (within :data:`STRONG_PEAK_DB` of the
    loudest) replaces ``root_hz`` when it lies :data:`VIRTUAL_ROOT_RATIO` or more times above it (harmonics
    1-3 all missing), or when it lies above it and the sound is not ``periodic`` at ``root_hz`` (a chord
    whose common period is below ``fmin``, where YIN settles on a period that explains nothing). A tone
    whose fundamental is weak (a phone's low cut) keeps its root: its second or
    third harmonic is strong. Bells keep their virtual strike note. Two more rules were measured and
    dropped (bench/bench_pitch.py, tuning set): replacing a root that leaves a strong peak unexplained
    broke bells, and keeping a root that is itself a partial broke chords.

    Examples
    --------
    >>> sr = 22050
    >>> t = np.arange(sr) / sr
    >>> triad = sum(np.sin(2 * np.pi * f * t) for f in (261.6, 329.6, 392.0))  # C4 E4 G4
    >>> round(spectral_root(*mean_spectrum(triad, sr), 65.4))  # YIN's period is C2's; the bass note is C4
    262
    """
    band = (freqs >= fmin * 0.97) & (freqs <= fmax)
    inner = mag[1:-1]
    is_peak = (inner > mag[:-2]) & (inner >= mag[2:]) & band[1:-1]
    if not is_peak.any():
        return root_hz
    idx = np.flatnonzero(is_peak) + 1
    strong = idx[mag[idx] >= mag[idx].max() * 10 ** (-STRONG_PEAK_DB / 20)]
    lowest = _interpolated(mag, freqs, int(strong.min()))
    if lowest >= VIRTUAL_ROOT_RATIO * root_hz or (not periodic and lowest > root_hz * 1.03):
        return lowest
    return root_hz


def _interpolated(mag: np.ndarray, freqs: np.ndarray, i: int) -> float:
    """A peak's frequency refined by a parabola through its bin and the two beside it (log magnitudes)."""
    a, b, c = np.log(mag[i - 1 : i + 2] + 1e-12)
    denom = a - 2 * b + c
    shift = 0.5 * (a - c) / denom if denom != 0 else 0.0
    return float(freqs[i] + shift * (freqs[1] - freqs[0]))
