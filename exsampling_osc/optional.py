"""Optional parts: import the modules of a list that this install has, skip the missing ones."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator
from types import ModuleType


def present_modules(names: Iterable[str]) -> Iterator[ModuleType]:
    """Each named module that imports; a module that is missing itself is skipped, while an import
    error inside a present module (a missing dependency of it) still raises."""
    for name in names:
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue
            raise


def require_train_extra() -> None:
    """Import TensorFlow quietly or say, in a command that works from a clone, how to install it."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # C++ INFO/WARNING/ERROR lines of TensorFlow
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        from exsampling_osc.errors import ExSamplingError

        raise ExSamplingError(
            "training needs TensorFlow (the train extra): in the clone's folder run .venv/bin/pip install -e '.[train]'"
        ) from None
