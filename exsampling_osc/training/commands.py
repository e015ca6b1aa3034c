"""``exsampling train DATASET``: train, export and document a classifier (needs the ``train`` extra)."""

from __future__ import annotations

import argparse
from pathlib import Path

VAL_FOLD_HELP = (
    "fold held out to measure accuracy, 1-5 (0: none). ESC-50 brings its own folds; in a folder of class "
    "sub-folders each class's clips are dealt at random (by --seed) into folds 1-5, so a fold holds about a "
    "fifth of every class (a class with 4 clips has none in fold 5)"
)


def register(sub) -> None:
    p = sub.add_parser(
        "train",
        help="train a classifier on ESC-50 or a folder of class sub-folders",
        description="Train a classifier on DATASET, export it as int8 TFLite with a model card. A folder of class "
        "sub-folders (DATASET/LABEL/*.wav) or the ESC-50 folder (its csv and audio/).",
    )
    p.add_argument("dataset", type=Path, help="ESC-50 folder (csv + audio/) or folder of class folders")
    p.add_argument("--out", type=Path, default=Path("trained-model"), help="output model folder")
    p.add_argument("--val-fold", type=int, default=4, help=VAL_FOLD_HELP)
    p.add_argument(
        "--val-fraction",
        type=float,
        default=1.0,
        help="hold out only this stratified share of the validation fold (the rest trains)",
    )
    p.add_argument(
        "--final",
        action="store_true",
        help="after the held-out check, retrain on all clips and export that model (the checked one goes to OUT/cv)",
    )
    p.add_argument("--epochs", type=int, default=180)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--alpha", type=float, default=0.5, help="MobileNetV2 width multiplier")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--small", action="store_true", help="tiny input (32 mels, 1 s) for smoke tests")
    p.add_argument("--limit-per-class", type=int, default=None, help="use at most N clips of each class")
    p.add_argument(
        "--rooms",
        action="store_true",
        help="also train on one phone-in-room copy of every clip (simulated room, phone, background)",
    )
    p.add_argument("--verbose", action="store_true", help="also show TensorFlow's own log and export output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from exsampling_osc.errors import existing_folder
    from exsampling_osc.optional import require_train_extra
    from exsampling_osc.resources import held_native_output

    existing_folder(args.dataset, "folder of class sub-folders or the ESC-50 folder")
    with held_native_output(show=args.verbose) as out:
        require_train_extra()
        from exsampling_osc.analysis.features import FeatureParams
        from exsampling_osc.training.train import TrainSettings, run_training, small_params

        params = small_params(FeatureParams()) if args.small else FeatureParams()
        settings = TrainSettings(
            epochs=args.epochs, batch_size=args.batch_size, alpha=args.alpha, seed=args.seed, rooms=args.rooms
        )
        report = run_training(
            args.dataset,
            args.out,
            args.val_fold,
            args.final,
            settings,
            params,
            args.limit_per_class,
            log=lambda m: print(m, file=out, flush=True),
            val_fraction=args.val_fraction,
        )
    n = sum(report["train_counts"].values())
    size = f"{args.out / 'model.tflite'} ({report['size_bytes'] / 1024:.0f} KiB)"
    cv = report.get("cv")
    if "final_fit" in report:
        print(f"model: {size}, trained on all {n} clips")
        if cv:
            print(
                f"held-out estimate: {cv['held']} accuracy {cv['accuracy']:.2f}, measured on {args.out / 'cv'} "
                f"(trained on {cv['trained_on']}), not on the final model"
            )
        else:
            print("no held-out check (--val-fold 0)")
    elif cv:
        print(f"model: {size}, trained on {cv['trained_on']}; held-out {cv['held']} accuracy {cv['accuracy']:.2f}")
    print(f"card: {args.out / 'MODEL_CARD.md'}")
    return 0
