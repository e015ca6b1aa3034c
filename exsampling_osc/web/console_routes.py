"""The performer console: ``/console`` (static page) and ``/console/api/...`` (JSON), on loopback only.

Every action calls the same :class:`~exsampling_osc.backend.service.Service` operation as its OSC message (one code
path, two doors): accept/reject → ``set_state``, override → ``override``, re-map → ``remap``,
re-analyse → ``reanalyse``, teach as LABEL → ``teach``, forget → ``untaught``, re-analyse all →
``reanalyse_all``. The page polls ``/console/api/state?since=N``; the version number moves with
every service event, so an idle poll answers with the status only.

Every route is behind the ``THIS_COMPUTER`` door (:mod:`exsampling_osc.web.doors`): loopback peer, loopback
Host name, no proxy header; changes need a JSON body and a same-origin (or no) ``Origin``. The page is sent
with a strict Content-Security-Policy (its own files only) and renders every participant string as text.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path

import bottle
import numpy as np

from exsampling_osc.errors import InvalidRequest, NotFound
from exsampling_osc.osc import protocol
from exsampling_osc.resources import PACKAGE_DIR
from exsampling_osc.web.doors import THIS_COMPUTER, json_body

CONSOLE_DIR = PACKAGE_DIR / "web" / "console"
#: The console runs only its own files (Leaflet is vendored); map tiles, when switched on, are pictures.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: https://tile.openstreetmap.org; media-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}
MAX_SAMPLES = 200
BLUR_DECIMALS = 2  # about 1 km


def peaks(signal: np.ndarray, n: int) -> np.ndarray:
    """Min/max envelope of a mono ``signal`` in ``n`` columns: array of shape (n, 2), values in [-1, 1].

    Columns past the end of a short signal are zero.
    """
    out = np.zeros((n, 2), dtype=np.float32)
    if signal.size == 0 or n <= 0:
        return out
    edges = np.linspace(0, signal.size, n + 1).astype(int)
    for i in range(n):
        chunk = signal[edges[i] : max(edges[i + 1], edges[i] + 1)]
        if chunk.size:
            out[i] = chunk.min(), chunk.max()
    return np.clip(out, -1.0, 1.0)


def blur(value: float | None, decimals: int = BLUR_DECIMALS) -> float | None:
    """A coordinate rounded to ``decimals`` places (2: about 1 km), or None."""
    return None if value is None else round(float(value), decimals)


class Changes:
    """A version number that moves on every service event but status (which every poll carries anyway)."""

    def __init__(self) -> None:
        self.version = 1
        self._lock = threading.Lock()
        self.last: list[tuple[str, dict]] = []

    def __call__(self, kind: str, data: dict) -> None:
        if kind == "status":
            return
        with self._lock:
            self.version += 1
            self.last = (self.last + [(kind, dict(data))])[-20:]


def _label(s: dict) -> str:
    return s.get("overridden_label") or s.get("label") or "unknown"


def sample_view(s: dict, blurred: bool, recording: dict | None = None) -> dict:
    """The fields the console shows for one sample (a Service sample dict; ``recording``: its recording, for
    the moderation flags and the photo)."""
    recording = recording or {}
    lat, lon = s.get("latitude"), s.get("longitude")
    if blurred:
        lat, lon = blur(lat), blur(lon)
    return {
        "id": s["id"],
        "recording_id": s.get("recording_id"),
        "label": _label(s),
        "analysed_label": s.get("analysed_label", s.get("label")),
        "overridden": bool(s.get("overridden_label")),
        "confidence": s.get("confidence"),
        "track": s.get("track"),
        "mode": s.get("mode") or s.get("analysed_mode"),
        "root_midi": s.get("root_midi"),
        "state": s.get("state"),
        "created": s.get("created"),
        "duration": s.get("duration"),
        "latitude": lat,
        "longitude": lon,
        "top": s.get("top") or [],
        "flags": (recording.get("moderation") or {}).get("flags") or [],
        "photo": f"/console/api/recordings/{recording['id']}/photo" if recording.get("photo_path") else "",
        "audio": f"/console/api/samples/{s['id']}/audio",
    }


def install(app: bottle.Bottle, service) -> None:
    """Add the console page and its API to ``app``."""
    changes = Changes()
    service.subscribe(changes)

    def act(fn, *args) -> dict:
        try:
            result = fn(*args)
        except KeyError as exc:  # the service's "no such sample/label"
            raise NotFound(str(exc).strip("'\"")) from None
        except ValueError as exc:  # the service's "not a valid argument"
            raise InvalidRequest(str(exc)) from None
        return {"ok": True, "result": result if isinstance(result, dict | list | str | int | float) else None}

    def body_label() -> str:
        """The request body's ``label`` (InvalidRequest when missing or empty)."""
        label = str(json_body().get("label", "")).strip()
        if not label:
            raise InvalidRequest("give the label")
        return label

    def find_sample(sample_id: int) -> dict:
        s = service.get_sample(sample_id)
        if not s:
            raise NotFound(f"no sample {sample_id}")
        return s

    @app.get("/console", door=THIS_COMPUTER)
    @app.get("/console/", door=THIS_COMPUTER)
    def console_page():
        resp = bottle.static_file("index.html", root=str(CONSOLE_DIR))
        for name, value in PAGE_HEADERS.items():
            resp.set_header(name, value)
        return resp

    @app.get("/console/api/state", door=THIS_COMPUTER)
    def console_state():
        blurred = bottle.request.query.get("blur") == "1"
        since = bottle.request.query.get("since", "")
        status = service.status()
        out = {"version": changes.version, "status": status}
        if since.isdigit() and int(since) == changes.version:
            out["unchanged"] = True
            return out
        listed = service.list_recordings()
        by_id = {r["id"]: r for r in listed}
        samples = [sample_view(s, blurred, by_id.get(s["recording_id"])) for s in service.list_samples()[:MAX_SAMPLES]]
        recordings = []
        for r in listed:
            lat, lon = r.get("latitude"), r.get("longitude")
            if lat is None or lon is None:
                continue
            if blurred:
                lat, lon = blur(lat), blur(lon)
            recordings.append(
                {
                    "id": r["id"],
                    "latitude": lat,
                    "longitude": lon,
                    "created": r.get("created"),
                    "source": r.get("source"),
                    "name": r.get("original_name"),
                }
            )
        configured = service.tracks()
        tracks = [t["name"] for t in configured]
        modes = {t["name"]: t.get("mode") for t in configured}
        mapping = [
            {"label": label, "track": track, "mode": modes.get(track)} for label, track in service.mapping().items()
        ]
        out.update(
            samples=samples,
            recordings=recordings,
            mapping=mapping,
            classes=list(service.classes()),
            tracks=tracks,
            taught=service.taught(),
            knob_limits=protocol.limits("/exsampling/compose"),
            participant_url=getattr(service.settings, "participant_url", ""),
            qr="/qr.png",
            blurred=blurred,
        )
        return out

    @app.get("/console/api/recordings/<rid:int>/photo", door=THIS_COMPUTER)
    def recording_photo(rid: int):
        rec = service.get_recording(rid)
        if not rec or not rec.get("photo_path"):
            raise NotFound(f"recording {rid} has no photo")
        path = Path(rec["photo_path"])
        return bottle.static_file(path.name, root=str(path.parent), mimetype="image/jpeg")

    @app.get("/console/api/samples/<sample_id:int>/audio", door=THIS_COMPUTER)
    def console_audio(sample_id: int):
        path = Path(find_sample(sample_id)["path"])
        return bottle.static_file(path.name, root=str(path.parent), mimetype="audio/wav")

    @app.get("/console/api/samples/<sample_id:int>/peaks", door=THIS_COMPUTER)
    def console_peaks(sample_id: int):
        import soundfile as sf

        n = min(max(int(bottle.request.query.get("n", "96") or 96), 8), 1024)
        try:
            data, _ = sf.read(find_sample(sample_id)["path"], dtype="float32", always_2d=True)
        except (OSError, RuntimeError) as exc:
            raise NotFound(f"cannot read the sample's audio: {exc}") from None
        return {"id": sample_id, "peaks": peaks(data.mean(axis=1), n).round(4).tolist()}

    @app.post("/console/api/samples/<sample_id:int>/<action:re:accept|reject>", door=THIS_COMPUTER)
    def console_state_change(sample_id: int, action: str):
        return act(service.set_state, sample_id, "accepted" if action == "accept" else "rejected")

    @app.post("/console/api/samples/<sample_id:int>/override", door=THIS_COMPUTER)
    def console_override(sample_id: int):
        return act(service.override, sample_id, body_label())

    @app.post("/console/api/samples/<sample_id:int>/reanalyse", door=THIS_COMPUTER)
    def console_reanalyse(sample_id: int):
        return act(service.reanalyse, sample_id)

    @app.post("/console/api/teach", door=THIS_COMPUTER)
    def console_teach():
        data = json_body()
        label, ids = str(data.get("label", "")).strip(), data.get("sample_ids")
        if not label or not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
            raise InvalidRequest("give the label and sample_ids (a list of sample numbers)")
        return act(service.teach, label, ids)

    @app.post("/console/api/teach-link", door=THIS_COMPUTER)
    def console_teach_link():
        return act(service.teach_link, body_label())

    @app.post("/console/api/untaught", door=THIS_COMPUTER)
    def console_untaught():
        return act(service.untaught, body_label())

    @app.post("/console/api/reanalyse", door=THIS_COMPUTER)
    def console_reanalyse_all():
        label = json_body().get("label")
        return {"queued": service.reanalyse_all(None if label in (None, "") else str(label))}

    @app.post("/console/api/remap", door=THIS_COMPUTER)
    def console_remap():
        data = json_body()
        label, track = str(data.get("label", "")).strip(), str(data.get("track", "")).strip()
        if not label or not track:
            raise InvalidRequest("give label and track")
        return act(service.remap, label, track)

    @app.post("/console/api/compose", door=THIS_COMPUTER)
    def console_compose():
        data = json_body()
        try:
            x, y = float(data.get("x")), float(data.get("y"))
            seed = int(data.get("seed", -1))
        except (TypeError, ValueError):
            raise InvalidRequest(
                "give x and y as numbers (and seed as a whole number, -1 for the most likely phrase)"
            ) from None
        if not (math.isfinite(x) and math.isfinite(y)):
            raise InvalidRequest("x and y must be finite")
        return act(service.compose, x, y, None if seed < 0 else seed, data)

    @app.get("/console/api/phrases/<name:re:[A-Za-z0-9_.+-]+[.]mid>", door=THIS_COMPUTER)
    def console_phrase(name: str):
        return bottle.static_file(
            name, root=str(Path(service.settings.data_dir) / "phrases"), mimetype="audio/midi", download=name
        )

    @app.get("/console/<path:path>", door=THIS_COMPUTER)
    def console_file(path: str):
        return bottle.static_file(path, root=str(CONSOLE_DIR))
