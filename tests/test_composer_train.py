"""Training the phrase VAE on the synthetic example set (tiny and quick): the numpy GRU equals Keras', the
exported model equals the Keras one, the latent is used, fine-tuning places the songs on the pad, beats."""

import json

import numpy as np
import pytest

from exsampling_osc.composer.decoder import Decoder, gru_step
from exsampling_osc.composer.examples import write_examples
from exsampling_osc.composer.generate import compose
from exsampling_osc.composer.grid import VOCAB
from exsampling_osc.composer.midi import Note, read_song, write_midi
from exsampling_osc.composer.pad import PadMap

pytest.importorskip("keras")
pytestmark = pytest.mark.train


def small(**kw):
    from exsampling_osc.composer.train import ComposerSettings

    base = dict(bars=1, latent_dim=8, gru=32, epochs=12, finetune_epochs=4, anneal_epochs=4, patience=0, seed=0,
                batch_size=16, learning_rate=5e-3)  # fmt: skip
    return ComposerSettings(**{**base, **kw})


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from exsampling_osc.composer.train import train_composer

    root = tmp_path_factory.mktemp("composer")
    write_examples(root / "corpus")
    songs = root / "songs"
    bars = ((0, 4, 7, 4), (0, 2, 4, 5), (7, 5, 4, 2), (9, 7, 5, 4), (2, 4, 2, 0), (12, 11, 9, 7))
    for i in range(3):  # four different bars each, eighth notes then a half note
        notes = []
        for b in range(4):
            degrees = bars[(i + b) % len(bars)]
            notes += [Note(62 + d, 90, 4 * b + 0.5 * k, 0.5) for k, d in enumerate(degrees)]
            notes.append(Note(62 + degrees[0], 90, 4 * b + 2, 2))
        write_midi(notes, songs / f"song{i}.mid", key="D")
    lines: list[str] = []
    metrics = train_composer(songs, root / "model", small(), corpus_dir=root / "corpus", log=lines.append)
    return root, metrics, lines


def test_numpy_gru_step_equals_keras_gru():
    import keras

    rng = np.random.default_rng(0)
    layer = keras.layers.GRU(5, return_sequences=True)
    x = rng.standard_normal((3, 7, 4)).astype(np.float32)
    h0 = rng.standard_normal((3, 5)).astype(np.float32)
    want = np.asarray(layer(x, initial_state=h0))
    kernel, recurrent, bias = (np.asarray(w) for w in layer.get_weights())
    bias = bias + rng.standard_normal(bias.shape).astype(np.float32)  # non-zero biases on both sides
    layer.set_weights([kernel, recurrent, bias])
    want = np.asarray(layer(x, initial_state=h0))
    h, got = h0, []
    for t in range(7):
        h = gru_step(x[:, t], h, kernel, recurrent, bias)
        got.append(h)
    assert np.abs(np.stack(got, axis=1) - want).max() < 1e-5


def test_exported_model_equals_keras_model(trained):
    from exsampling_osc.composer.train import load_weights
    from exsampling_osc.composer.vae import VaeShape, build_vae, decoder_inputs

    root, _, _ = trained
    dec = Decoder.load(root / "model")
    vae, encoder, _ = build_vae(VaeShape(dec.steps, VOCAB, dec.latent_dim, gru=32))
    load_weights(vae, dec.weights)
    tokens = dec.decode(np.random.default_rng(1).standard_normal((4, dec.latent_dim)))
    assert np.abs(np.asarray(encoder.predict(tokens, verbose=0)) - dec.encode(tokens)).max() < 1e-5
    logits = np.asarray(vae.predict([tokens, *decoder_inputs(tokens, VOCAB)], verbose=0))
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    assert np.abs(p - dec.teacher_forced(dec.encode(tokens), tokens)).max() < 1e-5


def test_training_logs_stages_kl_and_held_out_figures(trained):
    root, m, lines = trained
    assert m["pretrain_epochs"] >= 5 and m["finetune_epochs"] >= 1
    assert any(line.startswith("pretrain epoch 1:") and "KL" in line for line in lines)
    assert any(line.startswith("finetune epoch") for line in lines)
    weights = [float(line.split("weight ")[1].rstrip(")")) for line in lines if line.startswith("pretrain epoch")]
    assert weights[0] == 0.0 and weights[-1] == 1.0  # the KL weight is annealed from 0
    meta = json.loads((root / "model" / "model.json").read_text())
    assert meta["metrics"] == m and set(meta["sources"]) == {"pretrain", "finetune"}
    assert 0 < m["reconstruction_step_accuracy"] <= 1 and m["active_latent_dims"] >= 1
    assert meta["sources"]["finetune"]["train"] and meta["bars"] == 1


def test_songs_are_landmarks_on_the_pad(trained):
    from exsampling_osc.composer.live import song_point

    root, _, _ = trained
    dec = Decoder.load(root / "model")
    assert sorted(dec.meta["landmarks"]) == ["song0.mid", "song1.mid", "song2.mid"]
    pad = PadMap.from_arrays(dec.weights)
    for i, name in enumerate(dec.meta["landmarks"]):
        x, y = song_point(dec, name)
        assert np.array_equal(pad.latent(x, y), dec.weights["pad_landmark_codes"][i])  # exactly the song's code
        assert -1 <= x <= 1 and -1 <= y <= 1
        near = pad.latent(x + 0.01, y)
        assert 0 < np.linalg.norm(near - pad.latent(x, y)) < np.linalg.norm(dec.weights["pad_landmark_codes"][i])


def test_compose_train_command_fine_tunes_a_base_model_and_generates(trained, tmp_path, capsys):
    from exsampling_osc.cli import main

    root, _, _ = trained
    out = tmp_path / "m"
    args = ["compose", "train", str(root / "songs"), "--out", str(out), "--base", str(root / "model")]
    assert main([*args, "--finetune-epochs", "2", "--latent-dim", "20"]) == 0  # the base's shape is kept
    text = capsys.readouterr().out
    assert "finetune epoch 2:" in text and "pretrain epoch" not in text
    tuned = Decoder.load(out)
    assert tuned.latent_dim == 8 and tuned.meta["sources"]["base"] == str((root / "model").resolve())
    assert tuned.meta["sources"]["pretrain"] == Decoder.load(root / "model").meta["sources"]["pretrain"]
    assert main(["compose", "generate", "--model", str(out), "--song", "song1", "--out-dir", str(tmp_path)]) == 0
    assert "midi:" in capsys.readouterr().out
    # a missing folder: the shared wording, exit 2 like every wrong path on the command line
    assert main(["compose", "train", str(tmp_path / "nothing"), "--out", str(tmp_path / "x"), "--corpus", "none"]) == 2
    assert capsys.readouterr().err.strip() == f"exsampling: {tmp_path / 'nothing'}: no such folder"


def test_drum_model_learns_lanes_and_writes_channel_ten(tmp_path):
    from exsampling_osc.composer.train import train_composer

    clips = tmp_path / "clips"
    for i in range(6):
        hits = [Note(36, 100, b, 0.25) for b in (0, 2)] + [Note(38, 100, b, 0.25) for b in (1, 3)]
        hits += [Note(42, 80, k * 0.5, 0.25) for k in range(8) if k % (i % 3 + 1) == 0]
        write_midi(hits * 1, clips / f"beat{i}.mid", channel=9)
    train_composer(clips, tmp_path / "drums", small(kind="drums", epochs=6), log=lambda _: None)
    dec = Decoder.load(tmp_path / "drums")
    assert dec.kind == "drums" and dec.vocab == 8
    phrase = compose(dec, 0.2, -0.3, out_dir=tmp_path)
    assert phrase.midi_path.name.startswith("beat_")
    notes, _, _ = read_song(phrase.midi_path, drums=True)
    assert notes and {n.note for n in notes} <= {36, 38, 42}


def test_compose_evaluate_prints_the_model_beside_markov_and_retrieval(trained, capsys):
    from exsampling_osc.cli import main
    from exsampling_osc.composer.evaluate import evaluate

    root, _, _ = trained
    assert main(["compose", "evaluate", "--model", str(root / "model"), "--samples", "60"]) == 0
    out = capsys.readouterr().out
    for row in ("model (prior, T=1)", "model (pad, T=1)", "markov-1", "retrieval", "held-out itself"):
        assert row in out
    assert "interval_jsd" in out and "pad 21x21" in out and "reconstruction" in out
    r = evaluate(root / "model", root / "songs", samples=40, log=lambda _: None)
    assert r["held_out"].startswith("all 3 songs") and r["retrieval"]["copy_exact"] == 1.0
    assert 0 <= r["markov-1"]["interval_jsd"] <= 1 and r["markov-1"]["closer_than_markov"] == 0
    assert r["pad"]["distinct"] >= 1 and 0 <= r["reconstruction"]["model"] <= 1
