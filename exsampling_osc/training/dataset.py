"""Training data: an ESC-50 style folder (csv with folds) or a folder of class sub-folders.

Features are computed exactly as serving computes them (trim → loop to the window → log-mel), over a
window twice as long so that training can take random crops of a looped clip.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exsampling_osc.analysis.audio import load_audio, trim_silence
from exsampling_osc.analysis.features import FeatureParams, looped_log_mel
from exsampling_osc.audio_suffixes import AUDIO_SUFFIXES  # the package's one list
from exsampling_osc.errors import AudioError, UsageError, existing_folder, nothing_in_folder


@dataclass(frozen=True)
class Clip:
    path: Path
    label: str
    fold: int


def read_dataset(root: str | Path) -> list[Clip]:
    """Clips of an ESC-50 layout (``*.csv`` with filename/fold/category, audio in ``audio/``) or of
    class sub-folders (``root/<label>/*.wav``; fold 1 for all, a validation split is drawn later)."""
    root = existing_folder(root, "folder of class sub-folders or the ESC-50 folder")
    csvs = [p for p in root.glob("*.csv") if _is_esc50_csv(p)]
    if csvs:
        audio = root / "audio" if (root / "audio").is_dir() else root
        with csvs[0].open(newline="") as fh:
            return [
                Clip(audio / row["filename"], row["category"], int(row["fold"]))
                for row in csv.DictReader(fh)
                if (audio / row["filename"]).is_file()
            ]
    clips = [
        Clip(f, d.name, 1)
        for d in sorted(p for p in root.iterdir() if p.is_dir())
        for f in sorted(d.rglob("*"))
        if f.suffix.lower() in AUDIO_SUFFIXES
    ]
    if not clips:
        raise UsageError(f"{nothing_in_folder(root, 'class sub-folders with audio files')} (and no ESC-50 csv)")
    return clips


def is_esc50(root: str | Path) -> bool:
    """Whether ``root`` has the ESC-50 layout (a csv with filename, fold and category columns)."""
    return any(_is_esc50_csv(p) for p in Path(root).glob("*.csv"))


def _is_esc50_csv(path: Path) -> bool:
    with path.open(newline="") as fh:
        header = next(csv.reader(fh), [])
    return {"filename", "fold", "category"} <= set(header)


def assign_folds(clips: list[Clip], k: int = 5, seed: int = 0) -> list[Clip]:
    """Give clips of a single-fold dataset folds 1..k, stratified by label (for own sound folders)."""
    if len({c.fold for c in clips}) > 1:
        return clips
    rng = np.random.default_rng(seed)
    out = []
    for label in sorted({c.label for c in clips}):
        group = [c for c in clips if c.label == label]
        order = rng.permutation(len(group))
        out += [Clip(group[i].path, label, 1 + (n % k)) for n, i in enumerate(order)]
    return out


def clip_features(path: Path, params: FeatureParams, trim_db: float = 20.0) -> np.ndarray:
    """The serving path's looped log-mel of a clip (see ``looped_log_mel``); training crops it."""
    return signal_features(load_audio(path, params.sample_rate), params, trim_db)


def signal_features(y: np.ndarray, params: FeatureParams, trim_db: float = 20.0) -> np.ndarray:
    """:func:`clip_features` of samples already at ``params.sample_rate``."""
    try:
        y, _ = trim_silence(y, top_db=trim_db)
    except AudioError:
        y = np.zeros(params.samples, dtype=np.float32)
    return looped_log_mel(y, params)


def build_arrays(
    clips: list[Clip], labels: list[str], params: FeatureParams, log=print
) -> tuple[np.ndarray, np.ndarray]:
    """Features (N, n_mels, 2-window frames) and integer labels for ``clips``."""
    index = {label: i for i, label in enumerate(labels)}
    feats, ys = [], []
    for n, clip in enumerate(clips):
        feats.append(clip_features(clip.path, params))
        ys.append(index[clip.label])
        if log and (n + 1) % 200 == 0:
            log(f"features: {n + 1}/{len(clips)}")
    return np.stack(feats).astype(np.float32), np.asarray(ys, dtype=np.int32)


def build_room_arrays(clips: list[Clip], params: FeatureParams, seed: int = 0, log=print) -> np.ndarray:
    """Features of one phone-in-room copy of every clip (:func:`~exsampling_osc.training.augment.phone_in_room`),
    with a clip of another label as its background; same order and shape as :func:`build_arrays`."""
    from exsampling_osc.training.augment import phone_in_room

    labels = np.array([c.label for c in clips])
    feats = []
    for n, clip in enumerate(clips):
        rng = np.random.default_rng([seed, n])
        others = np.flatnonzero(labels != clip.label)
        background = load_audio(clips[int(rng.choice(others))].path, params.sample_rate) if others.size else None
        y = load_audio(clip.path, params.sample_rate)
        feats.append(signal_features(phone_in_room(y, params.sample_rate, rng, background), params))
        if log and (n + 1) % 200 == 0:
            log(f"phone-in-room copies: {n + 1}/{len(clips)}")
    return np.stack(feats).astype(np.float32)
