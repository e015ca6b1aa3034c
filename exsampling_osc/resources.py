"""Where shipped files live: the repository checkout (editable install) or inside the wheel."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

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
    """A writable per-user cache folder (numba's compiled functions live here: ``compiled_cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or (os.environ.get("LOCALAPPDATA") if os.name == "nt" else None)
    root = Path(base) if base else Path.home() / ".cache"
    return root / "exsampling-osc"


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


@contextlib.contextmanager
def held_native_output(show: bool = False) -> Iterator[TextIO]:
    """Hold back everything written to file descriptors 1 and 2 inside the block (TensorFlow's C++ logs, Keras'
    export prints, absl and Python warnings), and yield a text stream on the real stdout for the lines meant for
    a person. When the block raises (other than with one of our own errors), the held output's last 40 lines
    go to stderr after it; ``show`` passes everything through unchanged."""
    if show:
        yield sys.stdout
        return
    try:
        fds = (sys.stdout.fileno(), sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):
        yield sys.stdout
        return
    from exsampling_osc.errors import ExSamplingError

    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(fd) for fd in fds]
    person = open(os.dup(saved[0]), "w", buffering=1, encoding="utf-8", errors="replace")  # noqa: SIM115
    failed = False
    with tempfile.TemporaryFile() as held:
        for fd in fds:
            os.dup2(held.fileno(), fd)
        try:
            yield person
        except ExSamplingError:
            raise
        except BaseException:
            failed = True
            raise
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            for fd, keep in zip(fds, saved, strict=True):
                os.dup2(keep, fd)
                os.close(keep)
            person.close()
            if failed:
                held.seek(0)
                tail = held.read().decode("utf-8", "replace").splitlines(keepends=True)[-40:]
                sys.stderr.write("".join(tail))
                sys.stderr.flush()
