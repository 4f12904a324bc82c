"""The look of every figure: colour-blind-safe palettes and matplotlib's settings."""

from __future__ import annotations

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
FAMILY_ORDER = ["additive", "selective", "reparameterized", "hybrid", "baseline"]
HEATMAP_CMAP = "cividis"  # perceptually uniform and colour-blind safe


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
