"""The OSC door in process, through the in-process client: handlers run on real encoded datagrams and their
replies are checked by argument name, without starting `exsampling serve`."""

from __future__ import annotations

import pytest
from osc_client import service_client
from serve_support import labels, tone

from exsampling_osc.backend.service import Service, Settings


@pytest.fixture
def client(tmp_path, analyzer):
    with service_client(tmp_path / "data", analyzer) as c:
        yield c


def test_the_constructor_is_cheap_the_analyzer_injected_and_nothing_bound(tmp_path, analyzer):
    svc = Service(Settings(data_dir=tmp_path / "data", load_plugins=False), analyzer=analyzer)
    try:
        assert svc.analyzer is analyzer and svc.osc.server is None and svc.http.web is None
    finally:
        svc.library.close()


def test_ping_hello_and_queries(client):
    assert client.send("/exsampling/ping", seq=7) == [(9001, "/exsampling/pong", {"seq": 7})]
    replies = client.send("/exsampling/hello", reply_port=47000, name="sampler drums")
    assert [(p, a) for p, a, _ in replies] == [(47000, "/exsampling/ready")]
    assert client.send("/exsampling/ping", seq=8)[0][0] == 47000  # the asker's announced port
    ((port, address, args),) = client.send("/exsampling/query/classes", reply_port=0)
    assert address == "/exsampling/classes" and args["count"] == 50 and args["labels"].split() == labels()
    mapping = client.send("/exsampling/query/mapping", reply_port=47000)
    assert len(mapping) == 52 and mapping[-1][1:] == ("/exsampling/done", {"count": 51, "query": "mapping"})


def test_wrong_calls_are_answered_with_an_error_and_unknown_addresses_are_dropped(client):
    bad = client.send_raw(b"/exsampling/ping\0\0\0\0,s\0\0no\0\0")
    assert bad[0][1] == "/exsampling/error" and "must be a number" in bad[0][2]["message"]
    assert client.send_raw(b"/exsampling/nothing\0,\0\0\0") == []
    refused = client.send("/exsampling/query/tracks", reply_port=12345)
    assert refused[0][1] == "/exsampling/error" and "not announced" in refused[0][2]["message"]
    assert client.server.rejected == 3


def test_samples_answer_carries_the_sample_view(client, tmp_path):
    svc = client.service
    rid = svc.ingest_upload(tone(tmp_path / "a.wav", 1.0), "a.wav")
    svc.ingest.run_job(("recording", rid))
    sample = svc.get_recording(rid)["samples"][0]
    svc.override(sample["sample_id"], "siren")
    replies = client.send("/exsampling/query/samples", reply_port=0, what="siren")
    assert [a for _, a, _ in replies] == ["/exsampling/sample", "/exsampling/done"]
    args = replies[0][2]
    assert args["label"] == "siren" and args["track"] == "bells" and args["sample_id"] == sample["sample_id"]
    assert args["latitude"] == 0.0 and args["mode"] == "melodic"


def test_a_large_samples_answer_lets_a_ping_through(client):
    svc = client.service
    rid = svc.library.store.add_recording(source="upload", original_name="many.wav", path="/nowhere/many.wav")
    rows = [
        {
            "piece_index": i,
            "start": 0.0,
            "duration": 1.0,
            "path": f"/nowhere/{i}.wav",
            "label": "dog",
            "confidence": 0.9,
            "top": [["dog", 0.9]],
            "root_midi": None,
            "pitch_confidence": 0.0,
            "analysed_mode": "percussive",
            "state": "ready",
        }
        for i in range(3000)
    ]
    svc.library.store.store_analysis(rid, rows)
    sent = client.sender.sent
    client.server.handle_packet(_datagram("/exsampling/query/samples", 0, "all"), client.peer)
    client.server.handle_packet(_datagram("/exsampling/ping", 99), client.peer)
    svc.osc.answers.submit(lambda: None).result(60)
    addresses = [a for _, a, _ in sent]
    assert addresses.count("/exsampling/sample") == 3000 and addresses[-1] == "/exsampling/done"
    assert addresses.index("/exsampling/pong") < addresses.index("/exsampling/done")


def _datagram(address, *args):
    from pythonosc.osc_message_builder import OscMessageBuilder

    b = OscMessageBuilder(address)
    for a in args:
        b.add_arg(a)
    return b.build().dgram


def test_every_address_the_backend_sends_is_declared():
    import re
    from pathlib import Path

    from exsampling_osc.osc import protocol

    root = Path(__file__).resolve().parents[1] / "exsampling_osc" / "backend"
    used = {m for f in root.glob("*.py") for m in re.findall(r'"(/exsampling/[a-z/]+)"', f.read_text())}
    assert used and used <= set(protocol.MESSAGES), used - set(protocol.MESSAGES)


def test_a_handler_returns_its_replies_and_the_door_sends_them_to_the_asker(client, monkeypatch):
    from exsampling_osc.osc import protocol

    ask = protocol.Message(
        "/exsampling/core/test/ask", protocol.TO_BACKEND, (protocol.Arg("reply_port", "i", "0: announced"),), "test"
    )
    monkeypatch.setitem(protocol.MESSAGES, ask.address, ask)

    def half_an_answer():
        yield "/exsampling/pong", [1]
        raise RuntimeError("half way")

    answers = iter([[("/exsampling/pong", [1]), ("/exsampling/pong", [2])], half_an_answer()])
    client.service.osc.map(ask.address, lambda args, peer: next(answers))
    client.send("/exsampling/hello", reply_port=47000, name="asker")
    assert client.send(ask.address, reply_port=0) == [
        (47000, "/exsampling/pong", {"seq": 1}),
        (47000, "/exsampling/pong", {"seq": 2}),
    ]
    first, error = client.send(ask.address, reply_port=0)  # an iterator runs on the answer thread
    assert first == (47000, "/exsampling/pong", {"seq": 1})
    assert error[:2] == (47000, "/exsampling/error") and "half way" in error[2]["message"]
