"""Plugins: a small set of hooks (pluggy, as datasette does), found through the entry point group
``exsampling_osc.plugins``.

A plugin is a module whose functions are decorated with :data:`hookimpl` and named after a hook below.
Declare it in the plugin's ``pyproject.toml``::

    [project.entry-points."exsampling_osc.plugins"]
    my_plugin = "my_plugin"

Hooks (every argument is optional in an implementation; take only those you need):

- ``osc_messages()`` → list of ``(Message, handler)``: new to-backend (and to-device) addresses; the
  handler is called as ``handler(service, args, sender)`` with ``args`` checked against the declaration, and
  returns its replies as the core handlers do (None, one ``(address, args)``, a list of them, or an iterator
  for a long answer): the door sends them to the message's ``reply_port`` argument (when not 0), else to the
  port the asker announced with hello, else to every device.
- ``startup(service)``: the service is serving.
- ``recording_received(service, recording)``: a recording was stored (dict as ``Service.get_recording``).
- ``sample_ready(service, sample)``: a sample is ready or changed (dict as in ``Service.get_recording``).
- ``photo_ready(service, recording_id, path)``: a participant's photo was kept (a JPEG without metadata).
- ``mapping_changed(service, label, track)``: a label was re-mapped.

A plugin sends OSC to every device with ``service.send(address, args)`` (declared addresses only) and must not
block:
hooks run on the thread that raised the event.
"""

from __future__ import annotations

import logging
import sys

import pluggy

GROUP = "exsampling_osc.plugins"
hookspec = pluggy.HookspecMarker("exsampling_osc")
hookimpl = pluggy.HookimplMarker("exsampling_osc")
log = logging.getLogger(__name__)


@hookspec
def osc_messages():
    """Return a list of (protocol.Message, handler) pairs to serve."""


@hookspec
def startup(service):
    """The service is ready."""


@hookspec
def recording_received(service, recording):
    """A recording was stored, before its analysis."""


@hookspec
def sample_ready(service, sample):
    """A sample is ready to play, or was changed (re-map, override, state, re-analysis)."""


@hookspec
def photo_ready(service, recording_id, path):
    """A participant's photo for ``recording_id`` is kept at ``path`` (a JPEG without metadata)."""


@hookspec
def mapping_changed(service, label, track):
    """``label`` now plays on ``track``."""


def plugin_manager(load_entry_points: bool = True) -> pluggy.PluginManager:
    """A manager with the hook specifications and every installed plugin loaded."""
    pm = pluggy.PluginManager("exsampling_osc")
    pm.add_hookspecs(sys.modules[__name__])
    if load_entry_points:
        n = pm.load_setuptools_entrypoints(GROUP)
        if n:
            log.info("loaded %d plugin(s): %s", n, ", ".join(name for name, _ in pm.list_name_plugin()))
    return pm


def plugin_names(pm: pluggy.PluginManager) -> list[str]:
    return [name for name, _ in pm.list_name_plugin()]
