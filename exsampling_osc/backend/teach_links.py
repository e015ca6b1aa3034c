"""Performer-only teach links: a recorder URL that makes every recording sent through it one example of a label.

The performer asks the console for a link for a label; the link carries its own secret (``teach=``) beside the
session token, so only whoever the performer gives it to can teach. An upload that names a link is stored and
analysed like any other and, when its first sample is ready, taught as one example of the link's label (the
pieces of one recording count once). Links and the recordings still waiting to be taught are kept in
``<data_dir>/teach_links.json``, so a restart keeps printed links valid and loses no pending example.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import threading
from collections.abc import Callable
from pathlib import Path

from exsampling_osc.errors import ExSamplingError
from exsampling_osc.library.files import atomic_write

log = logging.getLogger(__name__)


class TeachLinks:
    """Links (secret → label) and pending recordings (id → label); ``teach(label, sample_ids)`` teaches,
    ``on_error(message)`` reports a failure to the devices and the console."""

    def __init__(self, data_dir: Path, teach: Callable[[str, list[int]], dict], on_error: Callable[[str], None]):
        self.path = Path(data_dir) / "teach_links.json"
        self.teach, self.on_error = teach, on_error
        self._lock = threading.Lock()
        try:
            data = json.loads(self.path.read_text())
            self.links: dict[str, str] = {str(k): str(v) for k, v in data.get("links", {}).items()}
            self.pending: dict[int, str] = {int(k): str(v) for k, v in data.get("pending", {}).items()}
        except (OSError, ValueError, AttributeError):
            self.links, self.pending = {}, {}

    def _save(self) -> None:
        data = {"links": self.links, "pending": {str(k): v for k, v in self.pending.items()}}
        atomic_write(self.path, lambda tmp: tmp.write_text(json.dumps(data, indent=1) + "\n"))

    def issue(self, label: str) -> str:
        """A new link secret for ``label`` (checked by ``check_label``); earlier links stay valid."""
        secret = secrets.token_urlsafe(12)
        with self._lock:
            self.links[secret] = label
            self._save()
        return secret

    def label_of(self, secret: str | None) -> str | None:
        """The label of the link ``secret`` (constant-time comparison), or None."""
        found = None
        for known, label in self.links.items():
            if secret and hmac.compare_digest(known.encode(), str(secret).encode()):
                found = label
        return found

    def expect(self, recording_id: int, label: str, ready_sample_ids: list[int]) -> None:
        """Teach ``label`` from ``recording_id`` once its first sample is ready (at once when
        ``ready_sample_ids`` already holds some: the analysis may have finished before the upload answered)."""
        with self._lock:
            self.pending[int(recording_id)] = label
            self._save()
        if ready_sample_ids:
            self.sample_ready({"recording_id": recording_id, "sample_id": ready_sample_ids[0]})

    def sample_ready(self, sample: dict) -> None:
        """A sample event: teach it when its recording came through a link and nothing of it was taught yet."""
        rid = sample.get("recording_id")
        with self._lock:
            label = self.pending.pop(int(rid), None) if rid is not None else None
            if label is not None:
                self._save()
        if label is None:
            return
        try:
            self.teach(label, [int(sample["sample_id"])])
        except ExSamplingError as exc:
            self.on_error(f"recording {rid} could not be taught as {label}: {exc}")
        except Exception:  # nothing a recording holds may stop the show
            log.exception("teaching recording %s as %s failed", rid, label)

    def on_event(self, kind: str, data: dict) -> None:
        """An :class:`~exsampling_osc.backend.events.Events` subscriber."""
        if kind == "sample":
            self.sample_ready(data)
