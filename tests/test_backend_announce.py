"""`serve --announce`: a real zeroconf browser bound to the loopback interface only finds the backend's OSC and
OSCQuery services; the OSCQuery JSON lists every declared address with its types and says where to send."""

from __future__ import annotations

import json
import threading
import time
import urllib.request

from serve_support import Listener, Serve
from zeroconf import IPVersion, ServiceBrowser, Zeroconf

from exsampling_osc.backend.announce import OSC_TYPE, OSCQUERY_TYPE
from exsampling_osc.osc import protocol
from exsampling_osc.osc.oscquery import find, oscquery_document


def test_the_document_covers_every_declared_address():
    doc = oscquery_document()
    for m in protocol.MESSAGES.values():
        node = find(doc, m.address)
        assert node is not None, m.address
        assert node.get("TYPE", "") == m.typetags
        assert node["ACCESS"] == (2 if m.direction == protocol.TO_BACKEND else 1)
    assert find(doc, "/exsampling/nothing") is None


def test_declared_ranges_reach_oscquery_and_the_backends_checks():
    from exsampling_osc.backend.phrases import LIMITS, knobs

    node = find(oscquery_document(), "/exsampling/compose")
    ranges = dict(zip(node["EXTENDED_TYPE"], node["RANGE"], strict=True))
    assert ranges["x"] is None and ranges["density"] == {"MIN": 0.25, "MAX": 4.0}
    assert {k: (v["MIN"], v["MAX"]) for k, v in ranges.items() if v} == LIMITS
    assert set(LIMITS) == {"temperature", "density", "register", "key", "bars"}
    try:
        knobs({"density": 4.5})
    except Exception as exc:  # the backend refuses what the declaration says is out of range
        assert "density must be a number from 0.25 to 4.0" in str(exc)
    else:
        raise AssertionError("density 4.5 was accepted")
    assert "RANGE" not in find(oscquery_document(), "/exsampling/ping")


def _browse(types: list[str], timeout: float = 15.0) -> dict:
    zc = Zeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
    found: dict = {}
    done = threading.Event()

    class Collect:
        def add_service(self, z, type_, name):
            info = z.get_service_info(type_, name, 3000)
            if info and "ExSampling" in name:
                found[type_] = info
                if len(found) == len(types):
                    done.set()

        update_service = add_service

        def remove_service(self, z, type_, name):
            pass

    browsers = [ServiceBrowser(zc, t, Collect()) for t in types]
    done.wait(timeout)
    for b in browsers:
        b.cancel()
    zc.close()
    return found


def test_serve_announce_is_found_by_a_loopback_zeroconf_browser(tmp_path):
    serve = Serve(tmp_path / "data", "--announce")
    dev = Listener()
    try:
        found = _browse([OSC_TYPE, OSCQUERY_TYPE])
        assert set(found) == {OSC_TYPE, OSCQUERY_TYPE}, serve.log[-2000:]
        assert found[OSC_TYPE].port == serve.ready["osc_port"]
        assert found[OSC_TYPE].parsed_addresses() == ["127.0.0.1"]
        base = f"http://127.0.0.1:{found[OSCQUERY_TYPE].port}"
        info = json.loads(urllib.request.urlopen(base + "/?HOST_INFO", timeout=5).read())
        assert info["OSC_PORT"] == serve.ready["osc_port"] and info["OSC_TRANSPORT"] == "UDP"
        tree = json.loads(urllib.request.urlopen(base + "/", timeout=5).read())
        ping = find(tree, "/exsampling/ping")
        assert ping["TYPE"] == "i" and ping["ACCESS"] == 2
        # what a tool learnt from the description works: a ping to the announced port is answered
        dev.send(info["OSC_PORT"], "/exsampling/hello", dev.port, "discovered", types="is")
        dev.send(info["OSC_PORT"], "/exsampling/ping", 3, types="i")
        assert dev.wait_for("/exsampling/pong", timeout=10, where=lambda a: a == [3])
        assert "OSCQuery: http://127.0.0.1:" in serve.log
    finally:
        dev.close()
        assert serve.stop() == 0
    time.sleep(0.5)


def test_declaration_json_for_other_languages():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "exsampling_osc.osc.docs", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    data = json.loads(done.stdout)
    assert data["ports"] == {"http": 8765, "osc": 9000, "device": 9001}
    by_address = {m["address"]: m for m in data["messages"]}
    assert set(by_address) == set(protocol.MESSAGES)
    assert by_address["/exsampling/hello"]["typetags"] == "is"
    assert [a["name"] for a in by_address["/exsampling/hello"]["args"]] == ["reply_port", "name"]
