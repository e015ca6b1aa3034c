"""Building the ``.amxd`` files and installing them into the Max for Live User Library.

The hub's Node for Max script and its config (``exsampling-hub.json``, which records the absolute path of
the Python running this command) go next to the hub device: an unfrozen device finds its files in its own
folder, and Max launched from the Dock has a minimal PATH, so the script must not look Python up there.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from exsampling_osc.devices import DeviceError, amxd
from exsampling_osc.devices.graph import check_sound
from exsampling_osc.devices.node import write_constants
from exsampling_osc.devices.patches import DEVICES, NODE_SCRIPT, SIMPLER_SCRIPT
from exsampling_osc.devices.validate import check_osc, check_structure
from exsampling_osc.resources import shipped

SUBFOLDER = {
    "audio_effect": ("Audio Effects", "Max Audio Effect"),
    "instrument": ("Instruments", "Max Instrument"),
    "midi_effect": ("MIDI Effects", "Max MIDI Effect"),
}
CONFIG_NAME = "exsampling-hub.json"


def patches_dir() -> Path:
    return shipped("patches")


def user_library(platform: str | None = None, home: Path | None = None) -> Path:
    """Ableton's default User Library on macOS and Windows (Linux has no Live: the macOS layout)."""
    platform = platform or sys.platform
    home = home or Path.home()
    if platform.startswith("win"):
        docs = Path(os.environ.get("USERPROFILE", str(home))) / "Documents"
        return docs / "Ableton" / "User Library"
    return home / "Music" / "Ableton" / "User Library"


def find_live(platform: str | None = None, roots: list[Path] | None = None) -> list[Path]:
    """Installed Ableton Live applications (macOS ``/Applications/Ableton Live*.app``, Windows
    ``%ProgramData%\\Ableton\\Live*``); empty where none is found (Linux has no Live)."""
    platform = platform or sys.platform
    if roots is None:
        if platform == "darwin":
            roots = [Path("/Applications"), Path.home() / "Applications"]
        elif platform.startswith("win"):
            roots = [Path(os.environ.get("ProgramData", r"C:\ProgramData")) / "Ableton"]
        else:
            roots = []
    pattern = "Ableton Live*.app" if platform == "darwin" else "Live*"
    return sorted(p for root in roots if root.is_dir() for p in root.glob(pattern))


def load_patches(folder: Path | None = None) -> dict[str, dict]:
    """The device patches in ``folder`` (default: the shipped ``patches/``), by device name."""
    folder = folder or patches_dir()
    out = {}
    for name in DEVICES:
        path = folder / f"{name}.maxpat"
        try:
            out[name] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise DeviceError(f"{path} is missing: run `exsampling devices generate`") from exc
        except json.JSONDecodeError as exc:
            raise DeviceError(f"{path}: not JSON ({exc})") from exc
    return out


def generate(folder: Path | None = None) -> list[Path]:
    """Write the generated patches as ``<name>.maxpat`` into ``folder``, and the OSC names into the node
    script ``folder/node/exsampling-hub.js`` when there is one (the shipped ``patches/`` has it)."""
    folder = folder or patches_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (_, build) in DEVICES.items():
        path = folder / f"{name}.maxpat"
        path.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    script = folder / "node" / NODE_SCRIPT
    if script.is_file():
        write_constants(script)
        written.append(script)
    return written


def build(out_dir: Path, folder: Path | None = None) -> list[Path]:
    """Validate the patches and pack each into ``out_dir/<name>.amxd``; problems raise DeviceError."""
    patches = load_patches(folder)
    problems = [f"{n}: {p}" for n, patch in patches.items() for p in check_structure(patch, DEVICES[n][0])]
    problems += check_osc(patches)
    if problems:
        raise DeviceError("the patches do not validate:\n  " + "\n  ".join(problems))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, patch in patches.items():
        path = out_dir / f"{name}.amxd"
        tmp = path.with_suffix(".amxd.tmp")
        data = amxd.pack(patch, DEVICES[name][0])
        sound = check_built(name, data)  # as Max reads it: from the packed bytes, not the source dict
        if sound:
            raise DeviceError(f"{name}: the built device would not play:\n  " + "\n  ".join(sound))
        tmp.write_bytes(data)
        tmp.replace(path)
        written.append(path)
    return written


def check_built(name: str, data: bytes) -> list[str]:
    """Graph-check a built ``.amxd`` (its bytes): can sound flow, and who binds UDP."""
    _, patch = amxd.parse(data)
    return check_sound(patch, "hub" if "hub" in name else "sampler")


def install(amxd_dir: Path, library: Path, python: str | None = None, node_dir: Path | None = None) -> list[Path]:
    """Copy the built devices, the node script and its config into ``library``; returns what was written."""
    node_dir = node_dir or patches_dir() / "node"
    script = node_dir / NODE_SCRIPT
    if not script.is_file():
        raise DeviceError(f"{script} is missing")
    written = []
    for name, (device_type, _) in DEVICES.items():
        src = amxd_dir / f"{name}.amxd"
        if not src.is_file():
            raise DeviceError(f"{src} is missing: run `exsampling devices build` first")
        problems = check_built(name, src.read_bytes())  # refuse to install a broken or silent file
        if problems:
            raise DeviceError(f"{src} would not play: " + "; ".join(problems))
        dest_dir = library.joinpath("Presets", *SUBFOLDER[device_type], "ExSampling OSC")
        dest_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest_dir / src.name)
        written.append(dest_dir / src.name)
        if name == "exsampling-hub":
            shutil.copy2(script, dest_dir / NODE_SCRIPT)
            shutil.copy2(patches_dir() / "js" / SIMPLER_SCRIPT, dest_dir / SIMPLER_SCRIPT)
            written.append(dest_dir / SIMPLER_SCRIPT)
            config = {
                "python": str(Path(python or sys.executable).absolute()),
                "args": [],
                "note": "written by `exsampling devices install`",
            }
            (dest_dir / CONFIG_NAME).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
            written += [dest_dir / NODE_SCRIPT, dest_dir / CONFIG_NAME]
    return written
