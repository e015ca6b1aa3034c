"""``exsampling train DATASET``: train, export and document a classifier (needs the ``train`` extra)."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("train", help="train a classifier on ESC-50 or a folder of class sub-folders")
    p.add_argument("dataset", type=Path, help="ESC-50 folder (csv + audio/) or folder of class folders")
    p.add_argument("--out", type=Path, default=Path("trained-model"), help="output model folder")
    p.add_argument("--val-fold", type=int, default=4, help="fold to validate on (0: none)")
    p.add_argument(
        "--val-fraction",
        type=float,
        default=1.0,
        help="hold out only this stratified share of the validation fold (the rest trains)",
    )
    p.add_argument("--final", action="store_true", help="after validating, retrain on all folds and export that")
    p.add_argument("--epochs", type=int, default=180)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--alpha", type=float, default=0.5, help="MobileNetV2 width multiplier")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--small", action="store_true", help="tiny input (32 mels, 1 s) for smoke tests")
    p.add_argument("--limit-per-class", type=int, default=None, help="use at most N clips of each class")
    p.set_defaults(func=run)


def run(args) -> int:
    from exsampling_osc.errors import ExSamplingError

    try:
        import tensorflow  # noqa: F401
    except ImportError:
        raise ExSamplingError("training needs TensorFlow: pip install 'exsampling-osc[train]'") from None
    from exsampling_osc.analysis.features import FeatureParams
    from exsampling_osc.training.train import TrainSettings, run_training, small_params

    params = small_params(FeatureParams()) if args.small else FeatureParams()
    settings = TrainSettings(epochs=args.epochs, batch_size=args.batch_size, alpha=args.alpha, seed=args.seed)
    report = run_training(
        args.dataset,
        args.out,
        args.val_fold,
        args.final,
        settings,
        params,
        args.limit_per_class,
        log=lambda m: print(m, flush=True),
        val_fraction=args.val_fraction,
    )
    if "cv" in report:
        print(f"validation accuracy: {report['cv']['accuracy']:.3f}")
    print(
        f"model: {args.out / 'model.tflite'} ({report['size_bytes'] / 1024:.0f} KiB); card: "
        f"{args.out / 'MODEL_CARD.md'}"
    )
    return 0
