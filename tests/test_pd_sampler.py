"""The Pure Data sampler (patches/pd) under `pd -nogui -noaudio`, driven over real UDP: the test plays the
backend (a UDP socket that receives the patch's hello and sends it /exsampling/* messages), records the
patch's output with writesf~ and measures pitch, length, gain and polyphony with numpy."""

from __future__ import annotations

import time

import numpy as np
import pytest
import soundfile as sf
from pd_support import (
    PD,
    PdSampler,
    active_span,
    band_level,
    dominant_hz,
    tone_wav,
)
from serve_support import HAVE_LIBLO, OscDump, oscsend

pytestmark = pytest.mark.skipif(PD is None, reason="Pure Data (Debian package puredata) is not installed")

RELEASE = 0.05


@pytest.fixture
def backend(pd_backend):
    """The fake backend the ``pd`` fixture (conftest.py) talks to."""
    return pd_backend


def sample_msg(track, sample_id, path, root, mode, state="ready", duration=2.0, lufs=-70.0, peak=-120.0, loop=(-1, -1)):
    """A /exsampling/sample as the backend sends it; loudness unknown and no loop unless given."""
    head = ("/exsampling/sample", track, sample_id, "dog", 0.9, str(path), float(root), mode, 0.0, 0.0, 7)
    return (*head, float(duration), state, float(lufs), float(peak), *loop)


def load(pd, *args, **kw):
    before = pd.count(r"exsampling: loaded")
    pd.osc(*sample_msg(*args, **kw))
    deadline = time.monotonic() + 10
    while pd.count(r"exsampling: loaded") == before:
        assert time.monotonic() < deadline, f"sample never loaded: {pd.lines[-10:]}"
        time.sleep(0.02)


def play(pd, tmp_path, notes, wait, name="out.wav"):
    """Record while sending each (note, velocity, seconds) as /exsampling/note; return audio and rate."""
    with pd.recording(tmp_path / name):
        for note, velocity, seconds in notes:
            pd.osc("/exsampling/note", pd.track, note, velocity, float(seconds))
        time.sleep(wait)
    y, sr = sf.read(tmp_path / name)
    return y, sr


def test_hello_announces_listen_port_and_track_as_int_and_string(pd, backend):
    msg, raw = backend.receive("/exsampling/hello")
    assert b",is\x00" in raw  # reply_port travels as an OSC int, as the protocol declares
    assert msg.params == [pd.port, "keys"]


def test_ready_answer_makes_it_query_its_track(pd, backend):
    backend.receive("/exsampling/hello")
    pd.osc("/exsampling/ready", "0.1", "http://127.0.0.1:1/", "http://x/", "/tmp/qr.png", backend.port, 1)
    msg, raw = backend.receive("/exsampling/query/samples")
    assert msg.params == [pd.port, "keys"] and b",is\x00" in raw
    pd.wait_for(r"exsampling: backend ready")
    # later answers to the periodic hello neither ask again nor print again
    pd.osc("/exsampling/ready", "0.1", "http://127.0.0.1:1/", "http://x/", "/tmp/qr.png", backend.port, 1)
    pd.control("hello")
    backend.receive("/exsampling/hello")
    assert pd.count(r"exsampling: backend ready") == 1


def test_melodic_note_plays_at_the_interval_for_the_note_length(pd, tmp_path):
    load(pd, "keys", 1, tone_wav(tmp_path / "a440.wav"), 69.0, "melodic")
    y, sr = play(pd, tmp_path, [(81, 127, 0.5)], wait=0.9)
    start, end = active_span(y, sr)
    assert end - start == pytest.approx(0.5 + RELEASE, abs=0.01)
    body = y[int(start * sr) : int((start + 0.45) * sr)]
    assert dominant_hz(body, sr) == pytest.approx(880.0, rel=0.01)
    assert np.abs(body).max() == pytest.approx(0.5, abs=0.02)  # velocity 127: the sample's own level


def test_root_is_taken_from_the_message(pd, tmp_path):
    load(pd, "keys", 1, tone_wav(tmp_path / "a440.wav"), 57.0, "melodic")  # 440 Hz declared as A3
    y, sr = play(pd, tmp_path, [(57, 127, 0.3)], wait=0.6)
    start, end = active_span(y, sr)
    assert dominant_hz(y[int(start * sr) : int((end - RELEASE) * sr)], sr) == pytest.approx(440.0, rel=0.01)


def test_percussive_sample_keeps_its_pitch_for_any_note(pd, tmp_path):
    load(pd, "keys", 1, tone_wav(tmp_path / "a440.wav"), 60.0, "percussive")
    y, sr = play(pd, tmp_path, [(84, 127, 0.3)], wait=0.6)
    start, end = active_span(y, sr)
    assert dominant_hz(y[int(start * sr) : int((end - RELEASE) * sr)], sr) == pytest.approx(440.0, rel=0.01)
    assert end - start == pytest.approx(0.3 + RELEASE, abs=0.01)


def test_velocity_sets_linear_gain(pd, tmp_path):
    load(pd, "keys", 1, tone_wav(tmp_path / "a440.wav"), 69.0, "melodic")
    y, sr = play(pd, tmp_path, [(69, 64, 0.3)], wait=0.6)
    assert np.abs(y).max() == pytest.approx(0.5 * 64 / 127, rel=0.03)


def test_short_sample_ends_before_a_long_note(pd, tmp_path):
    load(pd, "keys", 1, tone_wav(tmp_path / "short.wav", seconds=0.4), 69.0, "melodic")
    y, sr = play(pd, tmp_path, [(81, 127, 1.0)], wait=1.2)  # rate 2: 0.4 s of sample lasts 0.2 s
    start, end = active_span(y, sr)
    assert end - start == pytest.approx(0.2, abs=0.01)


def test_several_voices_sound_together(pd, tmp_path):
    load(pd, "keys", 1, tone_wav(tmp_path / "a440.wav"), 69.0, "melodic")
    y, sr = play(pd, tmp_path, [(69, 100, 0.4), (76, 100, 0.4), (81, 100, 0.4)], wait=0.7)
    start, end = active_span(y, sr)
    body = y[int(start * sr) : int((end - RELEASE) * sr)]
    fifth = 440.0 * 2 ** (7 / 12)
    for hz in (440.0, fifth, 880.0):
        assert band_level(body, sr, hz * 0.99, hz * 1.01) > 0.5, hz
    assert end - start == pytest.approx(0.4 + RELEASE, abs=0.01)


def test_other_tracks_and_rejected_samples_are_not_played(pd, tmp_path):
    load(pd, "keys", 1, tone_wav(tmp_path / "a440.wav"), 69.0, "melodic")
    pd.osc(*sample_msg("drums", 2, tone_wav(tmp_path / "b.wav", freq=300.0), 69.0, "melodic"))
    pd.osc("/exsampling/note", "drums", 69, 127, 0.3)  # a note for another track is not ours either
    y, sr = play(pd, tmp_path, [(69, 127, 0.3)], wait=0.6, name="one.wav")
    start, end = active_span(y, sr)
    assert end - start == pytest.approx(0.3 + RELEASE, abs=0.01)
    assert dominant_hz(y[int(start * sr) : int((end - RELEASE) * sr)], sr) == pytest.approx(440.0, rel=0.01)
    # the loaded sample is rejected: silence
    pd.osc(*sample_msg("keys", 1, tmp_path / "a440.wav", 69.0, "melodic", state="rejected"))
    pd.wait_for(r"exsampling: unloaded")
    y, sr = play(pd, tmp_path, [(69, 127, 0.3)], wait=0.5, name="two.wav")
    assert np.abs(y).max() == 0.0


def test_unload_for_its_track_silences_the_sampler_until_the_next_sample(pd, tmp_path):
    load(pd, "keys", 1, tone_wav(tmp_path / "a440.wav"), 69.0, "melodic")
    pd.osc("/exsampling/unload", "drums")  # another track's
    y, sr = play(pd, tmp_path, [(69, 127, 0.3)], wait=0.5, name="one.wav")
    assert np.abs(y).max() > 0.1
    pd.osc("/exsampling/unload", "keys")
    pd.wait_for(r"exsampling: unloaded: its sample was deleted")
    y, sr = play(pd, tmp_path, [(69, 127, 0.3)], wait=0.5, name="two.wav")
    assert np.abs(y).max() == 0.0
    load(pd, "keys", 2, tone_wav(tmp_path / "b.wav", freq=660.0), 69.0, "melodic")
    y, sr = play(pd, tmp_path, [(69, 127, 0.3)], wait=0.5, name="three.wav")
    start, end = active_span(y, sr)
    assert dominant_hz(y[int(start * sr) : int((end - RELEASE) * sr)], sr) == pytest.approx(660.0, rel=0.01)


def test_unreadable_sample_keeps_the_loaded_one(pd, tmp_path):
    load(pd, "keys", 1, tone_wav(tmp_path / "a440.wav"), 69.0, "melodic")
    (tmp_path / "broken.wav").write_bytes(b"RIFF....WAVEfmt nonsense")
    pd.osc(*sample_msg("keys", 2, tmp_path / "broken.wav", 60.0, "percussive"))
    pd.wait_for(r"exsampling: could not load sample 2")
    y, sr = play(pd, tmp_path, [(81, 127, 0.3)], wait=0.6)
    start, end = active_span(y, sr)
    assert dominant_hz(y[int(start * sr) : int((end - RELEASE) * sr)], sr) == pytest.approx(880.0, rel=0.01)


@pytest.mark.parametrize("note, velocity, seconds", [(71, 100, 0.25), (76, 127, 1.0), (52, 90, 0.4)])
def test_output_matches_the_reference_renderer(pd, tmp_path, note, velocity, seconds):
    """Sample by sample against exsampling_osc.sampler.render_note: note-off release, the sample's end
    cutting a long note, a note below the root. Pd reads with 4-point interpolation from the table's
    second frame (tabread4~ keeps one guard point), about 1 source frame ahead (5 output samples at rate
    0.5 from 22.05 to 44.1 kHz), so the comparison takes the best lag up to 8 samples."""
    from exsampling_osc.sampler import render_note

    sr = 22050
    t = np.arange(int(sr * 0.6)) / sr
    sample = (0.4 * np.sin(2 * np.pi * 330 * t) + 0.2 * np.sin(2 * np.pi * 990 * t + 0.3)) * np.exp(-2 * t)
    sf.write(tmp_path / "h.wav", sample, sr, subtype="FLOAT")
    load(pd, "keys", 1, tmp_path / "h.wav", 64.0, "melodic")
    y, out_sr = play(pd, tmp_path, [(note, velocity, seconds)], wait=min(seconds, 0.6) + 0.3)
    ref = render_note(sample, sr, 64.0, note, velocity, seconds, "melodic", out_sr=out_sr)
    onset = int(np.flatnonzero(np.abs(y) > 0)[0])
    played = np.flatnonzero(np.abs(y) > 0)[-1] + 1 - onset
    assert abs(played - ref.size) <= 2
    err = min(np.sqrt(np.mean((y[onset - lag : onset - lag + ref.size] - ref) ** 2)) for lag in range(-8, 9))
    assert err / np.sqrt(np.mean(ref**2)) < 0.1


def test_query_answer_keeps_the_newest_sample(pd, backend, tmp_path):
    backend.receive("/exsampling/hello")
    pd.osc("/exsampling/ready", "0.1", "http://127.0.0.1:1/", "http://x/", "/tmp/qr.png", backend.port, 1)
    backend.receive("/exsampling/query/samples")
    # the answer comes newest first; the older one must not replace it
    load(pd, "keys", 9, tone_wav(tmp_path / "new.wav", freq=440.0), 69.0, "melodic")
    pd.osc(*sample_msg("keys", 4, tone_wav(tmp_path / "old.wav", freq=300.0), 69.0, "melodic"))
    pd.osc("/exsampling/done", 2, "samples")
    y, sr = play(pd, tmp_path, [(69, 127, 0.3)], wait=0.6)
    start, end = active_span(y, sr)
    assert dominant_hz(y[int(start * sr) : int((end - RELEASE) * sr)], sr) == pytest.approx(440.0, rel=0.01)
    assert pd.count(r"exsampling: loaded") == 1
    # outside a query answer the last sample sent wins (a re-map or override re-sends older ones)
    load(pd, "keys", 4, tmp_path / "old.wav", 69.0, "melodic")
    y, sr = play(pd, tmp_path, [(69, 127, 0.3)], wait=0.6, name="after.wav")
    start, end = active_span(y, sr)
    assert dominant_hz(y[int(start * sr) : int((end - RELEASE) * sr)], sr) == pytest.approx(300.0, rel=0.01)


def test_midi_note_on_plays_until_note_off_then_releases(pd, tmp_path):
    """A keyboard note: `midi` injects it where Pd's MIDI input delivers notes ([notein])."""
    load(pd, "keys", 1, tone_wav(tmp_path / "a440.wav"), 69.0, "melodic")
    with pd.recording(tmp_path / "midi.wav"):
        pd.control("midi 81 127 1")
        t0 = time.monotonic()
        time.sleep(0.4)
        pd.control("midi 81 0 1")
        held = time.monotonic() - t0
        time.sleep(0.3)
    y, sr = sf.read(tmp_path / "midi.wav")
    start, end = active_span(y, sr)
    assert end - start == pytest.approx(held + RELEASE, abs=0.04)  # two UDP messages, scheduling jitter
    assert dominant_hz(y[int(start * sr) : int((start + 0.35) * sr)], sr) == pytest.approx(880.0, rel=0.01)
    # the release is a 50 ms linear fade: 26-24 ms before the end the level is about half the peak (0.5)
    mid = np.abs(y[int((end - 0.026) * sr) : int((end - 0.024) * sr)]).max()
    assert mid == pytest.approx(0.26, abs=0.02)


@pytest.mark.skipif(not HAVE_LIBLO, reason="liblo-tools missing")
def test_liblo_peer_hears_hello_and_drives_the_sampler(tmp_path):
    """liblo's oscdump as the backend and oscsend as the sender: another OSC implementation than ours."""
    dump = OscDump()
    pd = None
    try:
        time.sleep(0.1)
        pd = PdSampler("bells", dump.port)
        line = dump.out.wait_for(lambda s: True, 10)  # the first line oscdump prints
        assert line is not None and line.split()[1:] == ["/exsampling/hello", "is", str(pd.port), '"bells"']
        wav = tone_wav(tmp_path / "a 440.wav")  # a path with a space travels as one string
        oscsend(
            pd.port,
            "/exsampling/sample",
            "sisfsfsffifs",
            "bells",
            "3",
            "church_bells",
            "0.8",
            str(wav),
            "69.0",
            "melodic",
            "0",
            "0",
            "2",
            "2.0",
            "ready",
        )
        pd.wait_for(r"exsampling: loaded 3 frames 44100 rate 22050 root 69 melodic 1")
        with pd.recording(tmp_path / "out.wav"):
            oscsend(pd.port, "/exsampling/note", "siif", "bells", "76", "127", "0.4")
            time.sleep(0.7)
        y, sr = sf.read(tmp_path / "out.wav")
        start, end = active_span(y, sr)
        assert end - start == pytest.approx(0.4 + RELEASE, abs=0.01)
        fifth = 440.0 * 2 ** (7 / 12)
        body = y[int(start * sr) : int((end - RELEASE) * sr)]
        assert dominant_hz(body, sr) == pytest.approx(fifth, rel=0.01)
    finally:
        if pd:
            pd.close()
        dump.close()
