"""Exception types of ours: each carries a message a person understands."""


class ExSamplingError(Exception):
    """Base class for every error this package raises on purpose."""


class AudioError(ExSamplingError):
    """An audio file or signal cannot be used (unreadable, empty, silent, too long, not finite)."""


class ModelError(ExSamplingError):
    """A model file, its metadata or the inference runtime is missing or inconsistent."""


class ConfigError(ExSamplingError):
    """A configuration file is broken; the message names the file, the line and what is wrong."""
