"""Render build/report.html in headless Chromium (Debian's package) and check the figures show."""

import shutil
from pathlib import Path

import pytest

from slr.build import build_review
from slr.figures.base import registry

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)"
    ),
]


def test_report_renders_every_figure_in_chromium(tmp_path: Path):
    playwright = pytest.importorskip("playwright.sync_api")
    out = build_review(tmp_path / "build", quiet=True)
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            page = browser.new_page()
            page.goto((out / "report.html").as_uri())
            page.wait_for_load_state("load")
            figs = page.evaluate(
                "() => Array.from(document.querySelectorAll('figure.slr-figure')).map(f => ["
                "f.dataset.figure, f.querySelector('img').complete, f.querySelector('img').naturalWidth])"
            )
            title = page.title()
        finally:
            browser.close()
    assert {name for name, _, _ in figs} == set(registry())
    for name, complete, width in figs:
        assert complete and width > 100, name
    assert "PEFT" in title
