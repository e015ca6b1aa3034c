"""Audio in: read any file soundfile reads to mono float32 at one rate, trim silence, cut 5-second pieces.

``load_audio`` is the only function here that touches the disk; the rest are numpy in, numpy out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from exsampling_osc.errors import AudioError, no_such_file

#: Longest recording accepted, in seconds (an hour of anything is refused before it is read).
MAX_SECONDS = 600.0
#: Below this peak (about -80 dBFS) a signal counts as silence.
SILENCE_PEAK = 1e-4


def load_audio(path: str | Path, sr: int, max_seconds: float = MAX_SECONDS) -> np.ndarray:
    """Read ``path`` to a mono float32 signal at ``sr`` Hz.

    Any format, rate and channel count that soundfile reads is accepted. Raises :class:`AudioError`
    with a plain message for files that are missing, empty, not audio, truncated, too long,
    or that hold NaN/inf samples.
    """
    path = Path(path)
    if not path.is_file():
        raise AudioError(no_such_file(path.name))
    if path.stat().st_size == 0:
        raise AudioError(f"{path.name}: the file is empty (0 bytes)")
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise AudioError(f"{path.name}: not a readable audio file ({_reason(exc)})") from None
    if info.frames <= 0 or info.samplerate <= 0:
        raise AudioError(f"{path.name}: the file holds no audio samples")
    seconds = info.frames / info.samplerate
    if seconds > max_seconds:
        raise AudioError(f"{path.name}: {seconds:.0f} s is too long (the limit is {max_seconds:.0f} s)")
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError) as exc:
        raise AudioError(f"{path.name}: the audio data is damaged ({_reason(exc)})") from None
    if data.size == 0:
        raise AudioError(f"{path.name}: the file holds no audio samples")
    return to_mono_rate(data, rate, sr, name=path.name)


def to_mono_rate(data: np.ndarray, rate: int, sr: int, name: str = "signal") -> np.ndarray:
    """Down-mix a (frames, channels) or (frames,) array and resample it to ``sr``; reject NaN/inf."""
    data = np.asarray(data, dtype=np.float32)
    if not np.all(np.isfinite(data)):
        raise AudioError(f"{name}: the audio holds NaN or infinite samples")
    mono = data.mean(axis=1) if data.ndim == 2 else data
    if rate != sr:
        import soxr

        mono = soxr.resample(mono, rate, sr, quality="HQ").astype(np.float32)
    return np.ascontiguousarray(mono, dtype=np.float32)


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    return text.split(": ", 1)[-1][:120]


def frame_rms_db(y: np.ndarray, frame: int = 2048, hop: int = 512) -> np.ndarray:
    """RMS of each ``frame``-long window every ``hop`` samples, in dB relative to full scale.

    Computed from a running sum of squares: O(n) whatever the frame length.
    """
    if y.size < frame:
        y = np.pad(y, (0, frame - y.size))
    energy = np.concatenate([[0.0], np.cumsum(np.square(y, dtype=np.float64))])
    starts = hop * np.arange(1 + (y.size - frame) // hop)
    mean_square = np.maximum(energy[starts + frame] - energy[starts], 0.0) / frame
    return 10.0 * np.log10(np.maximum(mean_square, 1e-20))


def require_sound(y: np.ndarray, name: str = "") -> None:
    """Raise :class:`AudioError` when ``y`` is empty or all silence (peak below about -80 dBFS)."""
    if y.size == 0 or float(np.max(np.abs(y))) < SILENCE_PEAK:
        raise AudioError(f"{name}: the recording is silent" if name else "the recording is silent")


def trim_silence(y: np.ndarray, top_db: float = 20.0, frame: int = 2048, hop: int = 512) -> tuple[np.ndarray, int]:
    """Cut leading and trailing parts quieter than ``top_db`` below the loudest frame.

    Returns the trimmed signal and the index of its first sample in ``y``. Raises :class:`AudioError`
    for an all-silent signal (peak below about -80 dBFS).
    """
    require_sound(y)
    db = frame_rms_db(np.pad(y, frame // 2), frame, hop)  # frame k is centred on sample k * hop
    loud = np.flatnonzero(db > db.max() - top_db)
    start = int(loud[0] * hop)
    end = int(min(y.size, (loud[-1] + 1) * hop))
    return y[start:end], start


@dataclass(frozen=True)
class Piece:
    """One piece of a recording: ``audio`` at the analysis rate, starting ``start`` s into the file."""

    index: int
    start: float
    audio: np.ndarray


def segment(
    y: np.ndarray,
    sr: int,
    seconds: float = 5.0,
    min_last: float = 1.0,
    offset: int = 0,
    silent_db: float | None = None,
) -> list[Piece]:
    """Cut ``y`` into ``seconds``-long pieces.

    The last piece may be shorter; it is kept when it lasts at least ``min_last`` seconds or is the
    only piece. With ``silent_db`` set, pieces whose loudest frame is below that level (dBFS) are
    dropped. ``offset`` (samples) shifts the reported start times back into the original file.
    """
    size = int(round(seconds * sr))
    pieces: list[Piece] = []
    for k, begin in enumerate(range(0, max(y.size, 1), size)):
        chunk = y[begin : begin + size]
        if chunk.size < size and chunk.size < min_last * sr and begin > 0:
            continue
        if silent_db is not None and frame_rms_db(chunk).max() < silent_db:
            continue
        pieces.append(Piece(index=k, start=(begin + offset) / sr, audio=chunk))
    return pieces


def fit_length(y: np.ndarray, size: int) -> np.ndarray:
    """Loop a short signal (or cut a long one) to exactly ``size`` samples.

    Looping rather than zero-padding keeps silence from becoming a feature of any class.
    """
    if y.size >= size:
        return y[:size]
    if y.size == 0:
        return np.zeros(size, dtype=np.float32)
    reps = int(np.ceil(size / y.size))
    return np.tile(y, reps)[:size]
