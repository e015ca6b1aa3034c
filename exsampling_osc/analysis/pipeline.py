"""The whole analysis of one recording: load → trim → 5 s pieces → log-mel → classify → pitch."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from exsampling_osc.analysis.audio import (
    MAX_SECONDS,
    frame_rms_db,
    load_audio,
    segment,
    trim_silence,
)
from exsampling_osc.analysis.classify import Classifier, Prediction
from exsampling_osc.analysis.features import FeatureParams, crops, looped_log_mel
from exsampling_osc.analysis.pitch import MELODIC_THRESHOLD, PitchEstimate, estimate_pitch


@dataclass(frozen=True)
class AnalysisConfig:
    """Knobs of the analysis; the feature parameters themselves come with the model."""

    trim_db: float = 20.0
    piece_seconds: float = 5.0
    min_last_seconds: float = 1.0
    confidence_threshold: float = 0.25
    top_k: int = 3
    max_seconds: float = MAX_SECONDS
    melodic_threshold: float = MELODIC_THRESHOLD
    crops: int = 3


@dataclass(frozen=True)
class PieceResult:
    """One analysed piece. ``audio`` is the trimmed piece (not padded) at ``sample_rate``."""

    index: int
    start: float
    duration: float
    sample_rate: int
    audio: np.ndarray = field(repr=False)
    prediction: Prediction
    pitch: PitchEstimate

    def to_dict(self) -> dict:
        """JSON-ready summary (no audio)."""
        return {
            "index": self.index,
            "start": round(self.start, 3),
            "duration": round(self.duration, 3),
            "label": self.prediction.label,
            "confidence": round(self.prediction.confidence, 4),
            "top": [[label, p] for label, p in self.prediction.top],
            "root_midi": None if self.pitch.root_midi is None else round(self.pitch.root_midi, 2),
            "note": self.pitch.note,
            "cents": None if self.pitch.cents is None else round(self.pitch.cents, 1),
            "pitch_confidence": round(self.pitch.confidence, 3),
            "mode": self.pitch.mode,
        }


def prepare_window(y: np.ndarray, params: FeatureParams, count: int = 3) -> np.ndarray:
    """A piece as the classifier sees it: ``count`` log-mel crops of the looped piece (count, mels, frames)."""
    return crops(looped_log_mel(y, params), params.frames, count)


class Analyzer:
    """A classifier plus the analysis settings: call :meth:`analyse_file` or :meth:`analyse_signal`."""

    def __init__(self, model_dir: str | Path | None = None, config: AnalysisConfig | None = None):
        from exsampling_osc.resources import default_model_dir

        self.config = config or AnalysisConfig()
        self.classifier = Classifier(
            model_dir or default_model_dir(),
            threshold=self.config.confidence_threshold,
            top_k=self.config.top_k,
        )
        self.params = self.classifier.info.features

    @property
    def sample_rate(self) -> int:
        return self.params.sample_rate

    def analyse_file(self, path: str | Path) -> list[PieceResult]:
        """Analyse an audio file; raises :class:`~exsampling_osc.errors.AudioError` when it can't be used."""
        y = load_audio(path, self.sample_rate, self.config.max_seconds)
        return self.analyse_signal(y)

    def analyse_piece(self, audio: np.ndarray) -> tuple[Prediction, PitchEstimate]:
        """Label and pitch of one piece (already trimmed and at most one window long)."""
        prediction = self.classifier.predict(prepare_window(audio, self.params, self.config.crops))
        pitch = estimate_pitch(audio, self.sample_rate, melodic_threshold=self.config.melodic_threshold)
        return prediction, pitch

    def analyse_signal(self, y: np.ndarray) -> list[PieceResult]:
        """Analyse a mono float32 signal at the model's rate."""
        cfg, sr = self.config, self.sample_rate
        trimmed, offset = trim_silence(y, top_db=cfg.trim_db)
        loudest = float(frame_rms_db(trimmed).max())
        pieces = segment(
            trimmed,
            sr,
            seconds=cfg.piece_seconds,
            min_last=cfg.min_last_seconds,
            offset=offset,
            silent_db=loudest - cfg.trim_db,
        )
        results = []
        for piece in pieces:
            prediction, pitch = self.analyse_piece(piece.audio)
            results.append(
                PieceResult(
                    index=piece.index,
                    start=piece.start,
                    duration=piece.audio.size / sr,
                    sample_rate=sr,
                    audio=piece.audio,
                    prediction=prediction,
                    pitch=pitch,
                )
            )
        return results
