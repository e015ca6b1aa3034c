"""Exception types of ours: each carries a message a person understands."""


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
