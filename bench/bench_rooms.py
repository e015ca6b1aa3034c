"""How a classifier holds up in rooms: one ESC-50 fold, clean and as phones in four simulated rooms hear it.

Each clip of the fold is played in one of the rooms A-D of ``bench/fewshot_material.py`` (pyroomacoustics
shoeboxes, RT60 0.2-0.7 s, a new source and phone position per clip) and heard by its simulated phone, then
analysed exactly as serving does (trim, loop, log-mel with the model's own parameters, three crops averaged,
int8 TFLite). Prints top-1 accuracy on the clean clips, the clips low-passed at 7.5 kHz and the room copies,
and how many go to the right track.

Run: .venv/bin/python bench/bench_rooms.py --model models/esc50 --fold 4 [--esc50 DIR] [--write MODEL_DIR]
Only meaningful on a fold the model did not train on (the shipped model trains on folds 1-4).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.signal import butter, sosfiltfilt

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fewshot_material import in_bench_room  # noqa: E402

from exsampling_osc.analysis.audio import load_audio  # noqa: E402
from exsampling_osc.analysis.classify import Classifier  # noqa: E402
from exsampling_osc.analysis.features import crops  # noqa: E402
from exsampling_osc.mapping import Mapping  # noqa: E402
from exsampling_osc.mapping.config import load_config  # noqa: E402
from exsampling_osc.training.card import add_measured  # noqa: E402
from exsampling_osc.training.dataset import read_dataset, signal_features  # noqa: E402

#: the issue's band-limit check: the same clips low-passed here (8th-order Butterworth, zero phase)
LOWPASS_HZ = 7500.0
DEFAULT_ESC50 = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "esc50"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/esc50"))
    parser.add_argument("--fold", type=int, default=4)
    parser.add_argument("--esc50", type=Path, default=DEFAULT_ESC50)
    parser.add_argument("--limit", type=int, default=0, help="at most N clips (0: the whole fold)")
    parser.add_argument("--write", type=Path, metavar="MODEL_DIR", help="put the figures in MODEL_DIR's card")
    args = parser.parse_args()
    clf = Classifier(args.model)
    params = clf.info.features
    clips = [c for c in read_dataset(args.esc50) if c.fold == args.fold]
    clips = clips[: args.limit] if args.limit else clips
    mapping = Mapping(load_config(), clf.labels)
    right = {"clean": 0, "lowpass": 0, "rooms": 0}
    right_track = {"clean": 0, "lowpass": 0, "rooms": 0}
    lowpass = butter(8, LOWPASS_HZ, btype="low", fs=params.sample_rate, output="sos")
    for i, clip in enumerate(clips):
        y = load_audio(clip.path, params.sample_rate)
        inputs = (
            ("clean", y),
            ("lowpass", sosfiltfilt(lowpass, y).astype(np.float32)),
            ("rooms", in_bench_room(y, i)),
        )
        for kind, signal in inputs:
            image = signal_features(signal, params)
            label = clf.labels[int(np.argmax(clf.mean_probabilities(crops(image, params.frames))))]
            right[kind] += label == clip.label
            right_track[kind] += mapping.track_of(label) == mapping.track_of(clip.label)
    n = len(clips)
    out = {"model": str(args.model), "fold": args.fold, "clips": n}
    for kind in right:
        out[f"{kind}_top1"] = round(right[kind] / n, 4)
        out[f"{kind}_right_track"] = round(right_track[kind] / n, 4)
    print(json.dumps(out))
    if args.write:
        add_measured(
            args.write,
            f"Phones in rooms (simulated), fold {args.fold}",
            [
                f"Measured with `bench/bench_rooms.py --model {args.model} --fold {args.fold}` on {n} clips of a fold "
                "that model did not train on: each clip clean, then played in one of four simulated rooms "
                "(pyroomacoustics, RT60 0.2-0.7 s, rooms never drawn in training) and heard by a simulated phone.",
                "",
                "| input | top-1 | right track |",
                "|---|---|---|",
                f"| clean | {out['clean_top1']:.1%} | {out['clean_right_track']:.1%} |",
                f"| low-passed at {LOWPASS_HZ / 1000:g} kHz | {out['lowpass_top1']:.1%} "
                f"| {out['lowpass_right_track']:.1%} |",
                f"| phone in a room | {out['rooms_top1']:.1%} | {out['rooms_right_track']:.1%} |",
            ],
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
