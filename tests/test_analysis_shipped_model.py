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
    assert "CC BY-NC 3.0" in card and "Piczak" in card
    # the card carries the benches' figures and the threshold the model serves with
    assert 0.0 <= meta["unknown_threshold"] <= 1.0
    assert f"Below a top probability of {meta['unknown_threshold']:g} (this model's own" in card
    for section in ("## Cross-validation: fold 4 held out", "## Phones in rooms (simulated), fold 4", "## Open set"):
        assert section in card, section


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


def test_shipped_model_labels_most_known_clips(esc50, analyzer):
    """At least 6 of the 8 (the model fits 71 % of its own training clips; mismatched features give ~2 %)."""
    with (esc50 / "esc50.csv").open(newline="") as fh:
        truth = {row["filename"]: row["category"] for row in csv.DictReader(fh)}
    right, seen = 0, []
    for name in CLIPS:
        pieces = analyzer.analyse_file(esc50 / "audio" / name)
        assert pieces, name
        right += all(p.prediction.label == truth[name] for p in pieces)
        seen.append((truth[name], [p.prediction.label for p in pieces]))
    assert right >= 6, seen
