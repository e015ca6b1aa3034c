"""The composer as the backend serves it: one call per /exsampling/compose request or XY-pad move."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from exsampling_osc.composer.decoder import Decoder
from exsampling_osc.composer.generate import PAD_TEMPERATURE, Controls, Phrase, compose
from exsampling_osc.errors import ModelError
from exsampling_osc.resources import shipped

_cache: dict[tuple[str, float], Decoder] = {}
_lock = threading.Lock()


def default_composer_dir() -> Path:
    """The shipped composer model (overridable with ``EXSAMPLING_COMPOSER_MODEL``)."""
    env = os.environ.get("EXSAMPLING_COMPOSER_MODEL")
    return Path(env) if env else shipped("models") / "composer"


def load_decoder(model_dir: str | Path | None = None) -> Decoder:
    """The decoder of ``model_dir`` (default: the shipped one), loaded once and reloaded when it changes."""
    path = Path(model_dir) if model_dir else default_composer_dir()
    try:
        key = (str(path.resolve()), (path / "decoder.npz").stat().st_mtime)
    except OSError:
        key = (str(path.resolve()), 0.0)
    with _lock:
        if key not in _cache:
            _cache.clear()
            _cache[key] = Decoder.load(path)
        return _cache[key]


def song_point(decoder: Decoder, name: str) -> tuple[float, float]:
    """Pad point of one of the model's landmark songs (by file name, or a unique part of it)."""
    names = list(decoder.meta.get("landmarks", []))
    hits = [i for i, n in enumerate(names) if n == name] or [i for i, n in enumerate(names) if name in n]
    if len(hits) != 1:
        known = ", ".join(names) or "none (trained without songs)"
        raise ModelError(f"song {name!r}: {'ambiguous' if hits else 'not a landmark'}; landmarks: {known}")
    x, y = decoder.weights["pad_landmark_xy"][hits[0]]
    return float(x), float(y)


def phrase_at(
    x: float,
    y: float,
    seed: int | None,
    out_dir: Path,
    *,
    model_dir: Path | None = None,
    temperature: float = PAD_TEMPERATURE,
    controls: Controls | None = None,
) -> Phrase:
    """The phrase at pad coordinates (x, y) (each in [-1, 1] across the trained region), its .mid in out_dir.

    ``seed`` None gives the pad's phrase at that point (same point, same phrase); an int gives a variation,
    the same for the same seed (``temperature``, the third control, defaults to 1; 0 is the most likely).
    ``controls``: key, register, density, range, bars. Numpy only; thread safe.
    Raises ModelError when the model is missing or broken.
    """
    decoder = load_decoder(model_dir)
    return compose(decoder, float(x), float(y), seed, temperature, out_dir=out_dir, controls=controls)
