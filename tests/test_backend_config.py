"""Own models serve on the default config (unlisted labels go to the named track, one warning listing them),
`exsampling config init --model DIR` writes a mapping that serve accepts, and `serve`'s own words."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys

import pytest
from serve_support import ROOT

from exsampling_osc.backend.service import Service, Settings
from exsampling_osc.errors import ConfigError
from exsampling_osc.mapping import Mapping, load_config


@pytest.fixture
def own_model(tmp_path):
    """The shipped network under labels of a performer's own (a real model whose labels the default lacks)."""
    model = tmp_path / "mine"
    shutil.copytree(ROOT / "models" / "esc50", model)
    meta = json.loads((model / "model.json").read_text())
    meta["labels"] = [f"mine_{i}" for i in range(len(meta["labels"]) - 2)] + ["dog", "rain"]
    (model / "model.json").write_text(json.dumps(meta))
    return model


def test_own_model_serves_on_the_default_config_with_one_warning(own_model, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        svc = Service(Settings(data_dir=tmp_path / "data", model_dir=own_model, load_plugins=False)).load()
    try:
        warnings = [r.getMessage() for r in caplog.records if "in no track" in r.getMessage()]
        assert len(warnings) == 1
        assert "mine_0" in warnings[0] and "mine_47" in warnings[0] and "dog" not in warnings[0].split(": ")[1]
        assert "exsampling config init --model" in warnings[0]
        mapping = svc.mapping()
        assert mapping["mine_3"] == svc.config.unlisted_track == "textures"
        assert mapping["dog"] == "animals" and mapping["rain"] == "textures"
    finally:
        svc.library.close()


def test_a_performers_config_naming_a_missing_class_is_an_error_with_its_line(own_model, tmp_path):
    cfg = tmp_path / "mine.yaml"
    cfg.write_text("tracks:\n  - name: a\n    mode: melodic\n    classes: [dog, nowhere]\n")
    with pytest.raises(ConfigError, match=r"mine.yaml:4: class 'nowhere'.*config init"):
        load_config(cfg).check_labels(["dog"])


def test_unlisted_names_a_track(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        "tracks:\n  - {name: a, mode: melodic, classes: [dog]}\n  - {name: b, mode: percussive}\n"
        "unknown: a\nunlisted: b\n"
    )
    m = Mapping(load_config(cfg), ["dog", "cat"])
    assert (m.track_of("dog"), m.track_of("cat"), m.track_of("unknown")) == ("a", "b", "a")
    cfg.write_text(cfg.read_text().replace("unlisted: b", "unlisted: zzz"))
    with pytest.raises(ConfigError, match=r"c.yaml:5: `unlisted` must name a track"):
        load_config(cfg)


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "exsampling_osc", *args], capture_output=True, text=True, cwd=cwd or ROOT, timeout=120
    )


def test_config_init_writes_a_mapping_serve_accepts(own_model, tmp_path):
    out = tmp_path / "mine.yaml"
    done = run("config", "init", "--model", str(own_model), "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert f"--config {out}" in done.stderr
    cfg = load_config(out)
    assert cfg.check_labels(json.loads((own_model / "model.json").read_text())["labels"]) == []
    assert {t.name for t in cfg.tracks} == {"animals", "textures", "sounds"}
    assert cfg.track("sounds").classes[0] == "mine_0"
    again = run("config", "init", "--model", str(own_model), "--output", str(out))
    assert again.returncode == 1 and "--force" in again.stderr
    svc = Service(Settings(data_dir=tmp_path / "data", model_dir=own_model, config_path=out, load_plugins=False)).load()
    try:
        assert svc.mapping()["mine_5"] == "sounds"
    finally:
        svc.library.close()


def test_serve_help_is_plain_words():
    done = run("serve", "--help")
    assert done.returncode == 0 and "run the backend" in done.stdout
    assert "``" not in done.stdout and ":class:" not in done.stdout
