"""The shipped model (models/esc50): its files agree, it is small, and it labels a fixed handful of its
training clips correctly. A sanity check, not an accuracy claim: the model card reports accuracy."""

import csv
import json

import pytest

from exsampling_osc.analysis import Analyzer
from exsampling_osc.resources import default_model_dir

#: The first fold-1 clip of eight complete ESC-50 classes, chosen by file name, not by result.
CLIPS = [
    "1-100032-A-0.flac",  # dog
    "1-100038-A-14.flac",  # chirping_birds
    "1-116765-A-41.flac",  # chainsaw
    "1-13571-A-46.flac",  # church_bells
    "1-17124-A-43.flac",  # car_horn
    "1-172649-A-40.flac",  # helicopter
    "1-17367-A-10.flac",  # rain
    "1-21934-A-38.flac",  # clock_tick
]


def test_shipped_model_files_agree_and_fit_the_size_budget():
    model = default_model_dir()
    meta = json.loads((model / "model.json").read_text())
    assert len(meta["labels"]) == 50 and len(set(meta["labels"])) == 50
    assert (model / "model.tflite").stat().st_size <= 1_000_000
    card = (model / "MODEL_CARD.md").read_text()
    assert "CC BY-NC 3.0" in card and "Piczak" in card and "few-shot" in card


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


@pytest.mark.parametrize("name", CLIPS)
def test_shipped_model_labels_known_clips(esc50, analyzer, name):
    with (esc50 / "esc50.csv").open(newline="") as fh:
        truth = {row["filename"]: row["category"] for row in csv.DictReader(fh)}
    pieces = analyzer.analyse_file(esc50 / "audio" / name)
    assert pieces, name
    assert all(p.prediction.label == truth[name] for p in pieces), [p.prediction.top for p in pieces]
