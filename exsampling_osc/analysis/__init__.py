"""Sound analysis: pure numpy functions by domain (audio, features, pitch) and the pipeline joining them."""

from exsampling_osc.analysis.audio import fit_length, load_audio, segment, trim_silence
from exsampling_osc.analysis.classify import Classifier, ModelInfo, Prediction
from exsampling_osc.analysis.features import FeatureParams, log_mel
from exsampling_osc.analysis.pipeline import AnalysisConfig, Analyzer, PieceResult
from exsampling_osc.analysis.pitch import PitchEstimate, estimate_pitch

__all__ = [
    "AnalysisConfig",
    "Analyzer",
    "Classifier",
    "FeatureParams",
    "ModelInfo",
    "PieceResult",
    "PitchEstimate",
    "Prediction",
    "estimate_pitch",
    "fit_length",
    "load_audio",
    "log_mel",
    "segment",
    "trim_silence",
]
