"""Exception types of ours: each carries a message a person understands; the one wording of a wrong path."""

from __future__ import annotations

from pathlib import Path


class ExSamplingError(Exception):
    """Base class for every error this package raises on purpose."""


class AudioError(ExSamplingError):
    """An audio file or signal cannot be used (unreadable, empty, silent, too long, not finite)."""


class ModelError(ExSamplingError):
    """A model file, its metadata or the inference runtime is missing or inconsistent."""


class ConfigError(ExSamplingError):
    """A configuration file is broken; the message names the file, the line and what is wrong."""


class InvalidRequest(ExSamplingError):
    """A request names something wrongly or gives an argument of the wrong kind (HTTP 400)."""


class NotFound(ExSamplingError):
    """A request names a recording, sample or label that does not exist (HTTP 404)."""


class StorageFull(ExSamplingError):
    """Too little free disk space to keep a recording safely (HTTP 507); nothing was stored."""


class UsageError(ExSamplingError):
    """A path given on the command line does not exist or holds nothing usable (the command exits with 2)."""


# The one wording of a wrong path, shared by every command (classify, train, compose, config, serve).


def no_such_file(path: object) -> str:
    return f"{path}: no such file"


def no_such_folder(path: object) -> str:
    return f"{path}: no such folder"


def nothing_in_folder(path: object, what: str = "audio files") -> str:
    """``PATH: no audio files in this folder`` (or ``what`` instead of audio files)."""
    return f"{path}: no {what} in this folder"


def existing_folder(path: str | Path, what: str = "folder") -> Path:
    """``path`` if it is a folder; else :class:`UsageError` saying it does not exist or is not a folder."""
    path = Path(path)
    if not path.exists():
        raise UsageError(no_such_folder(path))
    if not path.is_dir():
        raise UsageError(f"{path}: not a folder (a {what} is expected)")
    return path


def existing_file(path: str | Path) -> Path:
    """``path`` if it is a file; else :class:`UsageError` with the shared "no such file" wording."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(no_such_file(path) if not path.exists() else f"{path}: not a file")
    return path
