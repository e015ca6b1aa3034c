"""The composer's knobs through the OSC door, in process: /exsampling/compose carries variation, density,
register, key and bars as optional trailing arguments (a four-argument sender still works), the answer says
which values were used, and the phrase is clamped to the usable range of the newest melodic sample."""

from __future__ import annotations

import pytest
from osc_client import service_client
from pythonosc.osc_message_builder import OscMessageBuilder
from serve_support import tone

from exsampling_osc.backend.phrases import SAMPLE_RANGE

pytest.importorskip("exsampling_osc.composer.live")


@pytest.fixture
def client(tmp_path, analyzer):
    with service_client(tmp_path / "data", analyzer) as c:
        yield c


def phrase(client, **values) -> tuple[dict, list[int]]:
    """The /exsampling/phrase arguments and the notes of one compose request."""
    replies = client.send("/exsampling/compose", reply_port=0, **values)
    errors = [a["message"] for _, addr, a in replies if addr == "/exsampling/error"]
    assert not errors, errors
    head = next(a for _, addr, a in replies if addr == "/exsampling/phrase")
    return head, [a["note"] for _, addr, a in replies if addr == "/exsampling/phrase/note"]


def test_a_four_argument_sender_gets_the_composer_defaults(client):
    b = OscMessageBuilder("/exsampling/compose")
    for value, tag in ((0, "i"), (0.25, "f"), (-0.5, "f"), (7, "i")):
        b.add_arg(value, tag)
    replies = client.send_raw(b.build().dgram)
    head = next(a for _, addr, a in replies if addr == "/exsampling/phrase")
    used = {k: head[k] for k in ("temperature", "density", "register", "key", "low", "high")}
    assert used == {"temperature": 1.0, "density": 1.0, "register": 60, "key": 0, "low": 0, "high": 127}
    assert head["count"] > 0 and replies[-1][1] == "/exsampling/done"


def test_knobs_change_the_phrase_and_the_answer_says_which_were_used(client):
    at = {"x": 0.3, "y": -0.2, "seed": 4, "temperature": 0.0}
    head, plain = phrase(client, **at)
    assert head["temperature"] == 0.0
    _, in_g = phrase(client, **at, key=7)  # the tonic G nearest 60 is 55: the same tokens, 5 semitones down
    assert in_g == [n - 5 for n in plain]
    head, high = phrase(client, **at, register=72)
    assert high == [n + 12 for n in plain] and head["register"] == 72
    _, sparse = phrase(client, x=0.3, y=-0.2, seed=4, density=0.25)
    head, dense = phrase(client, x=0.3, y=-0.2, seed=4, density=4.0)
    assert len(dense) > len(sparse) and head["density"] == 4.0
    _, hot = phrase(client, **{**at, "temperature": 2.0})
    assert hot != plain
    head, one_bar = phrase(client, **at, bars=1)
    assert head["length_beats"] == 4.0 and len(one_bar) < len(plain)


def test_a_knob_out_of_range_is_answered_with_an_error(client):
    replies = client.send("/exsampling/compose", reply_port=0, x=0.0, y=0.0, seed=-1, temperature=5.0)
    assert [a for _, a, _ in replies] == ["/exsampling/error"]
    assert "temperature must be a number from 0.0 to 2.0" in replies[0][2]["message"]


def test_the_phrase_is_clamped_to_the_newest_melodic_sample(client, tmp_path):
    # register 84 puts the tonic at C6: unclamped, the phrase climbs above the sample's usable range
    at = {"x": 0.5, "y": 0.5, "seed": 2, "register": 84}
    _, free = phrase(client, **at)
    svc = client.service
    rid = svc.ingest_upload(tone(tmp_path / "a.wav", 1.0, 440.0), "a.wav")
    svc.ingest.run_job(("recording", rid))
    sample = svc.get_recording(rid)["samples"][0]
    svc.override(sample["sample_id"], "siren")  # bells: a melodic track
    root = round(svc.get_sample(sample["sample_id"])["root_midi"])
    assert root == 69
    assert max(free) > root + SAMPLE_RANGE
    head, clamped = phrase(client, **at)
    assert (head["low"], head["high"]) == (root - SAMPLE_RANGE, root + SAMPLE_RANGE)
    assert clamped and all(root - SAMPLE_RANGE <= n <= root + SAMPLE_RANGE for n in clamped)
    head, _ = phrase(client, x=0.5, y=0.5, seed=2)  # no register asked: the tonic sits near the root
    assert head["register"] == root
