"""The JSON API: uploads, recordings, samples, status, token rotation, the QR picture.

Each route names its door (see :mod:`exsampling_osc.web.doors`); errors answer ``{"error": message}`` with
a status chosen by the error's type (:mod:`exsampling_osc.web.answers`). Upload guards
(``service.upload_guards``) are callables ``guard(request)`` that raise :class:`Refused` to refuse an upload.

An upload may carry its own id (form field ``upload_id`` or header ``X-Upload-Id``: 8-64 letters, digits,
``-`` or ``_``, made by the page): a retry with the same id answers the recording stored the first time
and stores no second copy. The answer carries a ``deletion_key``: ``DELETE /api/recordings/<id>`` with it in
the header ``X-Deletion-Key`` removes the recording, its samples and files (the devices are told). An
optional ``photo`` file part goes with the recording (:mod:`exsampling_osc.backend.photos`).
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import bottle

from exsampling_osc.errors import InvalidRequest
from exsampling_osc.units import size_text
from exsampling_osc.web.answers import Refused, json_error, refusal
from exsampling_osc.web.doors import ANYONE, PARTICIPANT, THIS_COMPUTER, json_body, token_of

__all__ = ["Refused", "install", "json_error", "parse_number", "refuse_upload"]

NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
UPLOAD_ID_HEADER = "X-Upload-Id"
DELETION_KEY_HEADER = "X-Deletion-Key"


def refuse_upload(status: int, message: str) -> bottle.HTTPResponse:
    """A refusal sent before the body was read (the body is drained first, or the connection closed)."""
    return refusal(status, message)


def parse_number(name: str, raw: str | None) -> float | None:
    """A form field as a finite number, strictly (``1_0``, ``nan``, ``inf``, `` 1`` are refused); None when
    absent or empty."""
    if raw in (None, ""):
        return None
    if not NUMBER.fullmatch(raw):
        raise InvalidRequest(f"{name} must be a number, got {raw[:40]!r}")
    value = float(raw)
    if value in (float("inf"), float("-inf")):
        raise InvalidRequest(f"{name} must be a finite number")
    return value


def upload_name(upload) -> str:
    """The uploaded file's base name; InvalidRequest for an empty one or one holding control characters."""
    raw = upload.raw_filename or ""
    if not raw or any(ord(c) < 32 or ord(c) == 127 for c in raw):
        raise InvalidRequest("the file part needs a file name (without control characters)")
    name = Path(raw.replace("\\", "/")).name
    if not name or name in (".", ".."):
        raise InvalidRequest("the file part needs a file name")
    return name


def _limit() -> int | None:
    limit = bottle.request.query.get("limit")
    return int(limit) if limit and limit.isdigit() else None


def install(app: bottle.Bottle, service) -> None:
    """Add the API routes for ``service`` to ``app``."""

    def audio_part():
        """The ``audio`` file part (bottle keeps a part with ``filename=""`` among the plain fields)."""
        req = bottle.request
        try:
            post = req.POST
        except UnicodeDecodeError:  # bottle reads a part with filename="" as text
            raise InvalidRequest("the file part needs a file name") from None
        except ValueError as exc:  # bottle refuses control characters (a NUL) in a part's headers
            raise InvalidRequest(f"a part of the upload is malformed: {str(exc)[:120]}") from None
        upload = req.files.get("audio")
        if upload is None:
            if "audio" in post:
                raise InvalidRequest("the file part needs a file name")
            raise InvalidRequest("no audio file in the upload (multipart field `audio`)")
        return upload

    @app.post("/api/recordings", door=PARTICIPANT)
    def post_recording():
        req = bottle.request
        limit = service.max_upload_bytes
        if req.content_length > limit:
            return refuse_upload(413, f"the file is too large (limit {size_text(limit)})")
        service.library.check_space(max(req.content_length, 0))
        upload = audio_part()
        name = upload_name(upload)
        photo = req.files.get("photo")  # optional; cleaned (metadata stripped) before anything is stored
        jpeg = service.photos.clean(photo.file.read()) if photo is not None else None
        lat, lon, acc = (parse_number(k, req.forms.get(k)) for k in ("latitude", "longitude", "accuracy"))
        if lat is not None and not -90 <= lat <= 90 or lon is not None and not -180 <= lon <= 180:
            raise InvalidRequest("latitude/longitude out of range")
        teach_secret = req.forms.get("teach") or None  # a performer's teach link (see backend/teach_links.py)
        teach_label = service.teach_links.label_of(teach_secret) if teach_secret else None
        if teach_secret and teach_label is None:
            return refuse_upload(403, "this teach link is not valid: ask the performer for a new one")
        uploader = service.tokens.uploader_id(token_of(req))
        upload_id = req.forms.get("upload_id") or req.get_header(UPLOAD_ID_HEADER) or None
        if upload_id is not None and not UPLOAD_ID.fullmatch(upload_id):
            raise InvalidRequest("upload_id must be 8-64 letters, digits, - or _")
        client_id = f"{uploader}:{upload_id}" if upload_id else None  # one phone cannot reach another's
        known = service.library.store.recording_by_client_id(client_id) if client_id else None
        if known is None:  # a retry of a stored upload is answered without counting again
            for guard in list(service.upload_guards):
                try:
                    guard(req)
                except bottle.HTTPError as exc:
                    return refuse_upload(exc.status_code, str(exc.body or exc.status_line))
            tmp_dir = service.library.data_dir / "incoming"
            tmp_dir.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=tmp_dir, prefix=".upload-", suffix=".tmp")
            try:
                with open(fd, "wb") as fh:
                    upload.save(fh)
                rid = service.ingest_upload(
                    Path(tmp),
                    name,
                    source="upload",
                    latitude=lat,
                    longitude=lon,
                    accuracy=acc,
                    uploader=uploader,
                    client_id=client_id,
                )
            finally:
                Path(tmp).unlink(missing_ok=True)
            if jpeg is not None:
                service.photos.keep(rid, jpeg)
            if teach_label is not None:
                service.expect_teaching(rid, teach_label)
            bottle.response.status = 201
        else:
            rid = known
            bottle.response.status = 200
        bottle.response.content_type = "application/json"
        answer = service.get_recording(rid) or {"id": rid}
        answer["deletion_key"] = service.issue_deletion_key(rid)  # a retry's answer replaces a lost one
        return json.dumps(answer)

    @app.delete("/api/recordings/<rid:int>", door=PARTICIPANT)
    def delete_recording(rid: int):
        """The participant deletes their own recording: header X-Deletion-Key, the key of the upload's answer."""
        gone = service.delete_recording(rid, bottle.request.get_header(DELETION_KEY_HEADER) or "")
        if gone is None:
            raise Refused("this sound cannot be deleted from here (a wrong key, or it is gone already)", 403)
        return {"deleted": rid, "samples": gone["sample_ids"]}

    @app.get("/api/token", door=ANYONE)
    def token_valid():
        """Whether the page's link still holds the session token (asked first thing on opening)."""
        bottle.response.set_header("Cache-Control", "no-store")
        return {"valid": service.tokens.check(token_of(bottle.request))}

    @app.get("/api/recordings", door=THIS_COMPUTER)
    def list_recordings():
        return {"recordings": service.list_recordings(_limit())}

    @app.get("/api/recordings/<rid:int>", door=THIS_COMPUTER)
    def get_recording(rid: int):
        rec = service.get_recording(rid)
        return rec if rec is not None else json_error(404, f"no recording {rid}")

    @app.get("/api/samples", door=THIS_COMPUTER)
    def list_samples():
        return {"samples": service.list_samples(bottle.request.query.get("what") or "all", _limit())}

    @app.get("/api/samples/<sid:int>/audio", door=THIS_COMPUTER)
    def sample_audio(sid: int):
        sample = service.get_sample(sid)
        if sample is None:
            return json_error(404, f"no sample {sid}")
        path = Path(sample["path"])
        return bottle.static_file(path.name, root=str(path.parent), mimetype="audio/wav")

    @app.get("/api/status", door=THIS_COMPUTER)
    def status():
        return service.status()

    @app.get("/api/mapping", door=THIS_COMPUTER)
    def mapping():
        return {"mapping": service.mapping(), "tracks": service.tracks(), "classes": service.classes()}

    @app.post("/api/token/rotate", door=THIS_COMPUTER)
    def rotate_token():
        json_body()
        service.rotate_token()
        return {"participant_url": service.settings.participant_url, "qr_path": service.settings.qr_path}

    @app.get("/qr.png", door=THIS_COMPUTER)
    def qr_png():
        path = Path(service.settings.qr_path)
        resp = bottle.static_file(path.name, root=str(path.parent), mimetype="image/png")
        resp.set_header("Cache-Control", "no-store")
        return resp
