"""The sound-flow check reads built .amxd files as Max does and refuses silent or port-fighting devices."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from exsampling_osc.devices import DeviceError, amxd
from exsampling_osc.devices.graph import check_sound, flatten
from exsampling_osc.devices.install import build, check_built, load_patches

FIXTURE = Path(__file__).parent / "fixtures" / "sampler-silent-2026-11.amxd"
AMXD = Path(__file__).resolve().parent.parent / "amxd"


def test_the_sampler_shipped_in_november_is_found_silent():
    problems = check_built("exsampling-sampler", FIXTURE.read_bytes())
    speed = [p for p in problems if "speed inlet" in p]
    silent = [p for p in problems if "reaches no plugout~" in p]
    assert len(speed) == 8 and len(silent) == 8, problems  # all 8 voices
    assert any("binds UDP" in p for p in problems)


@pytest.mark.parametrize("name", ["exsampling-hub", "exsampling-sampler"])
def test_the_built_devices_play_and_only_the_hub_binds_a_port(name):
    data = (AMXD / f"{name}.amxd").read_bytes()
    assert check_built(name, data) == []
    _, patch = amxd.parse(data)
    g = flatten(patch["patcher"])
    assert len(g.by_name("udpreceive")) == (1 if name == "exsampling-hub" else 0)


def _broken(patch: dict, cut) -> dict:
    patch = copy.deepcopy(patch)
    boxes = {b["box"]["id"]: b["box"] for b in patch["patcher"]["boxes"]}
    patch["patcher"]["lines"] = [ln for ln in patch["patcher"]["lines"] if not cut(ln["patchline"], boxes)]
    return patch


def _name(boxes: dict, end: list) -> str:
    return boxes[end[0]].get("text", boxes[end[0]]["maxclass"]).split()[0]


def test_cutting_one_voice_link_is_caught():
    sampler = load_patches()["exsampling-sampler"]
    first_sig = [True]

    def cut_speed(line, boxes):  # the first sig~ → groove~ line
        if _name(boxes, line["source"]) == "sig~" and first_sig[0]:
            first_sig[0] = False
            return True
        return False

    assert [p for p in check_sound(_broken(sampler, cut_speed), "sampler") if "speed inlet" in p]

    def cut_mix(line, boxes):  # the volume stage → plugout~: every voice goes silent
        return _name(boxes, line["destination"]) == "plugout~"

    problems = check_sound(_broken(sampler, cut_mix), "sampler")
    assert len([p for p in problems if "reaches no plugout~" in p]) == 8


def test_build_refuses_a_silent_patch(tmp_path):
    patches = load_patches()
    folder = tmp_path / "patches"
    folder.mkdir()
    sampler = _broken(patches["exsampling-sampler"], lambda ln, b: _name(b, ln["destination"]) == "plugout~")
    import json

    (folder / "exsampling-sampler.maxpat").write_text(json.dumps(sampler))
    (folder / "exsampling-hub.maxpat").write_text(json.dumps(patches["exsampling-hub"]))
    with pytest.raises(DeviceError, match="would not play"):
        build(tmp_path / "out", folder)


def test_a_control_outside_the_device_view_is_refused():
    from exsampling_osc.devices.validate import check_structure

    sampler = copy.deepcopy(load_patches()["exsampling-sampler"])
    assert check_structure(sampler, "instrument") == []
    dial = next(b["box"] for b in sampler["patcher"]["boxes"] if b["box"].get("varname") == "Volume")
    dial["presentation_rect"][0] = sampler["patcher"]["devicewidth"] - 10
    assert any("leaves the" in p for p in check_structure(sampler, "instrument"))
