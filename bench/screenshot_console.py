"""Take the console picture: a real backend fed ESC-50 clips at a few places, its console in Chromium.

python bench/screenshot_console.py [--out PATH | --update-docs] [--esc50 ../shared/datasets/esc50]
(default: a scratch folder; --update-docs rewrites the tracked docs/img/console.png)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.shots import add_image_arguments, image_path  # noqa: E402
from tests.serve_support import Serve  # noqa: E402

CLIPS = [  # (file, latitude, longitude): a walk through a city
    ("1-100032-A-0.flac", 48.8584, 2.2945),
    ("1-13571-A-46.flac", 48.8530, 2.3499),
    ("1-17124-A-43.flac", 48.8606, 2.3376),
    ("1-17367-A-10.flac", 48.8462, 2.3372),
    ("1-21934-A-38.flac", 48.8867, 2.3431),
    ("1-34094-A-5.flac", 48.8738, 2.2950),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_image_arguments(ap, "console.png")
    ap.add_argument("--esc50", type=Path, default=REPO.parent / "shared" / "datasets" / "esc50")
    args = ap.parse_args()
    args.out = image_path(args.out, args.update_docs, "console.png")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        serve = Serve(Path(tmp))
        try:
            ids = [
                serve.upload(args.esc50 / "audio" / name, latitude=lat, longitude=lon, accuracy=15)[1]["id"]
                for name, lat, lon in CLIPS
            ]
            for rid in ids:
                serve.wait_analysed(rid)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
                )
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(serve.url + "/console")
                page.wait_for_timeout(2500)
                page.screenshot(path=str(args.out))
                browser.close()
        finally:
            serve.stop()
    print(f"wrote {args.out} ({len(ids)} recordings, {time.strftime('%Y-%m-%d')})")


if __name__ == "__main__":
    main()
