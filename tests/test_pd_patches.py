"""The Pd patches as Pd itself sees them: they load with Pd's built-in objects alone, the six-track patch
announces every track of the default mapping, and `pd -nogui -noaudio` still runs DSP for writesf~."""

from __future__ import annotations

import importlib.util
import subprocess

import pytest
import soundfile as sf
from pd_support import PD, PD_DIR, FakeBackend, PdSampler, wait_for_file
from serve_support import stop_process

from exsampling_osc.mapping.config import load_config

pytestmark = pytest.mark.skipif(PD is None, reason="Pure Data (Debian package puredata) is not installed")


@pytest.mark.parametrize("patch", ["exsampling.pd", "exsampling-tracks.pd"])
def test_patch_loads_with_vanilla_objects_only(patch):
    # -nostdpath: no "extra" folder, so only objects built into Pd (and our own abstractions) can be created
    cmd = [PD, "-nogui", "-noaudio", "-noprefs", "-nostdpath", "-stderr", "-send", "pd quit", "-open", patch]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=30, cwd=PD_DIR)
    assert out.returncode == 0
    assert out.stderr.strip() == "", out.stderr  # no "couldn't create", no "connection failed", no error


def test_tracks_patch_says_hello_for_every_default_track():
    backend = FakeBackend()
    cmd = [
        PD,
        "-nogui",
        "-noaudio",
        "-stderr",
        "-send",
        f"exsampling backend {backend.port}",
        "-open",
        "exsampling-tracks.pd",
    ]
    proc = subprocess.Popen(cmd, cwd=PD_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        hellos = {}
        for _ in range(6):
            msg, _raw = backend.receive("/exsampling/hello")
            port, name = msg.params
            hellos[name] = port
    finally:
        stop_process(proc)
        backend.close()
    tracks = [t.name for t in load_config().tracks]
    assert sorted(hellos) == sorted(tracks)
    assert sorted(hellos.values()) == list(range(9101, 9101 + len(tracks)))


def test_noaudio_still_runs_dsp_for_a_timed_recording(tmp_path):
    backend = FakeBackend()
    pd = PdSampler("drums", backend.port)
    try:
        pd.control(f"record {tmp_path / 'half.wav'} 0.5")
        pd.wait_for(r"exsampling: recorded", timeout=10)
        wait_for_file(tmp_path / "half.wav")
    finally:
        pd.close()
        backend.close()
    info = sf.info(tmp_path / "half.wav")
    assert info.samplerate == 44100
    assert abs(info.frames - 22050) <= 64  # one DSP block


def test_committed_patches_are_what_generate_py_writes():
    spec = importlib.util.spec_from_file_location("pd_generate", PD_DIR / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, text in module.render_all().items():
        assert (PD_DIR / name).read_text() == text, f"{name} differs: run python patches/pd/generate.py"


def test_generated_messages_follow_the_protocol_declaration(monkeypatch):
    from exsampling_osc.osc import protocol

    spec = importlib.util.spec_from_file_location("pd_generate", PD_DIR / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.HELLO == "oscformat -f is exsampling hello"
    assert module.QUERY_SAMPLES == "oscformat -f is exsampling query samples"
    hello = protocol.get("/exsampling/hello")
    changed = protocol.Message(hello.address, hello.direction, (*hello.args, protocol.Arg("extra", "f")), hello.doc)
    monkeypatch.setitem(protocol.MESSAGES, hello.address, changed)
    assert module.oscformat("/exsampling/hello") == "oscformat -f isf exsampling hello"
