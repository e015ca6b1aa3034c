"""``Service``: the running backend. One object wires ingest queue, library, mapping, OSC, web, drop folder
and lifecycle; OSC handlers and HTTP routes both call its methods (one code path, two doors).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from exsampling_osc.backend.events import ServiceEvents, osc_sample_args
from exsampling_osc.backend.ingest import IngestQueue, sweep_upload_temporaries, timed_warm_up
from exsampling_osc.backend.operations import ServiceOperations
from exsampling_osc.backend.state import Settings
from exsampling_osc.backend.teaching import Teaching
from exsampling_osc.errors import ExSamplingError
from exsampling_osc.library import Library, default_data_dir
from exsampling_osc.mapping import Mapping, load_config
from exsampling_osc.resources import quiet_native_stderr

if TYPE_CHECKING:
    from exsampling_osc.analysis.pipeline import Analyzer

log = logging.getLogger(__name__)
STATES = ("pending", "ready", "accepted", "rejected")
EVENT_KINDS = ("recording", "sample", "mapping", "taught", "error", "status")


class Service(ServiceOperations, ServiceEvents):
    """The backend. Construct (loads config, library, model), then :meth:`start`, then :meth:`wait`.

    Events and OSC messages are in :mod:`exsampling_osc.backend.events`; ingest, queries and changes in
    :mod:`exsampling_osc.backend.operations`; here: construction, start/stop wiring, URLs and token."""

    def __init__(self, settings: Settings, analyzer: Analyzer | None = None):
        """Read config, open the library and load the model (or take ``analyzer``, e.g. one shared by tests);
        no port is bound and no thread started until :meth:`start`."""
        from exsampling_osc.analysis.pipeline import AnalysisConfig, Analyzer

        self.settings = s = settings
        self.config = load_config(s.config_path)
        s.data_dir = Path(s.data_dir or self.config.data_dir or default_data_dir()).expanduser().resolve()
        for name in ("http", "osc", "device"):
            if getattr(s, f"{name}_port") is None:
                setattr(s, f"{name}_port", self.config.ports[name])
        if analyzer is None:
            with quiet_native_stderr():  # the runtime's "Created TensorFlow Lite XNNPACK delegate" line
                analyzer = Analyzer(
                    s.model_dir,
                    AnalysisConfig(trim_db=self.config.trim_db, confidence_threshold=self.config.confidence_threshold),
                )
        self.analyzer = analyzer
        unlisted = self.config.check_labels(self.analyzer.classifier.labels)
        if unlisted:
            log.warning(
                "%d label(s) of the model are in no track of %s and go to track %r: %s (write a mapping "
                "for this model with: exsampling config init --model %s)",
                len(unlisted),
                self.config.path.name,
                self.config.unlisted_track,
                ", ".join(unlisted),
                s.model_dir or "MODEL_DIR",
            )
        self.library = Library(s.data_dir)
        self._mapping = Mapping(self.config, self.analyzer.classifier.labels, self.library.store.remaps())
        self.teaching = Teaching(self.analyzer, self.library.store)
        self._mapping.set_extra_labels(self.teaching.labels)
        self.max_upload_bytes = int(self.config.max_upload_mb * 1e6)
        from exsampling_osc.web.tokens import Tokens

        self.tokens = Tokens(s.data_dir)
        self.upload_guards: list[Callable] = []
        self.queue = IngestQueue(self._run_job, self._job_failed)
        self._subscribers: list[Callable[[str, dict], None]] = []
        self._signals: dict[int, object] = {}  # recording id → decoded signal handed to the worker
        self._stopped = threading.Event()
        self.stop_reason = ""
        self.started = time.monotonic()
        self.devices: dict[tuple[str, int], dict] = {}  # sender address → {"port", "name", "seen"}
        self.last_heartbeat: float | None = None
        self.osc = self.sender = self.web = self.local_web = self.drop = self.watch = None
        self.plugins = None
        self.announcer = None
        self.latency: list[float] = []
        # query answers are sent from here, paced, so the OSC receiver never waits on a large one
        self.answers = ThreadPoolExecutor(max_workers=1, thread_name_prefix="osc-answers")
        self.warm_seconds: float | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Service:
        """Bind ports, start every part, print nothing (``serve`` prints the ready line)."""
        from exsampling_osc.backend.osc_handlers import install_handlers
        from exsampling_osc.osc.sender import Sender
        from exsampling_osc.osc.server import OscServer, bind_udp

        s = self.settings
        assert s.data_dir is not None and s.osc_port is not None and s.device_port is not None  # set in __init__
        if s.launched_by_device:  # first: the parent must be known before it can go (during a long warm-up)
            from exsampling_osc.backend.lifecycle import ParentWatch

            self.watch = ParentWatch(self.stop, 0)  # heartbeats are checked from ready on (below)
            self.watch.start()
        self.sender = Sender(s.device_port)
        self.osc = OscServer(bind_udp(s.osc_port, s.probe_ports), on_error=self._osc_error)
        s.osc_port = self.osc.port
        self._start_web()
        if s.load_plugins:
            from exsampling_osc.backend.plugins import plugin_manager

            self.plugins = plugin_manager()
        install_handlers(self)
        sweep_upload_temporaries(s.data_dir)
        with quiet_native_stderr():
            self.warm_seconds = timed_warm_up(self.analyzer)  # the first sound is analysed at full speed
        if self.watch:  # heartbeats are counted from ready: a device starts them when it hears ready
            self.watch.last_beat = time.monotonic()
            self.watch.heartbeat_timeout = s.heartbeat_timeout
        self.retry_space_failures()
        for rid in self.library.store.unanalysed():
            self.queue.put(("recording", rid))
        self.queue.start()
        self.osc.start()
        if s.drop_folder:
            from exsampling_osc.backend.dropfolder import DropFolder

            self.drop = DropFolder(Path(s.drop_folder), self._ingest_dropped, self.library.store.has_drop_key)
            self.drop.start()
        if s.announce:
            from exsampling_osc.backend.announce import Announcer

            self.announcer = Announcer("ExSampling OSC", s.osc_port).start()
            s.urls["oscquery"] = f"http://127.0.0.1:{self.announcer.http_port}/"
        threading.Thread(target=self._status_loop, name="status", daemon=True).start()
        self.send_ready()
        self._hook("startup", service=self)
        return self

    def _start_web(self) -> None:
        from exsampling_osc.web.app import make_app
        from exsampling_osc.web.server import WebServer, lan_address

        s = self.settings
        assert s.data_dir is not None and s.http_port is not None  # set in __init__
        app = make_app(self)
        adapter = None
        if s.https:
            from exsampling_osc.web.tls import self_signed, ssl_adapter

            cert, key = (s.cert, s.key) if s.cert and s.key else self_signed(s.data_dir, [lan_address()])
            adapter = ssl_adapter(Path(cert), Path(key))
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
        self._update_participant_url()

    def _update_participant_url(self) -> None:
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

    def rotate_token(self) -> str:
        """A new session token: the old participant URL stops working; QR and ready are sent again."""
        self.tokens.rotate()
        self._update_participant_url()
        self.send_ready()
        self._emit("status", self.status())
        return self.settings.participant_url

    def stop(self, reason: str = "stopped") -> None:
        """Ask the service to stop (thread- and signal-safe); :meth:`wait` then shuts everything down."""
        self.stop_reason = self.stop_reason or reason
        self._stopped.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._stopped.wait(timeout)

    def shutdown(self) -> None:
        """Finish the current job, stop every part, close the library."""
        self._stopped.set()
        for part in (self.drop, self.web, self.local_web):
            if part:
                part.stop()
        if self.announcer:
            self.announcer.close()
        self.queue.stop(skip=("warmup",))  # a warm-up has nothing to save
        self.answers.shutdown(wait=False, cancel_futures=True)
        if self.osc:
            self.osc.stop()
        if self.sender:
            self.sender.close()
        self.library.close()


def ready_line(settings: Settings) -> str:
    return "EXSAMPLING_READY " + json.dumps(settings.ready(), separators=(", ", ": "))


__all__ = ["Service", "Settings", "ExSamplingError", "osc_sample_args", "ready_line"]
