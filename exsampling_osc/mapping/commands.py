"""exsampling config init: write a starting mapping (YAML config) for any model.

Labels the packaged default mapping knows keep their track there; every other label of the model goes to a
track `sounds` (melodic). The file is checked by the same validator ``serve`` uses before it is written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from exsampling_osc.errors import ConfigError, ModelError, no_such_folder
from exsampling_osc.mapping.config import DEFAULT_CONFIG, DEFAULT_PORTS, load_config

NEW_TRACK = "sounds"


def model_labels(model_dir: Path) -> list[str]:
    """The labels in a model folder's ``model.json``."""
    if not Path(model_dir).is_dir():
        raise ModelError(f"{no_such_folder(model_dir)} (a model folder holds model.tflite and model.json)")
    meta = Path(model_dir) / "model.json"
    try:
        labels = json.loads(meta.read_text(encoding="utf-8"))["labels"]
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"{meta}: no labels can be read ({exc})") from None
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels) or not labels:
        raise ModelError(f"{meta}: `labels` must be a list of names")
    return labels


def starting_mapping(labels: list[str]) -> dict:
    """A config dict for ``labels``: default tracks keep the labels they list, the rest go to `sounds`."""
    default = load_config(DEFAULT_CONFIG)
    tracks = []
    for t in default.tracks:
        classes = [c for c in t.classes if c in labels]
        if classes:
            tracks.append({"name": t.name, "mode": t.mode, "classes": classes})
    listed = {c for t in tracks for c in t["classes"]}
    rest = [label for label in labels if label not in listed]
    if rest:
        tracks.append({"name": NEW_TRACK, "mode": "melodic", "classes": rest})
    names = [t["name"] for t in tracks]
    unknown = default.unknown if default.unknown in names else names[-1]
    return {"tracks": tracks, "unknown": unknown, "unlisted": unknown, "ports": dict(DEFAULT_PORTS)}


def render(config: dict, model_dir: Path) -> str:
    head = (
        f"# ExSampling OSC mapping for the model in {model_dir}\n"
        "# Written by `exsampling config init`; edit freely. Each track: name, mode (percussive: rate 1;\n"
        "# melodic: rate 2^((note - root)/12)) and the model's labels it plays. `unknown`: the track for\n"
        "# sounds below the confidence threshold; `unlisted`: the track for labels no track lists.\n"
    )
    return head + yaml.safe_dump(config, sort_keys=False, width=110)


def run_init(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.exists() and not args.force:
        raise ConfigError(f"{out} exists; pass --force to replace it")
    text = render(starting_mapping(model_labels(args.model)), args.model)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        load_config(tmp).check_labels(model_labels(args.model))
    except ConfigError:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    print(f"wrote {out}: serve with  exsampling serve --model {args.model} --config {out}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("config", help="write a starting configuration", description=__doc__)
    csub = p.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    init = csub.add_parser("init", help="write a starting mapping for a model", description=__doc__)
    init.add_argument("--model", type=Path, required=True, help="model folder (with model.json)")
    init.add_argument(
        "--output", "-o", type=Path, default=Path("exsampling.yaml"), help="file to write (default: exsampling.yaml)"
    )
    init.add_argument("--force", action="store_true", help="replace an existing file")
    init.set_defaults(func=run_init)
