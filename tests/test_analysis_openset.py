"""The background head (analysis/openset.py): it fits, saves, and makes the shipped model say ``unknown``
for sounds of no class while its classes keep their labels."""

import shutil

import numpy as np
import pytest

from exsampling_osc.analysis import Analyzer
from exsampling_osc.analysis.classify import UNKNOWN
from exsampling_osc.analysis.fewshot import TaughtClassifier, TaughtLabels
from exsampling_osc.analysis.openset import (
    BACKGROUND_FILE,
    BackgroundHead,
    OpenSetClassifier,
    fit_background,
    head_features,
)
from exsampling_osc.resources import default_model_dir
from tests.conftest import tone


def test_head_separates_and_survives_a_save(tmp_path):
    rng = np.random.default_rng(1)
    known, other = rng.normal(0.5, 1.0, (300, 6)), rng.normal(-0.5, 1.0, (300, 6))
    head = fit_background(known, other, threshold=0.5)
    right = np.mean(head.known_features(known) >= 0.5) + np.mean(head.known_features(other) < 0.5)
    assert right / 2 > 0.8
    head.save(tmp_path / "h.npz")
    again = BackgroundHead.load(tmp_path / "h.npz")
    assert np.allclose(again.known_features(known), head.known_features(known)) and again.threshold == 0.5


def test_head_features_are_embedding_then_log_probabilities():
    x = head_features(np.array([0.5, 0.5, 0.0]), np.array([1.0, 2.0]))
    assert x.shape == (1, 5) and np.allclose(x[0, :2], [1, 2]) and np.isclose(x[0, 2], np.log(0.5))
    assert np.isfinite(x).all()  # a zero probability is floored


@pytest.fixture(scope="module")
def shipped():
    if not (default_model_dir() / BACKGROUND_FILE).is_file():
        pytest.fail("the shipped model has no background head")
    return Analyzer()


def test_shipped_analyzer_rejects_sounds_of_no_class_by_its_head(shipped, tmp_path):
    """A 440 Hz sine and white noise come out unknown; without the head file the same model names a class."""
    assert isinstance(shipped.classifier, OpenSetClassifier)
    sine = tone(440.0, 4.0)
    noise = np.random.default_rng(0).normal(0, 0.2, 4 * 22050).astype(np.float32)
    assert [p.prediction.label for p in shipped.analyse_signal(sine)] == [UNKNOWN]
    bare = tmp_path / "bare"
    shutil.copytree(default_model_dir(), bare)
    (bare / BACKGROUND_FILE).unlink()
    plain = Analyzer(bare)
    assert not isinstance(plain.classifier, OpenSetClassifier)
    assert plain.analyse_signal(sine)[0].prediction.label != UNKNOWN
    labels = [p.prediction.label for p in shipped.analyse_signal(noise)]
    assert labels and all(label == UNKNOWN for label in labels), labels


def test_a_taught_label_is_never_background(shipped):
    """The performer's taught sound wins over the head: a sine taught as 'beep' is 'beep', not unknown."""
    from exsampling_osc.analysis.fewshot import embed_signal

    sine = tone(440.0, 4.0)
    _, emb = embed_signal(shipped, sine)
    taught = TaughtLabels.empty(emb.shape[1]).teach("beep", [emb[0]])
    clf = TaughtClassifier(shipped.classifier, taught)
    worker = Analyzer.__new__(Analyzer)
    worker.__dict__.update(shipped.__dict__, classifier=clf)
    assert [p.prediction.label for p in worker.analyse_signal(sine)] == ["beep"]
    clf.taught = TaughtLabels.empty(emb.shape[1])
    assert [p.prediction.label for p in worker.analyse_signal(sine)] == [UNKNOWN]
