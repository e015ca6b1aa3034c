"""The whole analysis of one recording: load → trim → 5 s pieces (or one piece per hit) → log-mel → classify →
pitch → loudness, peak and (melodic pieces) loop points."""

from __future__ import annotations

from collections.abc import Callable
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
from exsampling_osc.analysis.loops import crossfade_loop, find_loop
from exsampling_osc.analysis.loudness import finite_or_none, integrated_lufs, peak_db
from exsampling_osc.analysis.onsets import detect_onsets, slice_hits
from exsampling_osc.analysis.openset import with_background
from exsampling_osc.analysis.pitch import MELODIC_THRESHOLD, PitchEstimate, estimate_pitch


@dataclass(frozen=True)
class AnalysisConfig:
    """Knobs of the analysis; the feature parameters themselves come with the model."""

    trim_db: float = 20.0
    piece_seconds: float = 5.0
    min_last_seconds: float = 1.0
    confidence_threshold: float | None = None  # None: the model's own (Classifier)
    top_k: int = 3
    max_seconds: float = MAX_SECONDS
    melodic_threshold: float = MELODIC_THRESHOLD
    crops: int = 3
    max_hits: int = 128  # at most this many hits of one recording are kept (the first ones)
    #: Whether a label's sounds are cut into hits (the backend: its track is percussive); where it answers None
    #: (say, for `unknown`) the analysed mode decides. Without a rule nothing is cut (``classify``: 5 s pieces).
    percussive_label: Callable[[str], bool | None] | None = None
    min_hit_rate: float = 0.5  # a recording is cut into hits only with this many onsets per second or more
    max_hit_rate: float = 8.0  # and no more than this (denser: a texture such as rain, kept in pieces)
    #: and only when its loud moments stand this far (dB) above its quiet ones: hits with gaps between them,
    #: not a steady tone or a texture (wind, an engine) whose small swells read as onsets
    min_hit_contrast_db: float = 15.0


@dataclass(frozen=True)
class PieceResult:
    """One analysed piece (a 5 s piece or one hit). ``audio`` is the trimmed piece (not padded, not normalised;
    crossfaded into its loop when it has one) at ``sample_rate``; ``loop_start``/``loop_end`` in samples of it."""

    index: int
    start: float
    duration: float
    sample_rate: int
    audio: np.ndarray = field(repr=False)
    prediction: Prediction
    pitch: PitchEstimate
    peak_db: float = float("-inf")
    loudness_lufs: float = float("-inf")
    loop_start: int | None = None
    loop_end: int | None = None

    def stored_fields(self) -> dict:
        """The library row of this piece, but for ``path`` and ``state`` (``library.store.Store.store_analysis``)."""
        return {
            "piece_index": self.index,
            "start": self.start,
            "duration": self.duration,
            "label": self.prediction.label,
            "confidence": self.prediction.confidence,
            "top": [[label, float(p)] for label, p in self.prediction.top],
            "root_midi": self.pitch.root_midi,
            "pitch_confidence": self.pitch.confidence,
            "analysed_mode": self.pitch.mode,
            "loudness_lufs": finite_or_none(self.loudness_lufs, 3),
            "peak_db": finite_or_none(self.peak_db, 3),
            "loop_start": self.loop_start,
            "loop_end": self.loop_end,
        }

    def to_dict(self) -> dict:
        """JSON-ready summary (no audio); silence's -inf loudness and peak are null."""
        return {
            "index": self.index,
            "start": round(self.start, 3),
            "end": round(self.start + self.duration, 3),
            "duration": round(self.duration, 3),
            "label": self.prediction.label,
            "confidence": round(self.prediction.confidence, 4),
            "top": [[label, p] for label, p in self.prediction.top],
            "root_midi": None if self.pitch.root_midi is None else round(self.pitch.root_midi, 2),
            "note": self.pitch.note,
            "cents": None if self.pitch.cents is None else round(self.pitch.cents, 1),
            "pitch_confidence": round(self.pitch.confidence, 3),
            "mode": self.pitch.mode,
            "peak_db": finite_or_none(self.peak_db),
            "loudness_lufs": finite_or_none(self.loudness_lufs),
            "loop_start": self.loop_start,
            "loop_end": self.loop_end,
        }


def prepare_window(y: np.ndarray, params: FeatureParams, count: int = 3) -> np.ndarray:
    """A piece as the classifier sees it: ``count`` log-mel crops of the looped piece (count, mels, frames)."""
    return crops(looped_log_mel(y, params), params.frames, count)


class Analyzer:
    """A classifier plus the analysis settings: call :meth:`analyse_file` or :meth:`analyse_signal`."""

    def __init__(self, model_dir: str | Path | None = None, config: AnalysisConfig | None = None):
        from exsampling_osc.resources import default_model_dir

        self.config = config or AnalysisConfig()
        self.classifier = with_background(
            Classifier(
                model_dir or default_model_dir(),
                threshold=self.config.confidence_threshold,
                top_k=self.config.top_k,
            )
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

    def analyse_hits(self, y: np.ndarray) -> list[PieceResult]:
        """One piece per hit of ``y`` (onset slicing), each classified, pitched and measured on its own."""
        hits = slice_hits(y, self.sample_rate)[: self.config.max_hits]
        return [self._result(h.index, h.start_s, h.audio, loops=False) for h in hits]

    def _result(self, index: int, start: float, audio: np.ndarray, loops: bool = True) -> PieceResult:
        """Classify, pitch and measure one piece; a melodic one (when ``loops``) gets loop points."""
        sr = self.sample_rate
        prediction, pitch = self.analyse_piece(audio)
        loop = find_loop(audio, sr) if loops and pitch.mode == "melodic" else None
        if loop is not None:
            audio = crossfade_loop(audio, loop)
        return PieceResult(
            index=index,
            start=start,
            duration=audio.size / sr,
            sample_rate=sr,
            audio=audio,
            prediction=prediction,
            pitch=pitch,
            peak_db=peak_db(audio),
            loudness_lufs=integrated_lufs(audio, sr),
            loop_start=None if loop is None else loop.start,
            loop_end=None if loop is None else loop.end,
        )

    def analyse_signal(self, y: np.ndarray) -> list[PieceResult]:
        """Analyse a mono float32 signal at the model's rate: 5 s pieces (melodic ones with loop points), or one
        piece per hit when the recording is percussive (:meth:`cut_into_hits`)."""
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
        results = [self._result(piece.index, piece.start, piece.audio) for piece in pieces]
        if self.cut_into_hits(results, trimmed):
            hits = self.analyse_hits(y)
            if hits:
                return hits
        return results

    def cut_into_hits(self, pieces: list[PieceResult], trimmed: np.ndarray) -> bool:
        """With a :attr:`AnalysisConfig.percussive_label` rule: most pieces percussive (by the rule, else by the
        analysed mode) and the onsets of the ``trimmed`` recording neither too sparse nor too dense."""
        rule = self.config.percussive_label
        if rule is None:
            return False

        def percussive(p: PieceResult) -> bool:
            verdict = rule(p.prediction.label)
            return p.pitch.mode == "percussive" if verdict is None else bool(verdict)

        if not pieces or 2 * sum(map(percussive, pieces)) <= len(pieces):
            return False
        if level_contrast_db(trimmed) < self.config.min_hit_contrast_db:
            return False
        rate = detect_onsets(trimmed, self.sample_rate).size / (trimmed.size / self.sample_rate)
        return self.config.min_hit_rate <= rate <= self.config.max_hit_rate


def level_contrast_db(y: np.ndarray, frame: int = 512) -> float:
    """How far (dB) the loud frames of ``y`` stand above its quiet ones: the 95th over the 10th percentile of
    the RMS (dB) of its ``frame``-long frames. Knocks with gaps: 30 dB and more; a steady tone or wind: a few dB.

    >>> t = np.arange(22050) / 22050
    >>> round(level_contrast_db(np.sin(2 * np.pi * 440 * t)))
    0
    """
    if y.size // frame < 4:
        return 0.0
    db = frame_rms_db(y, frame, frame)
    return float(np.percentile(db, 95) - np.percentile(db, 10))
