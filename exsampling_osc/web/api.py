"""The JSON API: uploads, recordings, samples, status, token rotation, the QR picture.

Refusals answer ``{"error": message}`` with a 4xx status. Upload guards (``service.upload_guards``) are
callables ``guard(request)`` that raise :class:`Refused` (or a Bottle ``HTTPError``) to refuse an upload.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import bottle

from exsampling_osc.errors import AudioError, ExSamplingError
from exsampling_osc.units import size_text


class Refused(ExSamplingError):
    """An upload or request refused with an HTTP status (429 by default) and a message."""

    def __init__(self, message: str, status: int = 429):
        super().__init__(message)
        self.status = status


LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}


#: An early refusal still reads a request body up to this size, so the client gets to read the answer.
DRAIN_LIMIT = 64 * 1024 * 1024


def refuse_upload(status: int, message: str) -> bottle.HTTPResponse:
    """A refusal sent before the body was read: drain a body of reasonable size first (a client still
    sending gets a broken pipe instead of the message otherwise); a larger one closes the connection."""
    req = bottle.request
    length = req.content_length
    if 0 < length <= DRAIN_LIMIT and "bottle.request.body" not in req.environ:
        stream, left = req.environ["wsgi.input"], length
        while left > 0:
            chunk = stream.read(min(left, 1 << 16))
            if not chunk:
                break
            left -= len(chunk)
    resp = json_error(status, message)
    if length > DRAIN_LIMIT:
        resp.set_header("Connection", "close")
    return resp


def json_error(status: int, message: str) -> bottle.HTTPResponse:
    return bottle.HTTPResponse(json.dumps({"error": message, "status": status}), status=status,
                               headers={"Content-Type": "application/json"})


def _float(name: str) -> float | None:
    raw = bottle.request.forms.get(name)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except ValueError:
        raise json_error(400, f"{name} must be a number, got {raw!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise json_error(400, f"{name} must be a finite number")
    return value


def install(app: bottle.Bottle, service) -> None:
    """Add the API routes for ``service`` to ``app``."""

    @app.post("/api/recordings")
    def post_recording():
        req = bottle.request
        token = req.query.get("token") or req.headers.get("X-Exsampling-Token") or ""
        if not service.tokens.check(token):
            return refuse_upload(403, "this link is not valid any more: scan the QR code again")
        limit = service.max_upload_bytes
        if req.content_length > limit:
            return refuse_upload(413, f"the file is too large (limit {size_text(limit)})")
        for guard in list(service.upload_guards):
            try:
                guard(req)
            except Refused as exc:
                return refuse_upload(exc.status, str(exc))
            except bottle.HTTPError as exc:
                return refuse_upload(exc.status_code, str(exc.body or exc.status_line))
        upload = req.files.get("audio")
        if upload is None:
            return json_error(400, "no audio file in the upload (multipart field `audio`)")
        lat, lon, acc = _float("latitude"), _float("longitude"), _float("accuracy")
        if lat is not None and not -90 <= lat <= 90 or lon is not None and not -180 <= lon <= 180:
            return json_error(400, "latitude/longitude out of range")
        name = Path(upload.raw_filename or "recording").name or "recording"
        tmp_dir = service.library.data_dir / "incoming"
        tmp_dir.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=tmp_dir, prefix=".upload-", suffix=".tmp")
        try:
            with open(fd, "wb") as fh:
                upload.save(fh)
            try:
                rid = service.ingest_upload(Path(tmp), name, source="upload", latitude=lat, longitude=lon,
                                            accuracy=acc, uploader=service.tokens.uploader_id(token))
            except AudioError as exc:
                status = 413 if "too large" in str(exc) or "too long" in str(exc) else 422
                return json_error(status, str(exc))
        finally:
            Path(tmp).unlink(missing_ok=True)
        bottle.response.status = 201
        bottle.response.content_type = "application/json"
        return json.dumps(service.get_recording(rid) or {"id": rid})

    @app.get("/api/recordings")
    def list_recordings():
        limit = bottle.request.query.get("limit")
        return {"recordings": service.list_recordings(int(limit) if limit and limit.isdigit() else None)}

    @app.get("/api/recordings/<rid:int>")
    def get_recording(rid: int):
        rec = service.get_recording(rid)
        return rec if rec is not None else json_error(404, f"no recording {rid}")

    @app.get("/api/samples")
    def list_samples():
        q = bottle.request.query
        limit = q.get("limit")
        return {"samples": service.list_samples(q.get("what") or "all",
                                                int(limit) if limit and limit.isdigit() else None)}

    @app.get("/api/samples/<sid:int>/audio")
    def sample_audio(sid: int):
        sample = service.get_sample(sid)
        if sample is None:
            return json_error(404, f"no sample {sid}")
        path = Path(sample["path"])
        return bottle.static_file(path.name, root=str(path.parent), mimetype="audio/wav")

    @app.get("/api/status")
    def status():
        return service.status()

    @app.get("/api/mapping")
    def mapping():
        return {"mapping": service.mapping(), "tracks": service.tracks(), "classes": service.classes()}

    @app.post("/api/token/rotate")
    def rotate_token():
        if bottle.request.environ.get("REMOTE_ADDR") not in LOOPBACK:
            return json_error(403, "the token can only be rotated from this computer")
        service.rotate_token()
        return {"participant_url": service.settings.participant_url, "qr_path": service.settings.qr_path}

    @app.get("/qr.png")
    def qr_png():
        path = Path(service.settings.qr_path)
        resp = bottle.static_file(path.name, root=str(path.parent), mimetype="image/png")
        resp.set_header("Cache-Control", "no-store")
        return resp
