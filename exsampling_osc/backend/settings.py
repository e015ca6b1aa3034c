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
    https: bool = True  # phones get HTTPS (the microphone needs it); --http turns it off
    cert: Path | None = None
    key: Path | None = None
    public_url: str | None = None
    tunnel: str | None = None  # "cloudflared" or "ngrok" (exsampling_osc.tunnel)
    keep_days: float | None = None  # recordings older than this are forgotten (None: kept)
    hold: str = "none"  # moderation: hold flagged / all / none until accepted (flags are always kept)
    location_precision_km: float | None = None  # None: the recorder section's
    consent: str | None = None  # None: the recorder section's
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

    @property
    def self_signed(self) -> bool:
        """True when phones reach the page with our own certificate (they warn the first time)."""
        return self.https and not (self.cert and self.key) and not self.public_url

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
            "tunnel": self.tunnel,
            "version": __version__,
        }
