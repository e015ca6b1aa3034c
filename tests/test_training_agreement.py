"""Train → serve agreement: a tiny ``exsampling train`` run, as a person runs it, exports a model the serving
path loads and runs, prints lines a person reads and writes a card that fits its data."""

import json
import re
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from exsampling_osc.analysis import Analyzer, ModelInfo
from exsampling_osc.analysis.features import FeatureParams
from tests.conftest import tone

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.train
EPOCHS = 2


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """3 classes × 4 short clips, held-out fold 1 then the final all-data model (``--final``)."""
    root = tmp_path_factory.mktemp("train")
    data = root / "my-sounds"
    rng = np.random.default_rng(0)
    for label in ("beep", "hiss", "knock"):
        (data / label).mkdir(parents=True)
        for k in range(4):
            if label == "beep":
                y = tone(300 + 40 * k, 1.5)
            elif label == "hiss":
                y = rng.uniform(-0.4, 0.4, 33075).astype(np.float32)
            else:
                y = np.zeros(33075, np.float32)
                y[:: 5000 + 300 * k] = 0.9
                y = np.convolve(y, np.exp(-np.arange(400) / 40), mode="same").astype(np.float32)
            sf.write(data / label / f"{k}.wav", y, 22050)
    out = root / "mine"
    args = ["train", data, "--out", out, "--val-fold", 1, "--final", "--epochs", EPOCHS, "--small"]
    args += ["--batch-size", 4, "--alpha", 0.35]
    result = subprocess.run(
        [sys.executable, "-m", "exsampling_osc", *map(str, args)], capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out, result


def test_the_exported_model_is_one_serving_can_use(trained):
    out, _ = trained
    assert {"model.tflite", "model.json", "MODEL_CARD.md", "report.json"} <= {p.name for p in out.iterdir()}
    assert (out / "cv" / "model.tflite").is_file()  # the held-out check's model, kept apart
    info = ModelInfo.read(out)
    params = info.features
    assert info.labels == ["beep", "hiss", "knock"]
    assert params.n_mels == 32 and params.seconds == 1.0  # --small's feature parameters travel with the model
    assert json.loads((out / "model.json").read_text())["features"] == params.to_dict()
    assert params != FeatureParams()
    analyzer = Analyzer(out)
    assert analyzer.params == params
    pieces = analyzer.analyse_signal(tone(440, 3.0))
    assert len(pieces) == 1 and pieces[0].prediction.label in {"beep", "hiss", "knock", "unknown"}


def test_the_output_is_a_few_lines_each_naming_its_model(trained):
    out, result = trained
    text = result.stdout + result.stderr
    lines = text.strip().splitlines()
    assert len(lines) <= 15, text  # was 582 lines, 528 of them TensorSpec export noise
    for noise in ("TensorSpec", "Saved artifact", "absl", "I0000", "W0000", "XNNPACK", "oneDNN", "warnings.warn"):
        assert noise not in text, noise
    assert result.stderr == ""
    epochs = [line for line in lines if re.match(r"\s+epoch \d+/\d+:", line)]
    assert len(epochs) == 2 * EPOCHS  # one line per epoch, for each of the two models
    report = json.loads((out / "report.json").read_text())
    acc = report["cv"]["accuracy"]
    assert f"held-out fold 1 accuracy: {acc:.2f} (3 clips; int8 model trained on 9 clips, folds 2-4)" in lines
    assert "model 2 of 2, final model: trains on all 12 clips" in lines
    assert lines[-3:] == [
        f"model: {out / 'model.tflite'} ({report['size_bytes'] / 1024:.0f} KiB), trained on all 12 clips",
        f"held-out estimate: fold 1 accuracy {acc:.2f}, measured on {out / 'cv'} (trained on 9 clips, folds 2-4), "
        "not on the final model",
        f"card: {out / 'MODEL_CARD.md'}",
    ]


def test_the_card_of_an_own_model_fits_its_data(trained):
    out, _ = trained
    card = (out / "MODEL_CARD.md").read_text()
    assert "12 clips of 3 classes (beep 4, hiss 4, knock 4)" in card
    assert "Held-out accuracy" in card and "fold 1" in card
    for foreign in ("ESC-50", "human", "Human", "few-shot", "50 classes", "these 50", "Shipped model"):
        assert foreign not in card, foreign
    assert "## Exported model" in card and "Sounds unlike these 3 classes" in card


def test_help_explains_val_fold_for_class_sub_folders():
    result = subprocess.run(
        [sys.executable, "-m", "exsampling_osc", "train", "--help"], capture_output=True, text=True, timeout=120
    )
    help_text = " ".join(result.stdout.split())
    assert "each class's clips are dealt at random" in help_text and "ESC-50 brings its own folds" in help_text
    assert "fifth of every class" in help_text


def test_bench_figures_and_the_models_threshold_land_in_its_card(trained, tmp_path):
    import shutil

    from exsampling_osc.training.card import add_measured

    out = tmp_path / "mine"
    shutil.copytree(trained[0], out)
    assert "Below a top probability of 0.25 (the default" in (out / "MODEL_CARD.md").read_text()
    add_measured(out, "Open set: sounds of no class", ["| threshold |", "| 0.40 (picked) |"], unknown_threshold=0.4)
    add_measured(out, "Phones in rooms (simulated)", ["rooms A-D"])
    add_measured(out, "Open set: sounds of no class", ["| 0.35 (picked) |"], unknown_threshold=0.35)
    card = (out / "MODEL_CARD.md").read_text()
    assert card.count("## Open set: sounds of no class") == 1 and "0.35 (picked)" in card and "0.40" not in card
    assert "## Phones in rooms (simulated)\nrooms A-D" in card
    assert "Below a top probability of 0.35 (this model's own" in card
    assert "Held-out accuracy" in card  # the rest of the card is kept
