"""The HTTP door, one part of the service: the participant server (HTTPS by default, the certificate kept in
the data folder), a plain-HTTP server on loopback for the console and the device when the first one is
HTTPS, an optional tunnel, and the participant URL with its QR code."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from exsampling_osc.backend.settings import Settings

log = logging.getLogger(__name__)


class WebDoor:
    """Serves ``app`` (built by :func:`exsampling_osc.web.app.make_app`) per ``settings``; ``tokens`` gives the
    session token that goes in the participant URL. Nothing is bound until :meth:`start`."""

    def __init__(self, settings: Settings, tokens: Any):
        self.settings, self.tokens = settings, tokens
        self.web: Any = None
        self.local_web: Any = None
        self.tunnel: Any = None

    def start(self, app) -> None:
        from exsampling_osc.web.server import WebServer, lan_address

        s = self.settings
        assert s.data_dir is not None and s.http_port is not None  # set by the service
        adapter = None
        if s.https:
            from exsampling_osc.certs import participant_certificate
            from exsampling_osc.web.tls import ssl_adapter

            own = (s.cert, s.key) if s.cert and s.key else participant_certificate(s.data_dir, [lan_address()])
            adapter = ssl_adapter(Path(own[0]), Path(own[1]))
        self.web = WebServer(app, s.host, s.http_port, probe=s.probe_ports, ssl_adapter=adapter)
        s.http_port = self.web.port
        local_port = self.web.port
        if s.https:  # plain HTTP stays available on loopback for the console and the device
            self.local_web = WebServer(app, "127.0.0.1", 0)
            local_port = self.local_web.port
            self.local_web.start()
        s.local_http_port = local_port
        s.http_url = f"http://127.0.0.1:{local_port}"
        self.web.start()
        if s.tunnel:
            self._start_tunnel(s.tunnel)
        self.update_participant_url()

    def _start_tunnel(self, kind: str) -> None:
        """The tunnel program, pointed at the participant server (never at the loopback-only console server);
        its requests come from 127.0.0.1 but carry proxy headers and another Host, so the door policy
        (:mod:`~exsampling_osc.web.doors`) treats them as remote. Its public URL goes in the QR code."""
        from exsampling_osc.tunnel import start_tunnel

        s = self.settings
        host = "127.0.0.1" if s.host in ("0.0.0.0", "::", "") else s.host
        host = f"[{host}]" if ":" in host else host
        self.tunnel = start_tunnel(kind, f"{self.web.scheme}://{host}:{s.http_port}")
        s.public_url = self.tunnel.public_url
        log.info("tunnel %s: %s", kind, s.public_url)

    def update_participant_url(self) -> None:
        """The participant URL (the tunnel's or the LAN address, with the current token) and its QR code."""
        from exsampling_osc.web.qr import write_png
        from exsampling_osc.web.server import lan_address

        s = self.settings
        assert s.data_dir is not None and self.web is not None
        if s.public_url:
            base = s.public_url.rstrip("/")
        else:
            host = s.host if s.host not in ("0.0.0.0", "::", "") else lan_address()
            base = f"{self.web.scheme}://{host}:{s.http_port}"
        s.participant_url = f"{base}/?token={self.tokens.current}"
        s.qr_path = str(write_png(s.participant_url, s.data_dir / "qr.png"))
        s.urls = {"participant": s.participant_url, "http": s.http_url, "qr": f"{s.http_url}/qr.png"}

    def stop(self) -> None:
        """The tunnel, then both servers side by side: each waits up to half a second for its accept loop, and a
        launching device gives a clean stop 1.5 s before it signals."""
        if self.tunnel:
            self.tunnel.stop()
        stopping = [threading.Thread(target=w.stop) for w in (self.web, self.local_web) if w]
        for t in stopping:
            t.start()
        for t in stopping:
            t.join()
