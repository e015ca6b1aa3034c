"""``exsampling kit export [--data-dir DIR] [--config FILE] --out DIR``: the library's accepted samples as SFZ."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    kit = sub.add_parser("kit", help="sampler instruments from the library")
    kit_sub = kit.add_subparsers(dest="kit_command", metavar="ACTION", required=True)
    p = kit_sub.add_parser("export", help="write the accepted samples as one SFZ instrument per track")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the .sfz files, WAVs, credits")
    p.add_argument("--data-dir", type=Path, default=None, metavar="DIR", help="library folder (default: per user)")
    p.add_argument("--config", type=Path, default=None, metavar="FILE", help="mapping config (default: packaged)")
    p.add_argument("--target-lufs", type=float, default=None, help="loudness the regions are matched to")
    p.set_defaults(func=run)


def run(args) -> int:
    from exsampling_osc.kit.export import export_kit
    from exsampling_osc.library import default_data_dir
    from exsampling_osc.mapping import load_config

    config = load_config(args.config)
    data_dir = Path(args.data_dir or config.data_dir or default_data_dir()).expanduser()  # as serve resolves it
    target = config.loudness_target_lufs if args.target_lufs is None else args.target_lufs
    tracks = export_kit(data_dir, args.out, config, target)
    for t in tracks:
        print(f"{t.sfz}: {t.samples} sample(s), {t.looped} looped ({t.mode})")
    print(f"{Path(args.out) / 'CREDITS.md'}: recordings, times, places (blurred to ~1 km), licence note")
    return 0
