"""Figures of the reproductions: verdicts on the papers' claims (read from reproductions/results)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from slr.figures.base import OKABE_ITO, figure

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
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    papers = list(dict.fromkeys(frame["paper"]))[::-1]
    table = frame.pivot_table(
        index="paper", columns="verdict", values="count", fill_value=0
    ).reindex(papers)
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(papers) + 1.4))
    left = [0.0] * len(papers)
    for verdict, colour in VERDICT_COLOURS.items():
        if verdict not in table.columns:
            continue
        vals = table[verdict].tolist()
        bars = ax.barh(papers, vals, left=left, color=colour)
        ax.bar_label(
            bars,
            labels=[str(int(x)) if x else "" for x in vals],
            label_type="center",
            fontsize=8,
            color="white",
        )
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ax.set_xlabel("efficiency claims")
    ax.legend(
        handles=[Patch(color=c, label=v) for v, c in VERDICT_COLOURS.items() if v in table.columns],
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.15),
        ncols=3,
    )
    ax.set_title("Verdicts on the papers' efficiency claims")
    return fig
