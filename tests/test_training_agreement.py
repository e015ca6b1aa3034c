"""Train → serve agreement: a tiny training run exports a model the serving path loads and runs."""

import json

import numpy as np
import pytest

from exsampling_osc.analysis import Analyzer, ModelInfo
from exsampling_osc.analysis.features import FeatureParams
from tests.conftest import tone

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.train


def test_tiny_training_run_exports_a_model_serving_can_use(tmp_path):
    from exsampling_osc.training.train import TrainSettings, run_training, small_params

    data = tmp_path / "sounds"
    rng = np.random.default_rng(0)
    import soundfile as sf

    for label in ("beep", "hiss"):
        (data / label).mkdir(parents=True)
        for k in range(5):
            noise = rng.uniform(-0.4, 0.4, 33075).astype(np.float32)
            y = tone(300 + 40 * k, 1.5) if label == "beep" else noise
            sf.write(data / label / f"{k}.wav", y, 22050)
    params = small_params(FeatureParams())
    out = tmp_path / "model"
    report = run_training(
        data,
        out,
        val_fold=1,
        final=False,
        settings=TrainSettings(epochs=1, batch_size=4, alpha=0.35),
        params=params,
        log=None,
    )
    assert {"model.tflite", "model.json", "MODEL_CARD.md", "report.json"} <= {p.name for p in out.iterdir()}
    info = ModelInfo.read(out)
    assert info.labels == ["beep", "hiss"]
    assert info.features == params  # the feature parameters travel with the model
    assert json.loads((out / "model.json").read_text())["features"]["n_mels"] == 32
    assert 0.0 <= report["cv"]["accuracy"] <= 1.0
    analyzer = Analyzer(out)
    assert analyzer.params == params
    pieces = analyzer.analyse_signal(tone(440, 3.0))
    assert len(pieces) == 1 and pieces[0].prediction.label in {"beep", "hiss", "unknown"}
    card = (out / "MODEL_CARD.md").read_text()
    assert "Cross-validation" in card and "beep" in card
