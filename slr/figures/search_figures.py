"""The PRISMA 2020 flow diagram of the bundled search (corpus/search), drawn from the pipeline's counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from slr.figures.base import figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from slr.review import Review


def compute_prisma(review: Review) -> pd.DataFrame:
    from slr.search.prisma import compute_prisma as counts

    return counts(review.search)


@figure(
    "prisma",
    "PRISMA 2020 flow of the bundled search sample (not the review's full search)",
    "Counts computed by running the pipeline (ingest, dedupe, screening log) over corpus/search: the "
    "sample of its Google Scholar results the review published (a Publish or Perish export). The "
    "review published no per-record screening decisions; the decisions in the log are derived from "
    "the final selection and labelled so (reason 'not in the final selection, reason not "
    "published').",
    section="search",
)
def plot_prisma(frame: pd.DataFrame) -> Figure:
    from slr.search.prisma_diagram import plot_prisma as draw

    identified = int(frame.loc[frame["box"] == "records_identified", "count"].sum())
    fig: Figure = draw(
        frame, title=f"Bundled search sample ({identified} records), not the review's full search"
    )
    return fig
