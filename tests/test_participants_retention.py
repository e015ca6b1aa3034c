"""Deletion keys, forgetting a recording (no file, no row left), retention by age: on a real SQLite library."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from exsampling_osc.library import Library
from exsampling_osc.library.retention import (
    add_deletion_key_column,
    forget_recording,
    hash_key,
    key_matches,
    new_deletion_key,
    recordings_older_than,
    set_deletion_key,
    verify,
)


def keep(lib, tmp_path, name="a.wav", pieces=2):
    src = tmp_path / name
    src.write_bytes(b"RIFF" + bytes(100))
    rid = lib.keep_recording(src, name, source="web")
    rows = []
    for i in range(pieces):
        path = lib.write_sample(rid, i, np.zeros(100, np.float32), 22050)
        rows.append(
            {
                "piece_index": i,
                "start": 0.0,
                "duration": 0.1,
                "path": str(path),
                "label": "dog",
                "confidence": 0.9,
                "top": [],
                "root_midi": None,
                "pitch_confidence": 0.0,
                "analysed_mode": "fast",
            }
        )
    lib.store.store_analysis(rid, rows)
    return rid


def test_keys_are_random_and_stored_hashed(tmp_path):
    keys = {new_deletion_key() for _ in range(100)}
    assert len(keys) == 100
    k = next(iter(keys))
    assert verify(k, hash_key(k)) and not verify(k + "x", hash_key(k)) and not verify(k, None)
    lib = Library(tmp_path / "data")
    add_deletion_key_column(lib.store)
    add_deletion_key_column(lib.store)  # idempotent
    rid = keep(lib, tmp_path)
    set_deletion_key(lib.store, rid, k)
    stored = lib.store.recording(rid)["deletion_key_hash"]
    assert stored == hash_key(k) and k not in stored
    assert key_matches(lib.store, rid, k) and not key_matches(lib.store, rid, new_deletion_key())
    assert not key_matches(lib.store, 9999, k)


def test_forget_leaves_no_file_or_row(tmp_path):
    lib = Library(tmp_path / "data")
    rid, other = keep(lib, tmp_path, "a.wav"), keep(lib, tmp_path, "b.wav")
    files = [lib.store.recording(rid)["path"], *(s["path"] for s in lib.store.samples(rid))]
    removed = forget_recording(lib.store, rid)
    assert sorted(map(str, removed)) == sorted(files)
    assert lib.store.recording(rid) is None and lib.store.samples(rid) == []
    assert all(not Path(f).exists() for f in files)
    assert lib.store.recording(other) and len(lib.store.samples(other)) == 2  # the other one untouched
    assert forget_recording(lib.store, rid) == []
    lib.close()
    reopened = Library(tmp_path / "data")  # survives a restart: nothing comes back
    assert reopened.store.recording(rid) is None


def test_recordings_older_than(tmp_path):
    lib = Library(tmp_path / "data")
    old, new = keep(lib, tmp_path, "old.wav", 0), keep(lib, tmp_path, "new.wav", 0)
    lib.store._tx("UPDATE recordings SET created = ? WHERE id = ?", (time.time() - 8 * 86400, old))
    assert [r["id"] for r in recordings_older_than(lib.store, 7)] == [old]
    assert [r["id"] for r in recordings_older_than(lib.store, 10)] == []
    assert {r["id"] for r in recordings_older_than(lib.store, 0, now=time.time() + 1)} == {old, new}
