"""Signal (MSP) objects and the Live/MIDI objects of the sampler, each written from its reference page.

A signal object implements ``tick(inputs, n) -> list[np.ndarray]``: ``inputs[k]`` is the sum of every signal
connected to inlet ``k`` (MSP adds signals that meet in one inlet:
https://docs.cycling74.com/userguide/msp/signal_network) or ``None`` where no signal is connected.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import soundfile as sf

from exsampling_osc.devices.maxsim.control import BANG, Msg, Obj


class SignalObj(Obj):
    signal = True

    def tick(self, inputs: list[np.ndarray | None], n: int) -> list[np.ndarray]:  # pragma: no cover
        raise NotImplementedError


class Sig(SignalObj):
    """sig~: https://docs.cycling74.com/reference/sig~ - a float becomes a constant signal."""

    def __init__(self, box, args):
        super().__init__(box, args)
        self.value = float(args[0]) if args else 0.0

    def inlet(self, k: int, msg: Msg) -> None:
        self.value = float(msg[0])

    def tick(self, inputs, n):
        return [np.full(n, self.value, dtype=np.float64)]


class Times(SignalObj):
    """*~: https://docs.cycling74.com/reference/times~ - left signal times the right signal, or times the
    last float sent to the right inlet (the argument at first)."""

    def __init__(self, box, args):
        super().__init__(box, args)
        self.right = float(args[0]) if args else 0.0

    def inlet(self, k: int, msg: Msg) -> None:
        if k == 1:
            self.right = float(msg[0])

    def tick(self, inputs, n):
        left = inputs[0] if inputs[0] is not None else np.zeros(n)
        right = inputs[1] if len(inputs) > 1 and inputs[1] is not None else self.right
        return [left * right]


class Line(SignalObj):
    """line~: https://docs.cycling74.com/reference/line~ - a number jumps there; ``target time`` ramps
    linearly to the target over ``time`` ms."""

    def __init__(self, box, args):
        super().__init__(box, args)
        self.value, self.target, self.left = 0.0, 0.0, 0

    def inlet(self, k: int, msg: Msg) -> None:
        if k != 0 or msg == BANG:
            return
        if len(msg) >= 2 and float(msg[1]) > 0:
            self.target = float(msg[0])
            self.left = max(1, int(round(float(msg[1]) * self.box.engine.sr / 1000.0)))
        else:
            self.value = self.target = float(msg[0])
            self.left = 0

    def tick(self, inputs, n):
        out = np.full(n, self.value)
        if self.left:
            k = min(n, self.left)
            step = (self.target - self.value) / self.left
            out[:k] = self.value + step * np.arange(1, k + 1)
            out[k:] = self.value + step * k
            self.value += step * k
            self.left -= k
            if not self.left:
                self.value = self.target
                out[k:] = self.target
        return [out, np.zeros(n)]


class Groove(SignalObj):
    """groove~: https://docs.cycling74.com/reference/groove~ - plays a buffer~ at the speed given as a
    signal in the left inlet (1 = the buffer's own rate); a float in the left inlet sets the position in ms;
    ``set name`` switches buffers. The loop: a float in the middle / right inlet, or ``setloop start end``,
    sets its start / end in ms (an end of 0: the end of the buffer); ``loop 1`` turns looping on and goes to
    the loop start, ``startloop`` goes there too; with looping on, reaching the loop end playing forward
    jumps back to the loop start. With looping off it stops at the end of the buffer. ``loopinterp`` (a
    crossfade at the loop point) is not simulated: the patches do not send it."""

    def __init__(self, box, args):
        super().__init__(box, args)
        self.name = str(args[0]) if args else ""
        self.pos = 0.0  # in buffer frames
        self.looping = False
        self.loop_ms = [0.0, 0.0]

    def _rate(self) -> float:
        buf = self.box.engine.buffers.get(self.name)
        return float(buf[1]) if buf else float(self.box.engine.sr)

    def _loop_frames(self, size: int) -> tuple[float, float]:
        rate = self._rate() / 1000.0
        start = min(max(self.loop_ms[0] * rate, 0.0), size - 1.0)
        end = self.loop_ms[1] * rate
        return start, (size - 1.0 if end <= 0 or end > size - 1 else end)

    def inlet(self, k: int, msg: Msg) -> None:
        if k in (1, 2) and msg and isinstance(msg[0], int | float):
            self.loop_ms[k - 1] = float(msg[0])
        elif k != 0 or not msg:
            return
        elif msg[0] == "set" and len(msg) > 1:
            self.name = str(msg[1])
        elif msg[0] == "setloop" and len(msg) > 2:
            self.loop_ms = [float(msg[1]), float(msg[2])]
        elif msg[0] == "loop" and len(msg) > 1:
            self.looping = bool(msg[1])
            if self.looping:
                self.pos = self.loop_ms[0] * self._rate() / 1000.0
        elif msg[0] == "startloop":
            self.pos = self.loop_ms[0] * self._rate() / 1000.0
        elif isinstance(msg[0], int | float):
            self.pos = float(msg[0]) * self._rate() / 1000.0

    def tick(self, inputs, n):
        buf = self.box.engine.buffers.get(self.name)
        speed = inputs[0] if inputs[0] is not None else np.zeros(n)
        if buf is None or buf[0].size < 2:
            return [np.zeros(n), np.zeros(n)]
        data, rate = buf
        steps = speed * rate / self.box.engine.sr
        last = data.size - 1
        if self.looping:
            pos = np.empty(n)
            p, (start, end) = self.pos, self._loop_frames(data.size)
            for j in range(n):  # sample by sample: the wrap lands where it falls
                if end > start and steps[j] > 0 and p >= end:
                    p = start + (p - end) % (end - start)
                pos[j] = p
                p += steps[j]
            self.pos = float(min(p, last)) if n else self.pos
        else:
            pos = self.pos + np.concatenate([[0.0], np.cumsum(steps)[:-1]])
            self.pos = float(min(pos[-1] + steps[-1], last)) if n else self.pos
        inside = (pos >= 0) & (pos < last)
        p = np.clip(pos, 0, last)
        i = np.floor(p).astype(int)
        frac = p - i
        nxt = np.minimum(i + 1, last)
        out = np.where(inside, data[i] * (1 - frac) + data[nxt] * frac, 0.0)
        return [out, np.where(inside, p / max(last, 1), 1.0)]


class PlugIn(SignalObj):
    """plugin~: https://docs.cycling74.com/reference/plugin~ - Live's audio into the device (silence here)."""

    def tick(self, inputs, n):
        return [np.zeros(n), np.zeros(n)]


class PlugOut(SignalObj):
    """plugout~: https://docs.cycling74.com/reference/plugout~ - the device's audio to Live."""

    def __init__(self, box, args):
        super().__init__(box, args)
        self.left: list[np.ndarray] = []

    def tick(self, inputs, n):
        self.left.append(inputs[0] if inputs[0] is not None else np.zeros(n))
        return [np.zeros(n), np.zeros(n)]


class Buffer(Obj):
    """buffer~: https://docs.cycling74.com/reference/buffer~ - ``replace file`` reads the file and takes its
    length and rate; the right outlet bangs when it has loaded. ``clear`` sets every sample to 0 (the size
    stays)."""

    def inlet(self, k: int, msg: Msg) -> None:
        name = str(self.args[0])
        if msg and msg[0] == "clear" and name in self.box.engine.buffers:
            data, rate = self.box.engine.buffers[name]
            self.box.engine.buffers[name] = (np.zeros_like(data), rate)
            return
        if msg and msg[0] in ("replace", "read") and len(msg) > 1:
            try:
                data, rate = sf.read(str(msg[1]), dtype="float64", always_2d=True)
            except (RuntimeError, OSError, sf.LibsndfileError):
                return  # Max prints an error and keeps the old content
            self.box.engine.buffers[str(self.args[0])] = (data[:, 0].copy(), int(rate))
            self.out(1, BANG)


class Info(Obj):
    """info~: https://docs.cycling74.com/reference/info~ - a bang reports the named buffer~'s sample rate
    out of the left outlet and its total time in ms out of the 7th (the rest, AIFF instrument data, is not
    simulated)."""

    def inlet(self, k: int, msg: Msg) -> None:
        buf = self.box.engine.buffers.get(str(self.args[0])) if self.args else None
        if k == 0 and msg == BANG and buf is not None:
            self.out(6, [1000.0 * buf[0].size / buf[1]])
            self.out(0, [float(buf[1])])


class NoteIn(Obj):
    """notein: https://docs.cycling74.com/reference/notein - pitch, velocity, channel (right to left)."""


class Poly(Obj):
    """poly: https://docs.cycling74.com/reference/poly - voice allocation; outlets voice, pitch, velocity
    (right to left); with voice stealing on, a new note takes the oldest voice when all are busy."""

    def __init__(self, box, args):
        super().__init__(box, args)
        self.voices: list[Any] = [None] * int(args[0] if args else 1)
        self.order: list[int] = []
        self.velocity = 0
        self.steal = bool(args[1]) if len(args) > 1 else False

    def _send(self, v: int, pitch: Any, vel: Any) -> None:
        self.out(2, [vel])
        self.out(1, [pitch])
        self.out(0, [v + 1])

    def inlet(self, k: int, msg: Msg) -> None:
        if k == 1:
            self.velocity = msg[0]
            return
        pitch = msg[0]
        if self.velocity:
            free = [i for i, p in enumerate(self.voices) if p is None]
            if not free and not self.steal:
                return
            v = free[0] if free else self.order[0]
            if not free:
                self._send(v, self.voices[v], 0)
                self.order.remove(v)
            self.voices[v] = pitch
            self.order.append(v)
            self._send(v, pitch, self.velocity)
        elif pitch in self.voices:
            v = self.voices.index(pitch)
            self.voices[v] = None
            self.order.remove(v)
            self._send(v, pitch, 0)


class MakeNote(Obj):
    """makenote: https://docs.cycling74.com/reference/makenote - a pitch goes out with the velocity, and a
    note-off follows after the duration (ms)."""

    def __init__(self, box, args):
        super().__init__(box, args)
        self.velocity = args[0] if args else 0
        self.duration = float(args[1]) if len(args) > 1 else 0.0

    def inlet(self, k: int, msg: Msg) -> None:
        if k == 1:
            self.velocity = msg[0]
        elif k == 2:
            self.duration = float(msg[0])
        else:
            pitch = msg[0]
            self.out(1, [self.velocity])
            self.out(0, [pitch])

            def note_off() -> None:
                self.out(1, [0])
                self.out(0, [pitch])

            self.box.engine.after(self.duration, note_off)


class ThisDevice(Obj):
    """live.thisdevice: https://docs.cycling74.com/reference/live.thisdevice - bangs once the device has
    loaded."""

    def loadbang(self) -> None:
        self.out(0, BANG)


class Parameter(Obj):
    """live.menu / live.dial: https://docs.cycling74.com/reference/live.menu, .../live.dial - a Live
    parameter; a bang outputs its value (live.menu: index left, item middle), an int sets and outputs it."""

    def __init__(self, box, args):
        super().__init__(box, args)
        valueof = box.raw.get("saved_attribute_attributes", {}).get("valueof", {})
        self.items = valueof.get("parameter_enum", [])
        name = box.raw.get("varname", "")
        initial = (valueof.get("parameter_initial") or [0])[0]
        self.value = box.engine.params.get(name, initial)
        if self.items and isinstance(self.value, str):
            self.value = self.items.index(self.value)

    def inlet(self, k: int, msg: Msg) -> None:
        if msg != BANG:
            self.value = msg[0]
        if self.items:
            self.out(1, [self.items[int(self.value)]])
            self.out(0, [int(self.value)])
        else:
            self.out(0, [float(self.value)])


class LiveText(Parameter):
    """live.text: https://docs.cycling74.com/reference/live.text - as a Live parameter (a toggle, mode 1) its
    left outlet sends its value, 0 or 1. Live outputs it at load only when it has an initial value: a
    momentary button without one stays silent."""

    def __init__(self, box, args):
        super().__init__(box, args)
        valueof = box.raw.get("saved_attribute_attributes", {}).get("valueof", {})
        self.restored = bool(valueof.get("parameter_initial_enable")) or box.raw.get("varname") in box.engine.params

    def inlet(self, k: int, msg: Msg) -> None:
        if msg == BANG and not self.restored:
            return
        if msg != BANG:
            self.value, self.restored = msg[0], True
        self.out(0, [int(self.value)])


class LivePath(Obj):
    """live.path: https://docs.cycling74.com/reference/live.path - ``path ...`` answers ``id N``."""

    def inlet(self, k: int, msg: Msg) -> None:
        if msg and msg[0] == "path":
            self.out(0, ["id", 1])


class LiveObject(Obj):
    """live.object: https://docs.cycling74.com/reference/live.object - ``get name`` of the object whose id
    came in the right inlet answers ``name <value>`` (here: the simulated Live track's name)."""

    def inlet(self, k: int, msg: Msg) -> None:
        if k == 0 and msg[:2] == ["get", "name"]:
            self.out(0, ["name", self.box.engine.live_track])


class Button(Obj):
    """button: https://docs.cycling74.com/reference/button - anything in, a bang out."""

    def inlet(self, k: int, msg: Msg) -> None:
        self.out(0, BANG)
