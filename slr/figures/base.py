"""The figure registry: every figure is ``compute(review) -> DataFrame`` plus ``plot(frame) -> Figure``.

The frame holds every number the figure shows, in tidy long form (category columns, then
``count``), and is written beside the figure as ``<name>.csv``; the plot only draws it. Figures
are found lazily: every module of :mod:`slr.figures` (but this one and its helpers) is imported
the first time the registry is read, in name order, and registers its figures in the order they
are defined. A figure names the report section it is shown in, which must be one of the report's
outline (:mod:`slr.report.outline`); any other is an error when it registers.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slr.errors import ConfigError
from slr.figures.style import setup_matplotlib
from slr.registry import Registry
from slr.report.outline import heading

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure as MplFigure

    from slr.review import Review

__all__ = [
    "FIGURES",
    "FigureSpec",
    "compute_frame",
    "figure",
    "registry",
    "render",
    "setup_matplotlib",
    "write_figure",
]


@dataclass(frozen=True)
class FigureSpec:
    name: str
    title: str
    caption: str
    compute: Callable[[Review], pd.DataFrame]
    plot: Callable[[pd.DataFrame], MplFigure]
    section: str = "figures"


FIGURES: Registry[FigureSpec] = Registry(
    "figure",
    discover="slr.figures",
    skip=("base", "plots", "style"),
    describe=lambda spec: spec.title,
    identity=lambda spec: spec.plot.__qualname__ + "@" + spec.plot.__module__,
)


def figure(
    name: str, title: str, caption: str, *, section: str = "figures"
) -> Callable[[Any], Any]:
    """Register a figure: decorate its plot function ``plot_<x>``; its compute function is the
    ``compute_<x>`` defined before it in the same module. ``section`` is the id of the report
    section that shows it (see :data:`slr.report.outline.OUTLINE`)."""
    heading(section)  # an unknown section fails here, at registration

    def wrap(plot: Callable[[pd.DataFrame], MplFigure]) -> Callable[[pd.DataFrame], MplFigure]:
        compute_name = "compute_" + plot.__name__.removeprefix("plot_")
        compute = getattr(sys.modules[plot.__module__], compute_name, None)
        if compute is None:
            raise ConfigError(
                f"figure '{name}': {plot.__module__} defines no {compute_name}() before "
                f"{plot.__name__}(); define the compute function first"
            )
        FIGURES.add(name, FigureSpec(name, title, caption, compute, plot, section))
        return plot

    return wrap


def registry() -> Registry[FigureSpec]:
    """All registered figures, in registration order (importing the modules that define them)."""
    FIGURES.names()
    return FIGURES


def compute_frame(spec: FigureSpec, review: Review) -> pd.DataFrame:
    """The figure's numbers: its compute function's tidy frame (ending in a ``count`` column)."""
    frame = spec.compute(review)
    if "count" not in frame.columns or frame.columns[-1] != "count":
        raise ConfigError(
            f"figure '{spec.name}': compute must return tidy data ending in a 'count' column"
        )
    return frame


def render(spec: FigureSpec, review: Review, out: Path) -> dict[str, Path]:
    """Compute, then draw and write the figure (see :func:`write_figure`)."""
    return write_figure(spec.name, compute_frame(spec, review), spec.plot, out)


def write_figure(
    name: str, frame: pd.DataFrame, plot: Callable[[pd.DataFrame], MplFigure], out: Path
) -> dict[str, Path]:
    """Write ``<name>.csv`` (the frame), then draw it and write ``<name>.png`` and ``<name>.svg``
    into ``out``: the one renderer of every figure, the PRISMA diagram of ``slr prisma`` too."""
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    paths = {"csv": out / f"{name}.csv", "png": out / f"{name}.png", "svg": out / f"{name}.svg"}
    frame.to_csv(paths["csv"], index=False)
    fig = plot(frame)
    try:
        fig.savefig(paths["png"], bbox_inches="tight")
        fig.savefig(paths["svg"], bbox_inches="tight", metadata={"Date": None})
    finally:
        plt.close(fig)
    return paths
