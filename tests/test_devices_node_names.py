"""The Node launcher's OSC names come from the declaration: the generated block is today's, and the script
writes out no address of its own nor uses a name the block lacks."""

from __future__ import annotations

import re

import pytest

from exsampling_osc.devices import DeviceError
from exsampling_osc.devices.install import patches_dir
from exsampling_osc.devices.node import BEGIN, END, constants_block, with_constants, written_addresses
from exsampling_osc.osc import protocol

SCRIPT = patches_dir() / "node" / "exsampling-hub.js"


def used_names(script: str) -> set[str]:
    return set(re.findall(r"\bOSC\.([A-Za-z_]+)", script))


def block_names(script: str) -> dict[str, str]:
    block = script[script.index(BEGIN) : script.index(END)]
    return dict(re.findall(r'^  ([a-z_]+): "([^"]+)",', block, re.M))


def test_the_shipped_script_carries_todays_block_and_uses_only_declared_addresses():
    script = SCRIPT.read_text(encoding="utf-8")
    assert with_constants(script) == script, "run `exsampling devices generate`"
    names = block_names(script)
    assert {"hello", "heartbeat"} <= used_names(script) <= set(names)
    assert all(protocol.get(a).direction == protocol.TO_BACKEND for a in names.values())
    assert written_addresses(script) == []


def test_an_address_the_declaration_lacks_is_caught():
    script = SCRIPT.read_text(encoding="utf-8")
    typed_in = script.replace("this.sendOsc(OSC.heartbeat,", 'this.sendOsc("/exsampling/heartbeats",')
    assert written_addresses(typed_in) == ["/exsampling/heartbeats"]
    assert used_names(script.replace("OSC.heartbeat", "OSC.beat")) - set(block_names(script)) == {"beat"}
    with pytest.raises(DeviceError, match="generated block"):
        with_constants(script.replace(END, ""))
    assert constants_block().count('"/exsampling/') == len([m for m in protocol.to_backend() if m.source == "core"])
