"""Figures of the reproductions: verdicts on the papers' claims (read from reproductions/results)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from slr.figures.base import figure
from slr.figures.plots import verdict_bars
from slr.figures.style import OKABE_ITO

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
    v = review.verdicts
    out = v.groupby(["paper", "verdict"], as_index=False).size().rename(columns={"size": "count"})
    out["order"] = out["paper"].str[1:].astype(int)
    return out.sort_values(["order", "verdict"]).drop(columns="order").reset_index(drop=True)


@figure(
    "efficiency-verdicts",
    "Efficiency claims: do they hold?",
    "Each quantitative efficiency claim of the corpus (corpus/claims.yaml) checked by exact "
    "parameter counts on the meta device, the analytical memory model or a measured run; claims "
    "without a stated set-up, or not attributable to one PEFT method, cannot be checked.",
    section="reproductions",
)
def plot_efficiency_verdicts(frame: pd.DataFrame) -> Figure:
    return verdict_bars(
        frame,
        "paper",
        VERDICT_COLOURS,
        xlabel="efficiency claims",
        title="Verdicts on the papers' efficiency claims",
        size=(7.5, 0.45, 1.4),
    )


EFFECTIVENESS_COLOURS = {
    "supported": OKABE_ITO[2],
    "not supported": OKABE_ITO[5],
    "inconclusive at this scale": "#999999",
}


def compute_effectiveness_verdicts(review: Review) -> pd.DataFrame:
    """Small-scale effectiveness checks by spec and verdict (reproductions/results/effectiveness)."""
    e = review.effectiveness
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
    section="reproductions",
)
def plot_effectiveness_verdicts(frame: pd.DataFrame) -> Figure:
    return verdict_bars(
        frame,
        "spec",
        EFFECTIVENESS_COLOURS,
        xlabel="claim checks",
        title="Effectiveness checks (small-scale proxies)",
        size=(8.0, 0.5, 1.5),
    )
