"""Where benchmark and screenshot scripts write pictures: a scratch folder, unless asked to update docs/img.

Running a benchmark must not dirty the git tree; ``--update-docs`` writes the tracked picture on purpose.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS_IMG = REPO / "docs" / "img"
SCRATCH = Path(tempfile.gettempdir()) / "exsampling-bench"


def add_image_arguments(parser: argparse.ArgumentParser, name: str, flag: str = "--out") -> None:
    """``flag PATH`` (explicit place) and ``--update-docs`` (docs/img/NAME); default: the scratch folder."""
    parser.add_argument(flag, type=Path, default=None, help=f"where to save {name} (default: {SCRATCH / name})")
    parser.add_argument("--update-docs", action="store_true", help=f"save it as docs/img/{name} (tracked in git)")


def image_path(explicit: Path | None, update_docs: bool, name: str) -> Path:
    """The path to write ``name`` to (its folder created)."""
    path = explicit or (DOCS_IMG / name if update_docs else SCRATCH / name)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
