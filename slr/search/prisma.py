"""PRISMA 2020 flow diagram: counts computed from the pipeline's own data, then drawn.

:func:`compute_prisma` turns a :class:`slr.search.project.SearchRun` (ingested records, duplicate
clusters, screening decisions) into a tidy table, one row per number of the diagram:

``arm`` (``databases`` or ``other`` for citation searching), ``stage`` (identification,
screening, included), ``box``, ``reason`` (exclusion reason, empty for totals), ``source``
(database, for identified records) and ``count``.

:func:`slr.search.prisma_diagram.plot_prisma` only draws that table (``slr prisma`` and the
review's build save it with the one figure renderer, :func:`slr.figures.base.write_figure`). No
number is typed by hand anywhere.

Counting rules (a work is a cluster of duplicate records, screened once):

* records identified = records read from each export (accepted + rejected at ingest);
* removed before screening = duplicates (records merged into another record's work, preprint and
  published versions included) and records that could not be read (ingest rejections);
* records screened = works; an exclusion is counted under its first reason code;
* reports sought = works included at title/abstract; not retrieved = full-text decision
  ``not_retrieved``; assessed = sought - not retrieved - awaiting;
* studies included = works included at full text; reports of included studies = their distinct
  reports (a preprint and its published version are two reports of one study).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from slr.errors import SlrError

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from slr.search.dedupe import Work
    from slr.search.project import SearchRun
    from slr.search.records import IngestResult
    from slr.search.screen import FinalDecision

COLUMNS = ["arm", "stage", "box", "reason", "source", "count"]
BOX_TITLES = {
    "records_identified": "Records identified from",
    "duplicates_removed": "Duplicate records removed",
    "unreadable_removed": "Records removed for other reasons (could not be read)",
    "records_screened": "Records screened",
    "records_excluded": "Records excluded",
    "records_awaiting_screening": "Records awaiting screening",
    "screening_conflicts": "Unresolved reviewer conflicts",
    "reports_sought": "Reports sought for retrieval",
    "reports_not_retrieved": "Reports not retrieved",
    "reports_assessed": "Reports assessed for eligibility",
    "reports_excluded": "Reports excluded",
    "reports_awaiting_assessment": "Reports awaiting assessment",
    "studies_included": "Studies included in review",
    "reports_included": "Reports of included studies",
}


class _Rows:
    """The diagram's numbers of one arm, in the order they are counted."""

    def __init__(self, arm: str) -> None:
        self.arm = arm
        self.rows: list[dict[str, object]] = []

    def add(self, stage: str, box: str, count: int, reason: str = "", source: str = "") -> None:
        self.rows.append(
            {
                "arm": self.arm,
                "stage": stage,
                "box": box,
                "reason": reason,
                "source": source,
                "count": int(count),
            }
        )


def compute_prisma(run: SearchRun) -> pd.DataFrame:
    """Every number of the PRISMA 2020 diagram, computed from the run's data."""
    import pandas as pd

    db_ids = {r.record_id for r in run.ingested.records}
    rows: list[dict[str, object]] = []
    for arm, result in (("databases", run.ingested), ("other", run.snowballed)):
        if arm == "other" and not result.files:
            continue
        out = _Rows(arm)
        works = [
            w
            for w in run.works
            if any(rid in db_ids for rid in w.record_ids) == (arm == "databases")
        ]
        _identification(out, run, result, works, db_ids)
        sought = _screening(out, run, works)
        _assessment(out, run, sought)
        _included(out, run, works)
        rows += out.rows
    frame = pd.DataFrame(rows, columns=COLUMNS)
    _check_balance(frame)
    return frame


def _identification(
    out: _Rows, run: SearchRun, result: IngestResult, works: list[Work], db_ids: set[str]
) -> None:
    """Records identified per source; duplicates and unreadable records removed."""
    by_source: dict[str, int] = {}
    for stats in result.files:
        label = stats.source if out.arm == "databases" else _snowball_label(stats.source)
        by_source[label] = by_source.get(label, 0) + stats.read
    for source, n in by_source.items():
        out.add("identification", "records_identified", n, source=source)
    records = {r.record_id for r in run.dedupe.records}
    arm_records = [rid for rid in records if (rid in db_ids) == (out.arm == "databases")]
    out.add("identification", "duplicates_removed", len(arm_records) - len(works))
    versions = sum(1 for w in works if _has_versions(w))
    if versions:
        out.add(
            "identification",
            "duplicates_removed",
            versions,
            reason="works with preprint and published versions linked",
        )
    out.add("identification", "unreadable_removed", sum(s.rejected for s in result.files))


def _screening(out: _Rows, run: SearchRun, works: list[Work]) -> list[str]:
    """Title/abstract screening; returns the works sought for retrieval."""
    ta = {w.work_id: run.title_abstract.get(w.work_id) for w in works}
    ft = {w.work_id: run.full_text.get(w.work_id) for w in works}
    out.add("screening", "records_screened", len(works))
    excluded = [d for d in ta.values() if d is not None and d.decision == "exclude"]
    out.add("screening", "records_excluded", len(excluded))
    for reason, n in _reasons(excluded, run.criteria.label).items():
        out.add("screening", "records_excluded", n, reason=reason)
    awaiting = sum(1 for d in ta.values() if d is None or d.decision == "maybe")
    conflicts = sum(1 for d in ta.values() if d is not None and d.decision == "conflict")
    if awaiting:
        out.add("screening", "records_awaiting_screening", awaiting)
    if conflicts:
        out.add("screening", "screening_conflicts", conflicts)
    sought = [wid for wid, d in ta.items() if d is not None and d.decision == "include"]
    not_ta_included = [wid for wid, d in ft.items() if d is not None and wid not in sought]
    if not_ta_included:
        raise SlrError(
            f"{len(not_ta_included)} work(s) have a full-text decision but were not "
            f"included at title/abstract (e.g. {not_ta_included[0]}); record the "
            "title/abstract decision first"
        )
    return sought


def _assessment(out: _Rows, run: SearchRun, sought: list[str]) -> None:
    """Reports sought, not retrieved, assessed and excluded at full text."""
    out.add("screening", "reports_sought", len(sought))
    ft_sought = [run.full_text.get(w) for w in sought]
    not_retrieved = sum(1 for d in ft_sought if d is not None and d.decision == "not_retrieved")
    out.add("screening", "reports_not_retrieved", not_retrieved)
    pending = sum(1 for d in ft_sought if d is None or d.decision in ("maybe", "conflict"))
    out.add("screening", "reports_assessed", len(sought) - not_retrieved - pending)
    ft_excluded = [d for d in ft_sought if d is not None and d.decision == "exclude"]
    out.add("screening", "reports_excluded", len(ft_excluded))
    for reason, n in _reasons(ft_excluded, run.criteria.label).items():
        out.add("screening", "reports_excluded", n, reason=reason)
    if pending:
        out.add("screening", "reports_awaiting_assessment", pending)


def _included(out: _Rows, run: SearchRun, works: list[Work]) -> None:
    """Studies included, and their reports (a preprint and its published version are two)."""
    included = [
        w
        for w in works
        if (d := run.full_text.get(w.work_id)) is not None and d.decision == "include"
    ]
    out.add("included", "studies_included", len(included))
    out.add("included", "reports_included", sum(1 + int(_has_versions(w)) for w in included))


def _has_versions(work: Work) -> bool:
    """A work whose preprint and published version were both found."""
    return bool(work.preprint_ids) and len(work.preprint_ids) < len(work.record_ids)


def _snowball_label(source: str) -> str:
    direction = source.split(":", 1)[1] if ":" in source else source
    return f"citation searching ({direction})"


def _reasons(decisions: list[FinalDecision], label: Callable[[str], str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for d in decisions:
        key = label(d.reasons[0]) if d.reasons else "no reason recorded"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _total(frame: pd.DataFrame, arm: str, box: str) -> int:
    sel = frame[(frame["arm"] == arm) & (frame["box"] == box) & (frame["reason"] == "")]
    return int(sel["count"].sum())


def _check_balance(frame: pd.DataFrame) -> None:
    """The diagram's arithmetic must hold; a failure here is a bug, not bad input."""
    for arm in frame["arm"].unique():
        t = {box: _total(frame, arm, box) for box in BOX_TITLES}
        removed = t["duplicates_removed"] + t["unreadable_removed"]
        assert t["records_identified"] - removed == t["records_screened"], arm
        assert t["records_screened"] == (
            t["records_excluded"]
            + t["reports_sought"]
            + t["records_awaiting_screening"]
            + t["screening_conflicts"]
        ), arm
        assert t["reports_sought"] == (
            t["reports_not_retrieved"] + t["reports_assessed"] + t["reports_awaiting_assessment"]
        ), arm
        assert t["reports_assessed"] == t["reports_excluded"] + t["studies_included"], arm


def prisma_for_bundled_review(root: str | Path | None = None) -> pd.DataFrame:
    """PRISMA counts of the review's bundled search (``<root>/corpus/search``)."""
    from slr.paths import corpus_dir
    from slr.search.project import run_search

    folder = corpus_dir(Path(root) if root is not None else None) / "search"
    return compute_prisma(run_search(folder))
