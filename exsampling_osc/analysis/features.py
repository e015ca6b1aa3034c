"""Features: the log-mel image the classifier reads. Parameters travel with the model (``model.json``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

import numpy as np


@dataclass(frozen=True)
class FeatureParams:
    """Everything that decides the classifier's input; saved beside every exported model.

    The defaults are blind above 8 kHz (``fmax``): half of the ESC-50 training clips come from a copy
    resampled to 16 kHz, so a model that sees higher content learns "no highs" as a false cue, and phones
    differ most up there. Models exported before keep their own values in ``model.json``.
    """

    sample_rate: int = 22050
    seconds: float = 5.0
    n_fft: int = 1024
    hop_length: int = 864
    n_mels: int = 64
    fmin: float = 20.0
    fmax: float = 8000.0
    top_db: float = 80.0

    @property
    def samples(self) -> int:
        """Samples in one analysis window."""
        return int(round(self.seconds * self.sample_rate))

    @property
    def frames(self) -> int:
        """Time frames of the log-mel image (centred STFT)."""
        return 1 + self.samples // self.hop_length

    @property
    def shape(self) -> tuple[int, int]:
        """(n_mels, frames): the image the model takes, plus a channel axis."""
        return (self.n_mels, self.frames)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> FeatureParams:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def log_mel(y: np.ndarray, params: FeatureParams) -> np.ndarray:
    """Log-mel image of one window, scaled to [0, 1] relative to its own loudest bin.

    ``y`` must hold exactly ``params.samples`` samples at ``params.sample_rate``. The result has shape
    ``params.shape`` and dtype float32. Scaling to the window's own maximum makes the feature blind to
    recording gain, which differs a lot between phones.
    """
    import librosa

    mel = librosa.feature.melspectrogram(
        y=y,
        sr=params.sample_rate,
        n_fft=params.n_fft,
        hop_length=params.hop_length,
        n_mels=params.n_mels,
        fmin=params.fmin,
        fmax=params.fmax,
        power=2.0,
    )
    db = librosa.power_to_db(mel, ref=np.max, top_db=params.top_db)
    return ((db + params.top_db) / params.top_db).astype(np.float32)


def looped_log_mel(y: np.ndarray, params: FeatureParams) -> np.ndarray:
    """Log-mel of a piece looped to one window, then to two: shape (n_mels, 1 + 2·samples // hop).

    Training takes random ``params.frames``-wide crops of it (time shift); serving averages the model
    over a few evenly spaced crops (:func:`crops`). Both see exactly the same image.
    """
    from exsampling_osc.analysis.audio import fit_length

    looped = fit_length(fit_length(y, params.samples), 2 * params.samples)
    return log_mel(looped, replace(params, seconds=2 * params.seconds))


def crops(image: np.ndarray, frames: int, count: int = 3) -> np.ndarray:
    """``count`` crops ``frames`` wide, evenly spaced over one period of a looped image: (count, n_mels, frames)."""
    period = min(frames - 1, image.shape[-1] - frames)
    starts = np.arange(count) * period // count
    return np.stack([image[..., s : s + frames] for s in starts])
