"""``exsampling classify [--json] PATH...``: analyse audio files and folders; ``exsampling slice [--json]
[--out DIR] PATH...``: the hits of each file, classified, pitched and measured (optionally written as WAVs)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from exsampling_osc.audio_suffixes import AUDIO_SUFFIXES


def register(sub) -> None:
    p = _analysing(sub.add_parser("classify", help="classify audio files or folders (5-second pieces)"), "piece")
    p.add_argument("--trim-db", type=float, default=20.0, help="silence threshold in dB below the peak")
    p.add_argument(
        "--examples",
        type=Path,
        default=None,
        metavar="DIR",
        help="teach labels first: DIR holds one sub-folder of example recordings per label",
    )
    p.set_defaults(func=run)
    s = _analysing(
        sub.add_parser("slice", help="cut audio files into hits (onsets), each classified, pitched and measured"), "hit"
    )
    s.add_argument("--out", type=Path, default=None, metavar="DIR", help="write each hit as a WAV file into DIR")
    s.add_argument(
        "--target-lufs",
        type=float,
        default=None,
        help="loudness the written hits are normalised to (default: -23 LUFS; peaks at most -1 dBFS)",
    )
    s.set_defaults(func=run_slice)


def _analysing(p, per: str):
    """The arguments ``classify`` and ``slice`` share: paths, --json (one object per ``per``), model, threshold."""
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="audio files or folders (recursive)")
    p.add_argument("--json", action="store_true", help=f"one JSON object per {per} per line")
    p.add_argument("--model", type=Path, default=None, help="model folder (default: the shipped model)")
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="below this confidence the label is unknown (default: the model's own, else 0.25)",
    )
    return p


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
    from exsampling_osc.errors import ExSamplingError, UsageError, existing_folder
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
    return each_file(
        files, empty, analyzer.analyse_file, lambda path, piece: _emit(args.json, _row(path, piece)), args.json
    )


def run_slice(args) -> int:
    import soundfile as sf

    from exsampling_osc.analysis.audio import load_audio, require_sound
    from exsampling_osc.analysis.loudness import DEFAULT_TARGET_LUFS, normalise
    from exsampling_osc.analysis.onsets import cut
    from exsampling_osc.analysis.pipeline import AnalysisConfig, Analyzer
    from exsampling_osc.resources import quiet_native_stderr

    files, empty = expand(args.paths)
    with quiet_native_stderr():  # the runtime's "Created TensorFlow Lite XNNPACK delegate" line
        analyzer = Analyzer(args.model, AnalysisConfig(confidence_threshold=args.threshold))
    sr, longest = analyzer.sample_rate, analyzer.config.max_seconds
    target = DEFAULT_TARGET_LUFS if args.target_lufs is None else args.target_lufs
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
    names: dict[str, int] = {}
    native: dict[str, tuple[np.ndarray, int]] = {}

    def hits(path: Path):
        y = load_audio(path, sr, longest)
        require_sound(y)
        if args.out is not None:  # the WAVs are cut from the file at its own rate
            rate = sf.info(str(path)).samplerate
            native.clear()  # one file at a time: its hits are written before the next is read
            native[str(path)] = (y if rate == sr else load_audio(path, rate, longest), rate)
        return analyzer.analyse_hits(y)

    def emit(path: Path, piece) -> None:
        row = _row(path, piece)
        if args.out is not None:
            n = names.setdefault(str(path), len(names))
            name = f"{path.stem}-{n}" if n else path.stem
            y, rate = native[str(path)]
            begin = int(round(piece.start * rate))
            audio = normalise(cut(y, rate, begin, begin + int(round(piece.duration * rate))), rate, target)
            target_path = args.out / f"{name}-hit{piece.index:03d}.wav"
            sf.write(str(target_path), np.clip(audio, -1.0, 1.0), rate, subtype="PCM_16")
            row["path"] = str(target_path)
        _emit(args.json, row)

    return each_file(files, empty, hits, emit, args.json)


def each_file(files: list[Path], empty: list[Path], analyse, emit, as_json: bool) -> int:
    """``emit(path, piece)`` for every piece ``analyse(path)`` returns; a file that cannot be used, or a folder
    without audio (``empty``), prints one line with ``file`` and ``error`` and the run goes on. Exit status 1
    when one failed."""
    from exsampling_osc.errors import ExSamplingError, nothing_in_folder

    for folder in empty:
        _emit(as_json, {"file": str(folder), "error": nothing_in_folder(folder)})
    show_progress = sys.stderr.isatty() and len(files) > 1
    failed = len(empty)
    for n, path in enumerate(files, 1):
        if show_progress:
            _progress(n, len(files))
        try:
            pieces = analyse(path)
        except ExSamplingError as exc:
            failed += 1
            _emit(as_json, {"file": str(path), "error": str(exc)})
            continue
        for piece in pieces:
            emit(path, piece)
    if show_progress:
        print(file=sys.stderr)
    return 1 if failed else 0


def _row(path: Path, piece) -> dict:
    return {"file": str(path), **piece.to_dict()}


def _emit(as_json: bool, row: dict) -> None:
    if as_json:
        print(json.dumps(row), flush=True)
    elif "error" in row:
        print(f"{row['file']}: error: {row['error']}", flush=True)
    else:
        root = "-" if row["root_midi"] is None else f"{row['root_midi']:.1f}"
        where = f"@{row['start']:.2f}-{row['end']:.2f}s"
        print(
            f"{row['file']} {where}: {row['label']} ({row['confidence']:.2f}) root {root} {row['mode']}",
            flush=True,
        )


def _progress(n: int, total: int) -> None:
    width = 30
    done = int(width * n / total)
    print(f"\r[{'#' * done}{'.' * (width - done)}] {n}/{total}", end="", file=sys.stderr, flush=True)
