"""PRISMA 2020 flow diagram: counts computed from the pipeline's own data, then drawn.

:func:`compute_prisma` turns a :class:`slr.search.project.SearchRun` (ingested records, duplicate
clusters, screening decisions) into a tidy table, one row per number of the diagram:

``arm`` (``databases`` or ``other`` for citation searching), ``stage`` (identification,
screening, included), ``box``, ``reason`` (exclusion reason, empty for totals), ``source``
(database, for identified records) and ``count``.

:func:`plot_prisma` only draws that table (matplotlib; saved as PNG and SVG by
:func:`save_prisma`). No number is typed by hand anywhere.

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

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from slr.errors import SlrError

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd
    from matplotlib.figure import Figure

    from slr.search.project import SearchRun
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


def compute_prisma(run: SearchRun) -> pd.DataFrame:
    """Every number of the PRISMA 2020 diagram, computed from the run's data."""
    import pandas as pd

    rows: list[dict[str, object]] = []

    def add(arm: str, stage: str, box: str, count: int, reason: str = "", source: str = "") -> None:
        rows.append(
            {
                "arm": arm,
                "stage": stage,
                "box": box,
                "reason": reason,
                "source": source,
                "count": int(count),
            }
        )

    db_ids = {r.record_id for r in run.ingested.records}
    records = {r.record_id: r for r in run.dedupe.records}
    arm_of_work = {
        w.work_id: "databases" if any(rid in db_ids for rid in w.record_ids) else "other"
        for w in run.works
    }
    criteria = run.criteria
    for arm, result in (("databases", run.ingested), ("other", run.snowballed)):
        if arm == "other" and not result.files:
            continue
        by_source: dict[str, int] = {}
        for stats in result.files:
            label = stats.source if arm == "databases" else _snowball_label(stats.source)
            by_source[label] = by_source.get(label, 0) + stats.read
        for source, n in by_source.items():
            add(arm, "identification", "records_identified", n, source=source)
        works = [w for w in run.works if arm_of_work[w.work_id] == arm]
        arm_records = [rid for rid in records if (rid in db_ids) == (arm == "databases")]
        duplicates = len(arm_records) - len(works)
        add(arm, "identification", "duplicates_removed", duplicates)
        versions = sum(
            1 for w in works if w.preprint_ids and len(w.preprint_ids) < len(w.record_ids)
        )
        if versions:
            add(
                arm,
                "identification",
                "duplicates_removed",
                versions,
                reason="works with preprint and published versions linked",
            )
        unreadable = sum(s.rejected for s in result.files)
        add(arm, "identification", "unreadable_removed", unreadable)

        ta = {w.work_id: run.title_abstract.get(w.work_id) for w in works}
        ft = {w.work_id: run.full_text.get(w.work_id) for w in works}
        add(arm, "screening", "records_screened", len(works))
        excluded = [d for d in ta.values() if d is not None and d.decision == "exclude"]
        add(arm, "screening", "records_excluded", len(excluded))
        for reason, n in _reasons(excluded, criteria.label).items():
            add(arm, "screening", "records_excluded", n, reason=reason)
        awaiting = sum(1 for d in ta.values() if d is None or d.decision == "maybe")
        conflicts = sum(1 for d in ta.values() if d is not None and d.decision == "conflict")
        if awaiting:
            add(arm, "screening", "records_awaiting_screening", awaiting)
        if conflicts:
            add(arm, "screening", "screening_conflicts", conflicts)
        sought = [wid for wid, d in ta.items() if d is not None and d.decision == "include"]
        not_ta_included = [wid for wid, d in ft.items() if d is not None and wid not in sought]
        if not_ta_included:
            raise SlrError(
                f"{len(not_ta_included)} work(s) have a full-text decision but were not "
                f"included at title/abstract (e.g. {not_ta_included[0]}); record the "
                "title/abstract decision first"
            )
        add(arm, "screening", "reports_sought", len(sought))
        ft_sought = [ft[w] for w in sought]
        not_retrieved = sum(1 for d in ft_sought if d is not None and d.decision == "not_retrieved")
        add(arm, "screening", "reports_not_retrieved", not_retrieved)
        pending = sum(1 for d in ft_sought if d is None or d.decision in ("maybe", "conflict"))
        add(arm, "screening", "reports_assessed", len(sought) - not_retrieved - pending)
        ft_excluded = [d for d in ft_sought if d is not None and d.decision == "exclude"]
        add(arm, "screening", "reports_excluded", len(ft_excluded))
        for reason, n in _reasons(ft_excluded, criteria.label).items():
            add(arm, "screening", "reports_excluded", n, reason=reason)
        if pending:
            add(arm, "screening", "reports_awaiting_assessment", pending)
        included = [
            w for w in works if (d := ft.get(w.work_id)) is not None and d.decision == "include"
        ]
        add(arm, "included", "studies_included", len(included))
        reports = sum(
            1 + int(bool(w.preprint_ids) and len(w.preprint_ids) < len(w.record_ids))
            for w in included
        )
        add(arm, "included", "reports_included", reports)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    _check_balance(frame)
    return frame


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


# ------------------------------------------------------------------------------------ drawing


def _box_text(frame: pd.DataFrame, arm: str, box: str, width: int) -> str:
    sel = frame[(frame["arm"] == arm) & (frame["box"] == box)]
    total = sel[(sel["reason"] == "") & (sel["source"] == "")]["count"].sum()
    lines = []
    if box == "records_identified":
        lines.append(BOX_TITLES[box] + ":")
        for _, row in sel.iterrows():
            lines.append(f"  {row['source']} (n = {row['count']})")
        return "\n".join(textwrap.fill(x, width, subsequent_indent="    ") for x in lines)
    lines.append(f"{BOX_TITLES[box]} (n = {int(total)})")
    for _, row in sel[sel["reason"] != ""].iterrows():
        lines.append(f"  {row['reason']} (n = {row['count']})")
    return "\n".join(textwrap.fill(x, width, subsequent_indent="    ") for x in lines)


def _pretty(source: str) -> str:
    return source.replace("_", " ").title() if source.islower() else source


def _arm_texts(frame: pd.DataFrame, arm: str, width: int) -> dict[str, tuple[str, str]]:
    """Text of the main (left) and side (right) box of each row of one arm."""

    def has(box: str) -> bool:
        return not frame[(frame["arm"] == arm) & (frame["box"] == box)].empty

    removed = "Records removed before screening:\n" + "\n".join(
        "  " + line
        for line in (
            _box_text(frame, arm, "duplicates_removed", width - 4).splitlines()
            + _box_text(frame, arm, "unreadable_removed", width - 4).splitlines()
        )
    )
    screened = _box_text(frame, arm, "records_screened", width)
    for extra in ("records_awaiting_screening", "screening_conflicts"):
        if has(extra):
            screened += "\n" + _box_text(frame, arm, extra, width)
    assessed = _box_text(frame, arm, "reports_assessed", width)
    if has("reports_awaiting_assessment"):
        assessed += "\n" + _box_text(frame, arm, "reports_awaiting_assessment", width)
    return {
        "identification": (_box_text(frame, arm, "records_identified", width), removed),
        "screening": (screened, _box_text(frame, arm, "records_excluded", width)),
        "sought": (
            _box_text(frame, arm, "reports_sought", width),
            _box_text(frame, arm, "reports_not_retrieved", width),
        ),
        "assessed": (assessed, _box_text(frame, arm, "reports_excluded", width)),
    }


def plot_prisma(frame: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Draw the PRISMA 2020 flow diagram of a :func:`compute_prisma` table."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    arms = [a for a in ("databases", "other") if a in set(frame["arm"])]
    if not arms:
        raise SlrError("the PRISMA table is empty; run the pipeline on a search project first")
    frame = frame.assign(source=frame["source"].map(_pretty))
    width_chars = 50
    texts = {arm: _arm_texts(frame, arm, width_chars) for arm in arms}
    order = ["identification", "screening", "sought", "assessed"]
    line_h, pad, vgap = 0.15, 0.24, 0.42

    def height(text: str) -> float:
        return pad + line_h * (text.count("\n") + 1)

    row_h = {r: max(height(t) for arm in arms for t in texts[arm][r]) for r in order}
    studies = int(
        frame[(frame["box"] == "studies_included") & (frame["reason"] == "")]["count"].sum()
    )
    reports = int(
        frame[(frame["box"] == "reports_included") & (frame["reason"] == "")]["count"].sum()
    )
    included_text = (
        f"Studies included in review (n = {studies})\nReports of included studies (n = {reports})"
    )
    row_h["included"] = height(included_text)
    head_h = 0.4
    total_h = head_h + 0.3 + sum(row_h.values()) + vgap * len(row_h) + 0.2
    col_w, gap, left0 = 3.5, 0.45, 0.7
    fig_w = left0 + len(arms) * (2 * col_w + gap) + (len(arms) - 1) * 0.5 + 0.2
    fig, ax = plt.subplots(figsize=(fig_w, total_h))
    ax.set_xlim(0, fig_w)
    ax.set_ylim(0, total_h)
    ax.axis("off")

    def box(x: float, top: float, h: float, text: str, fc: str = "white") -> None:
        ax.add_patch(
            FancyBboxPatch(
                (x, top - h), col_w, h, boxstyle="round,pad=0.02", fc=fc, ec="black", lw=1.0
            )
        )
        ax.text(x + 0.1, top - 0.12, text, ha="left", va="top", fontsize=8.2)

    def arrow(x0: float, y0: float, x1: float, y1: float) -> None:
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops={"arrowstyle": "-|>", "lw": 1.0, "color": "black"},
        )

    tops: dict[str, float] = {}
    y = total_h - head_h - 0.3
    for r in [*order, "included"]:
        tops[r] = y
        y -= row_h[r] + vgap
    for k, arm in enumerate(arms):
        x_main = left0 + k * (2 * col_w + gap + 0.5)
        x_side = x_main + col_w + gap
        head = (
            "Identification of studies via databases and registers"
            if arm == "databases"
            else "Identification of studies via other methods"
        )
        ax.add_patch(
            FancyBboxPatch(
                (x_main, total_h - head_h - 0.1),
                2 * col_w + gap,
                head_h,
                boxstyle="round,pad=0.02",
                fc="#f2c94c" if arm == "databases" else "#d9d9d9",
                ec="black",
                lw=1.0,
            )
        )
        ax.text(
            x_main + col_w + gap / 2,
            total_h - head_h / 2 - 0.1,
            head,
            ha="center",
            va="center",
            fontsize=9,
            weight="bold",
        )
        for i, r in enumerate(order):
            main, side = texts[arm][r]
            h = row_h[r]
            box(x_main, tops[r], h, main)
            box(x_side, tops[r], h, side)
            arrow(x_main + col_w, tops[r] - h / 2, x_side, tops[r] - h / 2)
            nxt = order[i + 1] if i + 1 < len(order) else "included"
            if nxt != "included" or k == 0:
                arrow(x_main + col_w / 2, tops[r] - h, x_main + col_w / 2, tops[nxt])
            else:  # the other arm's included studies join the review's total
                arrow(x_main + col_w / 2, tops[r] - h, left0 + col_w, tops[nxt] - row_h[nxt] / 2)
    box(left0, tops["included"], row_h["included"], included_text, fc="#e8f4e8")
    bands = {
        "Identification": (
            tops["identification"],
            tops["identification"] - row_h["identification"],
        ),
        "Screening": (tops["screening"], tops["assessed"] - row_h["assessed"]),
        "Included": (tops["included"], tops["included"] - row_h["included"]),
    }
    for label, (top, bottom) in bands.items():
        ax.add_patch(
            FancyBboxPatch(
                (0.12, bottom),
                0.38,
                top - bottom,
                boxstyle="round,pad=0.02",
                fc="#9dc3e6",
                ec="black",
                lw=0.8,
            )
        )
        ax.text(
            0.31,
            (top + bottom) / 2,
            label,
            rotation=90,
            ha="center",
            va="center",
            fontsize=9 if top - bottom > 1.4 else 7,
            weight="bold",
        )
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def save_prisma(
    frame: pd.DataFrame, out_dir: str | Path, *, title: str | None = None, stem: str = "prisma"
) -> list[Path]:
    """Write ``<stem>.png``, ``<stem>.svg`` and the table ``<stem>.csv`` into ``out_dir``."""
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fig = plot_prisma(frame, title=title)
    paths = [out / f"{stem}.png", out / f"{stem}.svg", out / f"{stem}.csv"]
    fig.savefig(paths[0], dpi=160)
    fig.savefig(paths[1])
    plt.close(fig)
    frame.to_csv(paths[2], index=False)
    return paths


def prisma_for_bundled_review(root: str | Path | None = None) -> pd.DataFrame:
    """PRISMA counts of the review's bundled search (``<root>/corpus/search``)."""
    from slr.paths import corpus_dir
    from slr.search.project import run_search

    folder = corpus_dir(Path(root) if root is not None else None) / "search"
    return compute_prisma(run_search(folder))
