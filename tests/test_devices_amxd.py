"""The .amxd container: built files parse back to the patch JSON with the right device type."""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

import pytest

from exsampling_osc.devices import DeviceError, amxd
from exsampling_osc.devices.install import build, install, load_patches, user_library
from exsampling_osc.devices.patches import DEVICES


def test_committed_amxd_round_trip():
    root = load_patches()
    from exsampling_osc.devices.install import patches_dir

    for name, (device_type, _) in DEVICES.items():
        data = (patches_dir().parent / "amxd" / f"{name}.amxd").read_bytes()
        assert [tag for tag, _ in amxd.chunks(data)] == [b"ampf", b"meta", b"ptch"]
        kind, patch = amxd.parse(data)
        assert kind == device_type
        assert patch == root[name], f"amxd/{name}.amxd is stale: exsampling devices build"


def test_build_writes_parseable_devices(tmp_path):
    paths = build(tmp_path)
    assert sorted(p.name for p in paths) == sorted(f"{n}.amxd" for n in DEVICES)
    data = (tmp_path / "exsampling-sampler.amxd").read_bytes()
    assert data[:12] == b"ampf" + struct.pack("<I", 4) + b"iiii"
    assert data.endswith(b"}\x00")


def test_bad_files_are_refused():
    good = amxd.pack({"patcher": {"boxes": []}}, "midi_effect")
    assert amxd.parse(good) == ("midi_effect", {"patcher": {"boxes": []}})
    with pytest.raises(DeviceError, match="claims"):
        amxd.parse(good[:-3])
    with pytest.raises(DeviceError, match="type code"):
        amxd.parse(good.replace(b"mmmm", b"zzzz"))
    with pytest.raises(DeviceError, match="not patcher JSON"):
        amxd.parse(good[: 16 + 8] + b"ptch" + struct.pack("<I", 5) + b"\xff\xfe{\x00\x01")
    with pytest.raises(DeviceError, match="no ptch"):
        amxd.parse(good[:24])
    with pytest.raises(DeviceError, match="unknown device type"):
        amxd.pack({"patcher": {}}, "synth")


def test_install_places_devices_script_and_python(tmp_path):
    built = tmp_path / "amxd"
    build(built)
    written = install(built, tmp_path / "lib")
    hub_dir = tmp_path / "lib" / "Presets" / "Audio Effects" / "Max Audio Effect" / "ExSampling OSC"
    inst_dir = tmp_path / "lib" / "Presets" / "Instruments" / "Max Instrument" / "ExSampling OSC"
    assert (hub_dir / "exsampling-hub.amxd").is_file() and (inst_dir / "exsampling-sampler.amxd").is_file()
    assert (hub_dir / "exsampling-hub.js").is_file()
    config = json.loads((hub_dir / "exsampling-hub.json").read_text())
    assert config["python"] == str(Path(sys.executable).absolute())
    assert len(written) == 5  # two devices, the node script, the Simpler-mode js, the Python record
    with pytest.raises(DeviceError, match="missing"):
        install(tmp_path / "nothing", tmp_path / "lib2")


def test_user_library_locations(tmp_path, monkeypatch):
    assert user_library("darwin", tmp_path) == tmp_path / "Music" / "Ableton" / "User Library"
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "me"))
    assert user_library("win32", tmp_path) == tmp_path / "me" / "Documents" / "Ableton" / "User Library"


def test_cli_install_builds_and_records_this_python(tmp_path):
    from exsampling_osc.cli import main

    assert main(["devices", "install", "--user-library", str(tmp_path), "--python", "/opt/py/bin/python3"]) == 0
    hub = tmp_path / "Presets" / "Audio Effects" / "Max Audio Effect" / "ExSampling OSC"
    assert json.loads((hub / "exsampling-hub.json").read_text())["python"] == "/opt/py/bin/python3"
    kind, patch = amxd.parse((hub / "exsampling-hub.amxd").read_bytes())
    assert kind == "audio_effect" and patch == load_patches()["exsampling-hub"]


def test_install_says_whether_live_was_found_and_where_it_installed(tmp_path, capsys):
    from exsampling_osc.cli import main
    from exsampling_osc.devices.install import find_live

    library = tmp_path / "no-library-yet"
    assert main(["devices", "install", "--user-library", str(library)]) == 0
    out = capsys.readouterr().out
    assert "Ableton Live was not found" in out  # this Linux machine has no Live
    assert f"No User Library at {library} yet" in out and f"Installed into {library}:" in out
    apps = tmp_path / "Applications"
    (apps / "Ableton Live 12 Suite.app").mkdir(parents=True)
    assert find_live("darwin", [apps]) == [apps / "Ableton Live 12 Suite.app"]
    (tmp_path / "Ableton" / "Live 12 Suite").mkdir(parents=True)
    assert find_live("win32", [tmp_path / "Ableton"]) == [tmp_path / "Ableton" / "Live 12 Suite"]
    assert find_live("linux") == []
