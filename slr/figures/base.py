"""The figure registry: every figure is ``compute(review) -> DataFrame`` plus ``plot(frame) -> Figure``.

The frame holds every number the figure shows, in tidy long form (category columns, then
``count``), and is written beside the figure as ``<name>.csv``; the plot only draws it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slr.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure as MplFigure

    from slr.review import Review

# Okabe & Ito (2008) palette: distinguishable under the common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
TASK_TYPE_COLOURS = {"generative": "#0072B2", "non-generative": "#E69F00", "mixed": "#999999"}
FAMILY_COLOURS = {
    "additive": "#0072B2",
    "reparameterized": "#E69F00",
    "selective": "#009E73",
    "hybrid": "#CC79A7",
    "baseline": "#999999",
}
HEATMAP_CMAP = "cividis"  # perceptually uniform and colour-blind safe


@dataclass(frozen=True)
class FigureSpec:
    name: str
    title: str
    caption: str
    compute: Callable[[Review], pd.DataFrame]
    plot: Callable[[pd.DataFrame], MplFigure]
    section: str = "Figures"


REGISTRY: dict[str, FigureSpec] = {}


def figure(
    name: str, title: str, caption: str, *, section: str = "Figures"
) -> Callable[[Any], Any]:
    """Register a figure: decorate its plot function; the compute function is passed by name."""

    def wrap(plot: Callable[[pd.DataFrame], MplFigure]) -> Callable[[pd.DataFrame], MplFigure]:
        module = __import__(plot.__module__, fromlist=["_"])
        compute = getattr(module, "compute_" + plot.__name__.removeprefix("plot_"))
        if name in REGISTRY:
            raise ConfigError(f"figure '{name}' registered twice")
        REGISTRY[name] = FigureSpec(name, title, caption, compute, plot, section)
        return plot

    return wrap


def registry() -> dict[str, FigureSpec]:
    """All registered figures (importing the modules that define them)."""
    from slr.figures import reproduction_figures, review_figures, search_figures  # noqa: F401

    return REGISTRY


def setup_matplotlib() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.size": 10,
            "axes.titlesize": 12,
            "axes.labelsize": 10,
            "xtick.labelsize": 9,
            "ytick.labelsize": 9,
            "legend.fontsize": 9,
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "svg.fonttype": "none",  # text stays text in SVG: small files, selectable labels
            "svg.hashsalt": "slr",  # deterministic SVG ids
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def render(spec: FigureSpec, review: Review, out: Path) -> dict[str, Path]:
    """Compute, write ``<name>.csv``, draw, write ``<name>.png`` and ``<name>.svg``."""
    import matplotlib.pyplot as plt

    frame = spec.compute(review)
    if "count" not in frame.columns or frame.columns[-1] != "count":
        raise ConfigError(
            f"figure '{spec.name}': compute must return tidy data ending in a 'count' column"
        )
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "csv": out / f"{spec.name}.csv",
        "png": out / f"{spec.name}.png",
        "svg": out / f"{spec.name}.svg",
    }
    frame.to_csv(paths["csv"], index=False)
    fig = spec.plot(frame)
    try:
        fig.savefig(paths["png"], bbox_inches="tight")
        fig.savefig(paths["svg"], bbox_inches="tight", metadata={"Date": None})
    finally:
        plt.close(fig)
    return paths


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
