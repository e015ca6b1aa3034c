"""End to end: `exsampling serve` and the Pd sampler under `pd -nogui -noaudio`.

A 440 Hz recording is uploaded through the real HTTP API; the backend analyses it, maps it to the Pd
sampler's track (every label goes to a melodic track `pdkeys` in the test config) and sends it to the port
the patch announced with /exsampling/hello; a note is played with /exsampling/note and the output, recorded
with writesf~, is measured. A re-map to the percussive track `pdhits` then moves the sample to a second Pd
sampler, which plays it unchanged in pitch whatever the note; a third sampler started afterwards gets it
by asking (/exsampling/query/samples) when the backend answers its hello.
"""

from __future__ import annotations

import importlib.util
import socket
import time

import pytest
import soundfile as sf
from pd_support import PD, FakeBackend, PdSampler, active_span, dominant_hz, osc_packet, tone_wav

pytestmark = [
    pytest.mark.skipif(PD is None, reason="Pure Data (Debian package puredata) is not installed"),
    pytest.mark.skipif(
        importlib.util.find_spec("exsampling_osc.backend.service") is None,
        reason="exsampling serve is not built yet (exsampling_osc/backend/service.py)",
    ),
]

RELEASE = 0.05
CONFIG = """\
tracks:
  - name: pdkeys
    mode: melodic
    classes: []
  - name: pdhits
    mode: percussive
    classes: []
unknown: pdkeys
"""


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    from serve_support import Serve

    tmp = tmp_path_factory.mktemp("pdserve")
    (tmp / "config.yaml").write_text(CONFIG)
    device = FakeBackend()  # the Max hub's port: every event goes there too
    backend = Serve(tmp / "data", "--config", str(tmp / "config.yaml"), device_port=device.port)
    yield backend, device
    backend.stop()
    device.close()


def wait_sample(device: FakeBackend, track: str, timeout: float = 120.0) -> list:
    """The next /exsampling/sample for ``track`` seen on the device port (arguments as sent)."""
    deadline = time.monotonic() + timeout
    while True:
        msg, _ = device.receive("/exsampling/sample", timeout=max(0.1, deadline - time.monotonic()))
        if msg.params[0] == track and msg.params[-1] != "pending":
            return msg.params


def record_note(pd: PdSampler, path, note: int, seconds: float) -> tuple:
    with pd.recording(path):
        pd.osc("/exsampling/note", pd.track, note, 127, seconds)
        time.sleep(seconds + 0.3)
    y, sr = sf.read(path)
    start, end = active_span(y, sr)
    return end - start, dominant_hz(y[int(start * sr) : int((end - RELEASE) * sr)], sr)


def test_uploaded_recording_plays_in_pd_at_the_note_pitch_then_percussive_after_remap(serve, tmp_path):
    backend, device = serve
    osc_port = backend.ready["osc_port"]
    keys = PdSampler("pdkeys", osc_port)
    hits = PdSampler("pdhits", osc_port)
    try:
        keys.wait_for(r"exsampling: backend ready")  # the backend heard the hello and answered
        hits.wait_for(r"exsampling: backend ready")
        status, body = backend.upload(tone_wav(tmp_path / "a440.wav", seconds=3.0, sr=44100), public=True)
        assert status in (200, 201, 202), body

        track, sample_id, label, _conf, path, root, mode, *_ = wait_sample(device, "pdkeys")
        assert (track, mode) == ("pdkeys", "melodic") and root == pytest.approx(69.0, abs=0.2)
        keys.wait_for(rf"exsampling: loaded {sample_id} frames \d+ rate \d+ root [\d.]+ melodic 1")

        length, hz = record_note(keys, tmp_path / "keys81.wav", 81, 0.5)
        assert hz == pytest.approx(880.0, rel=0.01)
        assert length == pytest.approx(0.5 + RELEASE, abs=0.01)

        # move the label to the percussive track: the backend re-sends the sample there
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(osc_packet("/exsampling/remap", label, "pdhits"), ("127.0.0.1", osc_port))
        params = wait_sample(device, "pdhits")
        assert params[1] == sample_id and params[6] == "percussive"
        hits.wait_for(rf"exsampling: loaded {sample_id} frames \d+ rate \d+ root [\d.]+ melodic 0")
        length, hz = record_note(hits, tmp_path / "hits81.wav", 81, 0.3)
        assert hz == pytest.approx(440.0, rel=0.01)
        assert length == pytest.approx(0.3 + RELEASE, abs=0.01)

        # a sampler started later asks for its track's samples when the backend answers its hello
        late = PdSampler("pdhits", osc_port)
        try:
            late.wait_for(rf"exsampling: loaded {sample_id} frames \d+ rate \d+ root [\d.]+ melodic 0")
        finally:
            late.close()
    finally:
        keys.close()
        hits.close()
