"""An offline renderer of the Max objects our devices use, to hear a built device without Max.

``MaxSim(patch)`` loads a patcher (read it from the built ``.amxd`` with
:func:`exsampling_osc.devices.amxd.parse`), and renders its ``plugout~`` for notes and messages.
"""

from exsampling_osc.devices.maxsim.engine import OBJECTS, MaxSim

__all__ = ["OBJECTS", "MaxSim"]
