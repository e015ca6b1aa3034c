"""Sounds of no ESC-50 class, made here, for the open-set bench: speech, babble, music, tones, noise, beeps.

- speech: espeak-ng sentences in several languages and voices;
- babble: four to eight of those voices at once (a crowd, a bar);
- music: random melodies over chords rendered with fluidsynth and the FluidR3 GM SoundFont (piano, guitar,
  organ, strings, brass, reeds, flute, bass, choir, synth pads), one or two instruments;
- tones: sines (a 440 Hz sine among them), chords of sines, square and sawtooth waves, sweeps;
- noise: white, pink and brown; beeps: UI-like tone bursts.

Each clip is 5 s at 22.05 kHz, made from its seed alone (``make_clip(kind, seed, workdir)``), so a tuning set
and a held-out set are disjoint seed ranges. Needs the ``espeak-ng`` and ``fluidsynth`` programs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.onset_material import SOUNDFONT, render_midi  # noqa: E402

SR = 22050
SECONDS = 5.0
KINDS = ("speech", "babble", "music", "tones", "noise", "beeps")
VOICES = ("en", "en-us", "de", "fr", "es", "it", "nl", "pt", "pl", "sv")
VARIANTS = ("", "+m3", "+f2", "+f4", "+m7", "+klatt")
WORDS = (
    "the show starts at nine tonight please take your seats and switch your phones to silent mode "
    "we recorded the sound of the city and made it into music one two three four can you hear me "
    "this is a test of the system thank you very much for coming see you next week"
).split()
#: GM programs for melodies: piano, e-piano, organ, guitars, bass, strings, choir, brass, reeds, flute, pads.
PROGRAMS = (0, 4, 16, 19, 24, 26, 33, 40, 48, 52, 56, 61, 65, 68, 71, 73, 80, 88, 89)


def available() -> bool:
    return bool(shutil.which("espeak-ng") and shutil.which("fluidsynth") and SOUNDFONT.is_file())


def make_clip(kind: str, seed: int, workdir: Path) -> np.ndarray:
    """One 5 s clip of ``kind`` (one of :data:`KINDS`) from ``seed``, mono float32 at 22.05 kHz, peak 0.5-0.9."""
    rng = np.random.default_rng([KINDS.index(kind), seed])
    workdir.mkdir(parents=True, exist_ok=True)
    y = {"speech": _speech, "babble": _babble, "music": _music, "tones": _tones, "noise": _noise, "beeps": _beeps}[
        kind
    ](rng, workdir)
    n = int(SR * SECONDS)
    y = np.resize(y, n) if y.size < n // 2 else np.pad(y, (0, max(0, n - y.size)))[:n]
    peak = float(np.max(np.abs(y))) or 1.0
    return (y / peak * rng.uniform(0.5, 0.9)).astype(np.float32)


def _speech(rng: np.random.Generator, workdir: Path) -> np.ndarray:
    voice = str(rng.choice(VOICES)) + str(rng.choice(VARIANTS))
    text = " ".join(rng.choice(WORDS, size=int(rng.integers(10, 18))))
    wav = workdir / f"speech-{rng.integers(1 << 30)}.wav"
    speed = str(int(rng.integers(130, 200)))
    pitch = str(int(rng.integers(20, 80)))
    subprocess.run(["espeak-ng", "-v", voice, "-s", speed, "-p", pitch, "-w", str(wav), text], check=True, timeout=60)
    y, rate = sf.read(str(wav), dtype="float32", always_2d=True)
    import soxr

    return soxr.resample(y.mean(axis=1), rate, SR).astype(np.float32)


def _babble(rng: np.random.Generator, workdir: Path) -> np.ndarray:
    n = int(SR * SECONDS)
    out = np.zeros(n, np.float32)
    for _ in range(int(rng.integers(4, 9))):
        v = _speech(rng, workdir)
        start = int(rng.integers(0, n // 3))
        v = v[: n - start]
        out[start : start + v.size] += v / (float(np.max(np.abs(v))) or 1.0) * rng.uniform(0.3, 1.0)
    return out


def _music(rng: np.random.Generator, workdir: Path) -> np.ndarray:
    import mido

    mid = mido.MidiFile(ticks_per_beat=480)
    bpm = float(rng.uniform(70, 150))
    beat = 480
    root = int(rng.integers(48, 60))
    scale = np.array([0, 2, 4, 5, 7, 9, 11] if rng.random() < 0.6 else [0, 2, 3, 5, 7, 8, 10])
    end = int(mido.second2tick(SECONDS + 0.5, 480, mido.bpm2tempo(bpm)))
    parts = [(0, int(rng.choice(PROGRAMS)), "melody")]
    if rng.random() < 0.7:
        parts.append((1, int(rng.choice(PROGRAMS)), "chords"))
    for channel, program, role in parts:
        track = mido.MidiTrack()
        mid.tracks.append(track)
        track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0))
        track.append(mido.Message("program_change", channel=channel, program=program, time=0))
        events: list[tuple[int, str, int]] = []
        t = 0
        while t < end:
            if role == "melody":
                length = int(rng.choice([beat // 2, beat, beat, 2 * beat, beat // 4]))
                keys = [root + 12 + int(rng.choice(scale)) + 12 * int(rng.integers(0, 2))]
            else:
                length = 2 * beat
                degree = int(rng.integers(0, 7))
                keys = [root + int(scale[(degree + k) % 7]) + 12 * ((degree + k) // 7) for k in (0, 2, 4)]
            vel = int(rng.integers(60, 110))
            for k in keys:
                events += [(t, "note_on", k), (t + length - 10, "note_off", k)]
            t += length
        now = 0
        for when, kind, key in sorted(events):
            track.append(mido.Message(kind, channel=channel, note=key, velocity=vel, time=when - now))
            now = when
    name = f"music-{rng.integers(1 << 30)}"
    mid.save(str(workdir / f"{name}.mid"))
    return render_midi(workdir / f"{name}.mid", workdir / f"{name}.wav", SR)


def _tones(rng: np.random.Generator, workdir: Path) -> np.ndarray:
    t = np.arange(int(SR * SECONDS)) / SR
    f0 = 440.0 if rng.random() < 0.15 else float(110 * 2 ** rng.uniform(0, 4))
    shape = rng.choice(["sine", "chord", "square", "saw", "sweep"])
    if shape == "chord":
        return sum(np.sin(2 * np.pi * f0 * r * t) for r in (1.0, 1.26, 1.5))
    if shape == "square":
        return np.sign(np.sin(2 * np.pi * f0 * t)) * 0.5
    if shape == "saw":
        return 2 * (t * f0 % 1.0) - 1
    if shape == "sweep":
        f1 = f0 * 2 ** rng.uniform(-2, 2)
        return np.sin(2 * np.pi * np.cumsum(np.geomspace(f0, f1, t.size)) / SR)
    return np.sin(2 * np.pi * f0 * t)


def _noise(rng: np.random.Generator, workdir: Path) -> np.ndarray:
    n = int(SR * SECONDS)
    white = rng.standard_normal(n)
    colour = rng.choice(["white", "pink", "brown"])
    if colour == "white":
        return white
    spec = np.fft.rfft(white)
    f = np.maximum(np.fft.rfftfreq(n, 1 / SR), 1.0)
    return np.fft.irfft(spec / (np.sqrt(f) if colour == "pink" else f), n)


def _beeps(rng: np.random.Generator, workdir: Path) -> np.ndarray:
    n = int(SR * SECONDS)
    out = np.zeros(n)
    t0 = 0
    while t0 < n:
        dur = int(SR * rng.uniform(0.05, 0.3))
        f = float(rng.choice([440, 660, 880, 1000, 1200, 1760, 2000]))
        seg = np.sin(2 * np.pi * f * np.arange(dur) / SR) * np.hanning(dur) ** 0.2
        out[t0 : t0 + dur] += seg[: n - t0]
        t0 += dur + int(SR * rng.uniform(0.05, 0.8))
    return out
