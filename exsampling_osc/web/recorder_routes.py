"""The participant page: ``/`` and ``/recorder/...`` (static files from the shipped ``recorder/`` folder),
its settings, and ``/recorder/status`` (what became of this phone's recordings, polled by the page).

Settings (all optional; validated with the rest of the YAML by :mod:`exsampling_osc.mapping.config`) come from
the ``recorder:`` section of the YAML config when the config carries one, else from ``recorder.yaml`` in the data
folder (the same keys)::

    recorder:
      project_name: ExSampling            # page title and heading
      consent: "Your sound is ..."        # one short paragraph: what happens to the sound
      stream_url: https://...             # the performance's stream, shown as a link when set
      stream_label: Listen live
      max_seconds: 30                     # longest recording (countdown in the page)
      sample_rate: 22050                  # rate the page sends (0: the phone's own rate)
      uploads_per_minute: 6               # per client (IP address); 0: no limit
      location_precision_km: 1.0          # a shared location is blurred on the phone to this grid (0: exact)

``serve --consent TEXT`` and ``--location-precision KM`` override those two for one run.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import bottle
import soundfile as sf

from exsampling_osc.errors import InvalidRequest
from exsampling_osc.mapping.config import RecorderSettings, load_recorder_file
from exsampling_osc.resources import shipped
from exsampling_osc.web.answers import Refused
from exsampling_osc.web.doors import ANYONE, PARTICIPANT
from exsampling_osc.web.limits import RateLimiter, client_key

CONFIG_ELEMENT = '<script id="exsampling-config" type="application/json">{}</script>'
MAX_STATUS_IDS = 50
#: The page runs only its own files; blob: for the listen-back player; the token never leaves in a Referer.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self' blob:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
SETTINGS_FILE = "recorder.yaml"


def recorder_settings(service) -> RecorderSettings:
    """The config's ``recorder`` section when the config has one, else ``<data dir>/recorder.yaml`` when that
    file exists, else the defaults (validated by :mod:`exsampling_osc.mapping.config`, the one validator);
    serve's ``--consent`` and ``--location-precision`` on top."""
    return _overridden(_configured(service), getattr(service, "settings", None))


def _configured(service) -> RecorderSettings:
    config = getattr(service, "config", None)
    if getattr(config, "recorder", None) is not None:
        return config.recorder  # type: ignore[union-attr]
    data_dir = getattr(getattr(service, "settings", None), "data_dir", None)
    path = Path(data_dir) / SETTINGS_FILE if data_dir else None
    if path is not None and path.is_file():
        return load_recorder_file(path)
    return RecorderSettings()


def _overridden(settings: RecorderSettings, serve_settings) -> RecorderSettings:
    changes = {
        "consent": getattr(serve_settings, "consent", None),
        "location_precision_km": getattr(serve_settings, "location_precision_km", None),
    }
    changes = {k: v for k, v in changes.items() if v is not None}
    return dataclasses.replace(settings, **changes) if changes else settings


def render_index(template: str, settings: RecorderSettings) -> str:
    """index.html with the settings in its JSON element (``</`` escaped so text cannot close the script)."""
    payload = json.dumps(settings.page_config(), ensure_ascii=False).replace("</", "<\\/")
    return template.replace(CONFIG_ELEMENT, CONFIG_ELEMENT.replace("{}", payload), 1)


def status_of(recording_id: int, rec: dict | None, track_of=None) -> dict:
    """A participant's view of one recording: phase (received, analysed, refused, missing), the reason
    of a refusal, and per piece the label, confidence, track and state. Nothing else (no location)."""
    if rec is None:
        return {"id": recording_id, "phase": "missing", "pieces": []}
    status = rec.get("status", "received")
    if status == "failed":
        return {"id": recording_id, "phase": "refused", "reason": rec.get("error") or "", "pieces": []}
    if status != "analysed":
        return {"id": recording_id, "phase": "received", "pieces": []}
    pieces = []
    for s in rec.get("samples") or []:
        label = s.get("overridden_label") or s.get("label") or "unknown"
        track = s.get("track") or (track_of(label) if track_of else "")
        pieces.append(
            {
                "label": label,
                "confidence": round(float(s.get("confidence") or 0.0), 3),
                "track": track,
                "state": s.get("state", "ready"),
            }
        )
    return {"id": recording_id, "phase": "analysed", "pieces": pieces}


class TooLong(Refused):
    """A recording longer than the page's maximum (the page stops by itself; a picked file may not)."""

    def __init__(self, message: str):
        super().__init__(message, 422)


def check_length(upload, max_seconds: float, slack: float = 1.0) -> None:
    """Raise :class:`TooLong` when the uploaded file's header says it lasts over ``max_seconds`` (+ slack).

    Files soundfile cannot read are left for the upload route to refuse with its own message.
    """
    if upload is None or not max_seconds:
        return
    stream = upload.file
    try:
        info = sf.info(stream)
    except Exception:  # noqa: BLE001 - unreadable here means: let the decoder say why
        return
    finally:
        stream.seek(0)
    seconds = info.frames / info.samplerate if info.samplerate else 0.0
    if seconds > max_seconds + slack:
        raise TooLong(f"the sound lasts {seconds:.0f} s; the limit is {max_seconds:.0f} s. Send a shorter one.")


def install(app: bottle.Bottle, service) -> None:
    """Add the participant page and its status route to ``app``; register the per-client upload limit."""
    root: Path = shipped("recorder")
    settings = recorder_settings(service)
    limiter = RateLimiter(settings.uploads_per_minute)

    def upload_rate_guard(request) -> None:
        limiter.check(client_key(request.environ))

    def upload_length_guard(request) -> None:
        check_length(request.files.get("audio"), settings.max_seconds)

    service.upload_guards.extend([upload_length_guard, upload_rate_guard])
    app.config["exsampling.recorder"] = settings

    def page() -> str:
        bottle.response.content_type = "text/html; charset=utf-8"
        bottle.response.set_header("Cache-Control", "no-cache")
        for name, value in PAGE_HEADERS.items():
            bottle.response.set_header(name, value)
        return render_index((root / "index.html").read_text(encoding="utf-8"), settings)

    @app.get("/", door=ANYONE)
    def index():
        return page()

    for path in ("/recorder", "/recorder/", "/recorder/index.html"):
        app.get(path, door=ANYONE, callback=page)

    @app.get("/recorder/status", door=PARTICIPANT)
    def recorder_status():
        raw = [x.strip() for x in bottle.request.query.get("ids", "").split(",") if x.strip()]
        if not all(x.isdigit() for x in raw):
            raise InvalidRequest("ids must be recording numbers separated by commas")
        ids = [int(x) for x in raw]
        out = [status_of(i, service.get_recording(i)) for i in ids[:MAX_STATUS_IDS]]
        bottle.response.content_type = "application/json"
        bottle.response.set_header("Cache-Control", "no-store")
        return json.dumps({"recordings": out})

    @app.get("/recorder/<path:path>", door=ANYONE)
    def recorder_file(path: str):
        response = bottle.static_file(path, root=str(root))
        if isinstance(response, bottle.HTTPResponse) and response.status_code < 400:
            response.set_header("Cache-Control", "no-cache")
        return response
