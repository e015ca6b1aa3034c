"""Generation with the shipped composer model: numpy only, valid tokens and durations, repeatable, .mid out."""

import json
import subprocess
import sys
from pathlib import Path

import mido
import numpy as np
import pytest

from exsampling_osc.composer.decoder import Decoder
from exsampling_osc.composer.generate import Controls, compose, parse_key
from exsampling_osc.composer.grid import STEPS_PER_BAR, to_notes
from exsampling_osc.composer.live import default_composer_dir, phrase_at
from exsampling_osc.composer.midi import read_song
from exsampling_osc.composer.pad import PadMap
from exsampling_osc.errors import ExSamplingError, ModelError

MODEL = default_composer_dir()


@pytest.fixture(scope="module")
def decoder():
    return Decoder.load(MODEL)


def test_shipped_model_reconstructs_held_out_phrases():
    meta = json.loads((MODEL / "model.json").read_text())
    m = meta["metrics"]
    assert meta["format"] == "exsampling-composer/2" and m["held_out_phrases"] > 100
    assert m["reconstruction_step_accuracy"] > 0.5 and m["active_latent_dims"] >= 8
    assert (MODEL / "decoder.npz").stat().st_size < 2_000_000


@pytest.mark.parametrize("xy", [(0.0, 0.0), (-1.0, 1.0), (0.7, -0.3), (2.5, 2.5)])
def test_phrases_are_whole_bars_on_the_grid(tmp_path, decoder, xy):
    phrase = phrase_at(*xy, None, tmp_path)
    assert len(phrase.tokens) == decoder.steps and phrase.length_beats == decoder.steps / 4
    assert -1 <= phrase.x <= 1 and -1 <= phrase.y <= 1
    for n in phrase.notes:
        assert 0 <= n.note <= 127 and 1 <= n.velocity <= 127
        assert (n.start_beats * 4) % 1 == 0 and (n.duration_beats * 4) % 1 == 0  # sixteenth grid
        assert 0 <= n.start_beats and n.start_beats + n.duration_beats <= phrase.length_beats  # loops on the bar
    starts = [n.start_beats for n in phrase.notes]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)  # one voice


def test_controls_key_register_density_range_and_bars(decoder):
    plain = compose(decoder, 0.3, 0.2, seed=4, temperature=0.7)
    in_g = compose(decoder, 0.3, 0.2, seed=4, temperature=0.7, controls=Controls(key=7, register=67))
    assert [n.note + 7 for n in plain.notes] == [n.note for n in in_g.notes]  # same melody, a fifth up
    low = compose(decoder, 0.3, 0.2, seed=4, temperature=0.7, controls=Controls(register=48))
    assert [n.note - 12 for n in plain.notes] == [n.note for n in low.notes]
    clamp = Controls(low=60, high=67)
    for s in range(6):
        notes = compose(decoder, 0.1 * s, -0.2, seed=s, temperature=1.0, controls=clamp).notes
        assert notes and all(60 <= n.note <= 67 for n in notes)

    def count(density):
        c = Controls(density=density)
        return np.mean([len(compose(decoder, x, 0.0, seed=1, temperature=0.7, controls=c).notes) for x in xs])

    xs = np.linspace(-1, 1, 9)
    assert count(0.3) < count(1.0) < count(3.0)
    one = compose(decoder, 0.3, 0.2, controls=Controls(bars=1))
    assert one.length_beats == 4 and len(one.tokens) == STEPS_PER_BAR
    with pytest.raises(ExSamplingError):
        compose(decoder, 0, 0, controls=Controls(low=130, high=140))
    assert parse_key("F#") == 6 and parse_key("Bb") == 10 and parse_key("9") == 9


def test_the_pad_holds_different_phrases_and_small_moves_change_little(decoder):
    grid = {tuple(compose(decoder, x, y).notes) for x in np.linspace(-1, 1, 5) for y in np.linspace(-1, 1, 5)}
    assert len(grid) >= 12
    variations = {tuple(compose(decoder, 0.0, 0.0, seed=s, temperature=1.0).notes) for s in range(5)}
    assert len(variations) >= 4
    a, b = compose(decoder, 0.4, 0.4, seed=2, temperature=0.7), compose(decoder, 0.41, 0.4, seed=2, temperature=0.7)
    far = compose(decoder, -0.6, -0.5, seed=2, temperature=0.7)
    same = lambda p, q: len(set(p.notes) & set(q.notes)) / max(len(p.notes), len(q.notes))  # noqa: E731
    assert same(a, b) > same(a, far)


def test_pad_map_fills_the_square_evenly(decoder):
    pad = PadMap.from_arrays(decoder.weights)
    xy = np.array([pad.coordinates(c) for c in decoder.weights["codes"]])
    hist, _, _ = np.histogram2d(xy[:, 0], xy[:, 1], bins=4, range=[[-1, 1], [-1, 1]])
    assert hist.min() > 0  # every quarter-by-quarter cell holds training codes
    # each axis spans the codes' 5th…95th percentile evenly: their 10th percentile sits at 2·5/90 − 1
    edge = 2 * 5 / 90 - 1
    assert np.abs(np.percentile(xy, [10, 50, 90], axis=0) - [[edge], [0.0], [-edge]]).max() < 0.05


def test_encoding_a_song_places_it_on_the_pad(decoder):
    tokens = decoder.decode(decoder.weights["codes"][:3])
    codes = decoder.encode(tokens)
    again = decoder.decode(codes)
    assert (again == tokens).mean() > 0.6  # a phrase the model wrote comes back mostly as it was
    assert all(len(to_notes(t)) > 0 for t in again)


def test_same_point_and_seed_give_the_same_phrase(tmp_path, decoder):
    a = phrase_at(0.3, -0.4, None, tmp_path / "a")
    b = phrase_at(0.3, -0.4, None, tmp_path / "b")
    assert a.notes == b.notes
    assert a.midi_path.read_bytes() == b.midi_path.read_bytes()
    v1, v2 = phrase_at(0.3, -0.4, 7, tmp_path), phrase_at(0.3, -0.4, 7, tmp_path)
    assert v1.notes == v2.notes
    r1, r2 = compose(decoder, seed=11), compose(decoder, seed=11)
    assert (r1.x, r1.y, r1.notes) == (r2.x, r2.y, r2.notes)
    assert compose(decoder, seed=12).x != r1.x


def test_phrase_midi_round_trips_through_mido(tmp_path):
    phrase = phrase_at(-0.5, 0.5, None, tmp_path)
    assert phrase.midi_path.is_absolute() and phrase.midi_path.parent == tmp_path.resolve()
    mid = mido.MidiFile(phrase.midi_path)
    assert sum(1 for m in mid.tracks[0] if m.type == "note_on") == len(phrase.notes)
    back, bpm, key = read_song(phrase.midi_path)
    assert key == 0
    key = lambda n: (n.start_beats, n.note)  # noqa: E731
    assert sorted(back, key=key) == sorted(phrase.notes, key=key)
    assert mid.length == pytest.approx(phrase.length_beats * 60 / bpm)


def test_pad_coordinates_map_back(decoder):
    pad = PadMap.from_arrays(decoder.weights)
    assert pad.coordinates(pad.latent(0.25, -0.75)) == pytest.approx((0.25, -0.75), abs=0.02)


def test_broken_model_folder_gets_a_clear_error(tmp_path):
    with pytest.raises(ModelError):
        phrase_at(0, 0, None, tmp_path, model_dir=tmp_path / "nothing")
    bad = tmp_path / "bad"
    bad.mkdir()
    meta = json.loads((MODEL / "model.json").read_text())
    meta["vocab"] = meta["vocab"] - 1
    (bad / "model.json").write_text(json.dumps(meta))
    (bad / "decoder.npz").write_bytes((MODEL / "decoder.npz").read_bytes())
    with pytest.raises(ModelError, match="enc_emb"):
        Decoder.load(bad)


def test_generate_command_runs_without_tensorflow(tmp_path):
    code = (
        "import sys\nfrom exsampling_osc.cli import main\n"
        f"rc = main(['compose', 'generate', '--seed', '5', '--out-dir', {str(tmp_path)!r}])\n"
        "print('TF_LOADED' if 'tensorflow' in sys.modules or 'keras' in sys.modules else 'NO_TF')\n"
        "sys.exit(rc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("NO_TF")
    mids = list(Path(tmp_path).glob("phrase_*.mid"))
    assert len(mids) == 1 and f"midi: {mids[0].resolve()}" in done.stdout
    assert "beats" in done.stdout


def test_concurrent_requests_for_one_point_all_succeed(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        phrases = list(pool.map(lambda _: phrase_at(0.1, 0.1, None, tmp_path), range(8)))
    assert len({p.midi_path for p in phrases}) == 1 and phrases[0].midi_path.is_file()
    assert [p.name for p in tmp_path.iterdir()] == [phrases[0].midi_path.name]  # no temporaries left
