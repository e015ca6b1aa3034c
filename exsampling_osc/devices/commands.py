"""``exsampling devices generate | build | install``: the Max for Live devices."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("devices", help="Max for Live devices: generate patches, build .amxd, install")
    dsub = p.add_subparsers(dest="devices_command", metavar="ACTION", required=True)
    g = dsub.add_parser("generate", help="write patches/*.maxpat and the node script's OSC names from the declaration")
    g.add_argument("--patches", type=Path, default=None, help="folder for the .maxpat files")
    g.set_defaults(func=run_generate)
    b = dsub.add_parser("build", help="validate patches/*.maxpat and write amxd/*.amxd")
    b.add_argument("--patches", type=Path, default=None, help="folder of the .maxpat files")
    b.add_argument("--out", type=Path, default=None, help="output folder (default: amxd/ beside patches/)")
    b.set_defaults(func=run_build)
    i = dsub.add_parser("install", help="copy the devices into the Max for Live User Library")
    i.add_argument("--user-library", type=Path, default=None, help="Ableton User Library folder")
    i.add_argument(
        "--amxd",
        type=Path,
        default=None,
        help="folder of built .amxd files (default: build them from the shipped patches now)",
    )
    i.add_argument("--python", default=None, help="Python the hub starts (default: this one)")
    i.set_defaults(func=run_install)


def _amxd_dir(path: Path | None) -> Path:
    from exsampling_osc.devices.install import patches_dir

    return path or patches_dir().parent / "amxd"


def run_generate(args) -> int:
    from exsampling_osc.devices.install import generate

    for path in generate(args.patches):
        print(path)
    return 0


def run_build(args) -> int:
    from exsampling_osc.devices.install import build

    for path in build(_amxd_dir(args.out), args.patches):
        print(path)
    return 0


def run_install(args) -> int:
    import tempfile

    from exsampling_osc.devices.install import build, find_live, install, user_library

    library = args.user_library or user_library()
    lives = find_live()
    if lives:
        print("Ableton Live found: " + ", ".join(str(p) for p in lives))
    else:
        print(
            "Ableton Live was not found on this computer (looked in the usual application folders); installing anyway."
        )
    if not library.is_dir():
        print(
            f"No User Library at {library} yet: creating it. If Live uses another folder "
            "(Live > Settings > Library), run again with --user-library PATH."
        )
    if args.amxd is not None:
        written = install(args.amxd, library, args.python)
    else:  # a fresh, validated build (the package folder may be read-only)
        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp))
            written = install(Path(tmp), library, args.python)
    print(f"Installed into {library}:")
    for path in written:
        print(f"  {path}")
    return 0
