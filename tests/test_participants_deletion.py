"""Their sounds stay theirs, over real HTTP with ``exsampling serve``: the upload's answer carries a deletion
key; ``DELETE /api/recordings/<id>`` with it removes the file, the rows and the samples and tells the device
(``/exsampling/deleted``); a wrong key changes nothing; ``--keep-days`` forgets old recordings at start."""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path

from serve_support import Listener, Serve, tone

from exsampling_osc.library.retention import hash_key


def delete(serve: Serve, rid: int, key: str, token: str | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(
        f"{serve.url}/api/recordings/{rid}?token={serve.token if token is None else token}",
        method="DELETE",
        headers={"X-Deletion-Key": key},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def rows(data: Path, rid: int) -> tuple[int, int]:
    with sqlite3.connect(data / "library.sqlite3") as db:
        recs = db.execute("SELECT COUNT(*) FROM recordings WHERE id = ?", (rid,)).fetchone()[0]
        samples = db.execute("SELECT COUNT(*) FROM samples WHERE recording_id = ?", (rid,)).fetchone()[0]
    return recs, samples


def test_delete_with_the_key_leaves_no_file_or_row_and_tells_the_device(tmp_path):
    data, device = tmp_path / "data", Listener()
    serve = Serve(data, device_port=device.port)
    try:
        wav = tone(tmp_path / "a.wav", 2.0)
        code, answer = serve.upload(wav)
        assert code == 201 and len(answer["deletion_key"]) == 32, answer
        rid, key = answer["id"], answer["deletion_key"]
        rec = serve.wait_analysed(rid)
        files = [Path(rec["path"]), *(Path(s["path"]) for s in rec["samples"])]
        sample_ids = [s["id"] for s in rec["samples"]]
        assert sample_ids and all(f.is_file() for f in files)
        assert "deletion_key_hash" not in rec and key not in json.dumps(rec)
        with sqlite3.connect(data / "library.sqlite3") as db:  # only the hash is kept
            stored = db.execute("SELECT deletion_key_hash FROM recordings WHERE id = ?", (rid,)).fetchone()[0]
        assert stored == hash_key(key)

        assert delete(serve, rid, "not-the-key")[0] == 403
        assert delete(serve, rid, key, token="old-token")[0] == 403
        assert rows(data, rid) == (1, len(sample_ids)) and all(f.is_file() for f in files)

        code, body = delete(serve, rid, key)
        assert (code, body) == (200, {"deleted": rid, "samples": sample_ids})
        assert rows(data, rid) == (0, 0)
        assert not any(f.exists() for f in files)
        said = device.wait_for("/exsampling/deleted", timeout=10)
        assert said == [[rid, " ".join(map(str, sample_ids))]]
        assert delete(serve, rid, key)[0] == 403  # gone already
        other, _ = serve.upload(tone(tmp_path / "b.wav", 1.0))
        assert other == 201  # the library goes on
    finally:
        serve.stop()
        device.close()


def test_keep_days_forgets_old_recordings_at_start(tmp_path):
    data = tmp_path / "data"
    serve = Serve(data)
    try:
        old = serve.upload(tone(tmp_path / "old.wav", 1.0))[1]["id"]
        new = serve.upload(tone(tmp_path / "new.wav", 1.0, freq=660))[1]["id"]
        old_rec = serve.wait_analysed(old)
        serve.wait_analysed(new)
    finally:
        serve.stop()
    with sqlite3.connect(data / "library.sqlite3") as db:
        db.execute("UPDATE recordings SET created = created - 8 * 86400 WHERE id = ?", (old,))
    device = Listener()
    again = Serve(data, "--keep-days", "7", device_port=device.port)
    try:
        assert rows(data, old) == (0, 0) and not Path(old_rec["path"]).exists()
        assert rows(data, new)[0] == 1
        assert "older than 7 days" in again.log
    finally:
        again.stop()
        device.close()


def test_a_deleted_sound_is_replaced_on_its_track_by_the_newest_one_left(tmp_path):
    data, device = tmp_path / "data", Listener()
    serve = Serve(data, device_port=device.port)
    try:
        first = serve.upload(tone(tmp_path / "a.wav", 2.0, 440.0))[1]
        serve.wait_analysed(first["id"])
        second = serve.upload(tone(tmp_path / "b.wav", 2.0, 440.0))[1]
        (newest,) = serve.wait_analysed(second["id"])["samples"]
        (older,) = serve.get(f"/api/recordings/{first['id']}")["samples"]
        assert older["track"] == newest["track"]  # the same sound twice: one track, the newest plays
        device.wait_for("/exsampling/sample", where=lambda a: a[1] == newest["id"])
        before = len(device.messages)
        assert delete(serve, second["id"], second["deletion_key"])[0] == 200
        # the samplers play the newest sample of a track: the one left is sent again, after the deletion
        device.wait_for("/exsampling/deleted", where=lambda a: a[0] == second["id"])
        later = [(addr, args) for addr, args in device.messages[before:]]
        kinds = [addr for addr, _ in later]
        assert kinds.index("/exsampling/deleted") < kinds.index("/exsampling/sample")
        resent = next(args for addr, args in later if addr == "/exsampling/sample")
        assert resent[0] == older["track"] and resent[1] == older["id"]
        assert "/exsampling/unload" not in kinds
        # the last sound of the track goes too: the track is told to empty its sampler
        before = len(device.messages)
        assert delete(serve, first["id"], first["deletion_key"])[0] == 200
        assert device.wait_for("/exsampling/unload", timeout=10) == [[older["track"]]]
        kinds = [addr for addr, _ in device.messages[before:]]
        assert kinds.index("/exsampling/deleted") < kinds.index("/exsampling/unload")
        assert "/exsampling/sample" not in kinds
    finally:
        serve.stop()
        device.close()
