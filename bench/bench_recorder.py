"""Recorder benchmarks on localhost, with a real ``exsampling serve --https`` and headless Chromium.

Prints: page weight (bytes the participant downloads, and gzip sizes for reference); time to interactive
(navigation start → the page's ``exsampling-ready`` mark) against the same HTML with JavaScript off as the
baseline; upload size for 10 s of sound as sent (22.05 kHz) against the phone's capture rate; end-to-end
time from tapping Send to the label on screen, against the upload acknowledgement in the same runs.

Run: .venv/bin/python bench/bench_recorder.py [--runs 5] (also saves a phone-sized screenshot in a scratch
folder; --update-docs rewrites the tracked docs/img/recorder-phone.png)
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.shots import add_image_arguments, image_path  # noqa: E402
from tests.recorder_support import launch, new_phone_page, record, write_tone  # noqa: E402
from tests.serve_support import OscDump, Serve  # noqa: E402

SEND_AND_WAIT = """async () => {
    const list = document.getElementById('sounds');
    const msg = document.getElementById('message');
    const t0 = performance.now();
    let acked = null;
    document.getElementById('send').click();
    return await new Promise((resolve, reject) => {
        let id = null;
        const err = document.getElementById('error');
        const check = () => {
            if (err.textContent) { reject(new Error(err.textContent)); return true; }
            const m = /Sound (\\d+) is on its way/.exec(msg.textContent);
            if (acked === null && m) { acked = performance.now() - t0; id = m[1]; }
            const item = id && list.querySelector(`li[data-id="${id}"]`);
            if (item && /analysed as|refused/.test(item.textContent)) {
                resolve({ acked, label: performance.now() - t0, text: item.textContent });
                return true;
            }
            return false;
        };
        const obs = new MutationObserver(() => { if (check()) obs.disconnect(); });
        obs.observe(document.body, { subtree: true, childList: true, characterData: true });
        setTimeout(() => reject(new Error('no label after 60 s')), 60000);
    });
}"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    add_image_arguments(parser, "recorder-phone.png", "--screenshot")
    args = parser.parse_args()
    args.screenshot = image_path(args.screenshot, args.update_docs, "recorder-phone.png")
    with tempfile.TemporaryDirectory() as tmpdir, sync_playwright() as p:
        tmp = Path(tmpdir)
        osc = OscDump()
        (tmp / "data").mkdir()
        (tmp / "data" / "recorder.yaml").write_text(  # what a show would set, for the screenshot
            "project_name: Night Market Sounds\nstream_url: https://stream.example.org/live\n"
            "stream_label: Listen to the performance live\nuploads_per_minute: 0\n"
            "consent: Your sound goes to the performers' laptop, is recognised by a classifier and may be "
            "played live tonight. It is kept in tonight's sound library; nothing else is stored.\n"
        )
        serve = Serve(tmp / "data", "--https", device_port=osc.port)
        browser = launch(p, write_tone(tmp / "mic.wav", seconds=3.0))
        try:
            url = serve.ready["participant_url"]
            origin = urlparse(url).netloc

            # page weight
            page = new_phone_page(browser)
            sizes: dict[str, bytes] = {}

            def keep(r):
                if urlparse(r.url).netloc == origin and r.request.method == "GET" and r.status == 200:
                    sizes[r.url] = r.body()

            page.on("response", keep)
            page.goto(url)
            page.wait_for_selector("body[data-ready='1']")
            page.wait_for_timeout(300)
            raw = sum(len(b) for b in sizes.values())
            gz = sum(len(gzip.compress(b, 6)) for b in sizes.values())
            print(f"page weight: {raw / 1024:.1f} KiB in {len(sizes)} files ({gz / 1024:.1f} KiB if gzipped)")
            for u, b in sorted(sizes.items(), key=lambda kv: -len(kv[1])):
                print(f"  {len(b):7d} B  {urlparse(u).path}")
            page.context.close()

            # time to interactive (fresh context each time: no cache)
            tti, base = [], []
            for _ in range(args.runs):
                page = new_phone_page(browser)
                page.goto(url)
                page.wait_for_selector("body[data-ready='1']")
                tti.append(page.evaluate("performance.getEntriesByName('exsampling-ready')[0].startTime"))
                page.context.close()
                ctx = browser.new_context(java_script_enabled=False, ignore_https_errors=True)
                nojs = ctx.new_page()
                nojs.goto(url, wait_until="load")
                base.append(nojs.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
                ctx.close()
            print(
                f"time to interactive: p50 {statistics.median(tti):.0f} ms, max {max(tti):.0f} ms; "
                f"baseline (same HTML, JS off, load event) p50 {statistics.median(base):.0f} ms; "
                f"ratio {statistics.median(tti) / statistics.median(base):.2f}"
            )

            # upload size for 10 s
            page = new_phone_page(browser)
            page.goto(url)
            record(page, 10.0)
            got = page.evaluate("""() => {
                const info = document.getElementById('review-info').textContent;
                return info; }""")
            size = page.evaluate(
                "async () => (await (await fetch(document.getElementById('playback').src)).blob()).size"
            )
            rate = page.evaluate("new (window.AudioContext)().sampleRate")
            seconds = (size - 44) / 2 / 22050
            native = 44 + round(seconds * rate) * 2
            print(
                f"upload for {seconds:.2f} s recorded ({got.split(',')[0]}): {size / 1024:.0f} KiB as sent "
                f"(22050 Hz, 16-bit mono); at the capture rate {rate} Hz it would be "
                f"{native / 1024:.0f} KiB; ratio {native / size:.2f}x smaller"
            )

            # send → label on screen
            acks, labels = [], []
            for _ in range(args.runs):
                page.reload()
                record(page, 2.0)
                r = page.evaluate(SEND_AND_WAIT)
                acks.append(r["acked"])
                labels.append(r["label"])
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(args.screenshot), full_page=True)
            lab, ack = statistics.median(labels), statistics.median(acks)
            print(
                f"send → label on screen ({args.runs} runs, 2 s recordings): p50 {lab:.0f} ms, "
                f"p95 {pct(labels, 0.95):.0f} ms; baseline send → upload acknowledged p50 {ack:.0f} ms; "
                f"ratio {lab / ack:.1f}"
            )
            page.context.close()
        finally:
            browser.close()
            serve.stop()
            osc.close()


if __name__ == "__main__":
    main()
