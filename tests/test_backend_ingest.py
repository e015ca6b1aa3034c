"""The ingest stage in process (no subprocess): idempotent client ids, full disk, retries when space returns,
upload temporaries swept, and the drop folder's once-when-complete rule with real files and real watchdog."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from serve_support import tone

from exsampling_osc.backend import ingest
from exsampling_osc.backend.dropfolder import DropFolder
from exsampling_osc.backend.service import Service, Settings
from exsampling_osc.errors import StorageFull


@pytest.fixture
def service(tmp_path):
    svc = Service(Settings(data_dir=tmp_path / "data", load_plugins=False)).load()
    yield svc
    svc.library.close()


def test_the_same_client_id_stores_one_recording(service, tmp_path):
    wav = tone(tmp_path / "a.wav", 1.0)
    first = service.ingest_upload(wav, "a.wav", client_id="phone-1-upload-7")
    again = service.ingest_upload(wav, "a.wav", client_id="phone-1-upload-7")
    other = service.ingest_upload(wav, "a.wav", client_id="phone-1-upload-8")
    assert first == again != other
    assert len(service.list_recordings()) == 2
    assert len(list(service.library.recordings_dir.iterdir())) == 2


def test_concurrent_retries_with_one_client_id_store_one_copy(service, tmp_path):
    wav = tone(tmp_path / "a.wav", 1.0)
    ids: list[int] = []
    threads = [
        threading.Thread(target=lambda: ids.append(service.ingest_upload(wav, "a.wav", client_id="same")))
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 1 and len(service.list_recordings()) == 1
    assert len(list(service.library.recordings_dir.iterdir())) == 1


def test_full_disk_refuses_before_storing_and_failed_analyses_are_retried(service, tmp_path):
    # stand-in: a full disk is what the library's free_space reports (a real full tmpfs: bench/bench_faults.py)
    wav = tone(tmp_path / "a.wav", 1.0)
    roomy = service.library.free_space
    service.library.free_space = lambda p: 1000
    with pytest.raises(StorageFull, match="free"):
        service.ingest_upload(wav, "a.wav")
    assert service.list_recordings() == []
    service.library.free_space = roomy
    rid = service.ingest_upload(wav, "a.wav")
    # the disk fills between acknowledging and analysing: the job fails for lack of space
    service.library.free_space = lambda p: 1000
    with pytest.raises(StorageFull):
        service.ingest.run_job(("recording", rid))
    service.ingest.job_failed(("recording", rid), StorageFull("full"))
    assert service.get_recording(rid)["status"] == "failed"
    assert service.ingest.retry_space_failures() == []  # still full: left as it is
    service.library.free_space = roomy
    assert service.ingest.retry_space_failures() == [rid]
    assert service.get_recording(rid)["status"] == "received"
    service.ingest.run_job(("recording", rid))
    assert service.get_recording(rid)["status"] == "analysed" and service.get_recording(rid)["samples"]


def test_upload_temporaries_are_swept(tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / ".upload-abc.tmp").write_bytes(b"x" * 1000)
    (incoming / "keep.wav").write_bytes(b"x")
    assert ingest.sweep_upload_temporaries(tmp_path) == 1
    assert [p.name for p in incoming.iterdir()] == ["keep.wav"]


def _watch(folder: Path, result=True):
    calls: list[tuple[str, int, float]] = []

    def take(path: Path, key: str):
        calls.append((path.name, path.stat().st_size, time.monotonic()))
        path.read_bytes()  # reading opens and closes the file: that must not count as a change
        return result

    drop = DropFolder(folder, take, lambda key: False)
    drop.start()
    return drop, calls


def _wait(calls, n, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end and len(calls) < n:
        time.sleep(0.05)


def test_a_file_written_with_long_pauses_is_ingested_once_when_closed(tmp_path):
    drop, calls = _watch(tmp_path)
    try:
        data = tone(tmp_path.parent / "src.wav", 3.0).read_bytes()
        with open(tmp_path / "paused.wav", "wb") as f:
            for i in range(3):
                f.write(data[i * len(data) // 3 : (i + 1) * len(data) // 3])
                f.flush()
                os.fsync(f.fileno())
                time.sleep(1.4)  # longer than the settle time
            closed = time.monotonic()
        _wait(calls, 1)
        time.sleep(1.5)
        assert [(c[0], c[1]) for c in calls] == [("paused.wav", len(data))]
        if drop.close_events:
            assert calls[0][2] - closed < 1.0
    finally:
        drop.stop()


def test_an_unusable_file_is_tried_once_until_it_changes(tmp_path):
    drop, calls = _watch(tmp_path, result=False)
    try:
        bad = tmp_path / "broken.wav"
        bad.write_bytes(b"RIFF not really audio")
        _wait(calls, 1)
        time.sleep(3.0)
        assert len(calls) == 1
        bad.write_bytes(b"RIFF still not audio, but changed")
        _wait(calls, 2)
        time.sleep(1.5)
        assert len(calls) == 2
    finally:
        drop.stop()


def test_every_declared_address_has_a_handler_and_a_missing_one_stops_start(service, monkeypatch):
    from exsampling_osc.backend import osc_handlers as handlers
    from exsampling_osc.errors import ExSamplingError
    from exsampling_osc.osc import protocol

    server = service.osc.bind(0)
    try:
        handlers.install_handlers(service)
        assert handlers.unhandled(server.handlers) == []
        assert {m.address for m in protocol.to_backend()} <= set(server.handlers)
        extra = protocol.Message("/exsampling/core/test/unhandled", protocol.TO_BACKEND, (), "a test address")
        monkeypatch.setitem(protocol.MESSAGES, extra.address, extra)
        with pytest.raises(ExSamplingError, match="/exsampling/core/test/unhandled"):
            handlers.install_handlers(service)
    finally:
        server.sock.close()


def test_a_percussive_recording_becomes_one_sample_per_hit_with_its_loudness(service, tmp_path):
    import numpy as np
    import soundfile as sf

    from exsampling_osc.osc.codec import sample_args

    sr, rng = 22050, np.random.default_rng(3)
    y = np.zeros(4 * sr, np.float32)
    starts = [0.3, 0.9, 1.5, 2.2, 2.8, 3.4]  # six knocks, 0.6-0.7 s apart
    for k, t0 in enumerate(starts):
        n = int(0.12 * sr)
        knock = rng.normal(0, 0.5, n) * np.exp(-np.arange(n) / (0.015 * sr)) * (0.5 + 0.1 * k)
        y[int(t0 * sr) : int(t0 * sr) + n] += knock.astype(np.float32)
    sf.write(tmp_path / "knocks.wav", y, sr)
    rid = service.ingest_upload(tmp_path / "knocks.wav", "knocks.wav")
    service.ingest.run_job(("recording", rid))
    samples = service.get_recording(rid)["samples"]
    assert len(samples) == len(starts)  # a 5 s piece before: one sample holding six knocks
    assert [round(s["start"], 1) for s in samples] == starts
    for s in samples:
        assert s["mode"] == "percussive" and s["loop_start"] is None
        assert -40 < s["loudness_lufs"] < 0 and s["peak_db"] <= 0
        args = sample_args(s)
        assert args[12] == pytest.approx(s["loudness_lufs"], abs=1e-3) and args[14:16] == [-1, -1]


def test_a_sustained_tone_keeps_its_piece_and_stores_its_loop(service, tmp_path):
    from exsampling_osc.osc.codec import sample_args

    rid = service.ingest_upload(tone(tmp_path / "tone.wav", 3.0, 220.0), "tone.wav")
    service.ingest.run_job(("recording", rid))
    (s,) = service.get_recording(rid)["samples"]
    assert s["analysed_mode"] == "melodic"
    assert s["loop_start"] is not None and 0 <= s["loop_start"] < s["loop_end"]
    assert sample_args(s)[14:16] == [s["loop_start"], s["loop_end"]]
