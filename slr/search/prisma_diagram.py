"""Drawing the PRISMA 2020 flow diagram of a :func:`slr.search.prisma.compute_prisma` table.

The diagram only draws the table's numbers (boxes, arrows, the identification / screening /
included bands); saving it is the figure renderer's (:func:`slr.figures.base.write_figure`).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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


ROWS = ["identification", "screening", "sought", "assessed"]
_LINE_H, _PAD, _VGAP, _HEAD_H = 0.15, 0.24, 0.42, 0.4
_COL_W, _GAP, _LEFT0 = 3.5, 0.45, 0.7


def _height(text: str) -> float:
    return _PAD + _LINE_H * (text.count("\n") + 1)


def _included_total(frame: pd.DataFrame, box: str) -> int:
    return int(frame[(frame["box"] == box) & (frame["reason"] == "")]["count"].sum())


@dataclass
class _Layout:
    """Where every box goes: the texts of each arm, the height and top of each row."""

    arms: list[str]
    texts: dict[str, dict[str, tuple[str, str]]]
    included_text: str
    row_h: dict[str, float]
    tops: dict[str, float]
    total_h: float
    fig_w: float

    @classmethod
    def of(cls, frame: pd.DataFrame, arms: list[str]) -> _Layout:
        texts = {arm: _arm_texts(frame, arm, 50) for arm in arms}
        row_h = {r: max(_height(t) for arm in arms for t in texts[arm][r]) for r in ROWS}
        included_text = (
            f"Studies included in review (n = {_included_total(frame, 'studies_included')})\n"
            f"Reports of included studies (n = {_included_total(frame, 'reports_included')})"
        )
        row_h["included"] = _height(included_text)
        total_h = _HEAD_H + 0.3 + sum(row_h.values()) + _VGAP * len(row_h) + 0.2
        fig_w = _LEFT0 + len(arms) * (2 * _COL_W + _GAP) + (len(arms) - 1) * 0.5 + 0.2
        tops: dict[str, float] = {}
        y = total_h - _HEAD_H - 0.3
        for r in [*ROWS, "included"]:
            tops[r] = y
            y -= row_h[r] + _VGAP
        return cls(arms, texts, included_text, row_h, tops, total_h, fig_w)


class _Canvas:
    """Rounded boxes with text, and arrows, on one axes."""

    def __init__(self, ax: Any) -> None:
        self.ax = ax

    def patch(self, x: float, y: float, w: float, h: float, fc: str, lw: float = 1.0) -> None:
        from matplotlib.patches import FancyBboxPatch

        self.ax.add_patch(
            FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02", fc=fc, ec="black", lw=lw)
        )

    def box(self, x: float, top: float, h: float, text: str, fc: str = "white") -> None:
        self.patch(x, top - h, _COL_W, h, fc)
        self.ax.text(x + 0.1, top - 0.12, text, ha="left", va="top", fontsize=8.2)

    def arrow(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops={"arrowstyle": "-|>", "lw": 1.0, "color": "black"},
        )


def plot_prisma(frame: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Draw the PRISMA 2020 flow diagram of a :func:`compute_prisma` table."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    arms = [a for a in ("databases", "other") if a in set(frame["arm"])]
    if not arms:
        raise SlrError("the PRISMA table is empty; run the pipeline on a search project first")
    layout = _Layout.of(frame.assign(source=frame["source"].map(_pretty)), arms)
    fig, ax = plt.subplots(figsize=(layout.fig_w, layout.total_h))
    ax.set_xlim(0, layout.fig_w)
    ax.set_ylim(0, layout.total_h)
    ax.axis("off")
    canvas = _Canvas(ax)
    for k, arm in enumerate(arms):
        _draw_arm(canvas, layout, k, arm)
    canvas.box(
        _LEFT0, layout.tops["included"], layout.row_h["included"], layout.included_text, "#e8f4e8"
    )
    _draw_bands(canvas, layout)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def _draw_arm(canvas: _Canvas, layout: _Layout, k: int, arm: str) -> None:
    """One arm: its heading, then each row's main box, side box and arrows."""
    x_main = _LEFT0 + k * (2 * _COL_W + _GAP + 0.5)
    x_side = x_main + _COL_W + _GAP
    head = (
        "Identification of studies via databases and registers"
        if arm == "databases"
        else "Identification of studies via other methods"
    )
    top = layout.total_h - _HEAD_H - 0.1
    canvas.patch(
        x_main, top, 2 * _COL_W + _GAP, _HEAD_H, "#f2c94c" if arm == "databases" else "#d9d9d9"
    )
    canvas.ax.text(
        x_main + _COL_W + _GAP / 2,
        layout.total_h - _HEAD_H / 2 - 0.1,
        head,
        ha="center",
        va="center",
        fontsize=9,
        weight="bold",
    )
    tops, row_h = layout.tops, layout.row_h
    for i, r in enumerate(ROWS):
        main, side = layout.texts[arm][r]
        h = row_h[r]
        canvas.box(x_main, tops[r], h, main)
        canvas.box(x_side, tops[r], h, side)
        canvas.arrow(x_main + _COL_W, tops[r] - h / 2, x_side, tops[r] - h / 2)
        nxt = ROWS[i + 1] if i + 1 < len(ROWS) else "included"
        if nxt != "included" or k == 0:
            canvas.arrow(x_main + _COL_W / 2, tops[r] - h, x_main + _COL_W / 2, tops[nxt])
        else:  # the other arm's included studies join the review's total
            canvas.arrow(
                x_main + _COL_W / 2, tops[r] - h, _LEFT0 + _COL_W, tops[nxt] - row_h[nxt] / 2
            )


def _draw_bands(canvas: _Canvas, layout: _Layout) -> None:
    """The stage bands down the left side: identification, screening, included."""
    tops, row_h = layout.tops, layout.row_h
    bands = {
        "Identification": (
            tops["identification"],
            tops["identification"] - row_h["identification"],
        ),
        "Screening": (tops["screening"], tops["assessed"] - row_h["assessed"]),
        "Included": (tops["included"], tops["included"] - row_h["included"]),
    }
    for label, (top, bottom) in bands.items():
        canvas.patch(0.12, bottom, 0.38, top - bottom, "#9dc3e6", lw=0.8)
        canvas.ax.text(
            0.31,
            (top + bottom) / 2,
            label,
            rotation=90,
            ha="center",
            va="center",
            fontsize=9 if top - bottom > 1.4 else 7,
            weight="bold",
        )
