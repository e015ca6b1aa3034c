"""Optional parts: import the modules of a list that this install has, skip the missing ones."""

from __future__ import annotations

import importlib
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
