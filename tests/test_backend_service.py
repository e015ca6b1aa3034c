"""``Service`` in-process (no ports): the methods other route modules call, and the events they see."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from serve_support import labels, tone

from exsampling_osc.backend.service import Service, Settings, osc_sample_args
from exsampling_osc.errors import AudioError


@pytest.fixture()
def service(tmp_path):
    s = Service(Settings(data_dir=tmp_path / "data", load_plugins=False)).load()
    yield s
    s.shutdown()


def _run_queue(service):
    while not service.ingest.queue._q.empty():
        job, _ = service.ingest.queue._q.get()
        service.ingest.run_job(job)


def test_ingest_events_and_changes(service, tmp_path):
    events = []
    unsubscribe = service.subscribe(lambda kind, data: events.append((kind, data)))
    rid = service.ingest_upload(
        tone(tmp_path / "a.wav", 7.0, 262.0), "a.wav", latitude=1.0, longitude=2.0, accuracy=5.0, uploader="abc"
    )
    assert events[0][0] == "recording" and events[0][1]["id"] == rid
    _run_queue(service)
    rec = service.get_recording(rid)
    assert rec["status"] == "analysed" and [s["piece_index"] for s in rec["samples"]] == [0, 1]
    samples = [d for k, d in events if k == "sample"]
    assert [s["sample_id"] for s in samples] == [s["sample_id"] for s in rec["samples"]]
    s = rec["samples"][0]
    for key in ("audio_url", "overridden_label", "top", "pitch_confidence", "created", "track", "mode"):
        assert key in s
    assert s["label"] in labels() + ["unknown"] and rec["uploader"] == "abc" and rec["accuracy"] == 5.0
    args = osc_sample_args(s)
    assert args[7:9] == [1.0, 2.0] and isinstance(args[5], float)

    service.override(s["sample_id"], "church_bells")
    assert events[-1][1]["label"] == "church_bells" and events[-1][1]["track"] == "bells"
    assert events[-1][1]["mode"] == "melodic"
    change = service.remap("church_bells", "drums")
    assert change == {"label": "church_bells", "track": "drums", "mode": "percussive"}
    assert ("mapping", change) in events and events[-1][1]["track"] == "drums"
    assert service.set_state(s["sample_id"], "rejected")["state"] == "rejected"
    assert [x["sample_id"] for x in service.list_samples("drums")] == [s["sample_id"]]
    with pytest.raises(ValueError, match="state must be"):
        service.set_state(s["sample_id"], "maybe")
    with pytest.raises(ValueError, match="no sample"):
        service.override(99999, "dog")
    service.reanalyse(s["sample_id"])
    _run_queue(service)
    assert events[-1][0] == "sample" and events[-1][1]["overridden_label"] == "church_bells"
    unsubscribe()
    n = len(events)
    service.set_state(s["sample_id"], "accepted")
    assert len(events) == n
    st = service.status()
    assert st["recordings"] == 1 and st["samples"] == 2 and st["queue"] == 0


def test_unusable_audio_leaves_no_file_or_row(service, tmp_path):
    bad = tmp_path / "bad.wav"
    sf.write(str(bad), np.full(1000, np.inf, dtype=np.float32), 22050, subtype="FLOAT")
    with pytest.raises(AudioError, match="bad.wav: the audio holds NaN or infinite samples"):
        service.ingest_upload(bad, "bad.wav")
    service.ingest.max_upload_bytes = 100
    with pytest.raises(AudioError, match="too large"):
        service.ingest_upload(tone(tmp_path / "ok.wav", 1.0), "ok.wav")
    assert service.list_recordings() == []
    assert list((service.library.data_dir / "recordings").iterdir()) == []
