"""What a performer sees first, in headless Chromium: a backend (`exsampling serve`) with no device and no
recordings, on a 1280x800 laptop screen: neutral status pills, an empty map that says so, the composer pad
above the fold."""

from __future__ import annotations

import pytest
from console_support import chromium, contrast, needs_chromium, open_console, until
from serve_support import Serve

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def first_look(tmp_path_factory, browser):
    """What a performer sees first: a backend with no device and no recordings, on a 1280x800 laptop screen."""
    serve = Serve(tmp_path_factory.mktemp("first-look") / "data")
    try:
        pg = open_console(browser, serve.url, {"width": 1280, "height": 800}, "#osc-status.pill")
        until(pg, "!document.querySelector('#osc-status').textContent.includes('…')")  # the first status came
        yield pg
        pg.context.close()
    finally:
        serve.stop(15)


def test_with_no_device_the_header_is_neutral_and_says_so(first_look):
    for pill in ("#osc-status", "#heartbeat-status"):
        classes = first_look.locator(pill).get_attribute("class").split()
        assert "idle" in classes and "bad" not in classes and "ok" not in classes, (pill, classes)
        assert "no device yet" in first_look.locator(pill).inner_text()
        assert contrast(first_look, pill) >= 4.5


def test_the_empty_map_says_there_are_no_located_sounds(first_look):
    note = first_look.locator("#no-points")
    assert note.is_visible() and "No located sounds yet" in note.inner_text()


def test_at_1280x800_the_composer_pad_is_above_the_fold(first_look):
    first_look.evaluate("window.scrollTo(0, 0)")
    box = first_look.locator("#xy-pad").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 800, box  # was cut at the fold
    assert first_look.errors == []
