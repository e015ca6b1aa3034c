"""Where shipped files live: the repository checkout (editable install) or inside the wheel."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
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
    base = os.environ.get("XDG_CACHE_HOME") or (os.environ.get("LOCALAPPDATA") if os.name == "nt" else None)
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


#: Lines the TFLite/LiteRT runtime writes straight to the stderr descriptor that tell a performer nothing.
NATIVE_NOISE = ("Created TensorFlow Lite XNNPACK delegate",)


@contextlib.contextmanager
def quiet_native_stderr(noise: tuple[str, ...] = NATIVE_NOISE) -> Iterator[None]:
    """Hold back what native code writes to file descriptor 2 inside the block; afterwards pass on every line
    except those containing one of ``noise`` (Python's own ``sys.stderr`` writes go through unchanged)."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), fd)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, fd)
            os.close(saved)
            held.seek(0)
            kept = [
                line
                for line in held.read().decode("utf-8", "replace").splitlines(keepends=True)
                if not any(n in line for n in noise)
            ]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()
