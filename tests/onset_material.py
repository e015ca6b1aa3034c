"""Percussion test material with exact onsets: GM drum sequences written with mido, rendered with fluidsynth
(FluidR3_GM, channel 10) and mixed over ESC-50 background clips (rain, wind, ...) at a chosen level.

Used by the onset tests and by ``bench/bench_onsets.py``. Needs the ``fluidsynth`` program and the GM SoundFont.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
BACKGROUNDS = ("rain", "wind", "sea_waves", "crackling_fire", "engine", "crickets")
#: GM percussion keys used: kicks, snares, claps, hats, toms, cowbell, clave, wood blocks, congas, ride.
DRUM_KEYS = (35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 50, 51, 54, 56, 60, 61, 62, 63, 64, 75, 76, 77)
MERGE_S = 0.03  # notes closer than this sound as one onset
FLUID_LATENCY_S = 0.0064  # fluidsynth output starts this long after the MIDI time (measured on isolated hits)


@dataclass(frozen=True)
class Sequence:
    """A rendered mix: mono float32 ``audio`` at ``sr`` and its onset times in seconds."""

    audio: np.ndarray
    sr: int
    onsets: np.ndarray
    name: str


def available() -> bool:
    return shutil.which("fluidsynth") is not None and SOUNDFONT.is_file()


def write_midi(path: Path, rng: np.random.Generator, seconds: float = 8.0) -> np.ndarray:
    """A random drum sequence on channel 10; returns the unique onset times (s), merged within ``MERGE_S``."""
    import mido

    bpm = float(rng.uniform(70, 170))
    tpb = 480
    mid = mido.MidiFile(ticks_per_beat=tpb)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    tempo = mido.bpm2tempo(bpm)
    track.append(mido.MetaMessage("set_tempo", tempo=tempo, time=0))
    step = tpb // 4  # sixteenths
    density = rng.uniform(0.2, 0.6)
    events: list[tuple[int, int, int]] = []  # (tick, key, velocity)
    tick = int(rng.integers(0, 2 * step)) + step
    end_tick = int(mido.second2tick(seconds - 0.8, tpb, tempo))
    while tick < end_tick:
        if rng.random() < density:
            for _ in range(1 if rng.random() < 0.75 else 2):
                jitter = int(rng.integers(-12, 13))
                events.append((max(0, tick + jitter), int(rng.choice(DRUM_KEYS)), int(rng.integers(25, 128))))
        tick += step
    events.sort()
    msgs = []
    for t, key, vel in events:
        msgs.append((t, mido.Message("note_on", channel=9, note=key, velocity=vel)))
        msgs.append((t + step, mido.Message("note_off", channel=9, note=key, velocity=0)))
    msgs.sort(key=lambda m: m[0])
    now = 0
    for t, msg in msgs:
        track.append(msg.copy(time=t - now))
        now = t
    mid.save(str(path))
    times = np.array(sorted(mido.tick2second(t, tpb, tempo) for t, _, _ in events))
    if times.size == 0:
        return times
    keep = [times[0]]
    for t in times[1:]:
        if t - keep[-1] >= MERGE_S:
            keep.append(t)
    return np.array(keep)


def render_midi(midi: Path, wav: Path, sr: int) -> np.ndarray:
    subprocess.run(
        ["fluidsynth", "-ni", "-g", "0.8", "-r", str(sr), "-F", str(wav), str(SOUNDFONT), str(midi)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    y, rate = sf.read(str(wav), dtype="float32", always_2d=True)
    assert rate == sr
    return y.mean(axis=1)


def background_files(esc50: Path) -> list[Path]:
    with open(esc50 / "esc50.csv") as fh:
        rows = [r for r in csv.DictReader(fh) if r["category"] in BACKGROUNDS]
    return sorted(esc50 / "audio" / r["filename"] for r in rows)


def make_sequence(
    seed: int, workdir: Path, esc50: Path, sr: int = 22050, seconds: float = 8.0, snr_db: float | None = None
) -> Sequence:
    """Render sequence ``seed`` and mix it over a background clip at ``snr_db`` (random 6-30 dB when None)."""
    import soxr

    rng = np.random.default_rng(seed)
    workdir.mkdir(parents=True, exist_ok=True)
    midi = workdir / f"seq{seed}.mid"
    onsets = write_midi(midi, rng, seconds)
    drums = render_midi(midi, workdir / f"seq{seed}.wav", sr)
    onsets = onsets + FLUID_LATENCY_S
    files = background_files(esc50)
    bg_path = files[int(rng.integers(len(files)))]
    bg, rate = sf.read(str(bg_path), dtype="float32", always_2d=True)
    bg = soxr.resample(bg.mean(axis=1), rate, sr).astype(np.float32)
    if not np.any(np.abs(bg) > 1e-4):
        bg = np.random.default_rng(seed).normal(0, 0.01, sr).astype(np.float32)
    bg = np.tile(bg, int(np.ceil(drums.size / bg.size)) + 1)[: drums.size]
    snr = float(rng.uniform(6, 30)) if snr_db is None else snr_db
    rms = lambda x: float(np.sqrt(np.mean(np.square(x, dtype=np.float64))) + 1e-12)  # noqa: E731
    mix = drums + bg * (rms(drums) / rms(bg)) * 10 ** (-snr / 20)
    mix = mix / max(1.0, float(np.max(np.abs(mix))) / 0.9)
    return Sequence(mix.astype(np.float32), sr, onsets, f"seq{seed}-{bg_path.stem}-snr{snr:.0f}")


def render_note(workdir: Path, key: int, seconds: float = 1.5, program: int = 0, sr: int = 22050) -> np.ndarray:
    """One note rendered with fluidsynth: a GM ``program`` on channel 1, or a drum ``key`` when ``program`` < 0."""
    import mido

    channel = 9 if program < 0 else 0
    mid = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    if program >= 0:
        track.append(mido.Message("program_change", channel=channel, program=program, time=0))
    track.append(mido.Message("note_on", channel=channel, note=key, velocity=100, time=10))
    ticks = int(mido.second2tick(seconds, 480, 500000))
    track.append(mido.Message("note_off", channel=channel, note=key, velocity=0, time=ticks))
    name = f"note-p{program}-k{key}"
    workdir.mkdir(parents=True, exist_ok=True)
    mid.save(str(workdir / f"{name}.mid"))
    return render_midi(workdir / f"{name}.mid", workdir / f"{name}.wav", sr).astype(np.float32)
