"""The rejection threshold travels with the model (``unknown_threshold`` in model.json); a given one wins."""

import json
import shutil

import numpy as np
import pytest

from exsampling_osc.analysis.classify import DEFAULT_THRESHOLD, Classifier
from exsampling_osc.errors import ConfigError, ModelError
from exsampling_osc.mapping.config import DEFAULT_CONFIG, load_config
from exsampling_osc.resources import default_model_dir


def model_with(tmp_path, value):
    out = tmp_path / "model"
    shutil.copytree(default_model_dir(), out)
    meta = json.loads((out / "model.json").read_text())
    meta.pop("unknown_threshold", None)
    if value is not None:
        meta["unknown_threshold"] = value
    (out / "model.json").write_text(json.dumps(meta))
    return out


def test_the_models_own_threshold_decides_unless_one_is_given(tmp_path):
    own = Classifier(model_with(tmp_path, 0.9))
    assert own.threshold == 0.9
    image = np.zeros(own.info.features.shape, np.float32)
    probs = own.probabilities(image)
    assert probs.max() < 0.9 and own.predict(image).label == "unknown"
    assert Classifier(model_with(tmp_path / "b", 0.9), threshold=0.0).predict(image).label != "unknown"
    assert Classifier(model_with(tmp_path / "c", None)).threshold == DEFAULT_THRESHOLD


@pytest.mark.parametrize("bad", [1.5, -0.1, "high", True])
def test_a_bad_model_threshold_is_a_clear_error(tmp_path, bad):
    with pytest.raises(ModelError, match="unknown_threshold"):
        Classifier(model_with(tmp_path, bad))


def test_config_threshold_defaults_to_the_models_and_accepts_a_number(tmp_path):
    assert load_config().confidence_threshold is None
    cfg = tmp_path / "c.yaml"
    text = DEFAULT_CONFIG.read_text()
    cfg.write_text(text.replace("confidence_threshold: null", "confidence_threshold: 0.4"))
    assert load_config(cfg).confidence_threshold == 0.4
    cfg.write_text(text.replace("confidence_threshold: null", "confidence_threshold: 2"))
    with pytest.raises(ConfigError, match="confidence_threshold must be a number between 0 and 1"):
        load_config(cfg)
