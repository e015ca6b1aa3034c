"""The event and OSC-facing side of :class:`~exsampling_osc.backend.service.Service`: subscribers, plugin hooks,
messages to the devices, the periodic status."""

from __future__ import annotations

import logging
from collections.abc import Callable

from exsampling_osc import __version__
from exsampling_osc.backend.state import ServiceState
from exsampling_osc.osc.protocol import sample_args as osc_sample_args

log = logging.getLogger("exsampling_osc.backend.service")


class ServiceEvents(ServiceState):
    """Mixin of :class:`Service`: who hears about what (devices over OSC, subscribers, plugins)."""

    def send_ready(self, ports: list[int] | None = None) -> None:
        s = self.settings
        self.send(
            "/exsampling/ready", [__version__, s.http_url, s.participant_url, s.qr_path, s.osc_port, s.http_port], ports
        )

    def subscribe(self, callback: Callable[[str, dict], None]) -> Callable[[], None]:
        """Call ``callback(kind, data)`` on every event; returns the function that unsubscribes."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def _emit(self, kind: str, data: dict) -> None:
        for cb in list(self._subscribers):
            try:
                cb(kind, data)
            except Exception:
                log.exception("event subscriber failed on %s", kind)

    def _hook(self, name: str, **kwargs) -> None:
        if self.plugins is None:
            return
        try:
            getattr(self.plugins.hook, name)(**kwargs)
        except Exception:
            log.exception("plugin hook %s failed", name)

    def send(self, address: str, args: list, ports: list[int] | None = None) -> None:
        """Send a declared OSC message to every device (or ``ports``)."""
        if self.sender:
            self.sender.send(address, args, ports)

    def error(self, message: str, ports: list[int] | None = None) -> None:
        log.warning("%s", message)
        self.send("/exsampling/error", [message[:1000]], ports)
        self._emit("error", {"message": message})

    def _osc_error(self, message: str, sender: tuple[str, int]) -> None:
        self.error(message, self.reply_ports(0, sender))

    def reply_ports(self, reply_port: int, sender: tuple[str, int]) -> list[int]:
        """Where an answer goes: ``reply_port`` if a device announced it with hello, else the asker's announced
        port, else every known device. An unannounced ``reply_port`` is refused (ValueError)."""
        known = self.sender.ports() if self.sender else []
        if reply_port > 0:
            if reply_port not in known:
                raise ValueError(f"reply_port {reply_port} was not announced with /exsampling/hello")
            return [reply_port]
        device = self.devices.get(sender)
        return [device["port"]] if device else known

    def _announce(self, sid: int) -> dict | None:
        """Send a sample to the devices and to subscribers and plugins."""
        sample = self.get_sample(sid)
        if sample is None:
            return None
        self.send("/exsampling/sample", osc_sample_args(sample))
        self._emit("sample", sample)
        self._hook("sample_ready", service=self, sample=sample)
        return sample

    def _status_loop(self) -> None:
        while not self._stopped.wait(self.settings.status_interval):
            try:
                self.retry_space_failures()
            except Exception:
                log.exception("retrying recordings that failed for lack of space")
            st = self.status()
            self.send("/exsampling/status", [st["queue"], st["samples"], len(st["devices"])])
            self._emit("status", st)


__all__ = ["ServiceEvents", "osc_sample_args"]
