"""Few-shot teaching: taught labels on the shipped model's embedding, and ``classify --examples`` on real files."""

import json
import subprocess
import sys

import numpy as np
import pytest

from exsampling_osc.analysis.classify import UNKNOWN, Classifier
from exsampling_osc.analysis.embedding import EmbeddingReader, find_pool_tensor, reader_for
from exsampling_osc.analysis.fewshot import (
    TaughtClassifier,
    TaughtLabels,
    TeachingError,
    combine,
    embed_signal,
    teach_from_folder,
)
from exsampling_osc.analysis.pipeline import Analyzer, prepare_window
from exsampling_osc.resources import default_model_dir
from tests.test_analysis_cli import FIELDS

SR = 22050
BASE = ["train", "rain", "dog"]


def sound(kind: str, seed: int, seconds: float = 3.0) -> np.ndarray:
    """A whistle (1-2 kHz with vibrato), a wooden knock train, or bubbles; ``seed`` varies the details."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    if kind == "whistle":
        f = rng.uniform(1200, 2000) * (1 + 0.02 * np.sin(2 * np.pi * rng.uniform(4, 7) * t))
        y = np.sin(2 * np.pi * np.cumsum(f) / SR)
    elif kind == "knock":
        y = np.zeros_like(t)
        f0 = rng.uniform(150, 300)
        for onset in np.sort(rng.uniform(0, seconds - 0.5, int(rng.integers(3, 6)))):
            tt = t[t >= onset] - onset
            y[t >= onset] += sum(
                np.sin(2 * np.pi * f0 * r * tt) * np.exp(-tt / (0.04 / (1 + i))) for i, r in enumerate([1.0, 1.6, 2.7])
            )
    else:  # bubbles
        y = np.zeros_like(t)
        for onset in rng.uniform(0, seconds - 0.1, int(rng.integers(10, 20))):
            sel = (t >= onset) & (t < onset + 0.08)
            tt = t[sel] - onset
            y[sel] += np.sin(2 * np.pi * np.cumsum(rng.uniform(400, 1200) * (1 + 8 * tt)) / SR) * np.exp(-tt / 0.02)
    y += rng.standard_normal(t.size) * 0.003
    return (0.7 * y / np.abs(y).max()).astype(np.float32)


# ---------------------------------------------------------------- numpy head, no model
def test_combine_taught_base_and_unknown():
    taught = TaughtLabels.empty(3).teach("tram", [np.array([1.0, 0.0, 0.0])]).teach("dog", [np.array([0, 1.0, 0])])
    confident_base = np.array([0.8, 0.1, 0.1])
    assert combine(taught, np.array([0.95, 0.05, 0.1]), confident_base, BASE).label == "tram"
    # far from every prototype: the base classes decide, and unknown stays unknown when they are unsure
    assert combine(taught, np.array([0.0, 0.1, 1.0]), confident_base, BASE).label == "train"
    assert combine(taught, np.array([0.0, 0.1, 1.0]), np.array([0.2, 0.2, 0.2]), BASE).label == UNKNOWN
    # a taught label named like a base class adds to it rather than appearing twice
    pred = combine(taught, np.array([0.05, 1.0, 0.0]), np.array([0.1, 0.1, 0.8]), BASE, top_k=5)
    assert pred.label == "dog" and [name for name, _ in pred.top].count("dog") == 1
    assert pred.top[0][1] > 0.8


def test_a_confidence_slope_lets_a_taught_label_take_what_the_base_is_unsure_of():
    """Similarity 0.78 to the taught prototype is below the 0.85 threshold; with the default slope (0.1) an
    unsure base (top 0.3: threshold 0.78) gives way, a confident one (top 0.95: 0.845) does not, and
    without a slope neither does."""
    taught = TaughtLabels.empty(2).teach("tram", [np.array([1.0, 0.0])])
    piece = np.array([0.79, np.sqrt(1 - 0.79**2)])
    unsure, confident = np.array([0.3, 0.25, 0.25]), np.array([0.95, 0.03, 0.02])
    assert taught.min_similarity == 0.85
    assert combine(taught, piece, unsure, BASE).label == "tram"
    assert combine(taught, piece, confident, BASE).label == "train"
    assert combine(taught, piece, unsure, BASE, slope=0.0).label == "train"


def test_pieces_of_one_recording_are_one_example():
    pieces = np.array([[1.0, 0.0], [0.8, 0.2], [0.9, 0.1]])
    taught = TaughtLabels.fit({"door": [pieces], "tram": [np.array([0.0, 1.0])]})
    assert taught.counts() == {"door": 1, "tram": 1}
    # and the long recording does not outweigh a short one: each example weighs the same in its prototype
    two = TaughtLabels.empty(2).teach("x", [np.tile([1.0, 0.0], (9, 1)), np.array([0.0, 1.0])])
    assert np.allclose(two.prototypes()[0], [np.sqrt(0.5), np.sqrt(0.5)], atol=1e-6)


def test_untaught_save_load_and_damage(tmp_path):
    taught = TaughtLabels.fit({"a": [np.array([1.0, 0, 0])], "b": [np.array([0, 1.0, 0]), np.array([0, 0.9, 0.1])]})
    path = tmp_path / "taught.json"
    taught.save(path)
    back = TaughtLabels.load(path)
    assert back.labels == ["a", "b"] and back.counts() == {"a": 1, "b": 2}
    assert back.model == "" and TaughtLabels.from_dict({**taught.to_dict(), "model": "m1"}).model == "m1"
    assert np.allclose(back.prototypes(), taught.prototypes(), atol=1e-5)
    assert back.untaught("a").labels == ["b"]
    with pytest.raises(TeachingError, match="not a taught label"):
        back.untaught("zzz")
    with pytest.raises(TeachingError, match="different embedding sizes"):
        TaughtLabels.fit({"a": [np.ones(3)], "b": [np.ones(4)]})
    with pytest.raises(TeachingError, match="no examples"):
        taught.teach("c", [])
    data = json.loads(path.read_text())
    data["labels"] = data["labels"][:1]
    path.write_text(json.dumps(data))
    with pytest.raises(TeachingError, match="labels for 3 examples"):
        TaughtLabels.load(path)
    path.write_text("{not json")
    with pytest.raises(TeachingError, match="cannot read"):
        TaughtLabels.load(path)


# ---------------------------------------------------------------- the shipped model's embedding
def test_reader_gives_the_pool_tensor_and_the_classifiers_probabilities():
    classifier = Classifier(default_model_dir())
    reader = reader_for(classifier)
    assert reader.dim not in (0, len(classifier.labels))
    images = prepare_window(sound("knock", 1), classifier.info.features)
    probs, emb = reader.read_mean(images)
    assert np.allclose(probs, classifier.mean_probabilities(images), atol=1e-6)
    assert emb.shape == (reader.dim,) and np.all(emb >= 0) and emb.max() > 0
    other = reader.read_mean(prepare_window(sound("whistle", 1), classifier.info.features))[1]
    assert not np.allclose(emb, other)
    with pytest.raises(Exception, match="no \\(1, D\\) tensor"):
        find_pool_tensor([{"name": "logits", "shape": np.array([1, 50]), "index": 0}], 50)


def test_taught_sounds_come_back_and_base_labels_stay():
    analyzer = Analyzer()
    kinds = ["whistle", "knock", "bubbles"]
    examples = {k: [embed_signal(analyzer, sound(k, seed))[1] for seed in range(3)] for k in kinds}
    taught = TaughtLabels.fit(examples)
    plain = [p.prediction.label for k in kinds for p in analyzer.analyse_signal(sound(k, 50))]
    analyzer.classifier = TaughtClassifier(analyzer.classifier, taught)
    for kind in kinds:
        for seed in (10, 11):
            assert [p.prediction.label for p in analyzer.analyse_signal(sound(kind, seed))] == [kind]
    with pytest.raises(TeachingError, match="another model"):
        analyzer.classifier.taught = TaughtLabels.fit(examples, model="0123456789ab")
    with pytest.raises(TeachingError, match="another model"):
        analyzer.classifier.taught = TaughtLabels.empty(8)
    analyzer.classifier.taught = TaughtLabels.empty(taught.dim)  # applies at once, back to the base classes
    assert [p.prediction.label for k in kinds for p in analyzer.analyse_signal(sound(k, 50))] == plain


# ---------------------------------------------------------------- the command line, real files
def classify(*args):
    return subprocess.run(
        [sys.executable, "-m", "exsampling_osc", "classify", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_classify_with_examples_folder(write_audio, tmp_path):
    for kind in ("whistle", "knock"):
        for seed in range(3):
            (tmp_path / "examples" / kind).mkdir(parents=True, exist_ok=True)
            write_audio(f"examples/{kind}/take{seed}.wav", sound(kind, seed))
    write_audio("examples/whistle/long.flac", np.concatenate([sound("whistle", 9, 6.0)] * 2))  # 3 pieces, 1 example
    whistle = write_audio("whistle.wav", sound("whistle", 20))
    knock = write_audio("knock.ogg", sound("knock", 21))
    result = classify("--json", "--examples", tmp_path / "examples", whistle, knock)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["file"].rsplit("/", 1)[-1], r["label"]) for r in rows] == [
        ("whistle.wav", "whistle"),
        ("knock.ogg", "knock"),
    ]
    assert all(FIELDS <= r.keys() and r["top"][0][0] == r["label"] for r in rows)
    plain = json.loads(classify("--json", whistle).stdout)  # without examples nobody knows "whistle"
    assert plain["label"] != "whistle" and "whistle" not in [name for name, _ in plain["top"]]


def test_classify_with_a_bad_examples_folder(write_audio, tmp_path):
    (tmp_path / "ex" / "empty").mkdir(parents=True)
    clip = write_audio("a.wav", sound("knock", 0))
    result = classify("--examples", tmp_path / "ex", clip)
    assert result.returncode == 2 and "no audio files to learn 'empty'" in result.stderr
    (tmp_path / "ex" / "empty" / "bad.wav").write_text("not audio")
    result = classify("--examples", tmp_path / "ex", clip)
    assert result.returncode == 2 and "example for 'empty'" in result.stderr and "bad.wav" in result.stderr
    assert result.stdout == ""


def test_teach_from_folder_refuses_a_folder_without_labels(tmp_path):
    with pytest.raises(TeachingError, match="no label sub-folders"):
        teach_from_folder(Analyzer(), tmp_path)


def test_a_model_with_an_embedding_output_is_read_through_it(tmp_path):
    """The retrained model will export its embedding as a second output: the reader must take it from there."""
    tf = pytest.importorskip("tensorflow")
    info = json.loads((default_model_dir() / "model.json").read_text())
    features = Classifier(default_model_dir()).info.features
    inp = tf.keras.Input((*features.shape, 1))
    emb = tf.keras.layers.GlobalAveragePooling2D(name="embedding")(tf.keras.layers.Conv2D(8, 3, activation="relu")(inp))
    probs = tf.keras.layers.Dense(len(info["labels"]), activation="softmax")(emb)
    model = tf.keras.Model(inp, [probs, emb])
    (tmp_path / "model.tflite").write_bytes(tf.lite.TFLiteConverter.from_keras_model(model).convert())
    # (the converter may put the embedding first: the reader goes by shape, not position)
    reader = EmbeddingReader(tmp_path / "model.tflite", n_labels=len(info["labels"]))
    assert reader.from_output and reader.dim == 8
    image = prepare_window(sound("knock", 3), features)[0]
    p, e = reader.read(image)
    want_p, want_e = model(image[None, :, :, None])
    assert np.allclose(p, want_p.numpy()[0], atol=1e-5) and np.allclose(e, want_e.numpy()[0], atol=1e-5)
