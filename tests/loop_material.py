"""Loop test material shared by the Max (maxsim) and Pure Data sampler loop tests: a 441 Hz tone whose loop
region holds 100 whole periods, optionally silent after the loop end (so a loop of the whole file would gap)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

SRC = 22050
LOOP = (5000, 5000 + 50 * 100)  # 100 whole periods of a 441 Hz tone at 22.05 kHz


def tone(path: Path, amp: float, seconds: float = 0.5, tail: bool = True) -> Path:
    """A 441 Hz sine; without ``tail`` silent after the loop end (a loop of the whole file would gap)."""
    t = np.arange(int(SRC * seconds)) / SRC
    y = amp * np.sin(2 * np.pi * 441.0 * t)
    if not tail:
        y[LOOP[1] :] = 0.0
    sf.write(path, y, SRC, subtype="FLOAT")
    return path


def rms_db(y: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(y**2))))
