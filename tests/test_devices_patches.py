"""Patch validation: the committed patches are the generated ones, and pass the structural and OSC checks."""

from __future__ import annotations

import copy
import json
import math
import re

import pytest

from exsampling_osc.devices import patches as gen
from exsampling_osc.devices.install import load_patches, patches_dir
from exsampling_osc.devices.validate import check_osc, check_structure, osc_usage
from exsampling_osc.osc import protocol


@pytest.fixture(scope="module")
def saved() -> dict[str, dict]:
    return load_patches()


def boxes(patch: dict) -> list[dict]:
    return [b["box"] for b in patch["patcher"]["boxes"]]


def texts(patch: dict) -> list[str]:
    return [b.get("text", "") for b in boxes(patch)]


def test_committed_patches_are_the_generated_ones(saved):
    for name, (_, build) in gen.DEVICES.items():
        fresh = json.loads(json.dumps(build()))
        assert saved[name] == fresh, f"{name}.maxpat is stale: run exsampling devices generate"


def test_patches_pass_structure_and_osc_checks(saved):
    for name, patch in saved.items():
        assert check_structure(patch, gen.DEVICES[name][0]) == [], name
    assert check_osc(saved) == []


def test_structure_check_catches_bad_ports_ids_and_objects(saved):
    patch = copy.deepcopy(saved["exsampling-sampler"])
    pat = patch["patcher"]
    buffer = next(b for b in boxes(patch) if b.get("text", "").startswith("buffer~"))
    pat["lines"].append({"patchline": {"source": [buffer["id"], 2], "destination": [buffer["id"], 0]}})
    pat["lines"].append({"patchline": {"source": [buffer["id"], 0], "destination": [buffer["id"], 1]}})
    pat["boxes"].append({"box": dict(buffer)})
    pat["boxes"].append(
        {"box": {"id": "obj-x", "maxclass": "newobj", "text": "notanobject~", "numinlets": 1, "numoutlets": 0}}
    )
    groove = next(b for b in boxes(patch) if b.get("text", "").startswith("groove~"))
    groove["numoutlets"] = 3
    problems = "\n".join(check_structure(patch, "instrument"))
    assert "outlet 2: it has 2" in problems
    assert "inlet 1: it has 1" in problems
    assert f"duplicate box id {buffer['id']}" in problems
    assert "notanobject~" in problems
    assert "saved 3 in/3 out, Max has 3/2" in problems
    assert check_structure(saved["exsampling-hub"], "instrument")  # wrong device type in the project block
    del patch["patcher"]["project"]
    assert any("project" in p for p in check_structure(patch))


def test_osc_check_catches_undeclared_wrong_count_and_unhandled(saved):
    broken = copy.deepcopy(saved)
    hub = broken["exsampling-hub"]
    hello = next(b for b in boxes(hub) if b.get("text", "").startswith("/exsampling/hello"))
    hello["text"] = "/exsampling/hello $1"
    router = next(b for b in boxes(hub) if b.get("text", "").startswith("route /exsampling/ready"))
    router["text"] = router["text"].replace(" /exsampling/pong", " /exsampling/pongg")
    sampler = broken["exsampling-sampler"]
    unpack = next(b for b in boxes(sampler) if b.get("text", "").startswith("unpack 0 s 0. s"))
    unpack["text"] += " 0"
    problems = "\n".join(check_osc(broken))
    assert "sends /exsampling/hello with 1 arguments, declared 2" in problems
    assert "routes undeclared address /exsampling/pongg" in problems
    assert "unpacks /exsampling/sample into 17 values, declared 16" in problems
    assert "no patch handles to-device address /exsampling/pong" in problems


def test_every_to_device_address_is_routed_with_its_declared_arity(saved):
    routed: dict[str, list[int]] = {}
    for patch in saved.values():
        for address, counts in osc_usage(patch)[1].items():
            routed.setdefault(address, []).extend(counts)
    assert set(routed) == {m.address for m in protocol.to_device()}
    assert routed["/exsampling/sample"] == [len(protocol.get("/exsampling/sample").args)]


def _expr(expr_text: str, **values) -> float:
    """Evaluate a Max expr box (arithmetic, comparisons, exp and min only) with $i1/$f2... replaced."""
    body = expr_text.removeprefix("expr ")
    for name, value in values.items():
        body = body.replace("$" + name, str(value))
    assert re.fullmatch(r"[0-9.,()+\-*/=<> expmin]+", body), body
    return eval(body, {"exp": math.exp, "min": min})  # noqa: S307 - digits, operators, exp, min, checked above


def _rate(expr_text: str, note: int, root: float, melodic: int) -> float:
    return _expr(expr_text, i3=melodic, f1=note, f2=root)


def test_sampler_playback_semantics(saved):
    sampler = saved["exsampling-sampler"]
    t = texts(sampler)
    rates = [x for x in t if x.startswith("expr $i3")]
    assert len(rates) == gen.VOICES == len([x for x in t if x.startswith("groove~ ---smp")])
    assert f"poly {gen.VOICES} 1" in t and "prepend replace" in t
    assert "buffer~ ---smpA" in t and "buffer~ ---smpB" in t  # double buffering
    assert t.count("sig~") == gen.VOICES  # speed as a signal
    for note, root in [(81, 69.0), (60, 60.0), (48, 62.5)]:
        assert _rate(rates[0], note, root, 1) == pytest.approx(2 ** ((note - root) / 12), rel=1e-6)
        assert _rate(rates[0], note, root, 0) == 1.0
    from exsampling_osc.sampler import RELEASE_S

    assert gen.RELEASE_MS == RELEASE_S * 1000  # the reference renderer's release
    assert t.count(f"0 {gen.RELEASE_MS}") == gen.VOICES and t.count("expr $f1 / 127. * $f2") == gen.VOICES
    gated = next(x for x in t if x.startswith("expr ($i1 == 1)"))
    assert _expr(gated, i1=0, i2=1) == 1 and _expr(gated, i1=0, i2=0) == 0  # auto: percussive plays one-shot
    assert _expr(gated, i1=1, i2=0) == 1 and _expr(gated, i1=2, i2=1) == 0  # gate / one-shot by hand
    # loudness: to the target, the peak at most at the ceiling; unknown loudness (-70) plays at 0 dB
    level = next(x for x in t if x.startswith("expr exp(($f2 >"))
    assert 20 * math.log10(_expr(level, f2=-30.0, f3=-20.0)) == pytest.approx(7.0)
    assert 20 * math.log10(_expr(level, f2=-40.0, f3=-6.0)) == pytest.approx(5.0)
    assert _expr(level, f2=-70.0, f3=-120.0) == pytest.approx(1.0)
    # loop points in samples of the file become ms at the buffer's rate; -1: none
    to_ms = next(x for x in t if x.startswith("expr ($f2 >= 0) * $f2 * 1000."))
    assert _expr(to_ms, f1=22050.0, f2=11025) == pytest.approx(500.0) and _expr(to_ms, f1=44100.0, f2=-1) == 0
    assert t.count("prepend setloop") == 1 and t.count("setloop 0 0") == t.count("loop 0") == gen.VOICES
    params = {b["varname"]: b for b in boxes(sampler) if b.get("parameter_enable")}
    assert set(params) == {"Track", "Play", "Volume", "Player"}
    player = params["Player"]["saved_attribute_attributes"]["valueof"]  # the phrase player: off by default
    assert player["parameter_enum"][0] == "off" and player["parameter_initial"] == [0]
    assert params["Player"]["maxclass"] == "live.text" and params["Player"]["mode"] == 1
    assert params["Track"]["maxclass"] == "live.menu"  # saved with the Live set
    enum = params["Track"]["saved_attribute_attributes"]["valueof"]["parameter_enum"]
    assert enum[0] == gen.AUTO_TRACK and set(gen.default_tracks()) <= set(enum)
    assert params["Volume"]["maxclass"] == "live.dial"
    assert not [x for x in t if x.split()[:1] in (["udpreceive"], ["udpsend"])]  # samplers bind nothing


def test_hub_launches_the_node_script(saved):
    hub = saved["exsampling-hub"]
    node = next(b for b in boxes(hub) if b.get("text", "").startswith("node.script"))
    script = node["text"].split()[1]
    assert "@autostart 1" in node["text"] and (patches_dir() / "node" / script).is_file()
    classes = {b["maxclass"] for b in boxes(hub)}
    assert {"jweb", "fpic"} <= classes


def test_settings_nobody_automates_are_stored_only(saved):
    from exsampling_osc.devices.maxpat import STORED_ONLY

    for name in ("exsampling-hub", "exsampling-sampler"):
        for b in boxes(saved[name]):
            valueof = b.get("saved_attribute_attributes", {}).get("valueof", {})
            if b.get("varname") in ("Track", "Play", "Player", "Restart backend", "Reload console", "Simpler mode"):
                assert valueof["parameter_invisible"] == STORED_ONLY, b["varname"]
            if b.get("varname") == "Volume":
                assert "parameter_invisible" not in valueof  # volume stays automatable
