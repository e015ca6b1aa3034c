"""``exsampling``: a thin command line over the package. Each sub-command lives beside what it runs.

A command module exposes ``register(subparsers)``, which adds its parser and sets ``func`` (a callable
taking the parsed args and returning an exit status). Modules not present in this install are skipped.
"""

from __future__ import annotations

import argparse
import sys

from exsampling_osc import __version__
from exsampling_osc.errors import ExSamplingError, UsageError
from exsampling_osc.optional import present_modules

COMMAND_MODULES = (
    "exsampling_osc.analysis.commands",  # classify
    "exsampling_osc.training.commands",  # train
    "exsampling_osc.backend.serve",  # serve
    "exsampling_osc.mapping.commands",  # config init
    "exsampling_osc.devices.commands",  # devices build / install
    "exsampling_osc.composer.commands",  # compose train / generate / render
    "exsampling_osc.kit.commands",  # kit export
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exsampling", description="ExSampling OSC: sounds recorded by an audience → playable instruments over OSC."
    )
    parser.add_argument("--version", action="version", version=f"exsampling-osc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in present_modules(COMMAND_MODULES):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from exsampling_osc.compiled_cache import configure_numba_cache

    configure_numba_cache()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:  # a wrong path on the command line: exit 2, like argparse's own errors
        print(f"exsampling: {exc}", file=sys.stderr)
        return 2
    except ExSamplingError as exc:
        print(f"exsampling: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
