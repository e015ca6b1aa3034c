"""Where shipped files live: the repository checkout (editable install) or inside the wheel."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def shipped(name: str) -> Path:
    """Path of a top-level shipped folder (``models``, ``recorder``, ``patches``).

    A wheel carries them under ``exsampling_osc/_shipped``; an editable install reads the checkout.
    """
    inside = PACKAGE_DIR / "_shipped" / name
    if inside.exists():
        return inside
    return PACKAGE_DIR.parent / name


def default_model_dir() -> Path:
    """The shipped classifier (overridable with ``EXSAMPLING_MODEL``)."""
    env = os.environ.get("EXSAMPLING_MODEL")
    return Path(env) if env else shipped("models") / "esc50"


def user_cache_dir() -> Path:
    """A writable per-user cache folder (numba's compiled functions live here)."""
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.environ.get("LOCALAPPDATA") if os.name == "nt" else None
    )
    root = Path(base) if base else Path.home() / ".cache"
    return root / "exsampling-osc"


def configure_numba_cache() -> None:
    """Point numba's on-disk cache at a writable folder before librosa is imported.

    librosa compiles numba functions on first use (about 20 s); with a writable cache a later process
    loads them instead of compiling again, even when site-packages is read-only.
    """
    if "NUMBA_CACHE_DIR" not in os.environ:
        path = user_cache_dir() / "numba"
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError:
            return
        os.environ["NUMBA_CACHE_DIR"] = str(path)
