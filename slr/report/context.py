"""What a report section is given, and the registry of sections.

A section is a function ``(review, ctx) -> Section | None`` registered with
:func:`report_section` under an id of the report's outline (:mod:`slr.report.outline`); it takes
its data from the :class:`~slr.review.Review` and the files the build has written so far from
the :class:`BuildContext`. The report shows the sections in the outline's order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pandas as pd

from slr.errors import ConfigError
from slr.registry import Registry
from slr.report.html import Section, details, figure, table
from slr.report.outline import OUTLINE, heading

if TYPE_CHECKING:
    from slr.review import Review


class FigureInfo(Protocol):
    """What a section shows of a figure (a :class:`slr.figures.base.FigureSpec` has it; the
    report does not import the figures: they name the section they are shown in)."""

    @property
    def title(self) -> str: ...
    @property
    def caption(self) -> str: ...
    @property
    def section(self) -> str: ...


@dataclass
class BuildContext:
    """What the build has produced so far (figure files, table files) for sections to link."""

    out: Path
    figures: dict[str, dict[str, Path]] = field(default_factory=dict)
    specs: Mapping[str, FigureInfo] = field(default_factory=dict)
    tables: dict[str, Path] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # paper id -> "title (venue year)"

    def figure_html(self, name: str, *, note: str = "") -> str:
        spec, files = self.specs[name], self.figures[name]
        frame = pd.read_csv(files["csv"])
        rel = files["csv"].relative_to(self.out).as_posix()
        return figure(files["svg"], name, spec.title, spec.caption + note, rel) + details(
            f"Data table ({len(frame)} rows)", table(frame, titles=self.titles)
        )

    def section_figures(self, section: str, *, notes: dict[str, str] | None = None) -> str:
        """Every figure built for ``section`` (registry order), each with its data table;
        ``notes`` adds a sentence to the caption of some."""
        return "".join(
            self.figure_html(name, note=(notes or {}).get(name, ""))
            for name, spec in self.specs.items()
            if spec.section == section and name in self.figures
        )

    def write_table(self, name: str, frame: pd.DataFrame) -> str:
        path = self.out / "tables" / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(path, index=False)
        self.tables[name] = path
        return path.relative_to(self.out).as_posix()


SectionFn = Callable[["Review", BuildContext], Section | None]
SECTIONS: Registry[SectionFn] = Registry(
    "report section",
    discover=(
        "slr.report.sections",
        "slr.report.claims_section",
        "slr.report.review_statements_section",
    ),
    describe=lambda fn: (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else "",
)


def report_section(section_id: str) -> Callable[[SectionFn], SectionFn]:
    """Register a section function under ``section_id``, an id of the report's outline."""
    heading(section_id)  # an id the outline lacks fails here, at registration

    def wrap(fn: SectionFn) -> SectionFn:
        SECTIONS.add(section_id, fn)
        return fn

    return wrap


def section(section_id: str, html: str) -> Section:
    """The section ``section_id`` with its outline title."""
    return Section(section_id, heading(section_id).title, html)


def default_sections() -> list[SectionFn]:
    """The section functions in the outline's order; an outline entry without one is an error."""
    missing = [h.id for h in OUTLINE if h.id not in SECTIONS]
    if missing:
        raise ConfigError(
            f"report section(s) {', '.join(missing)} of slr/report/outline.py have no function; "
            "decorate one with @report_section(<id>) in slr/report/sections.py"
        )
    return [SECTIONS.get(h.id) for h in OUTLINE]


def render_report(
    review: Review, ctx: BuildContext, sections: list[SectionFn], *, meta: dict[str, object]
) -> str:
    from importlib.resources import files

    import jinja2

    built = [s for s in (fn(review, ctx) for fn in sections) if s is not None]
    template = jinja2.Template(
        files("slr.report").joinpath("template.html.j2").read_text(encoding="utf-8")
    )
    return str(template.render(sections=built, **meta))
