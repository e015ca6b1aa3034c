"""An in-process client for the web app: builds a WSGI environ and calls the app directly (as datasette's
``client``), so route and door tests need no subprocess and no socket.

:class:`ShowStandIn` is the part of the backend service the web layer calls, over a real :class:`Library`
(SQLite, files) and real :class:`Tokens`; it stores uploads the way ``Service.ingest_upload`` does but does
not analyse them (no model). It proves the web layer, not the service.
"""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from exsampling_osc.library import Library
from exsampling_osc.web.app import make_app
from exsampling_osc.web.tokens import Tokens


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


class Client:
    """``client.get("/api/samples", headers={...}, remote="127.0.0.1")`` → :class:`Answer`."""

    def __init__(self, app, host: str = "127.0.0.1:8765", scheme: str = "http"):
        self.app, self.host, self.scheme = app, host, scheme

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict | None = None, remote: str = "127.0.0.1"
    ) -> Answer:
        url = urlsplit(path)
        headers = {"Host": self.host, **(headers or {})}
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": url.path,
            "QUERY_STRING": url.query,
            "SERVER_NAME": "test",
            "SERVER_PORT": "8765",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": remote,
            "wsgi.url_scheme": self.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
        }
        for name, value in headers.items():
            if value is None:
                continue
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value
            else:
                environ["HTTP_" + key] = value
        seen: dict = {}

        def start_response(status, response_headers, exc_info=None):
            seen["status"] = int(status.split()[0])
            seen["headers"] = dict(response_headers)

        chunks = self.app(environ, start_response)
        try:
            data = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        return Answer(seen["status"], seen["headers"], data)

    def get(self, path: str, **kw) -> Answer:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: bytes = b"", **kw) -> Answer:
        return self.request("POST", path, body, **kw)

    def post_json(self, path: str, data: dict | None = None, headers: dict | None = None, **kw) -> Answer:
        return self.post(
            path, json.dumps(data or {}).encode(), headers={"Content-Type": "application/json", **(headers or {})}, **kw
        )


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type; ``files``: field → (filename, data)."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    for name, (filename, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@dataclass
class _Settings:
    data_dir: Path
    participant_url: str = ""
    qr_path: str = ""


@dataclass
class ShowStandIn:
    """The service's methods the web layer calls, over a real library and real tokens (no analysis)."""

    data_dir: Path
    max_upload_bytes: int = 10_000_000
    calls: list = field(default_factory=list)

    def __post_init__(self):
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "recorder.yaml").write_text("uploads_per_minute: 0\n")  # no per-phone limit here
        self.library = Library(self.data_dir)
        self.tokens = Tokens(self.data_dir)
        self.upload_guards: list = []
        self.settings = _Settings(self.data_dir)
        qr = self.data_dir / "qr.png"
        qr.write_bytes(b"\x89PNG\r\n\x1a\n")
        self.settings.qr_path = str(qr)
        self._url()

    def _url(self):
        self.settings.participant_url = f"http://127.0.0.1:8765/?token={self.tokens.current}"

    def subscribe(self, callback):
        return lambda: None

    def ingest_upload(self, tmp_path, original_name, *, client_id=None, **fields) -> int:
        self.calls.append(("ingest_upload", original_name, client_id))
        return self.library.keep_recording(Path(tmp_path), original_name, client_id=client_id, **fields)

    def issue_deletion_key(self, rid) -> str:
        from exsampling_osc.library.retention import new_deletion_key, set_deletion_key

        key = new_deletion_key()
        set_deletion_key(self.library.store, rid, key)
        return key

    def delete_recording(self, rid, key):
        from exsampling_osc.library.retention import forget_recording, key_matches

        if not key_matches(self.library.store, rid, key):
            return None
        self.calls.append(("delete_recording", rid))
        forget_recording(self.library.store, rid)
        return {"recording_id": rid, "sample_ids": []}

    def get_recording(self, rid):
        rec = self.library.store.recording(rid)
        return None if rec is None else {**rec, "samples": []}

    def list_recordings(self, limit=None):
        return self.library.store.recordings(limit)

    def list_samples(self, what="all", limit=None):
        return []

    def get_sample(self, sid):
        return None

    def status(self):
        return {"ok": True}

    def mapping(self):
        return {"dog": "Drums"}

    def tracks(self):
        return [{"name": "Drums", "mode": "percussive"}]

    def classes(self):
        return ["dog"]

    def rotate_token(self):
        self.calls.append(("rotate_token",))
        self.tokens.rotate()
        self._url()
        return self.settings.participant_url

    def remap(self, label, track):
        self.calls.append(("remap", label, track))
        return {"label": label, "track": track}

    def _change(self, *call):
        self.calls.append(call)
        return {"done": call[0]}

    def set_state(self, sid, state):
        return self._change("set_state", sid, state)

    def override(self, sid, label):
        return self._change("override", sid, label)

    def reanalyse(self, sid):
        return self._change("reanalyse", sid)

    def compose(self, x, y, seed=None, values=None):
        return self._change("compose", x, y, seed)

    def teach_link(self, label):
        return self._change("teach_link", label)

    def changes(self) -> list:
        """The calls that change the show (anything but uploads)."""
        return [c for c in self.calls if c[0] != "ingest_upload"]


def make_client(data_dir: Path, **kw) -> tuple[Client, ShowStandIn]:
    show = ShowStandIn(Path(data_dir))
    return Client(make_app(show), **kw), show
