"""Teaching the running backend over OSC, in process: taught labels apply to new recordings at once, get a track,
survive a restart, grow by re-labelling and go away with untaught."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from osc_client import CapturingSender, OscClient

from exsampling_osc.backend.service import Service, Settings

SR = 22050


@pytest.fixture(scope="module")
def analyzer():
    from exsampling_osc.analysis.pipeline import Analyzer

    return Analyzer()


def chirps(path, seed):
    """A sound of no ESC-50 class: bursts of rising chirps, a little different each take."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(0.25 * SR)) / SR
    y = np.zeros(int(3 * SR))
    for k in range(8):
        f0 = 900 + 60 * rng.standard_normal()
        burst = np.sin(2 * np.pi * (f0 * t + 2400 * t**2)) * np.hanning(t.size)
        start = int((0.3 + 0.33 * k) * SR)
        y[start : start + t.size] += 0.5 * burst
    sf.write(path, y + 0.003 * rng.standard_normal(y.size), SR)
    return path


def service(data, analyzer):
    svc = Service(Settings(data_dir=data, load_plugins=False), analyzer=analyzer, sender=CapturingSender())
    return svc, OscClient(svc)


def add(svc, path):
    rid = svc.ingest_upload(path, path.name)
    svc.ingest.run_job(("recording", rid))
    return [s["sample_id"] for s in svc.list_samples() if s["recording_id"] == rid]


def test_teach_applies_at_once_survives_restart_and_untaught(tmp_path, analyzer):
    base_classifier = analyzer.classifier
    svc, client = service(tmp_path / "data", analyzer)
    try:
        examples = [sid for k in range(2) for sid in add(svc, chirps(tmp_path / f"ex{k}.wav", k))]
        before = svc.get_sample(add(svc, chirps(tmp_path / "before.wav", 10))[0])
        assert before["label"] != "chirps"
        replies = client.send("/exsampling/teach", label="chirps", sample_ids=" ".join(map(str, examples)))
        ((_, address, args),) = [r for r in replies if r[1] == "/exsampling/taught"]
        assert args == {"label": "chirps", "examples": 2, "labels": "chirps"}
        assert "chirps" in svc.classes()
        new = svc.get_sample(add(svc, chirps(tmp_path / "after.wav", 11))[0])
        assert new["label"] == "chirps" and new["track"] == svc.mapping()["chirps"]
        # the performer gives it a track of its own choice
        svc.remap("chirps", "machines")
        assert svc.get_sample(new["sample_id"])["track"] == "machines"
        # a re-label as the taught label is one more example
        svc.override(before["sample_id"], "chirps")
        assert svc.teaching.counts()["chirps"] == 3
    finally:
        client.close()
        svc.osc.answers.shutdown()
        svc.library.close()
    svc, client = service(tmp_path / "data", analyzer)  # a restart: rebuilt from the library, no audio read
    try:
        assert svc.teaching.counts() == {"chirps": 3} and svc.mapping()["chirps"] == "machines"
        again = svc.get_sample(add(svc, chirps(tmp_path / "later.wav", 12))[0])
        assert again["label"] == "chirps"
        ((_, _, args),) = [
            r for r in client.send("/exsampling/untaught", label="chirps") if r[1] == "/exsampling/taught"
        ]
        assert args["examples"] == 0 and args["labels"] == ""
        assert svc.analyzer.classifier is base_classifier  # nothing taught: the plain classifier again
        assert svc.get_sample(add(svc, chirps(tmp_path / "gone.wav", 13))[0])["label"] != "chirps"
        error = client.send("/exsampling/untaught", label="chirps")
        assert error[0][1] == "/exsampling/error" and "not a taught label" in error[0][2]["message"]
        error = client.send("/exsampling/teach", label="x", sample_ids="99999")
        assert error[0][1] == "/exsampling/error" and "no sample 99999" in error[0][2]["message"]
    finally:
        client.close()
        svc.osc.answers.shutdown()
        svc.library.close()
