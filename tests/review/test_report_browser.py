"""Render build/report.html in headless Chromium (Debian's package): the figures show, nothing is
wider than the window at 1400 and 800 px (so no horizontal scrolling), and no two labels of a
figure overlap (the rotated boxes of its SVG texts, measured in the browser)."""

import shutil
from pathlib import Path

import pytest

from slr.figures.base import registry

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)"
    ),
]


ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OVERLAPS_JS = (Path(__file__).parent / "label_overlaps.js").read_text(encoding="utf-8")
# Every element's right edge against the window, with every <details> opened.
WIDTHS_JS = """() => {
  for (const d of document.querySelectorAll('details')) d.open = true;
  const w = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > w + 0.5) wide.push(`${el.tagName} in #${(el.closest('section') || {}).id}: ${Math.round(r.right)} px`);
  }
  return {scroll: document.documentElement.scrollWidth, window: w, wide: wide.slice(0, 10)};
}"""


@pytest.fixture(scope="module")
def report(built_review: Path) -> Path:
    return built_review


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def test_report_renders_every_figure_in_chromium(report: Path, browser):
    page = browser.new_page()
    page.goto((report / "report.html").as_uri())
    page.wait_for_load_state("load")
    figs = page.evaluate(
        "() => Array.from(document.querySelectorAll('figure.slr-figure')).map(f => ["
        "f.dataset.figure, f.querySelector('img').complete, f.querySelector('img').naturalWidth])"
    )
    title = page.title()
    page.close()
    assert {name for name, _, _ in figs} == set(registry())
    for name, complete, width in figs:
        assert complete and width > 100, name
    assert "PEFT" in title


@pytest.mark.parametrize("width", [1400, 800])
def test_nothing_is_wider_than_the_window(report: Path, browser, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto((report / "report.html").as_uri())
    page.wait_for_load_state("load")
    got = page.evaluate(WIDTHS_JS)
    page.close()
    assert got["wide"] == [] and got["scroll"] <= got["window"], got


@pytest.mark.parametrize("name", sorted(registry()))
def test_no_two_labels_of_a_figure_overlap(report: Path, browser, name: str):
    page = browser.new_page()
    page.goto((report / "figures" / f"{name}.svg").as_uri())
    page.wait_for_load_state("load")
    overlaps = page.evaluate(OVERLAPS_JS)  # [text, text, depth in px] deeper than 1 px
    page.close()
    assert overlaps == []
