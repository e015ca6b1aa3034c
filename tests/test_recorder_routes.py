"""recorder_routes' pure parts: settings validation (in the one config module), the page's JSON, the status view."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from exsampling_osc.errors import ConfigError
from exsampling_osc.mapping.config import DEFAULT_CONFIG, RecorderSettings, load_config, load_recorder_file
from exsampling_osc.resources import shipped
from exsampling_osc.web.recorder_routes import render_index, status_of


def _config_with(tmp_path: Path, recorder: object) -> Path:
    """The packaged config with a ``recorder`` section (from line 2 of the section on)."""
    path = tmp_path / "show.yaml"
    section = yaml.safe_dump({"recorder": recorder}, default_flow_style=False)
    path.write_text(DEFAULT_CONFIG.read_text() + section)
    return path


def test_defaults_and_values(tmp_path):
    assert load_config().recorder is None  # no section: the data folder's recorder.yaml, else the defaults
    values = {"project_name": "Dock 9", "max_seconds": 12, "sample_rate": 0, "uploads_per_minute": 2}
    s = load_config(_config_with(tmp_path, {**values, "stream_url": "https://x.org/live"})).recorder
    assert (s.project_name, s.max_seconds, s.sample_rate, s.uploads_per_minute) == ("Dock 9", 12.0, 0, 2)
    assert load_config(_config_with(tmp_path, {})).recorder == RecorderSettings()


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"max_seconds": 0}, r"show.yaml:{max_seconds}: recorder.max_seconds: 0 is out of range"),
        ({"max_seconds": "long"}, r"show.yaml:{max_seconds}: recorder.max_seconds: must be a number"),
        ({"sample_rate": 100}, r"show.yaml:{sample_rate}: recorder.sample_rate: 100 is not a sample rate"),
        ({"consent": 3}, r"recorder.consent: must be text"),
        ({"stream_url": "ftp://x"}, r"recorder.stream_url: must start with https:// or http://"),
        ({"colour": "red"}, r"recorder.colour: unknown setting \(known: project_name"),
        (["max_seconds"], r"show.yaml:{recorder}: recorder.: `recorder` must be a mapping"),
        ({"uploads_per_minute": True}, r"must be a number"),
    ],
)
def test_bad_settings_name_the_line(tmp_path, raw, message):
    path = _config_with(tmp_path, raw)
    lines = path.read_text().splitlines()
    line = {k: next(i for i, t in enumerate(lines, 1) if t.strip().startswith(k + ":")) for k in ("recorder",)}
    line.update({k: line["recorder"] + 1 for k in ("max_seconds", "sample_rate")})  # the section's only key
    with pytest.raises(ConfigError, match=message.format(**line)):
        load_config(path)


def test_the_console_section_has_no_settings_yet(tmp_path):
    path = tmp_path / "show.yaml"
    path.write_text(DEFAULT_CONFIG.read_text() + "console: {}\n")
    assert load_config(path).console == {}
    path.write_text(DEFAULT_CONFIG.read_text() + "console:\n  theme: dark\n")
    with pytest.raises(ConfigError, match=r"show.yaml:\d+: console.theme: unknown setting"):
        load_config(path)


def test_index_carries_the_settings_and_text_cannot_escape_the_script():
    template = (shipped("recorder") / "index.html").read_text()
    html = render_index(template, RecorderSettings(consent="a </script><script>alert(1)</script> b"))
    payload = re.search(r'<script id="exsampling-config" type="application/json">(.*?)</script>', html, re.S)
    data = json.loads(payload.group(1))
    assert data["consent"] == "a </script><script>alert(1)</script> b"
    assert "alert(1)</script>" not in html and "uploads_per_minute" not in data
    assert data["max_seconds"] == 30.0 and data["sample_rate"] == 22050


def test_status_view():
    assert status_of(3, None) == {"id": 3, "phase": "missing", "pieces": []}
    assert status_of(4, {"status": "received", "latitude": 48.1})["phase"] == "received"
    refused = status_of(5, {"status": "failed", "error": "the recording is silent"})
    assert refused["phase"] == "refused" and refused["reason"] == "the recording is silent"
    rec = {
        "status": "analysed",
        "latitude": 48.1,
        "longitude": 11.5,
        "samples": [
            {"label": "dog", "overridden_label": None, "confidence": 0.8766, "state": "ready", "path": "/x.wav"},
            {"label": "dog", "overridden_label": "rooster", "confidence": 0.5, "state": "rejected", "track": "birds"},
        ],
    }
    view = status_of(6, rec, track_of={"dog": "animals", "rooster": "melody"}.get)
    assert view == {
        "id": 6,
        "phase": "analysed",
        "pieces": [
            {"label": "dog", "confidence": 0.877, "track": "animals", "state": "ready"},
            {"label": "rooster", "confidence": 0.5, "track": "birds", "state": "rejected"},
        ],
    }
    assert "48.1" not in json.dumps(view) and "/x.wav" not in json.dumps(view)  # no location, no paths


def test_settings_file_in_the_data_folder(tmp_path):
    path = tmp_path / "recorder.yaml"
    path.write_text("project_name: Harbour\nstream_url: https://s.example/live\nmax_seconds: 20\n")
    s = load_recorder_file(path)
    assert (s.project_name, s.stream_url, s.max_seconds) == ("Harbour", "https://s.example/live", 20.0)
    path.write_text("recorder:\n  consent: kept for tonight\n")
    assert load_recorder_file(path).consent == "kept for tonight"
    path.write_text("project_name: Harbour\n\nmax_seconds: 9000\n")
    with pytest.raises(ConfigError, match=r"recorder.yaml:3: recorder.max_seconds: 9000 is out of range"):
        load_recorder_file(path)
    path.write_text("project_name: [unclosed\n")
    with pytest.raises(ConfigError, match=r"recorder.yaml:2: not valid YAML"):
        load_recorder_file(path)
