"""Participants' sounds stay theirs: deletion keys, forgetting a recording, and per-show retention.

A deletion key is a random secret the upload's answer gives the phone; only its SHA-256 is stored (the key
is 192 random bits, so a plain hash cannot be guessed back; no slow KDF is needed). The schema change is
:func:`add_participant_columns`, called by :class:`~exsampling_osc.library.Library` when it opens.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import time
from pathlib import Path

from exsampling_osc.library.store import Store

KEY_COLUMN = "deletion_key_hash"


def new_deletion_key() -> str:
    """A fresh deletion key (32 URL-safe characters) to hand to the phone once.

    Examples
    --------
    >>> len(new_deletion_key())
    32
    """
    return secrets.token_urlsafe(24)


def hash_key(key: str) -> str:
    """The stored form of a deletion key (hex SHA-256).

    Examples
    --------
    >>> hash_key("abc")[:12]
    'ba7816bf8f01'
    """
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def verify(key: str, key_hash: str | None) -> bool:
    """Whether ``key`` is the key whose hash is ``key_hash`` (constant-time; False for a missing hash).

    Examples
    --------
    >>> k = new_deletion_key(); verify(k, hash_key(k)), verify("guess", hash_key(k))
    (True, False)
    """
    if not key or not key_hash:
        return False
    return hmac.compare_digest(hash_key(key), key_hash)


#: The participants' columns of ``recordings`` (issue 17): deletion key hash, moderation flags (JSON), photo.
PARTICIPANT_COLUMNS = {KEY_COLUMN: "TEXT", "moderation": "TEXT", "photo_path": "TEXT"}


def add_column(store: Store, name: str, kind: str) -> None:
    """Schema change: ``recordings.<name>`` (idempotent)."""
    cols = {r["name"] for r in store._all("PRAGMA table_info(recordings)")}
    if name not in cols:
        try:
            store._tx(f"ALTER TABLE recordings ADD COLUMN {name} {kind}")
        except sqlite3.OperationalError as exc:  # another process added it meanwhile
            if "duplicate column" not in str(exc):
                raise


def add_deletion_key_column(store: Store) -> None:
    """Schema change: ``recordings.deletion_key_hash`` (idempotent)."""
    add_column(store, KEY_COLUMN, "TEXT")


def add_participant_columns(store: Store) -> None:
    """Every participants' column (:data:`PARTICIPANT_COLUMNS`); the library calls this when it opens."""
    for name, kind in PARTICIPANT_COLUMNS.items():
        add_column(store, name, kind)


def set_moderation(store: Store, recording_id: int, flags: dict | None) -> None:
    """Keep a recording's moderation flags (``Flags.as_dict()``, JSON) in ``recordings.moderation``."""
    store._tx("UPDATE recordings SET moderation = ? WHERE id = ?", (json.dumps(flags), recording_id))


def set_photo_path(store: Store, recording_id: int, path: str) -> None:
    """Note where a recording's photo is kept (``forget_recording`` removes it with the recording)."""
    store._tx("UPDATE recordings SET photo_path = ? WHERE id = ?", (path, recording_id))


def set_deletion_key(store: Store, recording_id: int, key: str) -> None:
    """Store the hash of ``key`` for a recording."""
    store._tx(f"UPDATE recordings SET {KEY_COLUMN} = ? WHERE id = ?", (hash_key(key), recording_id))


def key_matches(store: Store, recording_id: int, key: str) -> bool:
    """Whether ``key`` is the deletion key of the recording (False when it has none or does not exist)."""
    rows = store._all(f"SELECT {KEY_COLUMN} AS h FROM recordings WHERE id = ?", (recording_id,))
    return bool(rows) and verify(key, rows[0]["h"])


def recordings_older_than(store: Store, days: float, now: float | None = None) -> list[dict]:
    """Recordings received more than ``days`` days before ``now`` (oldest first).

    Examples
    --------
    >>> recordings_older_than(Store(Path(":memory:")), 7)
    []
    """
    cutoff = (time.time() if now is None else now) - days * 86400.0
    return store._all("SELECT * FROM recordings WHERE created < ? ORDER BY id", (cutoff,))


def forget_recording(store: Store, recording_id: int) -> list[Path]:
    """Delete a recording's sample rows and its row in one transaction, then its files; returns the files removed.

    Remaps and other recordings are untouched. Returns ``[]`` for an unknown id. The caller tells the device
    which sample ids went (read them with ``store.samples(recording_id)`` before calling).
    """
    rec = store.recording(recording_id)
    if rec is None:
        return []
    files = [Path(s["path"]) for s in store.samples(recording_id)] + [Path(rec["path"])]
    if rec.get("photo_path"):
        files.append(Path(rec["photo_path"]))
    with store._lock:
        store._db.execute("BEGIN IMMEDIATE")
        try:
            store._db.execute("DELETE FROM samples WHERE recording_id = ?", (recording_id,))
            store._db.execute("DELETE FROM recordings WHERE id = ?", (recording_id,))
            store._db.execute("COMMIT")
        except BaseException:
            store._db.execute("ROLLBACK")
            raise
    removed = []
    for p in files:  # rows first: a crash here leaves an orphan file, which Library.cleanup removes
        if p.is_file():
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed
