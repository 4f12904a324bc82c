"""Recall curves of a simulation against random order (``slr screen simulate --plot``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from slr.search.screen.simulate import SimulationResult


def plot_recall_curves(result: SimulationResult) -> Figure:
    """One line per seed for the model, dashed lines for random order; the 95 % level dotted."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import numpy as np

    assert result.labels is not None
    fig, ax = plt.subplots(figsize=(6, 4.2))
    x = np.arange(1, result.n_records + 1) / result.n_records
    for k, curve in enumerate(result.recall_curves()):
        ax.plot(
            x, curve, color="#0072B2", alpha=0.6, lw=1, label=result.model.name if k == 0 else None
        )
    for k, curve in enumerate(result.recall_curves(random=True)):
        ax.plot(
            x,
            curve,
            color="#999999",
            alpha=0.5,
            lw=1,
            ls="--",
            label="random order" if k == 0 else None,
        )
    ax.axhline(0.95, color="#D55E00", lw=0.8, ls=":")
    ax.set_xlabel("proportion of records screened")
    ax.set_ylabel("recall (relevant records found)")
    ax.set_title(
        f"{result.name}: WSS@95 = {result.wss95_mean:.3f} (random {result.wss95_random_mean:.3f}); "
        f"{result.n_relevant}/{result.n_records} relevant",
        fontsize=9,
    )
    ax.legend(loc="lower right", fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    fig.tight_layout()
    return fig
