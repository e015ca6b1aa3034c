"""maxsim's transport and sequencing objects (the phrase player's) on small patches, each against the
behaviour its Cycling '74 reference page states: a tempo-relative metro on the transport's grid only while
it plays, transport's report, a retriggerable delay, coll, flush and int."""

from __future__ import annotations

from exsampling_osc.devices.maxpat import Patcher
from exsampling_osc.devices.maxsim import MaxSim

SR = 44100


def patch(*chain: str) -> MaxSim:
    """``r in`` → each box of ``chain`` in turn (left outlet to left inlet) → ``print out``."""
    p = Patcher("instrument", width=100.0)
    boxes = [p.obj("r in", 0, 0), *(p.obj(text, 0, 40 * (i + 1)) for i, text in enumerate(chain))]
    boxes.append(p.obj("print out", 0, 40 * (len(chain) + 1)))
    for a, b in zip(boxes, boxes[1:], strict=False):
        p.connect(a, 0, b, 0)
    return MaxSim(p.to_dict(), sr=SR)


def times(seen: list[tuple[int, int, list]]) -> list[float]:
    return [round(t / SR, 4) for t, _, _ in seen]


def test_a_sixteenth_metro_follows_the_transport_grid_and_stops_with_it():
    sim = patch("metro 16n @quantize 16n @active 1")
    out = sim.tap("print")
    sim.render(0.3)
    assert out == []  # tempo-relative: nothing while the transport is stopped
    sim.transport.start(120.0, 60.0)  # half-way through a 16th (120 ticks, 62.5 ms at 120 BPM)
    sim.render(0.2)
    assert times(out) == [0.3629, 0.4879]  # 62.5 ms to the grid (transport started at 0.3004 s), then 125 ms
    sim.transport.stop()
    sim.render(0.3)
    assert len(out) == 2  # stopped with the transport
    sim.transport.start(120.0, 0.0)  # from 1.1.1 again: on the grid at once, then every 125 ms
    sim.render(0.2)
    assert len(out) == 4 and times(out)[3] - times(out)[2] == 0.125


def test_transport_reports_ticks_and_bars_beats_units():
    p = Patcher("instrument", width=100.0)
    r, where = p.obj("r in", 0, 0), p.obj("transport", 0, 40)
    p.connect(r, 0, where, 0)
    for outlet in (0, 1, 2, 7):
        p.connect(where, outlet, p.obj(f"print o{outlet}", 100 * outlet, 80), 0)
    sim = MaxSim(p.to_dict(), sr=SR)
    out = sim.tap("print")
    sim.transport.start(90.0, 4.0 * 480 * 4 + 480 + 240)  # bar 5, beat 2, half-way: 8400 ticks
    sim.at(1.0, lambda: sim.broadcast("in", ["bang"]))  # 1.5 beats later: 9120 ticks
    sim.render(1.1)
    assert [m for _, _, m in out] == [[9120.0], [0.0], [4], [5]]  # right to left: ticks, units, beat 4, bar 5


def test_a_delay_banged_again_forgets_the_first_bang():
    sim = patch("delay 100")
    out = sim.tap("print")
    for t in (0.0, 0.05):
        sim.at(t, lambda: sim.broadcast("in", ["bang"]))
    sim.at(0.5, lambda: sim.broadcast("in", ["bang"]))
    sim.at(0.55, lambda: sim.broadcast("in", ["stop"]))
    sim.render(1.0)
    assert len(out) == 1 and abs(times(out)[0] - 0.15) < 0.002  # one bang, 100 ms after the second


def test_coll_flush_and_int():
    sim = patch("coll")
    out = sim.tap("print")
    for msg in ([3, 10, 90, 60], [5, 1, 80, 62], [3], [4], ["remove", 3], [3], [5], ["clear"], [5]):
        sim.broadcast("in", msg)
    assert [m for _, _, m in out] == [[10, 90, 60], [1, 80, 62]]  # stored at 3 and 5; nothing at 4 or after
    p = Patcher("instrument", width=100.0)
    r, v, f = p.obj("r in", 0, 0), p.obj("r vel", 100, 0), p.obj("flush", 0, 40)
    p.connect(r, 0, f, 0)
    p.connect(v, 0, f, 1)
    p.connect(f, 0, p.obj("print pitch", 0, 80), 0)
    p.connect(f, 1, p.obj("print velocity", 100, 80), 0)
    sim = MaxSim(p.to_dict(), sr=SR)
    out = sim.tap("print")
    for name, msg in (("vel", [100]), ("in", [60]), ("in", [64]), ("vel", [0]), ("in", [60]), ("in", ["bang"])):
        sim.broadcast(name, msg)
    assert [m[0] for _, _, m in out] == [100, 60, 100, 64, 0, 60, 0, 64]  # the bang ends 64 only
    sim = patch("i 7")
    out = sim.tap("print")
    for msg in (["bang"], ["set", 3], ["bang"], [9.7]):
        sim.broadcast("in", msg)
    assert [m for _, _, m in out] == [[7], [3], [9]]
