"""`exsampling serve` as a subprocess: liblo's oscdump/oscsend as the device, uploads over real HTTP."""

from __future__ import annotations

import json
import socket
import time
import wave

import numpy as np
import pytest
import soundfile as sf
from serve_support import HAVE_LIBLO, Listener, OscDump, Serve, labels, oscsend, tone, upload

from exsampling_osc.osc import protocol

pytestmark = pytest.mark.skipif(not HAVE_LIBLO, reason="liblo-tools (oscsend/oscdump) not installed")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    cfg = root / "config.yaml"
    from exsampling_osc.mapping import DEFAULT_CONFIG

    cfg.write_text(
        DEFAULT_CONFIG.read_text().replace("max_upload_mb: 50", "max_upload_mb: 1")
        + "recorder:\n  uploads_per_minute: 0\n"
    )
    dump = OscDump()
    serve = Serve(root / "data", "--config", str(cfg), device_port=dump.port)
    yield serve, dump, root
    serve.stop()
    dump.close()


def _args(line: str) -> str:
    return line.split(" ", 2)[2] if line.count(" ") >= 2 else ""


def test_ready_reaches_oscdump_and_the_ready_line(served):
    serve, dump, _ = served
    line = dump.wait_for("/exsampling/ready")[0]
    assert line.split()[1] == "ssssii"
    assert serve.ready["http_url"] in line and str(serve.ready["osc_port"]) in line
    assert serve.ready["qr_path"].endswith("qr.png")
    status = serve.get("/api/status")
    assert status["osc"]["port"] == serve.ready["osc_port"]


def test_upload_is_analysed_and_sent_as_sample(served, tmp_path):
    serve, dump, root = served
    code, body = serve.upload(
        tone(tmp_path / "bell.wav", 3.0, 440.0, sr=44100), latitude=48.85, longitude=2.35, accuracy=12
    )
    assert code == 201 and isinstance(body["id"], int)
    assert body["latitude"] == 48.85 and body["source"] == "upload" and body["name"] == "bell.wav"
    rec = serve.wait_analysed(body["id"])
    assert rec["status"] == "analysed" and len(rec["samples"]) == 1
    s = rec["samples"][0]
    assert s["label"] in labels() + ["unknown"]
    with sf.SoundFile(s["path"]) as f:
        assert f.samplerate == 22050 and 2.5 < f.frames / f.samplerate <= 3.0
    assert s["mode"] in ("percussive", "melodic") and s["analysed_mode"] == "melodic"
    assert abs(s["root_midi"] - 69.0) < 0.6
    lines = [x for x in dump.wait_for("/exsampling/sample") if f'"{s["path"]}"' in x]
    assert lines, dump.lines
    assert lines[0].split()[1] == protocol.get("/exsampling/sample").typetags  # "sisfsfsffifsffii"
    assert f'"{s["track"]}"' in lines[0] and " 48.8499" in lines[0]
    dump.wait_for("/exsampling/recording")


def test_oscsend_queries_remap_override_and_states(served, tmp_path):
    serve, dump, _ = served
    port, me = serve.ready["osc_port"], dump.port
    code, body = serve.upload(tone(tmp_path / "x.wav", 2.0, 220.0))
    sid = serve.wait_analysed(body["id"])["samples"][0]["sample_id"]

    readies = len(dump.wait_for("/exsampling/ready"))
    oscsend(port, "/exsampling/hello", "is", me, "oscsend device")
    dump.wait_for("/exsampling/ready", count=readies + 1)
    assert any(d["name"] == "oscsend device" and d["port"] == me for d in serve.get("/api/status")["devices"])
    oscsend(port, "/exsampling/query/classes", "i", me)
    line = dump.wait_for("/exsampling/classes")[0]
    assert " 50 " in line and "church_bells" in line
    oscsend(port, "/exsampling/query/tracks", "i", 0)
    assert "drums" in dump.wait_for("/exsampling/tracks")[0]
    oscsend(port, "/exsampling/query/mapping", "i", me)
    dump.wait_for("/exsampling/done")
    assert any("clock_tick" in x and "drums" in x for x in dump.wait_for("/exsampling/mapping", count=51))

    oscsend(port, "/exsampling/remap", "ss", "siren", "drums")
    dump.wait_for("/exsampling/mapping", count=52)
    assert serve.get("/api/mapping")["mapping"]["siren"] == "drums"

    oscsend(port, "/exsampling/override", "is", sid, "siren")
    end = time.monotonic() + 10
    while time.monotonic() < end and not any('"siren"' in x and f" {sid} " in x for x in dump.lines):
        time.sleep(0.05)
    sample_line = [x for x in dump.lines if x.startswith("/exsampling/sample") and '"siren"' in x][-1]
    assert '"drums"' in sample_line and '"percussive"' in sample_line
    oscsend(port, "/exsampling/accept", "i", sid)
    end = time.monotonic() + 10
    while time.monotonic() < end and serve.get(f"/api/recordings/{body['id']}")["samples"][0]["state"] != "accepted":
        time.sleep(0.05)
    assert serve.get(f"/api/recordings/{body['id']}")["samples"][0]["state"] == "accepted"
    oscsend(port, "/exsampling/reject", "i", sid)
    oscsend(port, "/exsampling/query/samples", "is", me, "siren")
    dump.wait_for("/exsampling/done", count=2)
    rec = serve.get(f"/api/recordings/{body['id']}")
    assert rec["samples"][0]["state"] == "rejected" and rec["samples"][0]["overridden_label"] == "siren"
    assert rec["samples"][0]["analysed_label"] in labels() + ["unknown"]


def test_hello_ping_and_reanalyse_with_python_osc(served, tmp_path):
    serve, _, _ = served
    dev = Listener()
    try:
        port = serve.ready["osc_port"]
        dev.send(port, "/exsampling/hello", dev.port, "my sampler")
        assert dev.wait_for("/exsampling/ready", 10)[0][1] == serve.url
        dev.send(port, "/exsampling/ping", 7)
        assert dev.wait_for("/exsampling/pong", 10)[0] == [7]
        code, body = serve.upload(tone(tmp_path / "y.wav", 1.5, 330.0))
        sample = dev.wait_for("/exsampling/sample", 30, where=lambda a: a[9] == body["id"])[0]
        assert isinstance(sample[3], float) and isinstance(sample[5], float)
        dev.send(port, "/exsampling/reanalyse", sample[1])
        dev.wait_for("/exsampling/sample", 30, count=2, where=lambda a: a[1] == sample[1])
        dev.send(port, "/exsampling/heartbeat", 1)
        time.sleep(0.3)
        st = serve.get("/api/status")
        assert st["seconds_since_heartbeat"] is not None and st["seconds_since_heartbeat"] < 5
        assert any(d["name"] == "my sampler" for d in st["devices"])
    finally:
        dev.close()


def test_bad_osc_is_logged_and_ignored(served):
    serve, _, _ = served
    port = serve.ready["osc_port"]
    dev = Listener()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for junk in (b"\x00\x01garbage", b"/exsampling/ping\x00\x00\x00\x00,i\x00", b"", b"#bundle\x00x"):
                s.sendto(junk, ("127.0.0.1", port))
        dev.send(port, "/exsampling/hello", dev.port, "checker")
        dev.wait_for("/exsampling/ready", 10)
        dev.send(port, "/no/such/address", 1)
        dev.send(port, "/exsampling/ping", "not a number")
        dev.send(port, "/exsampling/override", 1.5, "dog")
        dev.send(port, "/exsampling/remap", "dog", "no_such_track")
        errors = dev.wait_for("/exsampling/error", 10, count=3)
        text = " ".join(e[0] for e in errors)
        assert "must be a number" in text and "no_such_track" in text
        dev.send(port, "/exsampling/ping", 99)
        assert dev.wait_for("/exsampling/pong", 10, where=lambda a: a == [99])
        log = serve.log
        assert "unknown OSC address /no/such/address" in log and "unreadable OSC packet" in log
    finally:
        dev.close()


def _wav_bytes(tmp_path, y, sr=22050) -> bytes:
    p = tmp_path / "src.wav"
    sf.write(str(p), y, sr, subtype="FLOAT")
    return p.read_bytes()


def test_malformed_uploads_are_refused_and_leave_nothing(served, tmp_path):
    serve, _, root = served
    data_dir = root / "data"
    before_files = sorted(p.name for p in (data_dir / "recordings").iterdir())
    before = serve.get("/api/recordings")["recordings"]
    good = tone(tmp_path / "good.wav", 2.0).read_bytes()
    nan = np.full(22050, np.nan, dtype=np.float32)
    big = tmp_path / "big.wav"
    with wave.open(str(big), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes((np.random.default_rng(0).integers(-3000, 3000, 700_000)).astype("<i2").tobytes())
    cases = {
        "truncated": (good[:30], 422),
        "text": (b"this is not audio at all, just words\n" * 20, 422),
        "empty": (b"", 422),
        "nan": (_wav_bytes(tmp_path, nan), 422),
        "silent": (_wav_bytes(tmp_path, np.zeros(22050, np.float32)), 422),
        "oversize": (big.read_bytes(), 413),
    }
    for what, (data, status) in cases.items():
        code, body = upload(serve.url, None, serve.token, name=f"{what}.wav", data=data)
        assert code == status, (what, body)
        assert isinstance(body["error"], str) and body["error"], what
    code, body = upload(serve.url, None, "wrong-token", name="good.wav", data=good)
    assert code == 403 and "QR" in body["error"]
    code, body = upload(serve.url, None, serve.token, name="good.wav", data=good, field="file")
    assert code == 400 and "audio" in body["error"]
    code, body = upload(serve.url, None, serve.token, name="good.wav", data=good, latitude="north")
    assert code == 400 and "latitude" in body["error"]
    assert sorted(p.name for p in (data_dir / "recordings").iterdir()) == before_files
    assert serve.get("/api/recordings")["recordings"] == before
    assert not [p for p in (data_dir / "incoming").iterdir()]
    assert serve.proc.poll() is None


def test_api_errors_are_json(served):
    serve, _, _ = served
    import urllib.error
    import urllib.request

    for path in ("/api/recordings/99999", "/api/samples/99999/audio", "/api/none"):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(serve.url + path, timeout=5)
        assert err.value.code == 404
        assert json.loads(err.value.read())["error"]


def test_compose_answers_a_phrase_with_its_notes(served):
    pytest.importorskip("exsampling_osc.composer.live")
    serve, _, _ = served
    dev = Listener()
    try:
        port = serve.ready["osc_port"]
        dev.send(port, "/exsampling/hello", dev.port, "composer pad")
        dev.wait_for("/exsampling/ready", 10)
        dev.send(port, "/exsampling/compose", 0, 0.25, -0.5, 7, types="iffi")
        done = dev.wait_for("/exsampling/done", 60, where=lambda a: a[1] == "compose")[0]
        errors = [a for addr, a in dev.messages if addr == "/exsampling/error"]
        assert not errors, errors
        phrase = dev.wait_for("/exsampling/phrase", 5)[0]
        pid, count, length, midi_path = phrase[:4]
        notes = dev.wait_for("/exsampling/phrase/note", 5, count=count, where=lambda a: a[0] == pid)
        assert done[0] == count + 1 and len(notes) == count > 0 and length > 0
        assert [n[1] for n in notes] == list(range(count))
        assert all(0 <= n[2] <= 127 and 1 <= n[3] <= 127 and n[5] > 0 for n in notes)
        import mido

        midi = mido.MidiFile(midi_path)
        assert sum(1 for m in midi if m.type == "note_on" and m.velocity > 0) == count
        # the four-argument request: the composer's defaults; the register is the newest melodic sample's root
        # (the middle of its ±12-semitone range) when the library holds one, else 60
        temperature, density, register, key, low, high = phrase[6:]
        assert [temperature, density, key] == [1.0, 1.0, 0]
        if [low, high] == [0, 127]:
            assert register == 60
        else:
            assert high - low == 24 and register == (low + high) // 2
        # the knobs as trailing arguments: variation 0, density 2, register 72, key G, one bar
        dev.send(port, "/exsampling/compose", 0, 0.25, -0.5, 7, 0.0, 2.0, 72, 7, 1, types="iffiffiii")
        knobbed = dev.wait_for("/exsampling/phrase", 60, where=lambda a: a[0] != pid)[0]
        assert knobbed[2] == 4.0 and knobbed[6:] == [0.0, 2.0, 72, 7, low, high]
    finally:
        dev.close()


def test_concurrent_uploads_are_all_acknowledged_and_analysed(served, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    serve, _, _ = served
    wavs = [tone(tmp_path / f"c{i}.wav", 1.0, 200.0 + 10 * i) for i in range(30)]
    with ThreadPoolExecutor(30) as pool:
        results = list(pool.map(lambda w: serve.upload(w), wavs))
    assert [code for code, _ in results] == [201] * 30
    ids = [body["id"] for _, body in results]
    assert len(set(ids)) == 30
    recs = [serve.wait_analysed(i, 120) for i in ids]
    assert all(r["status"] == "analysed" and len(r["samples"]) == 1 for r in recs)
