"""``exsampling compose train | generate | render``: the soundscape composer on the command line.

``train`` needs the ``train`` extra (TensorFlow); ``generate`` and ``render`` run on numpy and mido alone.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from exsampling_osc.errors import ExSamplingError, existing_file, existing_folder


def register(sub) -> None:
    p = sub.add_parser("compose", help="soundscape composer: train on MIDI, generate phrases, render them")
    csub = p.add_subparsers(dest="compose_command", metavar="ACTION", required=True)

    t = csub.add_parser("train", help="train the phrase autoencoder on a folder of MIDI files (needs TensorFlow)")
    t.add_argument("midi_dir", type=Path, help="folder of .mid files (searched recursively)")
    t.add_argument("--out", type=Path, default=Path("composer-model"), help="model folder to write")
    t.add_argument("--latent-dim", type=int, default=2)
    t.add_argument("--phrase-length", type=int, default=16, help="events per phrase")
    t.add_argument("--hop", type=int, default=4, help="events between training phrase starts")
    t.add_argument("--transpose", type=int, default=6, help="augment with shifts -N+1..N semitones (0: none)")
    t.add_argument("--epochs", type=int, default=400, help="at most (early stopping ends sooner)")
    t.add_argument("--patience", type=int, default=40)
    t.add_argument("--test-fraction", type=float, default=0.2)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--bpm", type=float, default=120.0, help="tempo written into generated .mid files")
    t.set_defaults(func=run_train)

    def phrase_args(q: argparse.ArgumentParser) -> None:
        q.add_argument("--model", type=Path, default=None, help="composer model folder (default: the shipped one)")
        q.add_argument("--x", type=float, default=None, help="latent x in [-1, 1] (default: random from --seed)")
        q.add_argument("--y", type=float, default=None, help="latent y in [-1, 1] (default: random from --seed)")
        q.add_argument("--seed", type=int, default=None, help="seed for the random point and any sampling")
        q.add_argument(
            "--temperature",
            type=float,
            default=0.0,
            help="0: the most likely phrase at the point; above 0: sample tokens (seeded)",
        )

    g = csub.add_parser("generate", help="decode a phrase, write it as .mid and print its notes")
    phrase_args(g)
    g.add_argument("--out-dir", type=Path, default=Path("."), help="folder for the .mid file")
    g.set_defaults(func=run_generate)

    r = csub.add_parser("render", help="play a phrase with recorded samples into a WAV")
    phrase_args(r)
    r.add_argument("--midi", type=Path, default=None, help="render this .mid instead of a generated phrase")
    r.add_argument("--melodic", type=Path, default=None, help="sample that plays the melody")
    r.add_argument("--root", type=float, default=60.0, help="root (MIDI note) of the melodic sample")
    r.add_argument("--percussive", type=Path, action="append", default=[], help="percussive sample (repeatable)")
    r.add_argument("--ambient", type=Path, action="append", default=[], help="ambient sample (repeatable)")
    r.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="take samples from this library (default without sample files: the per-user one)",
    )
    r.add_argument("--near", default=None, metavar="LAT,LON", help="library samples recorded near this place")
    r.add_argument("--radius", type=float, default=500.0, help="metres around --near")
    r.add_argument("--config", type=Path, default=None, help="mapping YAML (its ambient track's classes)")
    r.add_argument("--ambient-track", default="textures", help="track whose classes count as ambient")
    r.add_argument("--bpm", type=float, default=None, help="tempo (default: the model's or the file's)")
    r.add_argument("--sr", type=int, default=44100, help="output sample rate")
    r.add_argument("--out", type=Path, default=Path("soundscape.wav"), help="WAV to write")
    r.set_defaults(func=run_render)


def run_train(args) -> int:
    from exsampling_osc.optional import require_train_extra

    existing_folder(args.midi_dir, "folder of MIDI files")
    require_train_extra()
    from exsampling_osc.composer.train import ComposerSettings, train_composer

    s = ComposerSettings(
        phrase_length=args.phrase_length,
        hop=args.hop,
        latent_dim=args.latent_dim,
        transpose=args.transpose,
        epochs=args.epochs,
        patience=args.patience,
        test_fraction=args.test_fraction,
        seed=args.seed,
        bpm=args.bpm,
    )
    metrics = train_composer(args.midi_dir, args.out, s, log=lambda m: print(m, flush=True))
    print(f"model: {args.out} ({metrics['epochs_run']} epochs, {metrics['train_seconds']} s)")
    return 0


def _phrase(args, out_dir: Path | None):
    from exsampling_osc.composer.generate import compose
    from exsampling_osc.composer.live import load_decoder

    if args.temperature < 0:
        raise ExSamplingError("--temperature must be >= 0")
    return compose(load_decoder(args.model), args.x, args.y, args.seed, args.temperature, out_dir=out_dir)


def run_generate(args) -> int:
    t0 = time.perf_counter()
    phrase = _phrase(args, args.out_dir)
    ms = (time.perf_counter() - t0) * 1000
    print(
        f"phrase at x={phrase.x:+.3f} y={phrase.y:+.3f}: {len(phrase.notes)} notes, "
        f"{phrase.length_beats:g} beats at {phrase.bpm:g} BPM"
    )
    print(phrase.describe())
    print(f"midi: {phrase.midi_path}  ({ms:.1f} ms)")
    return 0


def run_render(args) -> int:
    from exsampling_osc.composer.midi import read_notes
    from exsampling_osc.composer.soundscape import load_sample, render_soundscape

    for path in (args.midi, args.melodic, *args.percussive, *args.ambient):
        if path is not None:  # before the phrase is decoded and printed
            existing_file(path)
    if args.midi:
        notes, bpm = read_notes(args.midi)
        length = max(n.start_beats + n.duration_beats for n in notes)
    else:
        phrase = _phrase(args, None)
        notes, bpm, length = phrase.notes, phrase.bpm, phrase.length_beats
        print(f"phrase at x={phrase.x:+.3f} y={phrase.y:+.3f}: {len(notes)} notes, {length:g} beats")
    bpm = args.bpm or bpm
    if args.melodic or args.percussive or args.ambient:
        melodic = load_sample(args.melodic, args.root, "melodic") if args.melodic else None
        percussive = [load_sample(p, mode="percussive") for p in args.percussive]
        ambient = [load_sample(p, mode="percussive") for p in args.ambient]
    else:
        melodic, percussive, ambient = _from_library(args)
    out = render_soundscape(notes, bpm, args.out, melodic, percussive, ambient, length, sr=args.sr)
    print(f"wav: {out.resolve()}")
    return 0


def _from_library(args):
    """Samples chosen from the library (see ``choose_samples``); prints which."""
    from exsampling_osc.composer.soundscape import choose_samples, load_sample
    from exsampling_osc.library import Store, default_data_dir
    from exsampling_osc.mapping.config import load_config

    data_dir = args.data_dir or default_data_dir()
    db = data_dir / "library.sqlite3"
    if not db.is_file():
        raise ExSamplingError(f"no library at {data_dir} (give --data-dir, or sample files with --melodic etc.)")
    near = None
    if args.near:
        try:
            lat, lon = (float(v) for v in args.near.split(","))
        except ValueError:
            raise ExSamplingError(f"--near wants LAT,LON in degrees, got {args.near!r}") from None
        near = (lat, lon)
    track = load_config(args.config).track(args.ambient_track)
    store = Store(db)
    try:
        chosen = choose_samples(store.samples(), set(track.classes) if track else set(), near, args.radius)
    finally:
        store.close()
    for role, rows in (
        ("melodic", [chosen.melodic] if chosen.melodic else []),
        ("percussive", chosen.percussive),
        ("ambient", chosen.ambient),
    ):
        for row in rows:
            print(f"{role}: sample {row['id']} {row.get('overridden_label') or row['label']} {row['path']}")
    melodic = load_sample(chosen.melodic["path"], chosen.melodic["root_midi"]) if chosen.melodic else None
    percussive = [load_sample(r["path"], mode="percussive") for r in chosen.percussive]
    ambient = [load_sample(r["path"], mode="percussive") for r in chosen.ambient]
    return melodic, percussive, ambient
