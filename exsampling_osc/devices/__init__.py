"""Max for Live devices: patch generation, validation, ``.amxd`` packing and installation."""

from exsampling_osc.errors import ExSamplingError


class DeviceError(ExSamplingError):
    """A patch or ``.amxd`` file is malformed, or the devices cannot be installed."""
