"""An upload's own id (``client_id``) in the library: stored once, a retry returns the first id, and a
library made before the column existed gains it on open."""

from __future__ import annotations

import sqlite3
import threading

from exsampling_osc.library import Library


def test_same_client_id_is_kept_once_even_when_sent_at_the_same_time(tmp_path):
    src = tmp_path / "a.wav"
    src.write_bytes(b"RIFF....WAVE")
    lib = Library(tmp_path / "data")
    ids: list[int] = []
    threads = [
        threading.Thread(target=lambda: ids.append(lib.keep_recording(src, "a.wav", client_id="x:1", source="upload")))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 1 and len(ids) == 8
    assert len(lib.store.recordings()) == 1 and len(list(lib.recordings_dir.iterdir())) == 1
    assert lib.keep_recording(src, "a.wav", source="upload") != ids[0]  # no id: always a new recording
    assert lib.keep_recording(src, "a.wav", source="upload") != ids[0]


def test_an_older_library_gains_the_column(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    db = sqlite3.connect(data / "library.sqlite3")
    db.execute(
        "CREATE TABLE recordings (id INTEGER PRIMARY KEY AUTOINCREMENT, created REAL NOT NULL, "
        "source TEXT NOT NULL, original_name TEXT NOT NULL, path TEXT NOT NULL, latitude REAL, "
        "longitude REAL, accuracy REAL, uploader TEXT, drop_key TEXT UNIQUE, "
        "status TEXT NOT NULL DEFAULT 'received', error TEXT)"
    )
    db.execute(
        "INSERT INTO recordings (created, source, original_name, path) VALUES (1, 'upload', 'old.wav', "
        "'/nowhere/old.wav')"
    )
    db.commit()
    db.close()
    lib = Library(data)
    assert lib.store.recording(1)["client_id"] is None
    src = tmp_path / "b.wav"
    src.write_bytes(b"RIFF....WAVE")
    rid = lib.keep_recording(src, "b.wav", client_id="x:2", source="upload")
    assert lib.keep_recording(src, "b.wav", client_id="x:2", source="upload") == rid
