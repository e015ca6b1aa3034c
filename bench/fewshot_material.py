"""Recordings made here for the few-shot bench: 21 sounds of no ESC-50 class, rooms and phones.

- 7 words spoken by espeak-ng (voice, speed and pitch vary per recording),
- 7 General MIDI instruments rendered by fluidsynth (FluidR3_GM; notes, register and rhythm vary),
- 7 synthesized sounds: knocks, clicks, metal pings, whistles, buzzers, shakers, bubbles,

each passed through a simulated room (pyroomacoustics image-source shoebox, room chosen by the caller) and a
simulated phone (low cut, a resonance, band limit, gain, noise, soft clipping). All at 22050 Hz mono.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy import signal

SR = 22050
SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
WORDS = ["hello", "coffee", "banana", "seven", "window", "tram", "bingo"]
INSTRUMENTS = {"piano": 0, "marimba": 12, "organ": 19, "guitar": 24, "violin": 40, "trumpet": 56, "flute": 73}
SYNTHS = ["knock", "click", "ping", "whistle", "buzzer", "shaker", "bubbles"]
LABELS = WORDS + list(INSTRUMENTS) + SYNTHS
VOICES = ["en", "en-us", "en+f3", "en+m3", "en-gb-scotland", "en+f2", "en+m7", "en-029", "en+f4", "en+m1"]
#: Rooms: (size in m, RT60 in s). Room A and B are the "teach here, play there" pair.
ROOMS = {
    "A": ([4.0, 3.5, 2.7], 0.35),
    "B": ([9.0, 6.0, 3.2], 0.7),
    "C": ([3.0, 2.5, 2.4], 0.2),
    "D": ([6.0, 5.0, 3.0], 0.5),
}


def speech(word: str, take: int, rng: np.random.Generator) -> np.ndarray:
    """``word`` said by espeak-ng 1-3 times with a voice, speed and pitch chosen from ``take`` and ``rng``."""
    voice = VOICES[take % len(VOICES)]
    text = " ... ".join([word] * int(rng.integers(1, 4)))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "w.wav"
        subprocess.run(
            [
                "espeak-ng",
                "-v",
                voice,
                "-s",
                str(int(rng.integers(120, 200))),
                "-p",
                str(int(rng.integers(25, 75))),
                "-w",
                str(out),
                text,
            ],
            check=True,
        )
        return _read(out)


def instrument(program: int, take: int, rng: np.random.Generator) -> np.ndarray:
    """2-5 notes of a GM ``program`` rendered with fluidsynth: register, rhythm and velocity vary."""
    import mido

    mid = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track.append(mido.Message("program_change", program=program, time=0))
    base = int(rng.integers(48, 72))
    for _ in range(int(rng.integers(2, 6))):
        note = base + int(rng.choice([0, 2, 4, 5, 7, 9, 12]))
        length = int(rng.choice([240, 480, 960]))
        track.append(mido.Message("note_on", note=note, velocity=int(rng.integers(60, 120)), time=0))
        track.append(mido.Message("note_off", note=note, velocity=0, time=length))
    with tempfile.TemporaryDirectory() as tmp:
        mid_path, wav = Path(tmp) / "n.mid", Path(tmp) / "n.wav"
        mid.save(str(mid_path))
        subprocess.run(
            ["fluidsynth", "-ni", "-q", "-g", "0.8", "-r", str(SR), "-F", str(wav), SOUNDFONT, str(mid_path)],
            check=True,
            capture_output=True,
        )
        return _read(wav)


def synth(kind: str, take: int, rng: np.random.Generator) -> np.ndarray:
    """A synthesized sound of ``kind`` (one of :data:`SYNTHS`), 2-4 s long; ``rng`` varies its details."""
    seconds = float(rng.uniform(2.0, 4.0))
    n = int(seconds * SR)
    t = np.arange(n) / SR
    y = np.zeros(n)
    if kind in ("knock", "click", "ping"):
        spec = {
            "knock": (rng.uniform(150, 300), 3, 0.04),
            "click": (rng.uniform(2000, 4000), 2, 0.004),
            "ping": (rng.uniform(900, 1600), 4, 0.6),
        }[kind]
        f0, modes, decay = spec
        count = int(rng.integers(2, 6))
        for onset in np.sort(rng.uniform(0, seconds - 0.7, count)):
            tt = t[t >= onset] - onset
            ratios = [1.0, 2.32, 4.25, 6.63] if kind == "ping" else [1.0, 1.6, 2.7]
            hit = sum(
                np.sin(2 * np.pi * f0 * r * tt) * np.exp(-tt / (decay / (1 + i))) for i, r in enumerate(ratios[:modes])
            )
            burst = rng.standard_normal(tt.size) * np.exp(-tt / 0.003) * (0.5 if kind == "knock" else 0.2)
            y[t >= onset] += hit + burst
    elif kind == "whistle":
        f = rng.uniform(1000, 2200) * (1 + 0.02 * np.sin(2 * np.pi * rng.uniform(4, 7) * t))
        y = np.sin(2 * np.pi * np.cumsum(f) / SR) * np.minimum(1, np.minimum(t, seconds - t) * 8)
    elif kind == "buzzer":
        on = np.floor(t * rng.uniform(1.5, 3.0)) % 2 == 0
        y = signal.square(2 * np.pi * rng.uniform(180, 320) * t) * on * 0.5
    elif kind == "shaker":
        rate = rng.uniform(4, 9)
        env = np.maximum(0, np.sin(2 * np.pi * rate * t)) ** 4
        sos = signal.butter(4, [4000, 9000], "bandpass", fs=SR, output="sos")
        y = signal.sosfilt(sos, rng.standard_normal(n)) * env
    elif kind == "bubbles":
        for onset in rng.uniform(0, seconds - 0.1, int(rng.integers(8, 20))):
            tt = t[(t >= onset) & (t < onset + 0.08)] - onset
            f = rng.uniform(400, 1200) * (1 + 8 * tt)
            y[(t >= onset) & (t < onset + 0.08)] += np.sin(2 * np.pi * np.cumsum(f) / SR) * np.exp(-tt / 0.02)
    else:
        raise ValueError(kind)
    return (y / (np.abs(y).max() + 1e-9) * 0.8).astype(np.float32)


def dry(label: str, take: int, seed: int = 0) -> np.ndarray:
    """The dry sound ``take`` of ``label`` (deterministic for a given ``seed``)."""
    rng = np.random.default_rng([seed, LABELS.index(label), take])
    if label in WORDS:
        return speech(label, take, rng)
    if label in INSTRUMENTS:
        return instrument(INSTRUMENTS[label], take, rng)
    return synth(label, take, rng)


def room_response(room: str, rng: np.random.Generator) -> np.ndarray:
    """A room impulse response of ``room`` (see :data:`ROOMS`) for random source and phone positions."""
    import pyroomacoustics as pra

    size, rt60 = ROOMS[room]
    absorption, order = pra.inverse_sabine(rt60, size)
    shoebox = pra.ShoeBox(size, fs=SR, materials=pra.Material(absorption), max_order=min(order, 12))
    size_arr = np.array(size)
    src = rng.uniform(0.5, size_arr - 0.5)
    mic = np.clip(src + rng.uniform(-1.5, 1.5, 3), 0.3, size_arr - 0.3)
    shoebox.add_source(src)
    shoebox.add_microphone(mic)
    shoebox.compute_rir()
    rir = np.asarray(shoebox.rir[0][0], dtype=np.float64)
    return rir / np.abs(rir).max()


def phone(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A phone microphone: low cut 120-300 Hz, a resonance, band limit 7-10 kHz, level, noise, soft clipping."""
    sos = signal.butter(2, rng.uniform(120, 300), "highpass", fs=SR, output="sos")
    y = signal.sosfilt(sos, y)
    b, a = signal.iirpeak(rng.uniform(1500, 4000), Q=rng.uniform(1.5, 4), fs=SR)
    y = y + 0.5 * signal.lfilter(b, a, y)
    y = signal.sosfilt(signal.butter(6, rng.uniform(7000, 10000), "lowpass", fs=SR, output="sos"), y)
    y = y / (np.abs(y).max() + 1e-9) * rng.uniform(0.3, 1.2)
    y = y + rng.standard_normal(y.size) * 10 ** (-rng.uniform(35, 50) / 20) * np.abs(y).max()
    return np.tanh(y * 1.2).astype(np.float32) / np.float32(np.tanh(1.2))


def recorded(y: np.ndarray, room: str, seed: int) -> np.ndarray:
    """``y`` as a phone in ``room`` hears it (a new source/phone position for each ``seed``)."""
    rng = np.random.default_rng([seed, ord(room)])
    wet = signal.fftconvolve(y, room_response(room, rng))[: y.size + SR // 2]
    return phone(wet, rng)


def in_bench_room(y: np.ndarray, i: int, seed: int = 0) -> np.ndarray:
    """Clip ``i`` of a set as a phone hears it in one of the four rooms (``"ABCD"[i % 4]``, seed ``seed + i``),
    cut to its own length: how bench_rooms and bench_openset play a set through the rooms."""
    return recorded(y, "ABCD"[i % 4], seed=seed + i)[: y.size]


def _read(path: Path) -> np.ndarray:
    from exsampling_osc.analysis.audio import to_mono_rate

    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    y = to_mono_rate(data, rate, SR)
    return y / (np.abs(y).max() + 1e-9) * 0.8
