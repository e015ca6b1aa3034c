"""Benchmark: composer generation without TensorFlow, and the reference sampler's render speed.

- cold start: a fresh process running ``exsampling compose generate`` (numpy decoder) against a fresh
  process that imports TensorFlow/Keras, builds the VAE with the same weights and runs it once;
- warm: ``phrase_at`` per call (numpy decoder + .mid write) and the numpy decode alone;
- render: a soundscape of one phrase (melody + percussion + ambience), seconds of CPU per second of audio.

    python bench/bench_composer.py [--runs 200] [--cold-runs 3]
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

import numpy as np  # noqa: E402

from exsampling_osc.composer.decoder import Decoder  # noqa: E402
from exsampling_osc.composer.live import default_composer_dir, phrase_at  # noqa: E402
from exsampling_osc.composer.pad import PadMap  # noqa: E402
from exsampling_osc.composer.soundscape import render_soundscape  # noqa: E402
from exsampling_osc.sampler import SampleVoice  # noqa: E402

KERAS_COLD = """
import sys, numpy as np, keras
from exsampling_osc.composer.decoder import Decoder
from exsampling_osc.composer.train import load_weights
from exsampling_osc.composer.vae import VaeShape, build_vae, decoder_inputs
d = Decoder.load(sys.argv[1])
vae, _, _ = build_vae(VaeShape(d.steps, d.vocab, d.latent_dim, gru=d.meta['settings']['gru']))
load_weights(vae, d.weights)
tok = np.zeros((1, d.steps), np.int32)
print(vae.predict([tok, *decoder_inputs(tok, d.vocab)], verbose=0).argmax(-1).tolist())
"""


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--cold-runs", type=int, default=3)
    args = ap.parse_args()
    model = default_composer_dir()
    dec = Decoder.load(model)
    out = Path(tempfile.mkdtemp())

    cold_np = [
        timed(
            [
                sys.executable,
                "-m",
                "exsampling_osc",
                "compose",
                "generate",
                "--x",
                "0",
                "--y",
                "0",
                "--out-dir",
                str(out),
            ]
        )
        for _ in range(args.cold_runs)
    ]
    cold_tf = [timed([sys.executable, "-c", KERAS_COLD, str(model)]) for _ in range(args.cold_runs)]
    print(
        f"cold start, median of {args.cold_runs}: numpy generate {statistics.median(cold_np):.2f} s; "
        f"TensorFlow/Keras decode {statistics.median(cold_tf):.2f} s "
        f"(x{statistics.median(cold_tf) / statistics.median(cold_np):.1f})"
    )

    rng = np.random.default_rng(0)
    points = rng.uniform(-1, 1, (args.runs, 2))
    phrase_at(0, 0, None, out)  # warm
    t0 = time.perf_counter()
    for x, y in points:
        phrase_at(float(x), float(y), None, out)
    ours = (time.perf_counter() - t0) / args.runs
    pad = PadMap.from_arrays(dec.weights)
    t0 = time.perf_counter()
    for x, y in points:
        dec.decode(pad.latent(float(x), float(y))[None])
    decode_only = (time.perf_counter() - t0) / args.runs
    print(
        f"warm, per phrase ({dec.steps} steps, autoregressive): phrase_at (decode + .mid) {ours * 1000:.2f} ms, "
        f"numpy decode only {decode_only * 1000:.3f} ms"
    )

    sr = 44100
    t = np.arange(sr) / sr
    mel = SampleVoice((0.4 * np.sin(2 * np.pi * 440 * t) * np.exp(-3 * t)).astype(np.float32), sr, 69.0)
    perc = SampleVoice(
        (rng.uniform(-1, 1, 4000) * np.exp(-np.arange(4000) / 400)).astype(np.float32), sr, 60.0, "percussive"
    )
    amb = SampleVoice(rng.normal(0, 0.05, 3 * sr).astype(np.float32), sr, 60.0, "percussive")
    phrase = phrase_at(0.3, 0.3, None, out)
    runs = 5
    t0 = time.perf_counter()
    for _ in range(runs):
        wav = render_soundscape(phrase.notes, 120.0, out / "s.wav", mel, [perc], [amb], phrase.length_beats, sr)
    render = (time.perf_counter() - t0) / runs
    seconds = phrase.length_beats * 0.5
    print(
        f"render: {len(phrase.notes)} notes, {seconds:.1f} s of audio at {sr} Hz in {render * 1000:.0f} ms "
        f"({seconds / render:.0f}x real time); {wav}"
    )


if __name__ == "__main__":
    main()
