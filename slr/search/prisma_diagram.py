"""Drawing the PRISMA 2020 flow diagram of a :func:`slr.search.prisma.compute_prisma` table.

The diagram only draws the table's numbers (boxes, arrows, the identification / screening /
included bands); saving it is the figure renderer's (:func:`slr.figures.base.write_figure`).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from slr.errors import SlrError
from slr.search.prisma import BOX_TITLES

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


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
