"""Measure the speech flag: true-positive rate on espeak-ng speech, false-positive rate on ESC-50 clips.

    python bench/vad_rates.py [--esc50 DIR] [--clips N] [--vad ten|webrtc] [--mode 3] [--share 0.5]

Speech: sentences rendered by espeak-ng in several voices and speeds, some with room-like noise added.
Non-speech: ESC-50 clips (every class, including human non-speech sounds such as coughing and laughing).
Writes nothing; prints the rates and the per-class false positives.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import soundfile as sf

from exsampling_osc.analysis.moderation import THRESHOLDS, moderation_flags

SENTENCES = [
    "Hello, this is my sound for the show tonight.",
    "My name is Yuki and I live near the station.",
    "Can you hear me? One, two, three, testing.",
    "The weather is lovely today, let's go to the park.",
    "I am recording this on my phone in the hall.",
    "Please call me back at home after nine.",
]
VOICES = ["en", "en-us", "en+f3", "ja", "fr", "de"]


def espeak(text: str, voice: str, speed: int) -> tuple[np.ndarray, int]:
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(speed), "-w", f.name, text], check=True, capture_output=True
        )
        y, sr = sf.read(f.name, dtype="float32")
    return y, sr


def speech_clips(rng) -> list[tuple[np.ndarray, int]]:
    out = []
    for i, text in enumerate(SENTENCES):
        for voice in VOICES:
            y, sr = espeak(text, voice, 140 + 20 * (i % 3))
            out.append((y, sr))
            noisy = y + rng.normal(0, 0.02, y.size).astype(np.float32)  # about 20 dB SNR hiss
            out.append((noisy, sr))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--esc50", default="/work/shared/datasets/esc50")
    ap.add_argument("--clips", type=int, default=400, help="ESC-50 clips to use (every 4th of the list)")
    ap.add_argument("--vad", default=THRESHOLDS["vad"], choices=["ten", "webrtc"])
    ap.add_argument("--mode", type=int, default=THRESHOLDS["vad_mode"])
    ap.add_argument("--share", type=float, default=THRESHOLDS["speech_share"])
    a = ap.parse_args()
    t = {"vad": a.vad, "vad_mode": a.mode, "speech_share": a.share}
    rng = np.random.default_rng(0)
    speech = speech_clips(rng)
    tp = sum(moderation_flags(y, sr, t).speech for y, sr in speech)
    root = Path(a.esc50)
    rows = list(csv.DictReader(open(root / "esc50.csv")))
    step = max(1, len(rows) // a.clips)
    rows = rows[::step][: a.clips]
    fp, per_class, silent = 0, Counter(), 0
    for r in rows:
        y, sr = sf.read(root / "audio" / r["filename"], dtype="float32")
        y = y if y.ndim == 1 else y.mean(axis=1)
        f = moderation_flags(y, sr, t)
        silent += f.near_silent
        if f.speech:
            fp += 1
            per_class[r["category"]] += 1
    print(
        f"{a.vad} (webrtc mode {a.mode}), share {a.share}: "
        f"speech flagged {tp}/{len(speech)} = {tp / len(speech):.1%} (TPR); "
        f"ESC-50 flagged as speech {fp}/{len(rows)} = {fp / len(rows):.1%} (FPR); near-silent {silent}"
    )
    print("false positives by class:", dict(per_class.most_common()))


if __name__ == "__main__":
    main()
