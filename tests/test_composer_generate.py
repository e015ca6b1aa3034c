"""Generation with the shipped composer model: numpy only, valid tokens and durations, repeatable, .mid out."""

import json
import subprocess
import sys
from pathlib import Path

import mido
import numpy as np
import pytest

from exsampling_osc.composer.decoder import Decoder
from exsampling_osc.composer.generate import compose
from exsampling_osc.composer.live import default_composer_dir, phrase_at
from exsampling_osc.composer.midi import DURATIONS, read_notes
from exsampling_osc.composer.vocab import token_of
from exsampling_osc.errors import ModelError

MODEL = default_composer_dir()


@pytest.fixture(scope="module")
def decoder():
    return Decoder.load(MODEL)


def test_shipped_model_beat_its_baseline_on_held_out_phrases():
    metrics = json.loads((MODEL / "model.json").read_text())["metrics"]
    assert metrics["held_out"]["event"] > metrics["baseline"]["event"]
    assert metrics["held_out"]["token"] > metrics["baseline"]["token"]


@pytest.mark.parametrize("xy", [(0.0, 0.0), (-1.0, 1.0), (0.7, -0.3), (2.5, 2.5)])
def test_phrases_hold_only_vocabulary_tokens_and_valid_durations(tmp_path, decoder, xy):
    phrase = phrase_at(*xy, None, tmp_path)
    vocab = set(decoder.vocab.tokens)
    assert len(phrase.events) == decoder.phrase_length
    assert all(token_of(ev.pitches) in vocab and ev.duration in DURATIONS for ev in phrase.events)
    assert phrase.length_beats == pytest.approx(sum(ev.duration for ev in phrase.events))
    for n in phrase.notes:
        assert 0 <= n.note <= 127 and 1 <= n.velocity <= 127
        assert n.duration_beats in DURATIONS and 0 <= n.start_beats < phrase.length_beats


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


def test_the_latent_space_holds_different_phrases(decoder):
    grid = {tuple(compose(decoder, x, y).notes) for x in np.linspace(-1, 1, 4) for y in np.linspace(-1, 1, 4)}
    assert len(grid) >= 4
    variations = {tuple(compose(decoder, 0.0, 0.0, seed=s, temperature=1.0).notes) for s in range(5)}
    assert len(variations) >= 2


def test_phrase_midi_round_trips_through_mido(tmp_path):
    phrase = phrase_at(-0.5, 0.5, None, tmp_path)
    assert phrase.midi_path.is_absolute() and phrase.midi_path.parent == tmp_path.resolve()
    mid = mido.MidiFile(phrase.midi_path)
    assert sum(1 for m in mid.tracks[0] if m.type == "note_on") == len(phrase.notes)
    back, bpm = read_notes(phrase.midi_path)
    key = lambda n: (n.start_beats, n.note)  # noqa: E731
    assert sorted(back, key=key) == sorted(phrase.notes, key=key)
    assert mid.length == pytest.approx(phrase.length_beats * 60 / bpm)


def test_pad_coordinates_map_back(decoder):
    z = decoder.latent_point(0.25, -0.75)
    assert decoder.pad_coordinates(z) == pytest.approx((0.25, -0.75), abs=1e-5)


def test_broken_model_folder_gets_a_clear_error(tmp_path):
    with pytest.raises(ModelError):
        phrase_at(0, 0, None, tmp_path, model_dir=tmp_path / "nothing")
    bad = tmp_path / "bad"
    bad.mkdir()
    meta = json.loads((MODEL / "model.json").read_text())
    meta["tokens"] = meta["tokens"][:-1]
    (bad / "model.json").write_text(json.dumps(meta))
    (bad / "decoder.npz").write_bytes((MODEL / "decoder.npz").read_bytes())
    with pytest.raises(ModelError, match="token_w"):
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
