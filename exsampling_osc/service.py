"""``Service``: the running backend. One object wires ingest queue, library, mapping, OSC, web, drop folder
and lifecycle; OSC handlers and HTTP routes both call its methods (one code path, two doors).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from exsampling_osc import __version__
from exsampling_osc.errors import AudioError, ExSamplingError
from exsampling_osc.ingest import IngestQueue, Job, analyse_recording, check_audio, reanalyse_sample, warm_up
from exsampling_osc.library import Library, default_data_dir
from exsampling_osc.mapping import Mapping, load_config

log = logging.getLogger(__name__)
STATES = ("pending", "ready", "accepted", "rejected")
EVENT_KINDS = ("recording", "sample", "mapping", "error", "status")


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
    # filled in by Service.start()
    http_url: str = ""
    participant_url: str = ""
    qr_path: str = ""
    local_http_port: int = 0
    urls: dict = field(default_factory=dict)

    def ready(self) -> dict:
        """The ``EXSAMPLING_READY`` payload."""
        return {"osc_port": self.osc_port, "http_port": self.http_port, "device_port": self.device_port,
                "http_url": self.http_url, "participant_url": self.participant_url, "qr_path": self.qr_path,
                "local_http_port": self.local_http_port, "data_dir": str(self.data_dir),
                "https": self.https, "version": __version__}


class Service:
    """The backend. Construct (loads config, library, model), then :meth:`start`, then :meth:`wait`."""

    def __init__(self, settings: Settings):
        from exsampling_osc.analysis.pipeline import AnalysisConfig, Analyzer

        self.settings = s = settings
        self.config = load_config(s.config_path)
        s.data_dir = Path(s.data_dir or self.config.data_dir or default_data_dir()).expanduser().resolve()
        for name in ("http", "osc", "device"):
            if getattr(s, f"{name}_port") is None:
                setattr(s, f"{name}_port", self.config.ports[name])
        self.analyzer = Analyzer(s.model_dir, AnalysisConfig(trim_db=self.config.trim_db,
                                                              confidence_threshold=self.config.confidence_threshold))
        self.config.check_labels(self.analyzer.classifier.labels)
        self.library = Library(s.data_dir)
        self._mapping = Mapping(self.config, self.analyzer.classifier.labels, self.library.store.remaps())
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
        self.latency: list[float] = []

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Service:
        """Bind ports, start every part, print nothing (``serve`` prints the ready line)."""
        from exsampling_osc.osc.handlers import install_handlers
        from exsampling_osc.osc.sender import Sender
        from exsampling_osc.osc.server import OscServer, bind_udp

        s = self.settings
        self.sender = Sender(s.device_port)
        self.osc = OscServer(bind_udp(s.osc_port, s.probe_ports), on_error=self._osc_error)
        s.osc_port = self.osc.port
        self._start_web()
        if s.load_plugins:
            from exsampling_osc.plugins import plugin_manager

            self.plugins = plugin_manager()
        install_handlers(self)
        self.queue.put(("warmup", 0))
        for rid in self.library.store.unanalysed():
            self.queue.put(("recording", rid))
        self.queue.start()
        self.osc.start()
        if s.drop_folder:
            from exsampling_osc.dropfolder import DropFolder

            self.drop = DropFolder(Path(s.drop_folder), self._ingest_dropped, self.library.store.has_drop_key)
            self.drop.start()
        if s.launched_by_device:
            from exsampling_osc.lifecycle import ParentWatch

            self.watch = ParentWatch(self.stop, s.heartbeat_timeout)
            self.watch.start()
        threading.Thread(target=self._status_loop, name="status", daemon=True).start()
        self.send_ready()
        self._hook("startup", service=self)
        return self

    def _start_web(self) -> None:
        from exsampling_osc.web.app import make_app
        from exsampling_osc.web.server import WebServer, lan_address

        s = self.settings
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

    def send_ready(self, ports: list[int] | None = None) -> None:
        s = self.settings
        self.send("/exsampling/ready", [__version__, s.http_url, s.participant_url, s.qr_path, s.osc_port,
                                        s.http_port], ports)

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
        self.queue.stop(skip=("warmup",))  # a warm-up has nothing to save
        if self.osc:
            self.osc.stop()
        if self.sender:
            self.sender.close()
        self.library.close()

    # ------------------------------------------------------------------ events
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
        from exsampling_osc.osc.handlers import reply_ports

        self.error(message, reply_ports(self, 0, sender))

    # ------------------------------------------------------------------ ingest
    def ingest_upload(self, tmp_path: str | Path, original_name: str, *, source: str = "upload",
                      latitude: float | None = None, longitude: float | None = None,
                      accuracy: float | None = None, uploader: str | None = None,
                      drop_key: str | None = None) -> int:
        """Check, store durably and queue a recording; returns its id once it is safe on disk.

        ``tmp_path`` is copied (the caller removes it). Raises :class:`AudioError` for unusable audio or a
        file over the size limit, leaving no file and no row behind.
        """
        received = time.perf_counter()
        path = Path(tmp_path)
        name = Path(original_name).name or "recording"
        size = path.stat().st_size if path.is_file() else 0
        if size > self.max_upload_bytes:
            raise AudioError(f"{name}: the file is too large ({size / 1e6:.1f} MB; "
                             f"the limit is {self.max_upload_bytes / 1e6:.0f} MB)")
        y = check_audio(self, path, name)
        rid = self.library.keep_recording(path, name, source=source, latitude=latitude, longitude=longitude,
                                          accuracy=accuracy, uploader=uploader, drop_key=drop_key)
        # hand the decoded signal to the worker while the queue is short; a long queue re-reads the file
        self._signals[rid] = (y if len(self._signals) < 16 else None, received)
        self.queue.put(("recording", rid))
        rec = self.get_recording(rid) or {"id": rid}
        self.send("/exsampling/recording", [rid, source, _num(latitude), _num(longitude),
                                            -1.0 if accuracy is None else accuracy, name[:200]])
        self._emit("recording", rec)
        self._hook("recording_received", service=self, recording=rec)
        return rid

    def _ingest_dropped(self, path: Path, key: str) -> None:
        try:
            self.ingest_upload(path, path.name, source="drop", drop_key=key)
        except AudioError as exc:
            self.error(f"drop folder: {exc}")

    def _run_job(self, job: Job) -> None:
        kind, ident = job
        if kind == "warmup":
            warm_up(self.analyzer)
        elif kind == "recording":
            analyse_recording(self, ident)
        elif kind == "reanalyse":
            reanalyse_sample(self, ident)

    def _job_failed(self, job: Job, exc: Exception) -> None:
        kind, ident = job
        if kind == "recording":
            self.library.store.set_failed(ident, str(exc))
        self.error(f"{kind} {ident}: {exc}")

    def _announce(self, sid: int) -> dict | None:
        """Send a sample to the devices and to subscribers and plugins."""
        sample = self.get_sample(sid)
        if sample is None:
            return None
        self.send("/exsampling/sample", osc_sample_args(sample))
        self._emit("sample", sample)
        self._hook("sample_ready", service=self, sample=sample)
        return sample

    # ------------------------------------------------------------------ queries
    def _sample_dict(self, row: dict) -> dict:
        label = row["overridden_label"] or row["label"]
        track = self._mapping.track_of(label)
        return {"sample_id": row["id"], "id": row["id"], "track": track, "label": label,
                "confidence": row["confidence"], "path": row["path"], "root_midi": row["root_midi"],
                "mode": self._mapping.mode_of(track), "analysed_mode": row["analysed_mode"],
                "latitude": row["latitude"], "longitude": row["longitude"], "accuracy": row["accuracy"],
                "recording_id": row["recording_id"], "duration": row["duration"], "state": row["state"],
                "start": row["start"], "piece_index": row["piece_index"], "analysed_label": row["label"],
                "overridden_label": row["overridden_label"], "top": row["top"],
                "pitch_confidence": row["pitch_confidence"], "created": row["created"],
                "audio_url": f"/api/samples/{row['id']}/audio"}

    def get_sample(self, sample_id: int) -> dict | None:
        row = self.library.store.sample(int(sample_id))
        return self._sample_dict(row) if row else None

    def get_recording(self, recording_id: int) -> dict | None:
        rec = self.library.store.recording(int(recording_id))
        if rec is None:
            return None
        rec = _public_recording(rec)
        rec["samples"] = [self._sample_dict(r) for r in self.library.store.samples(recording_id=rec["id"])]
        return rec

    def list_recordings(self, limit: int | None = None) -> list[dict]:
        return [_public_recording(r) for r in self.library.store.recordings(limit)]

    def list_samples(self, what: str = "all", limit: int | None = None) -> list[dict]:
        """Samples newest first; ``what`` is `all`, a track name or a label (after overrides)."""
        out = []
        for row in self.library.store.samples():
            s = self._sample_dict(row)
            if what in ("all", "", None) or s["track"] == what or s["label"] == what:
                out.append(s)
                if limit and len(out) >= limit:
                    break
        return out

    def mapping(self) -> dict:
        return self._mapping.as_dict()

    def classes(self) -> list[str]:
        return list(self._mapping.labels)

    def tracks(self) -> list[dict]:
        return self._mapping.tracks()

    def mode_of(self, track: str) -> str:
        return self._mapping.mode_of(track)

    def status(self) -> dict:
        counts = self.library.store.counts()
        now = time.monotonic()
        devices = [{"name": d["name"], "port": d["port"], "seconds_ago": round(now - d["seen"], 1)}
                   for d in self.devices.values() if now - d["seen"] < 60]
        beat = None if self.last_heartbeat is None else round(now - self.last_heartbeat, 2)
        lat = sorted(self.latency)
        latency = {"n": len(lat), "p50_ms": round(1000 * lat[len(lat) // 2], 1) if lat else None,
                   "p95_ms": round(1000 * lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1) if lat else None}
        return {"queue": len(self.queue), **counts, "uptime": round(now - self.started, 1),
                "ingest_latency": latency,
                "osc": {"port": self.settings.osc_port, "device_port": self.settings.device_port,
                        "reply_ports": self.sender.ports() if self.sender else [],
                        "received": self.osc.received if self.osc else 0,
                        "rejected": self.osc.rejected if self.osc else 0,
                        "sent": self.sender.sent if self.sender else 0,
                        "link": "up" if beat is not None and beat < 10 or devices else "waiting"},
                "seconds_since_heartbeat": beat, "devices": devices}

    # ------------------------------------------------------------------ changes
    def remap(self, label: str, track: str) -> dict:
        """Send ``label`` to ``track`` (kept across restarts) and re-send its samples. ValueError if unknown."""
        self._mapping.remap(label, track)
        self.library.store.set_remap(label, track)
        self.send("/exsampling/mapping", [label, track, self._mapping.mode_of(track)])
        change = {"label": label, "track": track, "mode": self._mapping.mode_of(track)}
        self._emit("mapping", change)
        self._hook("mapping_changed", service=self, label=label, track=track)
        for s in reversed(self.list_samples(label)):
            self._announce(s["sample_id"])
        return change

    def override(self, sample_id: int, label: str) -> dict:
        """Correct a sample's label (kept across restarts); it is re-sent to its track."""
        if label not in self._mapping.labels and label != "unknown":
            raise ValueError(f"unknown label {label!r}")
        self._require(sample_id)
        self.library.store.update_sample(int(sample_id), overridden_label=label)
        return self._announce(int(sample_id))

    def set_state(self, sample_id: int, state: str) -> dict:
        """Mark a sample ``accepted`` or ``rejected`` (or back to ``ready``)."""
        if state not in ("accepted", "rejected", "ready"):
            raise ValueError(f"state must be accepted, rejected or ready, not {state!r}")
        self._require(sample_id)
        self.library.store.update_sample(int(sample_id), state=state)
        return self._announce(int(sample_id))

    def reanalyse(self, sample_id: int) -> None:
        """Queue the sample for analysis again; a sample event follows when done."""
        self._require(sample_id)
        self.queue.put(("reanalyse", int(sample_id)))

    def _require(self, sample_id: int) -> None:
        if self.library.store.sample(int(sample_id)) is None:
            raise ValueError(f"no sample {sample_id}")

    def _status_loop(self) -> None:
        while not self._stopped.wait(self.settings.status_interval):
            st = self.status()
            self.send("/exsampling/status", [st["queue"], st["samples"], len(st["devices"])])
            self._emit("status", st)


def osc_sample_args(s: dict) -> list:
    """The /exsampling/sample arguments of a sample dict (60.0 for no pitch, 0.0 for no place)."""
    return [s["track"], s["sample_id"], s["label"], float(s["confidence"]), s["path"],
            60.0 if s["root_midi"] is None else float(s["root_midi"]), s["mode"], _num(s["latitude"]),
            _num(s["longitude"]), s["recording_id"], float(s["duration"]), s["state"]]


def _num(v: float | None) -> float:
    return 0.0 if v is None else float(v)


def _public_recording(rec: dict) -> dict:
    rec = dict(rec)
    rec.pop("drop_key", None)
    rec["name"] = rec["original_name"]
    return rec


def ready_line(settings: Settings) -> str:
    return "EXSAMPLING_READY " + json.dumps(settings.ready(), separators=(", ", ": "))


__all__ = ["Service", "Settings", "ExSamplingError", "osc_sample_args", "ready_line"]
