"""``exsampling classify [--json] PATH...``: analyse audio files and folders."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from exsampling_osc.audio_suffixes import AUDIO_SUFFIXES


def register(sub) -> None:
    p = sub.add_parser("classify", help="classify audio files or folders (5-second pieces)")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="audio files or folders (recursive)")
    p.add_argument("--json", action="store_true", help="one JSON object per piece per line")
    p.add_argument("--model", type=Path, default=None, help="model folder (default: the shipped model)")
    p.add_argument("--threshold", type=float, default=0.25, help="below this confidence the label is unknown")
    p.add_argument("--trim-db", type=float, default=20.0, help="silence threshold in dB below the peak")
    p.add_argument(
        "--examples",
        type=Path,
        default=None,
        metavar="DIR",
        help="teach labels first: DIR holds one sub-folder of example recordings per label",
    )
    p.set_defaults(func=run)


def expand(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Files as given, and audio files found recursively in folders, sorted; and the folders without any."""
    out: list[Path] = []
    empty: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in AUDIO_SUFFIXES)
            out += found
            if not found:
                empty.append(p)
        else:
            out.append(p)
    return out, empty


def run(args) -> int:
    from exsampling_osc.analysis.pipeline import AnalysisConfig, Analyzer
    from exsampling_osc.errors import ExSamplingError, UsageError, existing_folder, nothing_in_folder
    from exsampling_osc.resources import quiet_native_stderr

    if args.examples is not None:
        existing_folder(args.examples, "folder of example sub-folders")
    files, empty = expand(args.paths)
    with quiet_native_stderr():  # the runtime's "Created TensorFlow Lite XNNPACK delegate" line
        analyzer = Analyzer(args.model, AnalysisConfig(confidence_threshold=args.threshold, trim_db=args.trim_db))
    if args.examples is not None:
        from exsampling_osc.analysis.fewshot import teach_analyzer

        try:
            teach_analyzer(analyzer, args.examples)
        except ExSamplingError as exc:
            raise UsageError(str(exc)) from None
    for folder in empty:
        _emit(args.json, {"file": str(folder), "error": nothing_in_folder(folder)})
    show_progress = sys.stderr.isatty() and len(files) > 1
    failed = len(empty)
    for n, path in enumerate(files, 1):
        if show_progress:
            _progress(n, len(files))
        try:
            pieces = analyzer.analyse_file(path)
        except ExSamplingError as exc:
            failed += 1
            _emit(args.json, {"file": str(path), "error": str(exc)})
            continue
        for piece in pieces:
            _emit(args.json, {"file": str(path), **piece.to_dict()})
    if show_progress:
        print(file=sys.stderr)
    return 1 if failed else 0


def _emit(as_json: bool, row: dict) -> None:
    if as_json:
        print(json.dumps(row), flush=True)
    elif "error" in row:
        print(f"{row['file']}: error: {row['error']}", flush=True)
    else:
        root = "-" if row["root_midi"] is None else f"{row['root_midi']:.1f}"
        print(
            f"{row['file']} @{row['start']:.1f}s: {row['label']} ({row['confidence']:.2f}) root {root} {row['mode']}",
            flush=True,
        )


def _progress(n: int, total: int) -> None:
    width = 30
    done = int(width * n / total)
    print(f"\r[{'#' * done}{'.' * (width - done)}] {n}/{total}", end="", file=sys.stderr, flush=True)
