"""The session token carried by the participant URL (query parameter ``token``); rotatable live."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from pathlib import Path

from exsampling_osc.library.files import atomic_write


class Tokens:
    """The current token, kept in ``<data_dir>/token`` so a restart keeps printed QR codes valid."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / "token"
        self._lock = threading.Lock()
        try:
            self._token = self.path.read_text().strip()
        except OSError:
            self._token = ""
        if len(self._token) < 8:
            self.rotate()

    @property
    def current(self) -> str:
        return self._token

    def check(self, value: str | None) -> bool:
        """True when ``value`` is the current token (constant-time comparison)."""
        return bool(value) and hmac.compare_digest(str(value).encode(), self._token.encode())

    def rotate(self) -> str:
        """A new token; the old one stops working at once."""
        with self._lock:
            token = secrets.token_urlsafe(12)
            atomic_write(self.path, lambda tmp: tmp.write_text(token + "\n"))
            self._token = token
            return token

    @staticmethod
    def uploader_id(token: str) -> str:
        """A short id of the token an upload came with (never the token itself)."""
        return hashlib.sha256(token.encode()).hexdigest()[:10]
