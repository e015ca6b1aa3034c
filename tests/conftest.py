"""Shared fixtures: real audio files written with soundfile, and the shared ESC-50 folder when present."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from exsampling_osc.compiled_cache import configure_numba_cache

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
configure_numba_cache()  # librosa's numba functions compile once per machine, not once per test process
REPO = Path(__file__).resolve().parents[1]
ESC50 = Path(os.environ.get("EXSAMPLING_ESC50", REPO.parent / "shared" / "datasets" / "esc50"))


def tone(freq: float, seconds: float, sr: int = 22050, amp: float = 0.5, harmonics: int = 1) -> np.ndarray:
    """A steady tone with ``harmonics`` partials of falling amplitude."""
    t = np.arange(int(seconds * sr)) / sr
    y = sum(amp / k * np.sin(2 * np.pi * freq * k * t) for k in range(1, harmonics + 1))
    return np.asarray(y, dtype=np.float32)


@pytest.fixture
def write_audio(tmp_path):
    """Write a signal to ``tmp_path/name`` (any soundfile format by suffix) and return the path."""

    def write(name: str, y: np.ndarray, sr: int = 22050, **kwargs) -> Path:
        path = tmp_path / name
        sf.write(str(path), y, sr, **kwargs)
        return path

    return write


@pytest.fixture(scope="session")
def esc50() -> Path:
    if not (ESC50 / "esc50.csv").is_file():
        pytest.skip(f"ESC-50 data not found at {ESC50}")
    return ESC50


@pytest.fixture(scope="session")
def analyzer():
    """The shipped model's analyzer, loaded once for every in-process service of the run."""
    from exsampling_osc.analysis.pipeline import Analyzer

    return Analyzer()


@pytest.fixture
def pd_backend():
    """The backend side of a Pure Data sampler test: a UDP socket (``tests/pd_support.FakeBackend``)."""
    from pd_support import FakeBackend

    b = FakeBackend()
    yield b
    b.close()


@pytest.fixture
def pd(pd_backend):
    """The Pure Data sampler for track ``keys`` under real ``pd -nogui``, talking to ``pd_backend``."""
    from pd_support import PdSampler

    p = PdSampler("keys", pd_backend.port)
    yield p
    p.close()
