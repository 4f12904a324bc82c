"""Figures of the reproductions: verdicts on the papers' claims (read from reproductions/results)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from slr.figures.base import OKABE_ITO, figure, integer_ticks

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from slr.review import Review

VERDICT_COLOURS = {
    "holds": OKABE_ITO[2],
    "does not hold": OKABE_ITO[5],
    "cannot be checked": "#999999",
}


def compute_efficiency_verdicts(review: Review) -> pd.DataFrame:
    """Efficiency claims per paper by verdict (reproductions/results/verdicts.json)."""
    from slr.reproduce.verdicts import verdicts_frame

    v = verdicts_frame(review.corpus.folder.parent)
    out = v.groupby(["paper", "verdict"], as_index=False).size().rename(columns={"size": "count"})
    out["order"] = out["paper"].str[1:].astype(int)
    return out.sort_values(["order", "verdict"]).drop(columns="order").reset_index(drop=True)


@figure(
    "efficiency-verdicts",
    "Efficiency claims: do they hold?",
    "Each quantitative efficiency claim of the corpus (corpus/claims.yaml) checked by exact "
    "parameter counts on the meta device, the analytical memory model or a measured run; claims "
    "without a stated set-up, or not attributable to one PEFT method, cannot be checked.",
    section="Reproductions",
)
def plot_efficiency_verdicts(frame: pd.DataFrame) -> Figure:
    return _verdict_bars(
        frame,
        "paper",
        VERDICT_COLOURS,
        xlabel="efficiency claims",
        title="Verdicts on the papers' efficiency claims",
        size=(7.5, 0.45, 1.4),
    )


def _verdict_bars(
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


EFFECTIVENESS_COLOURS = {
    "supported": OKABE_ITO[2],
    "not supported": OKABE_ITO[5],
    "inconclusive at this scale": "#999999",
}


def compute_effectiveness_verdicts(review: Review) -> pd.DataFrame:
    """Small-scale effectiveness checks by spec and verdict (reproductions/results/effectiveness)."""
    from slr.reproduce.train import effectiveness_frame

    e = effectiveness_frame(review.corpus.folder.parent)
    if e.empty:
        return pd.DataFrame(columns=["spec", "verdict", "count"])
    out = e.groupby(["spec", "verdict"], as_index=False).size().rename(columns={"size": "count"})
    return out


@figure(
    "effectiveness-verdicts",
    "Effectiveness claims at small scale",
    "Checks of the papers' effectiveness claims re-run here on CPU over 3 seeds with small-scale "
    "proxies (an offline English sentence encoder, 1-2M-parameter code models pretrained on the Python "
    "standard library): a verdict at this scale, never a verdict on the paper's setting.",
    section="Reproductions",
)
def plot_effectiveness_verdicts(frame: pd.DataFrame) -> Figure:
    return _verdict_bars(
        frame,
        "spec",
        EFFECTIVENESS_COLOURS,
        xlabel="claim checks",
        title="Effectiveness checks (small-scale proxies)",
        size=(8.0, 0.5, 1.5),
    )
