"""What ``serve`` was asked for: :class:`Settings`, completed by the service at start."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from exsampling_osc import __version__


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
