"""Drawing helpers shared by the figures: count axes, annotated heatmaps, stacked verdict bars."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slr.figures.style import HEATMAP_CMAP

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def integer_ticks(axis: Any) -> None:
    """Ticks at whole numbers only, for an axis that counts (no 0.5 papers)."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))


def annotate_heatmap(ax: Any, data: Any, *, fmt: str = "{:d}") -> None:
    """Write each non-zero cell's value, dark on light cells and light on dark ones."""
    import numpy as np

    vmax = float(np.nanmax(data)) if data.size else 0.0
    for (i, j), v in np.ndenumerate(data):
        if v:
            colour = "black" if vmax and v / vmax > 0.55 else "white"
            ax.text(j, i, fmt.format(int(v)), ha="center", va="center", fontsize=8, color=colour)


def heatmap(
    frame: pd.DataFrame,
    rows: str,
    cols: str,
    *,
    title: str,
    row_order: list[str],
    col_order: list[str],
    size: tuple[float, float],
) -> Figure:
    """Counts of ``frame`` by two columns as an annotated heatmap (empty cells left blank)."""
    import matplotlib.pyplot as plt
    import numpy as np

    table = frame.pivot_table(index=rows, columns=cols, values="count", aggfunc="sum", fill_value=0)
    table = table.reindex(index=row_order, columns=col_order, fill_value=0)
    data = table.to_numpy()
    fig, ax = plt.subplots(figsize=size)
    im = ax.imshow(np.ma.masked_equal(data, 0), cmap=HEATMAP_CMAP, aspect="auto", vmin=0)
    ax.set_xticks(range(len(table.columns)), table.columns, rotation=45, ha="right")
    ax.set_yticks(range(len(table.index)), table.index)
    ax.set_xticks(np.arange(-0.5, len(table.columns)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(table.index)), minor=True)
    ax.grid(which="minor", color="#dddddd", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    annotate_heatmap(ax, data)
    cbar = fig.colorbar(im, ax=ax, fraction=0.025, pad=0.02, label="count")
    integer_ticks(cbar.ax.yaxis)
    ax.set_title(title)
    return fig


def verdict_bars(
    frame: pd.DataFrame,
    row: str,
    colours: dict[str, str],
    *,
    xlabel: str,
    title: str,
    size: tuple[float, float, float],
) -> Figure:
    """Horizontal bars, one per ``row`` value (in frame order, top down), stacked by verdict.

    ``size`` is (width, height per bar, extra height) in inches.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    rows = list(dict.fromkeys(frame[row]))[::-1]
    table = frame.pivot_table(index=row, columns="verdict", values="count", fill_value=0)
    table = table.reindex(rows)
    width, per_bar, extra = size
    fig, ax = plt.subplots(figsize=(width, per_bar * len(rows) + extra))
    left = [0.0] * len(rows)
    for verdict, colour in colours.items():
        if verdict not in table.columns:
            continue
        vals = table[verdict].tolist()
        bars = ax.barh(rows, vals, left=left, color=colour)
        ax.bar_label(
            bars,
            labels=[str(int(x)) if x else "" for x in vals],
            label_type="center",
            fontsize=8,
            color="white",
        )
        left = [a + b for a, b in zip(left, vals, strict=True)]
    integer_ticks(ax.xaxis)
    ax.set_xlabel(xlabel)
    ax.legend(
        handles=[Patch(color=c, label=v) for v, c in colours.items() if v in table.columns],
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.15),
        ncols=3,
    )
    ax.set_title(title)
    return fig
