"""``serve --announce``: the OSCQuery description over HTTP and the backend registered with zeroconf/mDNS
(``_oscjson._tcp`` for the description, ``_osc._udp`` for the OSC port), so OSC tools on this computer find it.

Everything binds to ``host`` (127.0.0.1 by default: the OSC port itself only listens there).
"""

from __future__ import annotations

import logging
import socket
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from zeroconf import IPVersion, ServiceInfo, Zeroconf

from exsampling_osc.osc.oscquery import oscquery_app

log = logging.getLogger(__name__)
OSCQUERY_TYPE = "_oscjson._tcp.local."
OSC_TYPE = "_osc._udp.local."


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        log.debug("oscquery: " + format, *args)


class Announcer:
    """Serves OSCQuery on ``host`` (any free port) and registers both services; :meth:`close` withdraws them."""

    def __init__(self, name: str, osc_port: int, host: str = "127.0.0.1"):
        self.name, self.osc_port, self.host = name, osc_port, host
        self.http: WSGIServer | None = None
        self.zeroconf: Zeroconf | None = None
        self.infos: list[ServiceInfo] = []
        self.http_port = 0

    def start(self) -> Announcer:
        self.http = make_server(self.host, 0, oscquery_app(self.name, self.osc_port), handler_class=_Quiet)
        self.http_port = self.http.server_port
        threading.Thread(target=self.http.serve_forever, name="oscquery", daemon=True).start()
        address = socket.inet_aton(self.host)
        server = f"exsampling-{socket.gethostname().split('.')[0]}.local."
        self.infos = [
            ServiceInfo(
                kind,
                f"{self.name}.{kind}",
                addresses=[address],
                port=port,
                properties={"txtvers": "1"},
                server=server,
            )
            for kind, port in ((OSCQUERY_TYPE, self.http_port), (OSC_TYPE, self.osc_port))
        ]
        self.zeroconf = Zeroconf(interfaces=[self.host], ip_version=IPVersion.V4Only)
        for info in self.infos:
            self.zeroconf.register_service(info, allow_name_change=True)
        log.info(
            "announced %s: OSC udp/%d, OSCQuery http://%s:%d/", self.name, self.osc_port, self.host, self.http_port
        )
        return self

    def close(self) -> None:
        if self.zeroconf:
            for info in self.infos:
                try:
                    self.zeroconf.unregister_service(info)
                except Exception:  # withdrawing is a courtesy; stopping must go on
                    log.debug("zeroconf unregister failed", exc_info=True)
            self.zeroconf.close()
            self.zeroconf = None
        if self.http:
            self.http.shutdown()
            self.http.server_close()
            self.http = None
