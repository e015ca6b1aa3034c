"""The BUILT devices played offline through maxsim (Max objects written from Cycling '74's reference pages)
and compared with exsampling_osc.sampler and the Pure Data sampler on the same notes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from pd_support import PD, FakeBackend, PdSampler, active_span, dominant_hz

from exsampling_osc.devices import amxd
from exsampling_osc.devices.maxsim import MaxSim
from exsampling_osc.sampler import RELEASE_S, render_note

AMXD = Path(__file__).resolve().parent.parent / "amxd"
SR = 44100


def built(name: str) -> dict:
    return amxd.parse((AMXD / f"{name}.amxd").read_bytes())[1]


def tone(path: Path, hz: float, seconds: float = 2.0, sr: int = 22050, amp: float = 0.5) -> Path:
    t = np.arange(int(sr * seconds)) / sr
    sf.write(path, amp * np.sin(2 * np.pi * hz * t), sr, subtype="FLOAT")
    return path


def sample_msg(track, sample_id, path, root, mode, state="ready", lufs=-70.0, peak=-120.0, loop=(-1, -1)):
    """A /exsampling/sample as the backend sends it; loudness unknown and no loop unless given."""
    head = ["/exsampling/sample", track, sample_id, "dog", 0.9, str(path), float(root), mode, 0.0, 0.0, 7, 2.0]
    return [*head, state, float(lufs), float(peak), *loop]


def sampler(track="bells", **params) -> MaxSim:
    return MaxSim(built("exsampling-sampler"), sr=SR, params={"Track": track, **params})


def play(sim: MaxSim, notes, seconds: float) -> np.ndarray:
    """notes: (start s, pitch, velocity, length s); returns plugout~ audio."""
    for start, pitch, vel, length in notes:
        sim.at(start, lambda p=pitch, v=vel: sim.note(p, v))
        if length is not None:
            sim.at(start + length, lambda p=pitch: sim.note(p, 0))
    return sim.render(seconds)


def test_melodic_note_matches_the_reference_sampler(tmp_path):
    sim = sampler()
    sim.broadcast("exsampling.fromhub", sample_msg("bells", 1, tone(tmp_path / "a.wav", 440), 69, "melodic"))
    y = play(sim, [(0.1, 81, 100, 0.5)], 1.0)
    start, end = active_span(y, SR)
    assert dominant_hz(y[int((start + 0.05) * SR) : int((start + 0.45) * SR)], SR) == pytest.approx(880, rel=0.01)
    assert end - start == pytest.approx(0.5 + RELEASE_S, abs=0.010)
    data, sr = sf.read(tmp_path / "a.wav")
    ref = render_note(data, sr, 69.0, 81, 100, 0.5, "melodic", out_sr=SR)
    onset = int(np.flatnonzero(np.abs(y) > 0)[0])  # the sine's first sample is 0: allow a lag of a sample
    err = min(np.sqrt(np.mean((y[onset - lag : onset - lag + ref.size] - ref) ** 2)) for lag in range(-2, 3))
    assert err / np.sqrt(np.mean(ref**2)) < 0.02  # note-off lands on a 64-sample vector
    # the release: falls linearly to silence within 50 ms after note-off
    off = onset + int(0.5 * SR)
    assert np.abs(y[off + int(0.025 * SR) : off + int(0.03 * SR)]).max() < 0.6 * np.abs(y[off - 200 : off]).max()


def test_percussive_keeps_its_pitch_and_plays_one_shot_by_default(tmp_path):
    sim = sampler()
    sim.broadcast("exsampling.fromhub", sample_msg("bells", 1, tone(tmp_path / "k.wav", 440, 0.8), 60, "percussive"))
    y = play(sim, [(0.05, 30, 127, 0.1)], 1.2)  # a short note: one-shot plays the whole 0.8 s hit
    start, end = active_span(y, SR)
    assert end - start == pytest.approx(0.8, abs=0.010)
    assert dominant_hz(y[int((start + 0.1) * SR) : int((start + 0.6) * SR)], SR) == pytest.approx(440, rel=0.01)


def test_gate_mode_cuts_a_percussive_sample_at_note_off(tmp_path):
    sim = sampler(Play="gate")
    sim.broadcast("exsampling.fromhub", sample_msg("bells", 1, tone(tmp_path / "k.wav", 440, 0.8), 60, "percussive"))
    y = play(sim, [(0.05, 30, 127, 0.1)], 1.0)
    start, end = active_span(y, SR)
    assert end - start == pytest.approx(0.1 + RELEASE_S, abs=0.010)


def test_eight_voices_sound_together_and_a_ninth_steals(tmp_path):
    sim = sampler()
    sim.broadcast("exsampling.fromhub", sample_msg("bells", 1, tone(tmp_path / "a.wav", 440), 69, "melodic"))
    notes = [(0.05, 57 + 3 * k, 60, 0.6) for k in range(8)]
    y = play(sim, notes, 0.5)
    spec = np.abs(np.fft.rfft(y[int(0.1 * SR) : int(0.45 * SR)]))
    freqs = np.fft.rfftfreq(int(0.35 * SR), 1 / SR)
    for _, pitch, _, _ in notes:
        hz = 440 * 2 ** ((pitch - 69) / 12)
        band = (freqs > hz * 0.99) & (freqs < hz * 1.01)
        assert spec[band].max() > 0.2 * spec.max(), f"voice at {hz:.0f} Hz missing"
    assert np.abs(y).max() == pytest.approx(8 * 0.5 * 60 / 127, rel=0.25)


def test_a_new_sample_does_not_touch_a_playing_voice(tmp_path):
    sim = sampler()
    sim.broadcast("exsampling.fromhub", sample_msg("bells", 1, tone(tmp_path / "a.wav", 440), 69, "melodic"))
    b = tone(tmp_path / "b.wav", 660)
    sim.at(0.3, lambda: sim.broadcast("exsampling.fromhub", sample_msg("bells", 2, b, 69, "melodic")))
    y = play(sim, [(0.1, 69, 127, 0.6), (0.8, 69, 127, 0.3)], 1.2)
    first = y[int(0.12 * SR) : int(0.68 * SR)]
    assert dominant_hz(first, SR) == pytest.approx(440, rel=0.01)
    # no click: the largest step between samples stays that of a 440 Hz sine at this level
    assert np.abs(np.diff(first)).max() < 0.5 * 2 * np.pi * 440 / SR * 1.05 * 127 / 127
    second = y[int(0.82 * SR) : int(1.08 * SR)]
    assert dominant_hz(second, SR) == pytest.approx(660, rel=0.01)


def test_other_tracks_and_rejected_samples_are_not_loaded(tmp_path):
    sim = sampler()
    sim.broadcast("exsampling.fromhub", sample_msg("drums", 1, tone(tmp_path / "a.wav", 440), 69, "melodic"))
    sim.broadcast(
        "exsampling.fromhub", sample_msg("bells", 2, tone(tmp_path / "b.wav", 440), 69, "melodic", state="rejected")
    )
    assert np.abs(play(sim, [(0.05, 69, 127, 0.2)], 0.4)).max() == 0


def test_unload_for_its_track_empties_the_sampler(tmp_path):
    sim = sampler()

    def note_now() -> np.ndarray:  # one 0.3 s note 50 ms from now (at() takes the sim's absolute time)
        return play(sim, [(sim.now / SR + 0.05, 69, 127, 0.3)], 0.5)

    sim.broadcast("exsampling.fromhub", sample_msg("bells", 1, tone(tmp_path / "a.wav", 440), 69, "melodic"))
    sim.broadcast("exsampling.fromhub", ["/exsampling/unload", "drums"])  # another track's: ours plays on
    assert dominant_hz(note_now()[int(0.07 * SR) : int(0.33 * SR)], SR) == pytest.approx(440, rel=0.01)
    sim.broadcast("exsampling.fromhub", ["/exsampling/unload", "bells"])
    assert np.abs(note_now()).max() == 0
    # a new sample loads again after an unload
    sim.broadcast("exsampling.fromhub", sample_msg("bells", 2, tone(tmp_path / "b.wav", 660), 69, "melodic"))
    assert dominant_hz(note_now()[int(0.07 * SR) : int(0.33 * SR)], SR) == pytest.approx(660, rel=0.01)


def test_auto_track_follows_the_live_track_name_and_queries_it(tmp_path):
    sim = MaxSim(built("exsampling-sampler"), sr=SR, live_track="bells", params={"Track": "auto"})
    assert ("exsampling.tohub", ["/exsampling/query/samples", 0, "bells"]) in sim.sent
    sim.broadcast("exsampling.fromhub", sample_msg("bells", 1, tone(tmp_path / "a.wav", 440), 69, "melodic"))
    assert np.abs(play(sim, [(0.05, 69, 127, 0.2)], 0.4)).max() > 0.3


def test_while_a_query_answers_only_the_newest_sample_stays(tmp_path):
    sim = sampler()
    paths = {k: tone(tmp_path / f"{k}.wav", hz) for k, hz in [(5, 660), (4, 440), (3, 330)]}
    for k in (5, 4, 3):  # newest first, as the backend answers a query
        sim.broadcast("exsampling.fromhub", sample_msg("bells", k, paths[k], 69, "melodic"))
    sim.broadcast("exsampling.fromhub", ["/exsampling/done", 3, "samples keys"])
    y = play(sim, [(0.05, 69, 127, 0.3)], 0.4)
    assert dominant_hz(y[int(0.1 * SR) : int(0.3 * SR)], SR) == pytest.approx(660, rel=0.01)


def test_a_second_hub_starts_no_second_backend():
    world: list[MaxSim] = []
    first = MaxSim(built("exsampling-hub"), world=world)
    first.output("node.script", 0, ["ready"])
    first.render(0.6)
    assert ["start"] in first.received["node.script"]
    second = MaxSim(built("exsampling-hub"), world=world)
    second.output("node.script", 0, ["ready"])
    second.render(0.6)
    assert ["start"] not in second.received.get("node.script", [])
    assert any("another" in " ".join(map(str, m)) for m in second.received["comment"])


def test_the_hub_forwards_backend_messages_to_every_sampler(tmp_path):
    world: list[MaxSim] = []
    hub = MaxSim(built("exsampling-hub"), world=world)
    keys = MaxSim(built("exsampling-sampler"), sr=SR, params={"Track": "bells"}, world=world)
    hub.output("udpreceive", 0, sample_msg("bells", 1, tone(tmp_path / "a.wav", 440), 69, "melodic"))
    assert np.abs(play(keys, [(0.05, 69, 127, 0.2)], 0.4)).max() > 0.3
    keys.broadcast("exsampling.tohub", ["/exsampling/ping", 1])
    assert ["/exsampling/ping", 1] in hub.received["udpsend"]


@pytest.mark.skipif(PD is None, reason="Pure Data is not installed")
@pytest.mark.parametrize("mode, note, root, seconds", [("melodic", 76, 64.0, 0.4), ("percussive", 40, 64.0, 0.3)])
def test_max_and_pure_data_play_the_same_note_alike(tmp_path, mode, note, root, seconds):
    import time

    path = tone(tmp_path / "s.wav", 330, 1.0)
    backend = FakeBackend()
    pd = PdSampler("bells", backend.port)
    try:
        pd.osc("/exsampling/sample", "bells", 1, "dog", 0.9, str(path), root, mode, 0.0, 0.0, 7, 1.0, "ready")
        deadline = time.monotonic() + 10
        while pd.count(r"exsampling: loaded") == 0:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        with pd.recording(tmp_path / "pd.wav"):
            pd.osc("/exsampling/note", "bells", note, 100, float(seconds))
            time.sleep(seconds + 0.4)
        y_pd, sr_pd = sf.read(tmp_path / "pd.wav")
    finally:
        pd.close()
        backend.close()
    sim = sampler(Play="gate")  # the Pd sampler always gates by the note length
    sim.broadcast("exsampling.fromhub", sample_msg("bells", 1, path, root, mode))
    y_max = play(sim, [(0.05, note, 100, seconds)], seconds + 0.3)
    a, b = active_span(y_pd, sr_pd), active_span(y_max, SR)
    assert (b[1] - b[0]) == pytest.approx(a[1] - a[0], abs=0.010)
    f_pd = dominant_hz(y_pd[int((a[0] + 0.05) * sr_pd) : int((a[1] - 0.06) * sr_pd)], sr_pd)
    f_max = dominant_hz(y_max[int((b[0] + 0.05) * SR) : int((b[1] - 0.06) * SR)], SR)
    assert f_max == pytest.approx(f_pd, rel=0.01)


def test_the_renderer_hears_a_broken_voice_and_refuses_unknown_objects(tmp_path):
    import copy

    patch = copy.deepcopy(built("exsampling-sampler"))
    boxes = {b["box"]["id"]: b["box"] for b in patch["patcher"]["boxes"]}
    # November's bug: the speed reaches groove~ as a float (position), not as a signal
    for line in patch["patcher"]["lines"]:
        src = boxes[line["patchline"]["source"][0]]
        if src.get("text") == "sig~":
            line["patchline"]["source"] = [
                next(i for i, b in boxes.items() if b.get("text", "").startswith("expr $i3")),
                0,
            ]
    sim = MaxSim(patch, sr=SR, params={"Track": "bells"})
    sim.broadcast("exsampling.fromhub", sample_msg("bells", 1, tone(tmp_path / "a.wav", 440), 69, "melodic"))
    y = play(sim, [(0.05, 69, 127, 0.3)], 0.5)
    held = y[int(0.1 * SR) : int(0.3 * SR)]
    assert np.abs(np.diff(held)).max() < 1e-9  # a stopped groove~ holds one value: no sound, at most DC
    patch["patcher"]["boxes"].append(
        {
            "box": {
                "id": "obj-x",
                "maxclass": "newobj",
                "text": "cycle~ 440",
                "numinlets": 2,
                "numoutlets": 1,
                "outlettype": ["signal"],
            }
        }
    )
    with pytest.raises(ValueError, match="no behaviour for 'cycle~'"):
        MaxSim(patch)
