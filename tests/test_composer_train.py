"""Training on synthetic MIDI (the example set: scales, arpeggios, chord progressions, little tunes): tiny and
quick, it must beat the baseline on held-out phrases and export a decoder that numpy reproduces exactly."""

import json

import numpy as np
import pytest

from exsampling_osc.composer.decoder import Decoder
from exsampling_osc.composer.examples import MAJOR, MINOR, arpeggio, progression, scale, write_examples
from exsampling_osc.composer.generate import compose
from exsampling_osc.composer.midi import DURATIONS, write_midi
from exsampling_osc.composer.vocab import token_of

pytest.importorskip("keras")
pytestmark = pytest.mark.train


def synthetic_midi(folder):
    """Scales, arpeggios and chord progressions in a few keys and rhythms."""
    pieces = {}
    for tonic, mode in ((60, MAJOR), (57, MINOR), (62, MAJOR)):
        for r, rhythm in enumerate(((0.5,), (0.75, 0.25), (1.0, 0.5, 0.5))):
            pieces[f"scale_{tonic}_{r}"] = scale(tonic, mode, rhythm)
            pieces[f"arp_{tonic}_{r}"] = arpeggio(tonic, mode, (0, 3, 4, 0), rhythm)
        pieces[f"chords_{tonic}"] = progression(tonic, mode, (0, 5, 3, 4), (2.0, 1.0, 1.0))
    for name, notes in pieces.items():
        write_midi(notes, folder / f"{name}.mid")
    return folder


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from exsampling_osc.composer.train import ComposerSettings, train_composer

    root = tmp_path_factory.mktemp("composer")
    midi = root / "midi"
    write_examples(midi)
    s = ComposerSettings(
        phrase_length=8,
        hop=4,
        transpose=2,
        epochs=50,
        patience=50,
        encoder_hidden=(64,),
        decoder_hidden=(32, 128),
        learning_rate=3e-3,
        seed=0,
    )
    lines: list[str] = []
    metrics = train_composer(midi, root / "model", s, log=lines.append)
    return root / "model", metrics, lines, s


def test_training_beats_the_most_frequent_token_baseline(trained):
    _, m, lines, _ = trained
    assert m["phrases"]["test"] > 0 and m["held_out_set"] == "test"
    # a step counts when both its note/chord token and its duration are right
    assert m["held_out"]["event"] > 1.5 * m["baseline"]["event"]
    assert m["held_out"]["duration"] > m["baseline"]["duration"]
    assert m["train"]["event"] > m["held_out"]["event"] > 0
    assert sum(1 for line in lines if line.startswith("epoch ")) == m["epochs_run"]  # progress per epoch
    assert any(line.startswith("held-out reconstruction") for line in lines)


def test_export_is_plain_arrays_and_json(trained):
    model_dir, m, _, s = trained
    meta = json.loads((model_dir / "model.json").read_text())
    assert meta["latent_dim"] == 2 and meta["phrase_length"] == 8 and meta["metrics"] == m
    with np.load(model_dir / "decoder.npz") as npz:
        assert npz["codes"].shape[1] == 2 and "hidden0_w" in npz.files and "hidden1_w" in npz.files


def test_numpy_decoder_matches_keras(trained):
    import keras

    model_dir, _, _, s = trained
    dec = Decoder.load(model_dir)
    from exsampling_osc.composer.train import build_models

    _, _, kdec = build_models(s.phrase_length, dec.vocab.size, len(dec.vocab.durations), s)
    for name in ("hidden0", "hidden1", "token", "duration"):
        kdec.get_layer(name).set_weights([dec.weights[f"{name}_w"], dec.weights[f"{name}_b"]])
    z = np.array([[0.3, -1.2]], dtype=np.float32)
    k_tok, k_dur = (np.asarray(a) for a in kdec(keras.ops.convert_to_tensor(z)))
    n_tok, n_dur = dec.probabilities(z[0])
    assert np.allclose(k_tok[0], n_tok, atol=1e-5) and np.allclose(k_dur[0], n_dur, atol=1e-5)


def test_generated_phrases_use_the_vocabulary_and_valid_durations(trained):
    dec = Decoder.load(trained[0])
    for seed in range(5):
        phrase = compose(dec, seed=seed, temperature=1.0)
        assert all(token_of(e.pitches) in dec.vocab.tokens and e.duration in DURATIONS for e in phrase.events)
        assert compose(dec, seed=seed, temperature=1.0).notes == phrase.notes


def test_compose_train_command(tmp_path, capsys):
    from exsampling_osc.cli import main

    midi = synthetic_midi(tmp_path)
    rc = main(
        [
            "compose",
            "train",
            str(midi),
            "--out",
            str(tmp_path / "m"),
            "--epochs",
            "2",
            "--phrase-length",
            "8",
            "--latent-dim",
            "3",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0 and "epoch 2:" in out and "baseline" in out
    assert Decoder.load(tmp_path / "m").latent_dim == 3
    # a missing folder: the shared wording, exit 2 like every wrong path on the command line
    assert main(["compose", "train", str(tmp_path / "empty-nothing"), "--out", str(tmp_path / "x")]) == 2
    assert capsys.readouterr().err.strip() == f"exsampling: {tmp_path / 'empty-nothing'}: no such folder"


def test_too_little_music_trains_but_says_accuracy_was_not_measured(tmp_path):
    from exsampling_osc.composer.train import ComposerSettings, train_composer

    write_midi(scale(60, MAJOR, (0.5,)), tmp_path / "midi" / "one.mid")
    lines: list[str] = []
    m = train_composer(tmp_path / "midi", tmp_path / "m", ComposerSettings(epochs=2, transpose=1), log=lines.append)
    assert "held_out" not in m and any("not measured" in line for line in lines)
    assert Decoder.load(tmp_path / "m").phrase_length == 16
