"""Moderation flags for a recording: clipped, near-silent, likely speech; and the hold policy that uses them.

Pure functions: a mono float signal in [-1, 1] in, :class:`Flags` out. Speech is the share of frames a
voice-activity detector calls voiced: TEN VAD (``ten-vad``, its model ships in the package; on Linux it needs
the system's ``libc++1``) by default, or WebRTC's (``webrtcvad-wheels``). bench/vad_rates.py measured both.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from exsampling_osc.errors import ModelError

#: One default per flag, in one place.
THRESHOLDS: dict[str, Any] = {
    "clip_level": 0.999,  # |sample| at or above this counts as full scale
    "clip_share": 0.001,  # clipped when more than 0.1 % of samples sit at full scale
    "silent_rms_db": -50.0,  # near-silent when no 100 ms of it has an RMS above -50 dBFS
    "vad": "ten",  # "ten" (TEN VAD, a small neural model shipped in ten-vad) or "webrtc" (webrtcvad-wheels)
    "vad_mode": 3,  # webrtcvad aggressiveness 0-3 (3: fewest false alarms)
    "ten_threshold": 0.5,  # TEN VAD's per-frame speech probability threshold
    "speech_share": 0.5,  # likely speech when at least half of the frames are voiced
}
VAD_RATE = 16000
VAD_FRAME_MS = 30


@dataclass(frozen=True)
class Flags:
    """What a recording was flagged for, and the measures behind each flag."""

    clipped: bool
    near_silent: bool
    speech: bool
    clipped_share: float
    rms_db: float
    voiced_share: float
    loudest_db: float = float("-inf")  # RMS of its loudest 100 ms (what near_silent looks at)

    @property
    def any(self) -> bool:
        return self.clipped or self.near_silent or self.speech

    def names(self) -> list[str]:
        return [n for n in ("clipped", "near_silent", "speech") if getattr(self, n)]

    def as_dict(self) -> dict:
        return {**asdict(self), "flags": self.names()}


class HoldPolicy(enum.StrEnum):
    """Which recordings wait for the performer's accept before they are played."""

    FLAGGED = "flagged"
    ALL = "all"
    NONE = "none"


def held(flags: Flags, policy: HoldPolicy | str) -> bool:
    """Whether a recording with ``flags`` is held back under ``policy``.

    Examples
    --------
    >>> f = Flags(False, False, True, 0.0, -20.0, 0.8)
    >>> held(f, "flagged"), held(f, HoldPolicy.NONE), held(f, "all")
    (True, False, True)
    """
    policy = HoldPolicy(policy)
    return policy is HoldPolicy.ALL or (policy is HoldPolicy.FLAGGED and flags.any)


def clipped_share(y: np.ndarray, level: float = THRESHOLDS["clip_level"]) -> float:
    """Share of samples at full scale (``|y| >= level``).

    Examples
    --------
    >>> clipped_share(np.array([0.0, 1.0, -1.0, 0.5]))
    0.5
    """
    y = np.asarray(y)
    return float(np.mean(np.abs(y) >= level)) if y.size else 0.0


def rms_db(y: np.ndarray) -> float:
    """RMS level in dBFS (-inf for digital silence).

    Examples
    --------
    >>> round(rms_db(np.full(100, 0.1)), 1)
    -20.0
    """
    y = np.asarray(y, dtype=np.float64)
    rms = float(np.sqrt(np.mean(y**2))) if y.size else 0.0
    return float(20 * np.log10(rms)) if rms > 0 else float("-inf")


def loudest_db(y: np.ndarray, sr: int, seconds: float = 0.1) -> float:
    """RMS in dBFS of the loudest ``seconds`` of ``y`` (windows every quarter of that; -inf for silence).

    >>> y = np.zeros(22000, np.float32); y[2200:4400] = 0.1
    >>> round(loudest_db(y, 22000), 1), round(rms_db(y), 1)
    (-20.0, -30.0)
    """
    from exsampling_osc.analysis.audio import frame_rms_db

    frame = max(1, int(seconds * sr))
    top = float(frame_rms_db(np.asarray(y, np.float64), frame, max(1, frame // 4)).max()) if np.any(y) else -np.inf
    return top if top > -199 else float("-inf")


TEN_HOP = 256  # 16 ms at 16 kHz


def _pcm16(y: np.ndarray, sr: int) -> np.ndarray:
    import soxr

    y = np.asarray(y, dtype=np.float32)
    if sr != VAD_RATE:
        y = soxr.resample(y, sr, VAD_RATE)
    return (np.clip(y, -1.0, 1.0) * 32767).astype("<i2")


def voiced_share(
    y: np.ndarray,
    sr: int,
    vad: str = THRESHOLDS["vad"],
    mode: int = THRESHOLDS["vad_mode"],
    ten_threshold: float = THRESHOLDS["ten_threshold"],
) -> float:
    """Share of frames the voice-activity detector ``vad`` calls speech (``y`` resampled to 16 kHz first).

    Examples
    --------
    >>> voiced_share(np.zeros(16000), 16000)
    0.0
    """
    pcm = _pcm16(y, sr)
    if vad == "ten":
        from ten_vad import TenVad

        frames = len(pcm) // TEN_HOP
        if frames == 0:
            return 0.0
        try:
            detector = TenVad(TEN_HOP, ten_threshold)
        except OSError as exc:  # its native library did not load
            raise ModelError(
                f"the TEN voice-activity detector could not load ({exc}); on Linux install "
                "libc++1 (apt-get install libc++1)"
            ) from None
        return sum(detector.process(pcm[i * TEN_HOP : (i + 1) * TEN_HOP])[1] for i in range(frames)) / frames
    if vad != "webrtc":
        raise ValueError(f"unknown voice-activity detector {vad!r} (ten or webrtc)")
    import webrtcvad

    n = VAD_RATE * VAD_FRAME_MS // 1000
    frames = len(pcm) // n
    if frames == 0:
        return 0.0
    webrtc = webrtcvad.Vad(int(mode))
    voiced = sum(webrtc.is_speech(pcm[i * n : (i + 1) * n].tobytes(), VAD_RATE) for i in range(frames))
    return voiced / frames


def moderation_flags(y: np.ndarray, sr: int, thresholds: dict | None = None) -> Flags:
    """Flags for a mono recording ``y`` at ``sr`` Hz, with :data:`THRESHOLDS` unless others are given.

    Examples
    --------
    >>> f = moderation_flags(np.zeros(16000, np.float32), 16000)
    >>> f.names()
    ['near_silent']
    """
    t = {**THRESHOLDS, **(thresholds or {})}
    y = np.asarray(y, dtype=np.float32)
    if y.ndim != 1:
        raise ValueError("moderation_flags takes a mono signal")
    share, level = clipped_share(y, t["clip_level"]), rms_db(y)
    # the loudest 100 ms, not the whole take: six knocks at -20 dBFS in 8 s of quiet average under -50 dBFS
    loudest = loudest_db(y, sr)
    silent = loudest < t["silent_rms_db"]
    voiced = 0.0 if silent else voiced_share(y, sr, t["vad"], t["vad_mode"], t["ten_threshold"])
    return Flags(
        clipped=share > t["clip_share"],
        near_silent=silent,
        speech=voiced >= t["speech_share"],
        clipped_share=share,
        rms_db=level,
        voiced_share=voiced,
        loudest_db=loudest,
    )
