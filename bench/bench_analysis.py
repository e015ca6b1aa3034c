"""Benchmark: analysis of one 5-second clip, one core, after warm-up, against the paper's pipeline.

Ours: soundfile + soxr load → trim → log-mel → int8 TFLite (LiteRT) → YIN pitch.
Baseline (as the original paper describes it): librosa.load at 22.05 kHz, librosa.pyin for pitch,
Keras ``model.predict`` on the same MobileNetV2 in float32. Needs the ``train`` extra for the baseline.

    python bench/bench_analysis.py [--runs 50] [--baseline-runs 5] [--no-baseline]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(var, "1")
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

from exsampling_osc.compiled_cache import configure_numba_cache  # noqa: E402

configure_numba_cache()


def timed(fn, runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def make_clip(folder: Path) -> Path:
    """5 s at 44.1 kHz (a phone's rate): a pitched tone over light noise."""
    sr = 44100
    t = np.arange(5 * sr) / sr
    rng = np.random.default_rng(0)
    y = 0.4 * np.sin(2 * np.pi * 392 * t) * np.exp(-0.3 * t) + 0.02 * rng.standard_normal(t.size)
    path = folder / "clip.wav"
    sf.write(path, y.astype(np.float32), sr)
    return path


def ours(path: Path, runs: int) -> dict:
    from exsampling_osc.analysis import Analyzer
    from exsampling_osc.analysis.audio import load_audio, trim_silence
    from exsampling_osc.analysis.pipeline import prepare_window
    from exsampling_osc.analysis.pitch import estimate_pitch

    an = Analyzer()
    sr, params = an.sample_rate, an.params
    y = load_audio(path, sr)
    trimmed, _ = trim_silence(y)
    img = prepare_window(trimmed, params)
    parts = {
        "load": timed(lambda: load_audio(path, sr), runs),
        "trim": timed(lambda: trim_silence(y), runs),
        "log-mel": timed(lambda: prepare_window(trimmed, params), runs),
        "classify": timed(lambda: an.classifier.predict(img), runs),
        "pitch (yin)": timed(lambda: estimate_pitch(trimmed, sr), runs),
    }
    total = timed(lambda: an.analyse_file(path), runs)
    return {"parts": {k: statistics.median(v) for k, v in parts.items()}, "total": statistics.median(total)}


def baseline(path: Path, runs: int) -> dict:
    import librosa

    from exsampling_osc.analysis.classify import ModelInfo
    from exsampling_osc.analysis.features import log_mel
    from exsampling_osc.resources import default_model_dir
    from exsampling_osc.training.model import build_model

    info = ModelInfo.read(default_model_dir())
    params = info.features
    model = build_model((params.n_mels, params.frames, 1), len(info.labels))

    def run():
        y, sr = librosa.load(path, sr=22050)
        window = np.resize(y, params.samples)
        img = log_mel(window, params)
        model.predict(img[None, :, :, None], verbose=0)
        librosa.pyin(y, fmin=librosa.note_to_hz("C2"), fmax=librosa.note_to_hz("C7"), sr=sr)

    return {"total": statistics.median(timed(run, runs, warmup=1))}


def cold_start(path: Path, runs: int = 3) -> float:
    """Wall time of ``exsampling classify one.wav`` in a fresh process (numba cache warm)."""
    cmd = [sys.executable, "-m", "exsampling_osc", "classify", str(path)]
    subprocess.run(cmd, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--baseline-runs", type=int, default=5)
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = make_clip(Path(tmp))
        res = ours(path, args.runs)
        print(f"ours, one 5 s clip, one core, median of {args.runs}: {res['total']:.2f} ms (target ≤ 20 ms)")
        for name, ms in res["parts"].items():
            print(f"  {name:12s} {ms:7.2f} ms")
        if not args.no_baseline:
            base = baseline(path, args.baseline_runs)
            print(
                f"paper pipeline (librosa.load + pyin + Keras float predict), median of "
                f"{args.baseline_runs}: {base['total']:.1f} ms"
            )
            print(f"speed-up: {base['total'] / res['total']:.1f}x (target ≥ 40x)")
        print(f"cold start, `exsampling classify one.wav` (warm install): {cold_start(path):.2f} s")


if __name__ == "__main__":
    main()
