"""Atomic, durable file writes: write a temporary file beside the target, fsync, rename, fsync the folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(target: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` then move ``tmp`` onto ``target``; a crash leaves either nothing or the whole file."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
    return target


def copy_durable(src: Path, target: Path) -> Path:
    """Copy ``src`` to ``target`` atomically and durably."""
    return atomic_write(target, lambda tmp: shutil.copyfile(src, tmp))


def write_wav(target: Path, audio: np.ndarray, sample_rate: int) -> Path:
    """Write a mono float signal as a 16-bit WAV, atomically."""
    import soundfile as sf

    data = np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0)
    return atomic_write(target, lambda tmp: sf.write(str(tmp), data, sample_rate, subtype="PCM_16", format="WAV"))


def remove_temporaries(folder: Path) -> int:
    """Delete leftover ``.*.tmp`` files of an interrupted write; returns how many."""
    n = 0
    if folder.is_dir():
        for p in folder.glob(".*.tmp"):
            p.unlink(missing_ok=True)
            n += 1
    return n
