"""The SQLite index of recordings and samples. One transaction per change; WAL with full sync."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS recordings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created REAL NOT NULL,
    source TEXT NOT NULL,
    original_name TEXT NOT NULL,
    path TEXT NOT NULL,
    latitude REAL, longitude REAL, accuracy REAL,
    uploader TEXT,
    drop_key TEXT UNIQUE,
    client_id TEXT,
    status TEXT NOT NULL DEFAULT 'received',
    error TEXT
);
CREATE TABLE IF NOT EXISTS samples (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recording_id INTEGER NOT NULL REFERENCES recordings(id),
    piece_index INTEGER NOT NULL,
    start REAL NOT NULL,
    duration REAL NOT NULL,
    path TEXT NOT NULL,
    label TEXT NOT NULL,
    confidence REAL NOT NULL,
    top TEXT NOT NULL,
    root_midi REAL,
    pitch_confidence REAL NOT NULL,
    analysed_mode TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'ready',
    overridden_label TEXT,
    created REAL NOT NULL,
    loudness_lufs REAL,
    peak_db REAL,
    loop_start INTEGER,
    loop_end INTEGER,
    UNIQUE (recording_id, piece_index)
);
CREATE TABLE IF NOT EXISTS remaps (label TEXT PRIMARY KEY, track TEXT NOT NULL, changed REAL NOT NULL);
CREATE TABLE IF NOT EXISTS taught_examples (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    label TEXT NOT NULL,
    sample_id INTEGER,
    embedding BLOB NOT NULL,
    model TEXT NOT NULL,
    created REAL NOT NULL
);
"""

#: How a recording's error starts when its analysis failed for lack of disk space (it is retried).
STORAGE_FULL_PREFIX = "storage full: "

_SAMPLE_COLUMNS = (
    "piece_index",
    "start",
    "duration",
    "path",
    "label",
    "confidence",
    "top",
    "root_midi",
    "pitch_confidence",
    "analysed_mode",
    "state",
    "loudness_lufs",
    "peak_db",
    "loop_start",
    "loop_end",
)
#: Sample columns added after the first libraries were made: (name, SQL type), added to those on opening.
_ADDED_SAMPLE_COLUMNS = (
    ("loudness_lufs", "REAL"),
    ("peak_db", "REAL"),
    ("loop_start", "INTEGER"),
    ("loop_end", "INTEGER"),
)
_UPDATABLE = {
    "label",
    "confidence",
    "top",
    "root_midi",
    "pitch_confidence",
    "analysed_mode",
    "state",
    "overridden_label",
}


class Store:
    """Thread-safe access to ``library.sqlite3``: every public method is one transaction."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(recordings)")}
        if "client_id" not in columns:  # a library made before uploads carried their own id
            self._db.execute("ALTER TABLE recordings ADD COLUMN client_id TEXT")
        self._db.execute("CREATE UNIQUE INDEX IF NOT EXISTS recordings_client_id ON recordings(client_id)")
        have = {r[1] for r in self._db.execute("PRAGMA table_info(samples)")}
        for name, kind in _ADDED_SAMPLE_COLUMNS:  # a library made before hits, loudness and loops were stored
            if name not in have:
                self._db.execute(f"ALTER TABLE samples ADD COLUMN {name} {kind}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction under the lock: committed at the end, rolled back on any error."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _tx(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        with self._transaction() as db:
            return db.execute(sql, params)

    def _all(self, sql: str, params: tuple = ()) -> list[dict]:
        with self._lock:
            return [dict(r) for r in self._db.execute(sql, params).fetchall()]

    # recordings
    def add_recording(
        self,
        *,
        source: str,
        original_name: str,
        path: str,
        latitude: float | None = None,
        longitude: float | None = None,
        accuracy: float | None = None,
        uploader: str | None = None,
        drop_key: str | None = None,
        client_id: str | None = None,
    ) -> int:
        """Insert a recording's row; its id. ``client_id`` (an upload's own id) is unique: inserting one
        that exists raises ``sqlite3.IntegrityError``."""
        cur = self._tx(
            "INSERT INTO recordings (created, source, original_name, path, latitude, longitude, accuracy, "
            "uploader, drop_key, client_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (time.time(), source, original_name, path, latitude, longitude, accuracy, uploader, drop_key, client_id),
        )
        return int(cur.lastrowid or 0)

    def recording_by_client_id(self, client_id: str) -> int | None:
        """The id of the recording stored for an upload's own id, or None."""
        rows = self._all("SELECT id FROM recordings WHERE client_id = ?", (client_id,))
        return int(rows[0]["id"]) if rows else None

    def recording(self, recording_id: int) -> dict | None:
        rows = self._all("SELECT * FROM recordings WHERE id = ?", (recording_id,))
        return rows[0] if rows else None

    def recordings(self, limit: int | None = None) -> list[dict]:
        return self._all("SELECT * FROM recordings ORDER BY id DESC LIMIT ?", (limit or -1,))

    def unanalysed(self) -> list[int]:
        """Recordings received but not yet analysed (oldest first)."""
        return [r["id"] for r in self._all("SELECT id FROM recordings WHERE status = 'received' ORDER BY id")]

    def has_drop_key(self, key: str) -> bool:
        return bool(self._all("SELECT 1 FROM recordings WHERE drop_key = ?", (key,)))

    def recording_with_key(self, key: str) -> int | None:
        """The id of the recording stored under ``key`` (a drop-folder key or ``client:<upload id>``)."""
        rows = self._all("SELECT id FROM recordings WHERE drop_key = ?", (key,))
        return int(rows[0]["id"]) if rows else None

    def failed_for_space(self) -> list[int]:
        """Recordings whose analysis failed because the disk was full (oldest first)."""
        return [
            r["id"]
            for r in self._all(
                "SELECT id FROM recordings WHERE status = 'failed' AND error LIKE ? ORDER BY id",
                (STORAGE_FULL_PREFIX + "%",),
            )
        ]

    def set_received(self, recording_id: int) -> None:
        """Back to ``received`` so the recording is analysed again."""
        self._tx("UPDATE recordings SET status = 'received', error = NULL WHERE id = ?", (recording_id,))

    def set_failed(self, recording_id: int, error: str) -> None:
        self._tx("UPDATE recordings SET status = 'failed', error = ? WHERE id = ?", (error, recording_id))

    def store_analysis(self, recording_id: int, pieces: list[dict]) -> list[int]:
        """Insert a recording's samples and mark it analysed, in one transaction."""
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM samples WHERE recording_id = ?", (recording_id,))
                ids = []
                for p in pieces:
                    values = [
                        json.dumps(p.get(c, [])) if c == "top" else p.get(c, "ready" if c == "state" else None)
                        for c in _SAMPLE_COLUMNS
                    ]
                    cur = self._db.execute(
                        f"INSERT INTO samples (recording_id, created, {', '.join(_SAMPLE_COLUMNS)}) "
                        f"VALUES (?, ?, {', '.join('?' * len(_SAMPLE_COLUMNS))})",
                        (recording_id, now, *values),
                    )
                    ids.append(int(cur.lastrowid or 0))
                self._db.execute(
                    "UPDATE recordings SET status = 'analysed', error = NULL WHERE id = ?", (recording_id,)
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return ids

    # samples
    def sample(self, sample_id: int) -> dict | None:
        rows = self._samples("WHERE s.id = ?", (sample_id,))
        return rows[0] if rows else None

    def samples(self, recording_id: int | None = None, limit: int | None = None) -> list[dict]:
        if recording_id is not None:
            return self._samples("WHERE s.recording_id = ? ORDER BY s.piece_index", (recording_id,))
        return self._samples("ORDER BY s.id DESC LIMIT ?", (limit or -1,))

    def _samples(self, where: str, params: tuple) -> list[dict]:
        rows = self._all(
            "SELECT s.*, r.latitude, r.longitude, r.accuracy FROM samples s "
            f"JOIN recordings r ON r.id = s.recording_id {where}",
            params,
        )
        for r in rows:
            r["top"] = json.loads(r["top"])
        return rows

    def update_sample(self, sample_id: int, **fields) -> None:
        bad = set(fields) - _UPDATABLE
        if bad:
            raise ValueError(f"cannot update {sorted(bad)}")
        if "top" in fields:
            fields["top"] = json.dumps(fields["top"])
        sets = ", ".join(f"{k} = ?" for k in fields)
        self._tx(f"UPDATE samples SET {sets} WHERE id = ?", (*fields.values(), sample_id))

    def counts(self) -> dict[str, int]:
        with self._lock:
            rec = self._db.execute("SELECT COUNT(*) FROM recordings").fetchone()[0]
            pend = self._db.execute("SELECT COUNT(*) FROM recordings WHERE status='received'").fetchone()[0]
            failed = self._db.execute("SELECT COUNT(*) FROM recordings WHERE status='failed'").fetchone()[0]
            samp = self._db.execute("SELECT COUNT(*) FROM samples").fetchone()[0]
        return {"recordings": rec, "unanalysed": pend, "failed": failed, "samples": samp}

    # live re-maps
    def remaps(self) -> dict[str, str]:
        return {r["label"]: r["track"] for r in self._all("SELECT label, track FROM remaps")}

    def set_remap(self, label: str, track: str) -> None:
        self._tx(
            "INSERT INTO remaps (label, track, changed) VALUES (?,?,?) "
            "ON CONFLICT(label) DO UPDATE SET track = excluded.track, changed = excluded.changed",
            (label, track, time.time()),
        )

    # taught labels: one row per example (a sample's embedding, float32 bytes)
    def add_taught(self, label: str, examples: Sequence[tuple[int | None, bytes]], model: str) -> None:
        now = time.time()
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO taught_examples (label, sample_id, embedding, model, created) VALUES (?,?,?,?,?)",
                [(label, sid, emb, model, now) for sid, emb in examples],
            )

    def taught_examples(self) -> list[dict]:
        return self._all("SELECT label, sample_id, embedding, model FROM taught_examples ORDER BY id")

    def remove_taught(self, label: str) -> int:
        return self._tx("DELETE FROM taught_examples WHERE label = ?", (label,)).rowcount
