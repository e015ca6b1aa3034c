"""Can sound flow? A graph check of a device patch as Max reads it.

:mod:`exsampling_osc.devices.validate` checks that every box and port exists; this module checks what a
listener would notice: that audio actually reaches Live. The patch is read from the built ``.amxd``
(:func:`exsampling_osc.devices.amxd.read_amxd`), embedded subpatchers are flattened into one graph (their
``inlet``/``outlet`` boxes become plain connections, ordered left to right as Max orders them), and then:

* every ``groove~`` gets its speed as a **signal** in its left inlet (a float there only sets the playback
  position in ms: https://docs.cycling74.com/reference/groove~);
* every ``groove~`` output reaches ``plugout~`` through signal connections only (a control connection
  carries no audio: https://docs.cycling74.com/userguide/msp/signal_network);
* a sampler binds no UDP port (no ``udpreceive``; all devices of a Live set share one Max, so the hub
  forwards to samplers by global ``send``/``receive``), and the hub binds exactly one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Graph:
    """Boxes by id and connections ``(src, outlet) → [(dst, inlet)]`` of one flattened patcher."""

    boxes: dict[str, dict] = field(default_factory=dict)
    lines: dict[tuple[str, int], list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))

    def sources(self, box_id: str, inlet: int) -> list[tuple[str, int]]:
        """Every ``(src, outlet)`` connected to ``box_id``'s ``inlet``."""
        return [src for src, dsts in self.lines.items() if (box_id, inlet) in dsts]

    def by_name(self, name: str) -> list[str]:
        """Ids of the object boxes whose first word is ``name``."""
        return [i for i, b in self.boxes.items() if object_name(b) == name]

    def is_signal(self, src: str, outlet: int) -> bool:
        types = self.boxes[src].get("outlettype", [])
        return outlet < len(types) and types[outlet] == "signal"


def object_name(box: dict) -> str:
    """``groove~`` for a ``newobj`` box ``groove~ ---smp 1``; the maxclass for UI boxes."""
    if box.get("maxclass") == "newobj":
        words = box.get("text", "").split()
        return words[0] if words else ""
    return box.get("maxclass", "")


def flatten(patcher: dict, prefix: str = "") -> Graph:
    """One graph of ``patcher`` (the dict under ``"patcher"``) with embedded subpatchers inlined."""
    g = Graph()
    ports_in: dict[str, list[str]] = {}  # subpatcher box id → its inlet boxes, left to right
    ports_out: dict[str, list[str]] = {}
    for entry in patcher.get("boxes", []):
        box = dict(entry["box"])
        bid = prefix + box["id"]
        inner = box.get("patcher")
        if isinstance(inner, dict) and object_name(box) not in ("poly~",):
            sub = flatten(inner, prefix=bid + "/")
            g.boxes.update(sub.boxes)
            for k, v in sub.lines.items():
                g.lines[k].extend(v)
            ports_in[bid] = _ordered(sub, "inlet")
            ports_out[bid] = _ordered(sub, "outlet")
            continue
        g.boxes[bid] = box
    for entry in patcher.get("lines", []):
        line = entry["patchline"]
        src, out = prefix + line["source"][0], int(line["source"][1])
        dst, inl = prefix + line["destination"][0], int(line["destination"][1])
        if src in ports_out:  # leaving a subpatcher: start from what feeds its outlet box
            src_ports = g.sources(ports_out[src][out], 0)
        else:
            src_ports = [(src, out)]
        dst_ports = [(ports_in[dst][inl], 0)] if dst in ports_in else [(dst, inl)]
        for s in src_ports:
            g.lines[s].extend(dst_ports)
    # an inlet box inside passes on what reaches it
    for inlets in ports_in.values():
        for inlet_box in inlets:
            targets = g.lines.pop((inlet_box, 0), [])
            for s in g.sources(inlet_box, 0):
                g.lines[s].extend(targets)
    return g


def _ordered(g: Graph, name: str) -> list[str]:
    found = [i for i, b in g.boxes.items() if b.get("maxclass") == name or object_name(b) == name]
    return sorted(found, key=lambda i: g.boxes[i].get("patching_rect", [0.0])[0])


def signal_reach(g: Graph, start: str) -> set[str]:
    """Boxes reached from ``start``'s signal outlets through signal connections only."""
    seen, todo = {start}, [start]
    while todo:
        bid = todo.pop()
        for (src, out), dsts in list(g.lines.items()):
            if src != bid or not g.is_signal(src, out):
                continue
            for dst, _ in dsts:
                if dst not in seen:
                    seen.add(dst)
                    todo.append(dst)
    return seen


def check_sound(patch: dict, role: str) -> list[str]:
    """Problems that would keep a device silent or fight over ports; ``role`` is ``hub`` or ``sampler``."""
    g = flatten(patch["patcher"])
    problems: list[str] = []
    for gid in g.by_name("groove~"):
        label = f"{gid} [{g.boxes[gid].get('text', '')}]"
        if not any(g.is_signal(s, o) for s, o in g.sources(gid, 0)):
            problems.append(f"{label}: no signal reaches the speed inlet (a float there only moves the position)")
        reached = signal_reach(g, gid)
        if not any(object_name(g.boxes[b]) == "plugout~" for b in reached):
            problems.append(f"{label}: its audio reaches no plugout~ through signal connections")
    receivers = g.by_name("udpreceive")
    if role == "sampler":
        if not g.by_name("groove~"):
            problems.append("sampler: no groove~ voice")
        if receivers:
            problems.append(f"sampler binds UDP ({len(receivers)} udpreceive): only the hub may own a port")
    elif role == "hub" and len(receivers) != 1:
        problems.append(f"hub: {len(receivers)} udpreceive boxes, expected exactly one")
    return problems
