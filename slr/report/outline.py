"""The report's sections, in order: the one list that report sections and figures are checked
against (a figure or a section naming an id that is not here is an error when it registers).

Adding a section: a line here (where it goes), and a function decorated with
``@report_section("<id>")`` in :mod:`slr.report.sections`. A figure names the section it is
shown in by id (``@figure(..., section="search")``).
"""

from __future__ import annotations

from dataclasses import dataclass

from slr.errors import ConfigError


@dataclass(frozen=True)
class SectionHeading:
    id: str
    title: str


OUTLINE: tuple[SectionHeading, ...] = (
    SectionHeading("overview", "Corpus"),
    SectionHeading("taxonomy", "Taxonomy"),
    SectionHeading("figures", "Figures"),
    SectionHeading("agreement", "Agreement between coding passes"),
    SectionHeading("search", "Search and screening (PRISMA 2020)"),
    SectionHeading("reproductions", "Reproductions"),
    SectionHeading("claims", "Claims and verdicts"),
    SectionHeading("review-statements", "The review's own statements"),
    SectionHeading("quality", "Data quality"),
)


def section_ids() -> list[str]:
    return [s.id for s in OUTLINE]


def heading(section_id: str) -> SectionHeading:
    """The section ``section_id`` of the outline; an unknown id is a ConfigError."""
    for s in OUTLINE:
        if s.id == section_id:
            return s
    from slr.registry import did_you_mean

    raise ConfigError(
        f"unknown report section {section_id!r}; {did_you_mean(section_id, section_ids())}"
        f"the report's sections (slr/report/outline.py): {', '.join(section_ids())}"
    )
