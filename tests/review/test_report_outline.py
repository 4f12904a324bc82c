"""The report's outline is the one list of sections: figures and sections are checked against it
when they register, and every figure is shown in the section it names. Figures and sections get
their data from the Review (loaded once), never from paths of their own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import slr.search.project as project_module
from slr.build import build_review
from slr.errors import ConfigError
from slr.figures.base import figure, registry
from slr.report.context import default_sections, report_section
from slr.report.outline import OUTLINE

SLR = Path(__file__).resolve().parents[2] / "slr"


def test_a_figure_naming_an_unknown_section_fails_when_it_registers():
    with pytest.raises(ConfigError, match="unknown report section 'Serch'; did you mean 'search'"):
        figure("lost", "Lost", "A figure for a section the report does not have.", section="Serch")
    assert "lost" not in registry()


def test_a_section_function_for_an_id_the_outline_lacks_fails_when_it_registers():
    with pytest.raises(ConfigError, match="unknown report section 'appendix'"):
        report_section("appendix")


def test_every_outline_entry_has_its_section_function():
    assert len(default_sections()) == len(OUTLINE)


def test_every_figure_is_shown_in_the_section_it_names(built_review: Path):
    html = (built_review / "report.html").read_text(encoding="utf-8")
    # each section's html: from its <section id=...> to the next one
    starts = [(m.start(), m.group(1)) for m in re.finditer(r'<section id="([\w-]+)"', html)]
    assert [sid for _, sid in starts] == [h.id for h in OUTLINE]
    bounds = [*[s for s, _ in starts], len(html)]
    body = {sid: html[bounds[i] : bounds[i + 1]] for i, (_, sid) in enumerate(starts)}
    for name, spec in registry().items():
        assert f'data-figure="{name}"' in body[spec.section], (name, spec.section)


def test_the_bundled_search_runs_once_per_build(monkeypatch, tmp_path: Path):
    calls = []
    real = project_module.run_search

    def counting(folder, **kwargs):
        calls.append(Path(folder))
        return real(folder, **kwargs)

    monkeypatch.setattr(project_module, "run_search", counting)
    # the PRISMA figure and the search section both need it; before the review held the run,
    # the figure ran the pipeline in a worker and the section ran it again
    build_review(tmp_path / "build", figures=["prisma"], quiet=True)
    assert len(calls) == 1 and calls[0].name == "search"


@pytest.mark.parametrize("package", ["figures", "report"])
def test_figures_and_sections_reach_no_path_of_the_review(package: str):
    """They take their data from the Review; none walks to the repository root."""
    for path in (SLR / package).rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for walk in ("folder.parent", "project_root", "corpus_dir", "reproductions_dir"):
            assert walk not in text, f"{path.relative_to(SLR)} uses {walk}"
