"""``Service``: the running backend, one wiring object made of parts. Each part is a plain class that takes
what it needs in its constructor:

- ``events`` (:mod:`~exsampling_osc.backend.events`): subscribers, plugin hooks, broadcasts to the devices;
- ``teaching`` (:mod:`~exsampling_osc.backend.teaching`): taught labels;
- ``samples`` (:mod:`~exsampling_osc.backend.samples`): the library through the one sample view, and changes;
- ``ingest`` (:mod:`~exsampling_osc.backend.ingest`): recordings in, its queue and its one analysis worker;
- ``osc`` (:mod:`~exsampling_osc.backend.osc_door`): the OSC door, its handlers in ``osc_handlers``;
- ``http`` (:mod:`~exsampling_osc.backend.web_door`): the HTTP door: servers, certificate, tunnel, QR code;
- ``drop``, ``announcer``, ``watch``: the drop folder, zeroconf, parent watch.

The constructor is cheap: config, library and parts, nothing bound. The model is loaded in :meth:`start` unless
an analyzer was given (tests share one); :meth:`start` binds the ports and starts the threads. OSC handlers and
HTTP routes call the same methods below (one code path, two doors); each hands over to one part.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exsampling_osc import __version__
from exsampling_osc.backend.events import EVENT_KINDS, Events, osc_sample_args
from exsampling_osc.backend.forgetting import Forgetting
from exsampling_osc.backend.ingest import Ingest, sweep_upload_temporaries, timed_warm_up
from exsampling_osc.backend.osc_door import OscDoor
from exsampling_osc.backend.photos import Photos
from exsampling_osc.backend.phrases import compose, knobs, phrase_messages, sample_range
from exsampling_osc.backend.samples import STATES, Samples
from exsampling_osc.backend.settings import Settings
from exsampling_osc.backend.teach_links import TeachLinks
from exsampling_osc.backend.teaching import Teaching, check_label
from exsampling_osc.backend.web_door import WebDoor
from exsampling_osc.errors import ExSamplingError
from exsampling_osc.library import Library, default_data_dir
from exsampling_osc.mapping import Mapping, load_config
from exsampling_osc.osc.sender import Sender
from exsampling_osc.resources import quiet_native_stderr

if TYPE_CHECKING:
    from exsampling_osc.analysis.pipeline import Analyzer
    from exsampling_osc.backend.events import Transport

log = logging.getLogger(__name__)


class Service:
    """The backend. Construct (config, library, parts), then :meth:`start`, then :meth:`wait`."""

    teaching: Teaching
    samples: Samples
    ingest: Ingest
    forgetting: Forgetting

    def __init__(self, settings: Settings, analyzer: Analyzer | None = None, sender: Transport | None = None):
        """Read the config and open the library; ``analyzer`` (else loaded at start) and ``sender`` (else UDP to
        the device port) may be given. No port is bound, no thread started and no model loaded here."""
        from exsampling_osc.web.tokens import Tokens

        self.settings = s = settings
        self.config = load_config(s.config_path)
        s.data_dir = Path(s.data_dir or self.config.data_dir or default_data_dir()).expanduser().resolve()
        for name in ("http", "osc", "device"):
            if getattr(s, f"{name}_port") is None:
                setattr(s, f"{name}_port", self.config.ports[name])
        assert s.device_port is not None
        self.library = Library(s.data_dir)
        self.tokens = Tokens(s.data_dir)
        self.upload_guards: list[Callable] = []  # guard(request) raising Refused; the recorder adds its own
        self.events = Events(sender or Sender(s.device_port), owner=self)
        self.photos = Photos(self.library, self.events)
        self.watch = None
        if s.launched_by_device:
            from exsampling_osc.backend.lifecycle import ParentWatch

            self.watch = ParentWatch(self.stop, 0)  # heartbeats are checked from ready on (start)
        self.osc = OscDoor(self.events.sender, self.events, self.watch)
        self.http = WebDoor(s, self.tokens)
        self.drop: Any = None
        self.announcer: Any = None
        self.analyzer: Analyzer | None = None
        self.warm_seconds: float | None = None
        self._stopped = threading.Event()
        self.stop_reason = ""
        self.started = time.monotonic()
        if analyzer is not None:
            self._assemble(analyzer)

    def _assemble(self, analyzer: Analyzer) -> None:
        """The parts that need the model: mapping (its labels), teaching, samples, ingest."""
        self.analyzer = analyzer
        labels = analyzer.classifier.labels
        unlisted = self.config.check_labels(labels)
        if unlisted:
            log.warning(
                "%d label(s) of the model are in no track of %s and go to track %r: %s (write a mapping "
                "for this model with: exsampling config init --model %s)",
                len(unlisted),
                self.config.path.name,
                self.config.unlisted_track,
                ", ".join(unlisted),
                self.settings.model_dir or "MODEL_DIR",
            )
        mapping = Mapping(self.config, labels, self.library.store.remaps())
        self.teaching = Teaching(analyzer, self.library.store, mapping, self.events)
        self.samples = Samples(self.library.store, mapping, self.events, self.teaching)
        max_upload = int(self.config.max_upload_mb * 1e6)
        self.ingest = Ingest(analyzer, self.library, self.samples, self.events, max_upload, self.settings.hold)
        self.forgetting = Forgetting(self.library, self.ingest, self.events, self.settings.keep_days, self.samples)
        self.teach_links = TeachLinks(self.library.data_dir, self.teach, self.events.error)
        self.events.subscribe(self.teach_links.on_event)

    def load(self) -> Service:
        """Load the model named by the settings (unless an analyzer was given) and build the parts that need it;
        :meth:`start` does this first."""
        from exsampling_osc.analysis.pipeline import AnalysisConfig, Analyzer

        if self.analyzer is None:
            with quiet_native_stderr():  # the runtime's "Created TensorFlow Lite XNNPACK delegate" line
                analyzer = Analyzer(
                    self.settings.model_dir,
                    AnalysisConfig(
                        trim_db=self.config.trim_db,
                        confidence_threshold=self.config.confidence_threshold,
                        percussive_label=self._percussive_label,
                    ),
                )
            self._assemble(analyzer)
        return self

    def _percussive_label(self, label: str) -> bool | None:
        """Whether ``label``'s track plays percussive (its recordings are cut into hits); None for `unknown`
        (the analysed mode decides). Looked up when a recording is analysed, so a re-map counts at once."""
        if label == "unknown" or not hasattr(self, "samples"):
            return None
        return self.samples.mode_of(self.samples.mapping_rule.track_of(label)) == "percussive"

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Service:
        """Load the model (unless given), bind ports, start every part, print nothing (``serve`` prints)."""
        from exsampling_osc.backend.osc_handlers import install_handlers

        s = self.settings
        assert s.data_dir is not None and s.osc_port is not None  # set in __init__
        if self.watch:  # first: the parent must be known before it can go (during a long warm-up)
            self.watch.start()
        self.load()
        assert self.analyzer is not None
        s.osc_port = self.osc.bind(s.osc_port, s.probe_ports).port
        from exsampling_osc.web.app import make_app

        self.http.start(make_app(self))
        if s.load_plugins:
            from exsampling_osc.backend.plugins import plugin_manager

            self.events.plugins = plugin_manager()
        install_handlers(self)
        sweep_upload_temporaries(s.data_dir)
        with quiet_native_stderr():
            self.warm_seconds = timed_warm_up(self.analyzer)  # the first sound is analysed at full speed
        if self.watch:  # heartbeats are counted from ready: a device starts them when it hears ready
            self.watch.last_beat = time.monotonic()
            self.watch.heartbeat_timeout = s.heartbeat_timeout
        self.forgetting.sweep()  # --keep-days: before anything old is queued or announced again
        self.ingest.start()
        self.osc.start()
        if s.drop_folder:
            from exsampling_osc.backend.dropfolder import DropFolder

            self.drop = DropFolder(Path(s.drop_folder), self.ingest.ingest_dropped, self.library.store.has_drop_key)
            self.drop.start()
        if s.announce:
            from exsampling_osc.backend.announce import Announcer

            self.announcer = Announcer("ExSampling OSC", s.osc_port).start()
            s.urls["oscquery"] = f"http://127.0.0.1:{self.announcer.http_port}/"
        threading.Thread(target=self._status_loop, name="status", daemon=True).start()
        self.send_ready()
        self.events.hook("startup")
        return self

    def rotate_token(self) -> str:
        """A new session token: the old participant URL stops working; QR and ready are sent again."""
        self.tokens.rotate()
        self.http.update_participant_url()
        self.send_ready()
        self.events.emit("status", self.status())
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
        if self.drop:
            self.drop.stop()
        self.http.stop()
        if self.announcer:
            self.announcer.close()
        if self.analyzer is not None:
            self.ingest.queue.stop(skip=("warmup",))  # a warm-up has nothing to save
        self.osc.stop()
        self.library.close()

    def _status_loop(self) -> None:
        while not self._stopped.wait(self.settings.status_interval):
            try:
                self.ingest.retry_space_failures()
                self.forgetting.sweep_due()
            except Exception:
                log.exception("retrying recordings that failed for lack of space, or forgetting old ones")
            st = self.status()
            self.send("/exsampling/status", [st["queue"], st["samples"], len(st["devices"])])
            self.events.emit("status", st)

    # ------------------------------------------------------------------ what both doors call
    def ready_message(self) -> tuple[str, list]:
        """/exsampling/ready with the version, URLs and ports."""
        s = self.settings
        return "/exsampling/ready", [__version__, s.http_url, s.participant_url, s.qr_path, s.osc_port, s.http_port]

    def send_ready(self) -> None:
        self.send(*self.ready_message())

    def status(self) -> dict:
        now = time.monotonic()
        return {
            "queue": len(self.ingest.queue),
            **self.library.store.counts(),
            "uptime": round(now - self.started, 1),
            "warm_up_seconds": None if self.warm_seconds is None else round(self.warm_seconds, 3),
            "ingest_latency": self.ingest.latency_figures(),
            **self.osc.status(self.settings.osc_port),
        }

    def subscribe(self, callback: Callable[[str, dict], None]) -> Callable[[], None]:
        """Call ``callback(kind, data)`` on every event; returns the function that unsubscribes."""
        return self.events.subscribe(callback)

    def send(self, address: str, args: list | tuple, ports: list[int] | None = None) -> None:
        """Send a declared OSC message to every device (or ``ports``); plugins use this."""
        self.events.send(address, args, ports)

    def error(self, message: str, ports: list[int] | None = None) -> None:
        self.events.error(message, ports)

    def reply_ports(self, reply_port: int, sender: tuple[str, int]) -> list[int]:
        """Where an answer to ``sender`` goes (see :meth:`OscDoor.reply_ports`); plugins use this."""
        return self.osc.reply_ports(reply_port, sender)

    @property
    def max_upload_bytes(self) -> int:
        return self.ingest.max_upload_bytes

    def ingest_upload(self, tmp_path: str | Path, original_name: str, **fields: Any) -> int:
        """Store and queue a recording (see :meth:`Ingest.ingest_upload`)."""
        return self.ingest.ingest_upload(tmp_path, original_name, **fields)

    def reanalyse(self, sample_id: int) -> None:
        self.ingest.reanalyse(sample_id)

    def issue_deletion_key(self, recording_id: int) -> str:
        """A deletion key for the phone that sent the recording (see :class:`Forgetting`)."""
        return self.forgetting.issue_key(recording_id)

    def delete_recording(self, recording_id: int, key: str) -> dict | None:
        """Forget a recording when ``key`` is its deletion key (None: wrong key or no such recording)."""
        return self.forgetting.delete(recording_id, key)

    def get_sample(self, sample_id: int) -> dict | None:
        return self.samples.get_sample(sample_id)

    def get_recording(self, recording_id: int) -> dict | None:
        return self.samples.get_recording(recording_id)

    def list_recordings(self, limit: int | None = None) -> list[dict]:
        return self.samples.list_recordings(limit)

    def list_samples(self, what: str = "all", limit: int | None = None) -> list[dict]:
        return self.samples.list_samples(what, limit)

    def mapping(self) -> dict:
        return self.samples.mapping()

    def classes(self) -> list[str]:
        return self.samples.classes()

    def tracks(self) -> list[dict]:
        return self.samples.tracks()

    def mode_of(self, track: str) -> str:
        return self.samples.mode_of(track)

    def remap(self, label: str, track: str) -> dict:
        return self.samples.remap(label, track)

    def override(self, sample_id: int, label: str) -> dict | None:
        return self.samples.override(sample_id, label)

    def set_state(self, sample_id: int, state: str) -> dict | None:
        return self.samples.set_state(sample_id, state)

    def teach(self, label: str, sample_ids: list[int]) -> dict:
        return self.teaching.teach(label, sample_ids)

    def teach_link(self, label: str) -> dict:
        """A performer-only recorder link whose recordings each become one example of ``label``
        (:class:`~exsampling_osc.backend.teach_links.TeachLinks`): ``{label, url}``."""
        from urllib.parse import quote

        label = check_label(label)
        secret = self.teach_links.issue(label)
        return {"label": label, "url": f"{self.settings.participant_url}&teach={secret}&label={quote(label)}"}

    def expect_teaching(self, recording_id: int, label: str) -> None:
        """``recording_id`` came through a teach link for ``label``: teach it when its first sample is ready."""
        ready = [s["sample_id"] for s in (self.get_recording(recording_id) or {}).get("samples", [])]
        self.teach_links.expect(recording_id, label, ready)

    def untaught(self, label: str) -> dict:
        return self.teaching.untaught(label)

    def taught(self) -> dict[str, int]:
        """Taught labels and their number of examples."""
        return self.teaching.counts()

    def reanalyse_all(self, label: str | None = None) -> int:
        """Queue every sample (or every sample now labelled ``label``) for analysis again, so labels taught
        since apply to them; a sample event follows for each. Returns how many were queued."""
        ids = [s["id"] for s in self.samples.list_samples("all") if label is None or s.get("label") == label]
        for sid in ids:
            self.ingest.reanalyse(sid)
        return len(ids)

    def phrase(self, x: float, y: float, seed: int | None = None, values: dict | None = None) -> dict:
        """A phrase at latent (x, y) (:func:`~exsampling_osc.backend.phrases.compose`) with the knobs named
        in ``values`` (read by :func:`~exsampling_osc.backend.phrases.knobs`; both doors pass theirs),
        clamped to the newest playable melodic sample's range; its MIDI file kept in the data folder; sent
        to nobody (the OSC door answers the asker with it)."""
        assert self.settings.data_dir is not None  # resolved in __init__
        span = sample_range(self.list_samples("all"))
        return compose(self.settings.data_dir / "phrases", x, y, seed, knobs(values or {}), span)

    def compose(self, x: float, y: float, seed: int | None = None, values: dict | None = None) -> dict:
        """A phrase (as :meth:`phrase`), sent to every device as /exsampling/phrase, its notes and
        /exsampling/done; returned as a dict (the console asks for one this way)."""
        phrase = self.phrase(x, y, seed, values)
        for address, args in phrase_messages(phrase):
            self.send(address, args)
        return phrase


def ready_line(settings: Settings) -> str:
    return "EXSAMPLING_READY " + json.dumps(settings.ready(), separators=(", ", ": "))


__all__ = ["EVENT_KINDS", "STATES", "Service", "Settings", "ExSamplingError", "osc_sample_args", "ready_line"]
