"""Live's transport and the sequencing objects of the phrase player, each written from its reference page.

The simulated transport stands for Live's: the engine's :class:`Transport` starts at a tick position and a
tempo and runs at 480 ticks per quarter note (https://docs.cycling74.com/reference/transport: "resolution
480"); Max for Live's tempo-relative objects follow it (https://docs.cycling74.com/userguide/m4l/live_timing).
Only what the devices use is modelled; a tempo-relative value other than a plain note value (``16n``) or a
named ``coll`` is refused rather than guessed.
"""

from __future__ import annotations

import math
import re
from typing import Any

from exsampling_osc.devices.maxsim.control import BANG, Box, Msg, Obj

PPQ = 480  # ticks per quarter note
_NOTE_VALUE = re.compile(r"(\d+)n")


def note_ticks(value: Any) -> float | None:
    """Ticks of a plain note value (``4n`` 480, ``16n`` 120), None for a fixed time in ms."""
    if isinstance(value, int | float):
        return None
    m = _NOTE_VALUE.fullmatch(str(value))
    if m is None:
        raise ValueError(f"maxsim: time value {value!r} is not simulated (only ms and plain note values)")
    return 4 * PPQ / int(m.group(1))


def attributes(text: str) -> dict[str, str]:
    """``@name value`` pairs of a box's text."""
    words = text.split()
    return {w[1:]: words[i + 1] for i, w in enumerate(words[:-1]) if w.startswith("@")}


class Transport:
    """Live's transport as the engine runs it: ``start(tempo, ticks)`` plays from a tick position."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.tempo, self.playing = 120.0, False
        self._origin = (0, 0.0)  # (sample, ticks) where it last started
        self.listeners: list[Metro] = []

    def ticks(self) -> float:
        """The position now (at the running event's own time, not the start of its signal vector)."""
        sample, ticks = self._origin
        if not self.playing:
            return ticks
        return ticks + (self.engine.clock() - sample) / self.engine.sr * self.tempo / 60.0 * PPQ

    def sample_at(self, ticks: float) -> int:
        sample, origin = self._origin
        return sample + int(round((ticks - origin) / PPQ * 60.0 / self.tempo * self.engine.sr))

    def start(self, tempo: float = 120.0, ticks: float = 0.0) -> None:
        self.tempo, self.playing, self._origin = float(tempo), True, (self.engine.clock(), float(ticks))
        for metro in self.listeners:
            metro.transport_started()

    def stop(self) -> None:
        self._origin = (self.engine.clock(), self.ticks())
        self.playing = False


class Metro(Obj):
    """metro: https://docs.cycling74.com/reference/metro - bangs every interval while on (a non-zero int or
    bang in the left inlet, 0 or ``stop`` off, ``@active 1`` on from the start). A note-value interval is
    tempo-relative: it runs only while the transport does, and ``@quantize`` puts each output on that grid
    of the transport's position."""

    def __init__(self, box: Box, args: list[Any]) -> None:
        super().__init__(box, args)
        text = box.raw.get("text", "")
        attrs = attributes(text)
        first = text.split()[1:2]
        self.interval: Any = args[0] if first and not first[0].startswith("@") else attrs.get("interval", 5)
        self.ticks = note_ticks(self.interval)
        self.quantize = note_ticks(attrs["quantize"]) if "quantize" in attrs else None
        self.on = attrs.get("active", "0") != "0"
        self._generation = 0
        box.engine.transport.listeners.append(self)

    def loadbang(self) -> None:
        if self.on:
            self._start()

    def inlet(self, k: int, msg: Msg) -> None:
        if k == 1:
            self.interval = msg[0]
            self.ticks = note_ticks(self.interval)
        elif msg == ["stop"] or msg == [0]:
            self.on = False
            self._generation += 1
        else:
            self.on = True
            self._start()

    def transport_started(self) -> None:
        if self.on and self.ticks is not None:
            self._start()

    def _start(self) -> None:
        self._generation += 1
        gen, engine = self._generation, self.box.engine
        if self.ticks is None:  # fixed: ms from now, transport or not
            self._fixed(gen)
            return
        if not engine.transport.playing:
            return
        now = engine.transport.ticks()
        grid = self.quantize or self.ticks
        self._at(gen, math.ceil(now / grid - 1e-6) * grid)

    def _fixed(self, gen: int) -> None:
        if gen != self._generation:
            return
        self.out(0, BANG)
        self.box.engine.after(float(self.interval), lambda: self._fixed(gen))

    def _at(self, gen: int, ticks: float) -> None:
        transport, step = self.box.engine.transport, self.ticks
        if step is None:  # the interval became a fixed time: that path schedules itself
            return

        def fire() -> None:
            if gen != self._generation or not transport.playing:
                return
            self._at(gen, ticks + step)  # the next output is scheduled before this one goes out
            self.out(0, BANG)

        self.box.engine.at_sample(transport.sample_at(ticks), fire)


class TransportObj(Obj):
    """transport: https://docs.cycling74.com/reference/transport - a bang reports, right to left: ticks
    (outlet 7), state, time signature, tempo, resolution, units, beats, bars (1-based). The ninth outlet is
    not simulated; the time signature is Live's default 4/4."""

    def inlet(self, k: int, msg: Msg) -> None:
        if k != 0 or msg != BANG:
            return
        t = self.box.engine.transport
        ticks = t.ticks()
        beats = int(ticks // PPQ)
        self.out(7, [float(ticks)])
        self.out(6, [int(t.playing)])
        self.out(5, [4, 4])
        self.out(4, [t.tempo])
        self.out(3, [float(PPQ)])
        self.out(2, [float(ticks - beats * PPQ)])
        self.out(1, [beats % 4 + 1])
        self.out(0, [beats // 4 + 1])


class Coll(Obj):
    """coll (unnamed): https://docs.cycling74.com/reference/coll - a list whose first number is the index
    stores the rest there (``store`` too); a number sends the data stored at that index out the left outlet
    (nothing when there is none); ``remove index`` and ``clear`` delete."""

    def __init__(self, box: Box, args: list[Any]) -> None:
        super().__init__(box, args)
        if args:
            raise ValueError("maxsim: a named coll (shared by name, read from a file) is not simulated")
        self.data: dict[int, list] = {}

    def inlet(self, k: int, msg: Msg) -> None:
        if not msg or msg == BANG:
            return
        head = msg[0]
        if head == "clear":
            self.data.clear()
        elif head == "remove" and len(msg) > 1:
            self.data.pop(int(msg[1]), None)
        elif head == "store" and len(msg) > 2:
            self.data[int(msg[1])] = list(msg[2:])
        elif isinstance(head, int | float) and len(msg) > 1:
            self.data[int(head)] = list(msg[1:])
        elif isinstance(head, int | float) and int(head) in self.data:
            self.out(0, list(self.data[int(head)]))


class Flush(Obj):
    """flush: https://docs.cycling74.com/reference/flush - passes pitch/velocity pairs (velocity in the right
    inlet, the pitch in the left sends both out, velocity first); a bang sends a note-off for every pitch
    that went through as a note-on and not yet as a note-off; ``clear`` forgets them."""

    def __init__(self, box: Box, args: list[Any]) -> None:
        super().__init__(box, args)
        self.velocity, self.held = 0, list[int]()

    def inlet(self, k: int, msg: Msg) -> None:
        if k == 1:
            self.velocity = msg[0]
        elif msg == BANG:
            held, self.held = self.held, []
            for pitch in held:
                self.out(1, [0])
                self.out(0, [pitch])
        elif msg == ["clear"]:
            self.held = []
        else:
            pitch = msg[0]
            if self.velocity:
                self.held.append(pitch)
            elif pitch in self.held:
                self.held.remove(pitch)
            self.out(1, [self.velocity])
            self.out(0, [pitch])


class Int(Obj):
    """i / int: https://docs.cycling74.com/reference/int - an int in the left inlet is stored and sent, a
    bang sends the stored one, the right inlet (or ``set``) stores without output; floats are truncated."""

    def __init__(self, box: Box, args: list[Any]) -> None:
        super().__init__(box, args)
        self.value = int(args[0]) if args else 0

    def inlet(self, k: int, msg: Msg) -> None:
        if msg == BANG:
            self.out(0, [self.value])
        elif msg[0] == "set":
            self.value = int(msg[1])
        else:
            self.value = int(msg[0])
            if k == 0:
                self.out(0, [self.value])


class Delay(Obj):
    """delay: https://docs.cycling74.com/reference/delay - a bang comes out after the delay (ms); a bang
    while one is waiting forgets the first and starts again; ``stop`` cancels."""

    def __init__(self, box: Box, args: list[Any]) -> None:
        super().__init__(box, args)
        self._generation = 0

    def inlet(self, k: int, msg: Msg) -> None:
        if k != 0:
            return
        self._generation += 1
        if msg == ["stop"]:
            return
        gen = self._generation

        def fire() -> None:
            if gen == self._generation:
                self.out(0, BANG)

        self.box.engine.after(float(self.args[0]) if self.args else 5.0, fire)
