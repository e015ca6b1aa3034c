"""Who hears about what: typed events to subscribers (the console), plugin hooks, and broadcasts to the devices
over OSC. One part of the service (:class:`Events`); every other part raises its events here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal, Protocol

from exsampling_osc.osc.codec import sample_args as osc_sample_args

log = logging.getLogger("exsampling_osc.backend.service")

#: The kinds of event a subscriber hears, with the dict each carries.
EventKind = Literal["recording", "sample", "mapping", "taught", "error", "status", "deleted", "photo"]
EVENT_KINDS: tuple[EventKind, ...] = (
    "recording",
    "sample",
    "mapping",
    "taught",
    "error",
    "status",
    "deleted",
    "photo",
)


class Transport(Protocol):
    """The OSC sender as the parts use it (:class:`exsampling_osc.osc.sender.Sender` is one; the tests' capturing
    sender another)."""

    device_port: int
    sent: int

    def send(self, address: str, args: list | tuple, ports: list[int] | None = None) -> None: ...

    def ports(self) -> list[int]: ...

    def announce(self, port: int) -> None: ...

    def close(self) -> None: ...


class Events:
    """Subscribers, plugin hooks and OSC broadcasts.

    ``sender`` carries declared OSC messages to the devices; ``plugins`` (a pluggy manager, set at start) gets
    the hooks, called with ``service=owner`` (the object plugins see, :class:`~exsampling_osc.backend.service
    .Service`)."""

    def __init__(self, sender: Transport, owner: Any = None, plugins: Any = None) -> None:
        self.sender = sender
        self.owner = owner
        self.plugins = plugins
        self._subscribers: list[Callable[[str, dict], None]] = []

    def subscribe(self, callback: Callable[[str, dict], None]) -> Callable[[], None]:
        """Call ``callback(kind, data)`` on every event; returns the function that unsubscribes."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def emit(self, kind: EventKind, data: dict) -> None:
        for cb in list(self._subscribers):
            try:
                cb(kind, data)
            except Exception:
                log.exception("event subscriber failed on %s", kind)

    def hook(self, name: str, **kwargs: Any) -> None:
        """Call plugin hook ``name`` with ``service`` and ``kwargs``; a failing plugin is logged, not raised."""
        if self.plugins is None:
            return
        try:
            getattr(self.plugins.hook, name)(service=self.owner, **kwargs)
        except Exception:
            log.exception("plugin hook %s failed", name)

    def send(self, address: str, args: list | tuple, ports: list[int] | None = None) -> None:
        """Send a declared OSC message to every device (or ``ports``)."""
        self.sender.send(address, args, ports)

    def error(self, message: str, ports: list[int] | None = None) -> None:
        """Log ``message``, send it as /exsampling/error (to every device, or ``ports``) and to subscribers."""
        log.warning("%s", message)
        self.send("/exsampling/error", [message[:1000]], ports)
        self.emit("error", {"message": message})

    def sample(self, sample: dict) -> None:
        """A sample is ready or changed: to the devices, the subscribers and the plugins. A held (``pending``)
        sample reaches the subscribers (the console) only, until the performer accepts it."""
        if sample.get("state") != "pending":
            self.send("/exsampling/sample", osc_sample_args(sample))
        self.emit("sample", sample)
        if sample.get("state") != "pending":
            self.hook("sample_ready", sample=sample)


__all__ = ["EVENT_KINDS", "EventKind", "Events", "Transport", "osc_sample_args"]
