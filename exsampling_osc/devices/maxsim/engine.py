"""Runs a built device patch offline: messages depth-first, signals block by block, like Max.

What it follows from Max's documented behaviour:
* a message leaving an outlet goes to every connected inlet, right to left by the receivers' position
  (https://docs.cycling74.com/userguide/messages/order);
* objects that fire several outlets fire right to left (each object's page);
* ``---`` in an object box becomes a number unique to the device
  (https://docs.cycling74.com/userguide/m4l/device_names, "---" names);
* control events run between signal vectors (the scheduler in the audio thread), so a note's timing is
  quantised to one vector (64 samples here, 1.5 ms at 44.1 kHz);
* signals that meet in one inlet are added.

What it does not prove: Max's own scheduler jitter, the audio driver, Live's parameter restore order, and
any object or message that is not in :data:`OBJECTS` (a patch using one is refused, not guessed).
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

from exsampling_osc.devices.maxsim import control as c
from exsampling_osc.devices.maxsim import signal as s
from exsampling_osc.devices.maxsim import timing as tm

OBJECTS: dict[str, type[c.Obj]] = {
    "t": c.Trigger,
    "trigger": c.Trigger,
    "unpack": c.Unpack,
    "pack": c.Pack,
    "route": c.Route,
    "sel": c.Select,
    "select": c.Select,
    "gate": c.Gate,
    "prepend": c.Prepend,
    "expr": c.Expr,
    "+": c.Arith,
    "*": c.Arith,
    "==": c.Arith,
    "!=": c.Arith,
    "maximum": c.Arith,
    "dbtoa": c.DbToA,
    "counter": c.Counter,
    "random": c.Random,
    "s": c.Send,
    "send": c.Send,
    "r": c.Receive,
    "receive": c.Receive,
    "v": c.Value,
    "value": c.Value,
    "print": c.Inert,
    "comment": c.Recorder,
    "sig~": s.Sig,
    "*~": s.Times,
    "line~": s.Line,
    "groove~": s.Groove,
    "plugout~": s.PlugOut,
    "buffer~": s.Buffer,
    "info~": s.Info,
    "notein": s.NoteIn,
    "poly": s.Poly,
    "makenote": s.MakeNote,
    "delay": tm.Delay,
    "metro": tm.Metro,
    "transport": tm.TransportObj,
    "coll": tm.Coll,
    "flush": tm.Flush,
    "i": tm.Int,
    "int": tm.Int,
    "live.thisdevice": s.ThisDevice,
    "live.menu": s.Parameter,
    "live.dial": s.Parameter,
    "live.path": s.LivePath,
    "live.object": s.LiveObject,
    "button": s.Button,
    "message": c.Message,
    "udpsend": c.Recorder,
    "node.script": c.Recorder,
    "js": c.Recorder,
    "jweb": c.Recorder,
    "fpic": c.Recorder,
    "udpreceive": c.Inert,
    "live.text": s.LiveText,
    "sprintf": c.Sprintf,
    "plugin~": s.PlugIn,
}


class Box:
    """One box of the patch with its object."""

    def __init__(self, engine: MaxSim, raw: dict, device_id: int) -> None:
        self.engine, self.raw, self.id = engine, raw, raw["id"]
        self.x = float(raw.get("patching_rect", [0.0])[0])
        self.outlettype: list[str] = raw.get("outlettype", [])
        kind = raw["maxclass"]
        text = raw.get("text", "")
        if kind == "newobj":
            text = text.replace("---", str(device_id))  # message boxes keep their text as typed
            words = text.split()
            self.name, args = (words[0] if words else ""), [c.atom(w) for w in words[1:] if not w.startswith("@")]
        else:
            self.name, args = kind, [c.atom(w) for w in text.split()] if kind == "message" else []
        cls = OBJECTS.get(self.name)
        if cls is None:
            raise ValueError(f"maxsim: no behaviour for {self.name!r} ({self.id}); refusing to guess")
        self.obj = cls(self, args)


class MaxSim:
    """One device patch (``{"patcher": ...}``) run at ``sr`` Hz in vectors of ``block`` samples.

    ``live_track`` is the simulated Live track's name; ``params`` sets Live parameters by name (as a
    Live set restores them). Send MIDI with :meth:`note`, the hub's forwarded messages with
    :meth:`broadcast`, schedule with :meth:`at`, play Live's transport with ``transport.start(tempo, ticks)``,
    turn a parameter with :meth:`set_param`, watch what reaches a box with :meth:`tap`, and :meth:`render`
    the plugout~ audio.
    """

    _ids = itertools.count(1001)

    def __init__(
        self,
        patch: dict,
        sr: int = 44100,
        block: int = 64,
        live_track: str = "",
        params: dict[str, Any] | None = None,
        world: list[MaxSim] | None = None,
    ) -> None:
        self.sr, self.block, self.live_track, self.params = sr, block, live_track, params or {}
        self.world = world if world is not None else []  # the devices of one Live set share one Max
        self.world.append(self)
        self.received: dict[str, list[list]] = {}
        self.buffers: dict[str, tuple[np.ndarray, int]] = {}
        self.values: dict[str, list] = {}
        self.sent: list[tuple[str, list]] = []  # everything sent to a name with no receive here
        self.now = 0  # samples
        self._event: int | None = None  # the scheduled time of the event running now
        self.transport = tm.Transport(self)
        self._queue: list[tuple[int, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self.device_id = device_id = next(self._ids)
        self.boxes = {b["box"]["id"]: Box(self, b["box"], device_id) for b in patch["patcher"]["boxes"]}
        self.lines: dict[tuple[str, int], list[tuple[Box, int]]] = defaultdict(list)
        for entry in patch["patcher"]["lines"]:
            line = entry["patchline"]
            self.lines[(line["source"][0], int(line["source"][1]))].append(
                (self.boxes[line["destination"][0]], int(line["destination"][1]))
            )
        for dsts in self.lines.values():
            dsts.sort(key=lambda d: -d[0].x)  # right to left
        self._order = self._signal_order()
        for box in self.boxes.values():  # Live restores parameters, then live.thisdevice bangs
            if isinstance(box.obj, s.Parameter):
                box.obj.inlet(0, c.BANG)
        for box in self.boxes.values():
            box.obj.loadbang()

    # ---------------------------------------------------------------- messages
    def emit(self, box: Box, outlet: int, msg: list) -> None:
        if outlet < len(box.outlettype) and box.outlettype[outlet] == "signal":
            return  # a signal connection carries no messages
        for dst, inlet in self.lines.get((box.id, outlet), []):
            dst.obj.inlet(inlet, msg)

    def broadcast(self, name: str, msg: list) -> None:
        """What ``send name`` does: every ``receive name`` of every device in the set gets ``msg``."""
        receivers = [
            b
            for sim in self.world
            for b in sim.boxes.values()
            if isinstance(b.obj, c.Receive) and str(b.obj.args[0]) == name
        ]
        if not receivers:
            self.sent.append((name, list(msg)))
        for b in receivers:
            b.obj.inlet(0, list(msg))

    def output(self, name: str, outlet: int, msg: list) -> None:
        """An edge object (``node.script``, ``udpreceive``) of this device outputs ``msg``."""
        for b in self.boxes.values():
            if b.name == name:
                self.emit(b, outlet, list(msg))

    def note(self, pitch: int, velocity: int) -> None:
        """MIDI from Live: every ``notein`` outputs channel, velocity, pitch (right to left)."""
        for b in self.boxes.values():
            if isinstance(b.obj, s.NoteIn):
                b.obj.out(2, [1])
                b.obj.out(1, [velocity])
                b.obj.out(0, [pitch])

    def set_param(self, name: str, value: Any) -> None:
        """The performer turns the Live parameter ``name`` (its varname) to ``value`` (an index or item)."""
        box = next(b for b in self.boxes.values() if isinstance(b.obj, s.Parameter) and b.raw.get("varname") == name)
        param = box.obj
        assert isinstance(param, s.Parameter)
        items = param.items
        param.inlet(0, [items.index(value) if isinstance(value, str) and items else value])

    def tap(self, name: str) -> list[tuple[int, int, list]]:
        """From now on, every message reaching a box named ``name``: (sample time, inlet, message)."""
        seen: list[tuple[int, int, list]] = []
        for b in self.boxes.values():
            if b.name == name:
                inlet = b.obj.inlet

                def spy(k: int, msg: list, inlet: Callable[[int, list], None] = inlet) -> None:
                    seen.append((self.clock(), k, list(msg)))
                    inlet(k, msg)

                b.obj.inlet = spy  # type: ignore[method-assign]
        return seen

    def clock(self) -> int:
        """The time in samples of the event running now (between events: the current vector's start)."""
        return self.now if self._event is None else self._event

    def at(self, seconds: float, fn: Callable[[], None]) -> None:
        self.at_sample(int(round(seconds * self.sr)), fn)

    def at_sample(self, sample: int, fn: Callable[[], None]) -> None:
        heapq.heappush(self._queue, (sample, next(self._seq), fn))

    def after(self, ms: float, fn: Callable[[], None]) -> None:
        heapq.heappush(self._queue, (self.now + int(round(ms * self.sr / 1000.0)), next(self._seq), fn))

    # ---------------------------------------------------------------- signals
    def _signal_order(self) -> list[Box]:
        sig = [b for b in self.boxes.values() if isinstance(b.obj, s.SignalObj)]
        feeds: dict[str, set[str]] = {b.id: set() for b in sig}
        for (src, outlet), dsts in self.lines.items():
            box = self.boxes[src]
            if outlet < len(box.outlettype) and box.outlettype[outlet] == "signal":
                for dst, _ in dsts:
                    feeds.setdefault(dst.id, set()).add(src)
        self._inputs: dict[str, list[tuple[int, str, int]]] = {b.id: [] for b in sig}
        for (src, outlet), dsts in self.lines.items():
            box = self.boxes[src]
            if outlet < len(box.outlettype) and box.outlettype[outlet] == "signal":
                for dst, inlet in dsts:
                    if dst.id in self._inputs:
                        self._inputs[dst.id].append((inlet, src, outlet))
        order: list[Box] = []
        done: set[str] = set()

        def visit(b: Box, path: frozenset[str]) -> None:
            if b.id in done:
                return
            if b.id in path:
                raise ValueError(f"maxsim: signal loop through {b.id}")
            for src in feeds.get(b.id, ()):
                visit(self.boxes[src], path | {b.id})
            done.add(b.id)
            order.append(b)

        for b in sig:
            visit(b, frozenset())
        return order

    def _vector(self) -> None:
        n = self.block
        outs: dict[str, list[np.ndarray]] = {}
        for b in self._order:
            inputs: list[np.ndarray | None] = [None] * max(int(b.raw.get("numinlets", 2)), 2)
            for inlet, src, outlet in self._inputs[b.id]:
                sig = outs[src][outlet]
                cur = inputs[inlet]
                inputs[inlet] = sig if cur is None else cur + sig
            assert isinstance(b.obj, s.SignalObj)
            outs[b.id] = b.obj.tick(inputs, n)

    def render(self, seconds: float) -> np.ndarray:
        """Run ``seconds`` more and return the left plugout~ channel of that stretch."""
        plugouts = [b.obj for b in self.boxes.values() if isinstance(b.obj, s.PlugOut)]
        start = [len(p.left) for p in plugouts]
        end = self.now + int(round(seconds * self.sr))
        while self.now < end:
            while self._queue and self._queue[0][0] < self.now + self.block:
                when, _, fn = heapq.heappop(self._queue)
                self._event = max(when, self.now)
                try:
                    fn()
                finally:
                    self._event = None
            self._vector()
            self.now += self.block
        if not plugouts:
            return np.zeros(0)
        return np.sum(
            [np.concatenate(p.left[k:] or [np.zeros(0)]) for p, k in zip(plugouts, start, strict=True)], axis=0
        )
