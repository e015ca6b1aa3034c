"""Control-rate (message) objects of the devices, each written from its Cycling '74 reference page.

Messages are Python lists of atoms (``int``, ``float``, ``str``); a bang is ``["bang"]``. An object gets
``inlet(k, msg)`` and answers through ``self.out(outlet, msg)``; where an object fires several outlets it
fires them right to left, as Max does.
"""

from __future__ import annotations

import math
import random as _random
import re
from collections.abc import Callable
from typing import Any, Protocol


class Box(Protocol):
    """What an object sees of its box (``engine.Box``): the engine, its name and its saved attributes."""

    engine: Any
    name: str
    raw: dict


Msg = list[Any]
BANG: Msg = ["bang"]


def atom(word: str) -> Any:
    """A word of a box as Max reads it: int, float or symbol."""
    try:
        return int(word)
    except ValueError:
        try:
            return float(word)
        except ValueError:
            return word


class Obj:
    """Base: ``args`` are the box's arguments (atoms), ``box`` the box it lives in."""

    def __init__(self, box: Box, args: list[Any]) -> None:
        self.box, self.args = box, args

    def out(self, outlet: int, msg: Msg) -> None:
        self.box.engine.emit(self.box, outlet, msg)

    def inlet(self, k: int, msg: Msg) -> None:  # pragma: no cover - overridden
        pass

    def loadbang(self) -> None:
        pass


class Inert(Obj):
    """comment, print, panel, ... (no behaviour that matters for sound)."""


class Message(Obj):
    """message box: https://docs.cycling74.com/reference/message - bang outputs the content, a list fills
    ``$1..$9`` and outputs, ``set ...`` replaces the content silently."""

    def __init__(self, box: Box, args: list[Any]) -> None:
        super().__init__(box, args)
        self.content = list(args)

    def inlet(self, k: int, msg: Msg) -> None:
        if msg and msg[0] == "set":
            self.content = list(msg[1:])
            return
        if k != 0:
            return
        values = [] if msg == BANG else msg
        out = []
        for word in self.content:
            m = re.fullmatch(r"\$(\d)", str(word))
            out.append(values[int(m.group(1)) - 1] if m and int(m.group(1)) <= len(values) else word)
        if out:
            self.out(0, out)


class Trigger(Obj):
    """t / trigger: https://docs.cycling74.com/reference/trigger - right to left; b f i s l or constants."""

    def inlet(self, k: int, msg: Msg) -> None:
        for i in reversed(range(len(self.args))):
            a = self.args[i]
            if a == "b":
                self.out(i, BANG)
            elif a == "f":
                self.out(i, [float(msg[0]) if isinstance(msg[0], int | float) else 0.0])
            elif a == "i":
                self.out(i, [int(msg[0]) if isinstance(msg[0], int | float) else 0])
            elif a in ("l", "a"):
                self.out(i, list(msg))
            elif a == "s":
                self.out(i, [msg[0]] if isinstance(msg[0], str) else list(msg))
            else:  # a constant
                self.out(i, [a])


class Unpack(Obj):
    """unpack: https://docs.cycling74.com/reference/unpack - list elements out right to left, typed."""

    def inlet(self, k: int, msg: Msg) -> None:
        for i in reversed(range(min(len(self.args), len(msg)))):
            kind, value = self.args[i], msg[i]
            if isinstance(kind, float):
                value = float(value)
            elif isinstance(kind, int) and not isinstance(value, str):
                value = int(value)
            self.out(i, [value])


class Pack(Obj):
    """pack: https://docs.cycling74.com/reference/pack - the left inlet is hot and outputs the list."""

    def __init__(self, box: Box, args: list[Any]) -> None:
        super().__init__(box, args)
        self.values = list(args)

    def inlet(self, k: int, msg: Msg) -> None:
        if msg != BANG:
            self.values[k] = msg[0]
        if k == 0:
            self.out(0, list(self.values))


class Route(Obj):
    """route: https://docs.cycling74.com/reference/route - first element matched and stripped; the right
    inlet of a one-argument route replaces the argument."""

    def inlet(self, k: int, msg: Msg) -> None:
        if k == 1 and len(self.args) == 1:
            self.args = [msg[0]]
            return
        for i, a in enumerate(self.args):
            if msg and msg[0] == a:
                self.out(i, msg[1:] or BANG)
                return
        self.out(len(self.args), msg)


class Select(Obj):
    """sel / select: https://docs.cycling74.com/reference/select - a match bangs its outlet, anything else
    leaves by the right; a one-argument select takes a new argument in its right inlet."""

    def inlet(self, k: int, msg: Msg) -> None:
        if k == 1:
            self.args = [msg[0]]
            return
        for i, a in enumerate(self.args):
            if msg and msg[0] == a:
                self.out(i, BANG)
                return
        self.out(len(self.args), msg)


class Gate(Obj):
    """gate: https://docs.cycling74.com/reference/gate - left inlet 0 closes, N opens outlet N; messages
    in the right inlet pass through the open outlet. Arguments: outlets, initially open outlet."""

    def __init__(self, box: Box, args: list[Any]) -> None:
        super().__init__(box, args)
        self.open = int(args[1]) if len(args) > 1 else 0

    def inlet(self, k: int, msg: Msg) -> None:
        if k == 0:
            self.open = int(msg[0])
        elif self.open > 0:
            self.out(self.open - 1, msg)


class Prepend(Obj):
    """prepend: https://docs.cycling74.com/reference/prepend - puts its arguments before the message."""

    def inlet(self, k: int, msg: Msg) -> None:
        self.out(0, list(self.args) + ([] if msg == BANG else list(msg)))


class Expr(Obj):
    """expr: https://docs.cycling74.com/reference/expr - C-like expression of $i/$f inlets; the left inlet
    is hot. Only the operators our patches use are accepted (and exp, min, max, int: truncation toward 0,
    as C's cast). ``%`` is C's on non-negative operands only (Python's differs for a negative one): the
    patches write ``((a % n) + n) % n``, the same in both."""

    def __init__(self, box: Box, args: list[Any]) -> None:
        super().__init__(box, args)
        self.body = " ".join(str(a) for a in args)
        n = max([int(m) for m in re.findall(r"\$[ifs](\d+)", self.body)] or [1])
        self.values: list[float] = [0.0] * n

    def inlet(self, k: int, msg: Msg) -> None:
        if msg != BANG:  # a bang in the left inlet evaluates with the last inputs
            self.values[k] = msg[0]
        if k == 0:
            body = self.body
            for kind, idx in set(re.findall(r"\$([if])(\d+)", body)):
                v = self.values[int(idx) - 1]
                body = body.replace(f"${kind}{idx}", repr(int(v) if kind == "i" else float(v)))
            body = body.replace("||", " or ").replace("&&", " and ")
            if not re.fullmatch(r"[0-9.,()+\-*/%=<>!e orandxpmit]+", body):
                raise ValueError(f"expr: unsupported expression {self.body!r}")
            names = {"exp": math.exp, "min": min, "max": max, "int": int, "__builtins__": {}}
            value = eval(body, names)  # noqa: S307 - checked above
            self.out(0, [float(value) if isinstance(value, float) else int(value)])


class Arith(Obj):
    """+ * == maximum: https://docs.cycling74.com/reference/plus (and times, equals, maximum) - right inlet
    sets the operand, left computes."""

    OPS: dict[str, Callable[[Any, Any], Any]] = {
        "+": lambda a, b: a + b,
        "*": lambda a, b: a * b,
        "==": lambda a, b: int(a == b),
        "!=": lambda a, b: int(a != b),
        "maximum": max,
    }

    def __init__(self, box: Box, args: list[Any]) -> None:
        super().__init__(box, args)
        self.right = args[0] if args else 0
        self.op = self.OPS[box.name]

    def inlet(self, k: int, msg: Msg) -> None:
        if k == 1:
            self.right = msg[0]
        else:
            left = msg[0]
            value = self.op(left, self.right)
            self.out(0, [float(value) if isinstance(self.right, float) or isinstance(left, float) else value])


class DbToA(Obj):
    """dbtoa: https://docs.cycling74.com/reference/dbtoa - 10^(dB/20)."""

    def inlet(self, k: int, msg: Msg) -> None:
        self.out(0, [10.0 ** (float(msg[0]) / 20.0)])


class Counter(Obj):
    """counter: https://docs.cycling74.com/reference/counter - with two arguments min max, each bang
    outputs the next count from min to max, then wraps to min."""

    def __init__(self, box: Box, args: list[Any]) -> None:
        super().__init__(box, args)
        self.lo, self.hi = (int(args[0]), int(args[1])) if len(args) >= 2 else (0, int(args[0]) if args else 0)
        self.next = self.lo

    def inlet(self, k: int, msg: Msg) -> None:
        if k == 0:
            value, self.next = self.next, self.next + 1 if self.next < self.hi else self.lo
            self.out(0, [value])


class Random(Obj):
    """random: https://docs.cycling74.com/reference/random - a bang gives 0..N-1."""

    def inlet(self, k: int, msg: Msg) -> None:
        if k == 0:
            self.out(0, [_random.randrange(int(self.args[0]) if self.args else 2)])


class Send(Obj):
    """s / send: https://docs.cycling74.com/reference/send - to every receive of that name, any device."""

    def inlet(self, k: int, msg: Msg) -> None:
        self.box.engine.broadcast(str(self.args[0]), msg)


class Receive(Obj):
    """r / receive: https://docs.cycling74.com/reference/receive."""

    def inlet(self, k: int, msg: Msg) -> None:
        self.out(0, msg)


class Value(Obj):
    """v / value: https://docs.cycling74.com/reference/value - one stored value shared by name."""

    def inlet(self, k: int, msg: Msg) -> None:
        store = self.box.engine.values
        if msg == BANG:
            if str(self.args[0]) in store:
                self.out(0, store[str(self.args[0])])
        else:
            store[str(self.args[0])] = list(msg)


class Recorder(Obj):
    """Edges of the simulation: udpsend (https://docs.cycling74.com/reference/udpsend), node.script
    (https://docs.cycling74.com/reference/node.script), jweb, fpic. What reaches them is recorded in
    ``engine.received[name]``; nothing leaves this process."""

    def inlet(self, k: int, msg: Msg) -> None:
        self.box.engine.received.setdefault(self.box.name, []).append(list(msg))


class Sprintf(Obj):
    """sprintf: https://docs.cycling74.com/reference/sprintf - C format of its inlets; ``symout`` gives
    one symbol. The left inlet is hot."""

    def __init__(self, box: Box, args: list[Any]) -> None:
        super().__init__(box, args)
        self.symout = bool(args) and args[0] == "symout"
        self.fmt = " ".join(str(a) for a in (args[1:] if self.symout else args))
        self.values: list[Any] = [0] * max(1, len(re.findall(r"%[-+ #0-9.]*[a-zA-Z]", self.fmt)))

    def inlet(self, k: int, msg: Msg) -> None:
        if msg != BANG:
            self.values[k] = msg[0]
        if k == 0:
            text = self.fmt % tuple(self.values)
            self.out(0, [text] if self.symout else [atom(w) for w in text.split()])
