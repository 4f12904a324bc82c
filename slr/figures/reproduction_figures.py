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
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    specs = list(dict.fromkeys(frame["spec"]))[::-1]
    table = frame.pivot_table(
        index="spec", columns="verdict", values="count", fill_value=0
    ).reindex(specs)
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(specs) + 1.5))
    left = [0.0] * len(specs)
    for verdict, colour in EFFECTIVENESS_COLOURS.items():
        if verdict not in table.columns:
            continue
        vals = table[verdict].tolist()
        bars = ax.barh(specs, vals, left=left, color=colour)
        ax.bar_label(
            bars,
            labels=[str(int(x)) if x else "" for x in vals],
            label_type="center",
            fontsize=8,
            color="white",
        )
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ax.set_xlabel("claim checks")
    ax.legend(
        handles=[
            Patch(color=c, label=v) for v, c in EFFECTIVENESS_COLOURS.items() if v in table.columns
        ],
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.15),
        ncols=3,
    )
    ax.set_title("Effectiveness checks (small-scale proxies)")
    return fig
