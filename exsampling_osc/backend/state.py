"""What every part of the running backend may rely on: the settings, and the state that
:class:`~exsampling_osc.backend.service.Service` sets up in its constructor (the contract of its two halves,
ServiceEvents and ServiceOperations).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exsampling_osc import __version__

if TYPE_CHECKING:
    from exsampling_osc.analysis.pipeline import Analyzer
    from exsampling_osc.backend.ingest import IngestQueue
    from exsampling_osc.backend.teaching import Teaching
    from exsampling_osc.library import Library
    from exsampling_osc.mapping import Config, Mapping
    from exsampling_osc.osc.sender import Sender
    from exsampling_osc.osc.server import OscServer


@dataclass
class Settings:
    """What ``serve`` was asked for, completed at start with the ports, URLs and paths in use."""

    data_dir: Path | None = None
    config_path: Path | None = None
    model_dir: Path | None = None
    host: str = "0.0.0.0"
    http_port: int | None = None
    osc_port: int | None = None
    device_port: int | None = None
    probe_ports: bool = False
    drop_folder: Path | None = None
    https: bool = False
    cert: Path | None = None
    key: Path | None = None
    public_url: str | None = None
    launched_by_device: bool = False
    heartbeat_timeout: float = 10.0
    status_interval: float = 5.0
    load_plugins: bool = True
    announce: bool = False  # OSCQuery + zeroconf/mDNS (exsampling_osc.backend.announce)
    # filled in by Service.start()
    http_url: str = ""
    participant_url: str = ""
    qr_path: str = ""
    local_http_port: int = 0
    urls: dict = field(default_factory=dict)

    def ready(self) -> dict:
        """The ``EXSAMPLING_READY`` payload."""
        return {
            "osc_port": self.osc_port,
            "http_port": self.http_port,
            "device_port": self.device_port,
            "http_url": self.http_url,
            "participant_url": self.participant_url,
            "qr_path": self.qr_path,
            "local_http_port": self.local_http_port,
            "data_dir": str(self.data_dir),
            "https": self.https,
            "version": __version__,
        }


class ServiceState:
    """The attributes and cross-calls the halves of the service share (set in ``Service.__init__``)."""

    settings: Settings
    config: Config
    analyzer: Analyzer
    library: Library
    _mapping: Mapping
    teaching: Teaching
    max_upload_bytes: int
    tokens: Any
    upload_guards: list[Callable]
    queue: IngestQueue
    answers: ThreadPoolExecutor
    _subscribers: list[Callable[[str, dict], None]]
    _signals: dict[int, Any]
    _stopped: threading.Event
    started: float
    devices: dict[tuple[str, int], dict]
    last_heartbeat: float | None
    osc: OscServer | None
    sender: Sender | None
    web: Any
    local_web: Any
    drop: Any
    watch: Any
    plugins: Any
    announcer: Any
    latency: list[float]
    warm_seconds: float | None

    # implemented by the halves
    def send(self, address: str, args: list, ports: list[int] | None = None) -> None:
        raise NotImplementedError

    def error(self, message: str, ports: list[int] | None = None) -> None:
        raise NotImplementedError

    def _emit(self, kind: str, data: dict) -> None:
        raise NotImplementedError

    def _hook(self, name: str, **kwargs: Any) -> None:
        raise NotImplementedError

    def _announce(self, sid: int) -> dict | None:
        raise NotImplementedError

    def get_sample(self, sample_id: int) -> dict | None:
        raise NotImplementedError

    def status(self) -> dict:
        raise NotImplementedError

    def retry_space_failures(self) -> list[int]:
        raise NotImplementedError
