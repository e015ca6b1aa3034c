"""``exsampling kit export``: a library's accepted samples → SFZ per track, rendered back through the sampler."""

import subprocess
import sys

import numpy as np
import pytest

from exsampling_osc.analysis.loudness import PEAK_CEILING_DB, integrated_lufs, peak_db
from exsampling_osc.library import Library
from exsampling_osc.sampler.sfz import Region, format_sfz, parse_sfz, read_instrument, render_instrument
from tests.conftest import tone

SR = 22050


def harmonic(freq, seconds=0.8, amp=0.3):
    y = tone(freq, seconds, amp=amp, harmonics=4)
    return (y * np.minimum(1.0, np.arange(y.size) / (0.02 * SR))).astype(np.float32)


def knock(amp, seconds=0.25):
    t = np.arange(int(seconds * SR)) / SR
    return (amp * np.sin(2 * np.pi * 160 * t) * np.exp(-t / 0.03)).astype(np.float32)


def peak_hz(y):
    n = 1 << (int(np.ceil(np.log2(len(y)))) + 2)
    mag = np.abs(np.fft.rfft(y * np.hanning(len(y)), n))
    k = int(np.argmax(mag[1:-1])) + 1
    a, b, c = np.log(mag[k - 1 : k + 2] + 1e-12)
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * SR / n


@pytest.fixture
def library(tmp_path):
    """Accepted: two bells, two knocks (one only by its override); a rejected and an unreviewed one; siren re-mapped."""
    lib = Library(tmp_path / "lib")
    rid = lib.store.add_recording(
        source="upload", original_name="a.wav", path="a.wav", latitude=48.856613, longitude=2.352222
    )
    rid2 = lib.store.add_recording(source="drop", original_name="b.wav", path="b.wav")
    pieces = [
        ("church_bells", harmonic(220.0), 57.0, "accepted"),
        ("church_bells", harmonic(330.0), 62.3, "accepted"),  # E4 = 64, here a sharp D4
        ("door_wood_knock", knock(0.6), None, "accepted"),
        ("dog", knock(0.05), None, "accepted"),  # overridden to clapping below
        ("siren", harmonic(440.0), 69.0, "rejected"),
        ("car_horn", harmonic(500.0), 71.0, "ready"),
    ]
    rows = []
    for i, (label, audio, root, state) in enumerate(pieces):
        path = lib.write_sample(rid if i < 4 else rid2, i, audio, SR)
        mode = "percussive" if root is None else "melodic"
        rows.append((rid if i < 4 else rid2, i, label, path, root, mode, state))
    for recording in (rid, rid2):
        mine = [r for r in rows if r[0] == recording]
        items = [
            dict(
                piece_index=i,
                start=0.0,
                duration=0.5,
                path=str(p),
                label=lb,
                confidence=0.9,
                top=[[lb, 0.9]],
                root_midi=root,
                pitch_confidence=0.9,
                analysed_mode=mode,
            )
            for _, i, lb, p, root, mode, _ in mine
        ]
        for sid, (*_, state) in zip(lib.store.store_analysis(recording, items), mine, strict=True):
            lib.store.update_sample(sid, state=state)
    dog = next(s for s in lib.store.samples() if s["label"] == "dog")
    lib.store.update_sample(dog["id"], overridden_label="clapping")
    lib.close()
    return tmp_path / "lib"


def kit(*args):
    return subprocess.run(
        [sys.executable, "-m", "exsampling_osc", "kit", "export", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_export_writes_sfz_per_track_that_plays_back_in_pitch_with_loops(library, tmp_path):
    out = tmp_path / "kit"
    result = kit("--data-dir", library, "--out", out)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.glob("*.sfz")) == ["bells.sfz", "drums.sfz"]
    bells = parse_sfz((out / "bells.sfz").read_text())
    assert [(r.lokey, r.hikey, r.pitch_keycenter, r.tune) for r in bells] == [(0, 59, 57, 0), (60, 127, 62, -30)]
    assert all(r.loop_start is not None and r.loop_end > r.loop_start for r in bells)
    inst = read_instrument(out / "bells.sfz")
    # an octave above the root plays at twice the frequency (the sharp D: its key 62 plus 12), below at half
    octave = render_instrument(inst, [(0.0, 74, 127, 0.5)], SR)
    assert peak_hz(octave[int(0.05 * SR) : int(0.5 * SR)]) == pytest.approx(2 * 330.0 * 2**-0.025, rel=0.002)
    below = render_instrument(inst, [(0.0, 45, 127, 0.5)], SR)
    assert peak_hz(below[int(0.05 * SR) : int(0.5 * SR)]) == pytest.approx(110.0, rel=0.002)
    # tune: key 62 on the sharp-D sample (root 62.3) sounds 30 cents lower than recorded
    d4 = render_instrument(inst, [(0.0, 62, 127, 0.5)], SR)
    assert peak_hz(d4[int(0.05 * SR) : int(0.5 * SR)]) == pytest.approx(330.0 * 2 ** (-0.3 / 12), rel=0.002)
    # a note held 3 s on a 0.8 s sample keeps sounding through the loop, at the same level, until released
    held = render_instrument(inst, [(0.0, 57, 127, 3.0)], SR)
    assert held.size == int(3.05 * SR)
    early, late = held[int(0.2 * SR) : int(0.7 * SR)], held[int(2.4 * SR) : int(2.9 * SR)]
    rms = lambda x: float(np.sqrt(np.mean(np.square(x))))  # noqa: E731
    assert rms(late) > 0.9 * rms(early) > 0
    assert peak_hz(late) == pytest.approx(220.0, rel=0.005)


def test_percussive_samples_sit_on_their_own_keys_loudness_matched(library, tmp_path):
    out = tmp_path / "kit"
    assert kit("--data-dir", library, "--out", out).returncode == 0
    drums = parse_sfz((out / "drums.sfz").read_text())
    assert [(r.lokey, r.hikey, r.pitch_keytrack, r.loop_start) for r in drums] == [(36, 36, 0, None), (37, 37, 0, None)]
    inst = read_instrument(out / "drums.sfz")
    levels = []
    for key in (36, 37):
        y = render_instrument(inst, [(0.0, key, 127, 1.0)], SR)
        assert peak_hz(y[:2048]) == pytest.approx(160.0, rel=0.05)  # rate 1 whatever the key
        levels.append((integrated_lufs(y, SR), peak_db(y)))
    (loud_a, peak_a), (loud_b, peak_b) = levels
    assert max(peak_a, peak_b) <= PEAK_CEILING_DB + 0.05  # 0.6 and 0.05 as recorded: 22 dB apart
    assert abs(loud_a - loud_b) < 1.0 and abs(loud_a - (-23.0)) < 1.0


def test_credits_name_recordings_with_blurred_places_and_a_licence_note(library, tmp_path):
    out = tmp_path / "kit"
    assert kit("--data-dir", library, "--out", out).returncode == 0
    credits = (out / "CREDITS.md").read_text()
    rows = [line for line in credits.splitlines() if line.startswith("| bells") or line.startswith("| drums")]
    assert len(rows) == 4 and all("| 1 |" in r for r in rows)  # four accepted samples of recording 1
    assert "48.86, 2.35" in credits and "48.856" not in credits and "2.352" not in credits
    assert "not a licence to publish" in credits
    assert "siren" not in credits and "car_horn" not in credits  # rejected and unreviewed samples stay out
    for r in rows:
        assert (out / r.split("|")[2].strip()).is_file()


def test_no_library_or_nothing_accepted_is_a_clear_error(tmp_path):
    result = kit("--data-dir", tmp_path / "none", "--out", tmp_path / "kit")
    assert result.returncode == 1 and "no library here" in result.stderr and "Traceback" not in result.stderr
    Library(tmp_path / "empty").close()
    result = kit("--data-dir", tmp_path / "empty", "--out", tmp_path / "kit")
    assert result.returncode == 1 and "no accepted samples" in result.stderr


def test_sfz_round_trip_and_unknown_opcodes_refused():
    regions = [Region("a.wav", 0, 127, 60, 100, -12, -3.5, 0.05, 100, 200), Region("b.wav", 36, 36, 36, 0)]
    assert parse_sfz(format_sfz(regions, "t")) == regions
    assert "loop_end=199" in format_sfz(regions)  # SFZ's loop end is inclusive
    with pytest.raises(ValueError, match="opcode 'cutoff'"):
        parse_sfz("<region> sample=a.wav cutoff=500")
