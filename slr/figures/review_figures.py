"""The figures of the corpus: what the papers code (methods, tasks, years, venues, GPUs), each
computed from the corpus (no count is typed by hand)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from slr.figures.base import figure
from slr.figures.plots import heatmap, integer_ticks
from slr.figures.style import FAMILY_COLOURS, FAMILY_ORDER, OKABE_ITO, TASK_TYPE_COLOURS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from slr.review import Review


# --- PEFT method x SE task -------------------------------------------------------------------------
def compute_method_task_heatmap(review: Review) -> pd.DataFrame:
    """Per v3 coding row, each method it lists counts once (combinations are their own method)."""
    m = review.methods[["task", "task_type", "family", "method"]]
    out = m.groupby(["task", "task_type", "family", "method"], as_index=False).size()
    return out.rename(columns={"size": "count"})


@figure(
    "method-task-heatmap",
    "PEFT methods by SE task",
    "Number of coding rows (paper x SE task) of the canonical coding that name each PEFT method, "
    "after merging spellings and dropping qualifiers; combinations count as their own method.",
)
def plot_method_task_heatmap(frame: pd.DataFrame) -> Figure:
    fam_rank = {f: i for i, f in enumerate(FAMILY_ORDER)}
    totals = frame.groupby(["method", "family"])["count"].sum().reset_index()
    totals["rank"] = totals["family"].map(fam_rank)
    methods = totals.sort_values(["rank", "count"], ascending=[True, False])["method"].tolist()
    task_tot = frame.groupby(["task", "task_type"])["count"].sum().reset_index()
    task_tot = task_tot.sort_values(["task_type", "count"], ascending=[True, False])
    tasks = task_tot["task"].tolist()
    fig = heatmap(
        frame,
        "task",
        "method",
        title="PEFT methods by SE task (canonical coding)",
        row_order=tasks,
        col_order=methods,
        size=(max(8, 0.55 * len(methods) + 3), 0.42 * len(tasks) + 2.5),
    )
    ax = fig.axes[0]
    fams = dict(zip(totals["method"], totals["family"], strict=True))
    for label in ax.get_xticklabels():
        label.set_color(FAMILY_COLOURS.get(fams.get(label.get_text(), ""), "black"))
    types = dict(zip(task_tot["task"], task_tot["task_type"], strict=True))
    for label in ax.get_yticklabels():
        label.set_color(TASK_TYPE_COLOURS[types[label.get_text()]])
    ax.set_xlabel("PEFT method (label colour: family)")
    ax.set_ylabel("SE task (blue: generative, orange: non-generative)")
    from matplotlib.patches import Patch

    present = [f for f in FAMILY_ORDER if f in set(fams.values())]
    # above the plot, clear of the rotated method labels below it
    ax.legend(
        handles=[Patch(color=FAMILY_COLOURS[f], label=f) for f in present],
        title="PEFT family (label colour)",
        loc="lower left",
        frameon=False,
        ncols=len(present),
        bbox_to_anchor=(0.0, 1.01),
    )
    ax.set_title(ax.get_title(), pad=48)
    return fig


# --- SE tasks per year ------------------------------------------------------------------------------
def compute_tasks_per_year(review: Review) -> pd.DataFrame:
    """SE tasks per publication year, from both coding passes (one count per coding row)."""
    canon = review.codings[["year", "task", "task_abbreviation", "task_type"]].assign(
        coding_pass="canonical (v3)"
    )
    early = review.early.loc[
        review.early["paper_id"].isin(review.papers["paper_id"]), ["year", "task", "task_type"]
    ]
    early = early.assign(
        task_abbreviation=early["task"].map(lambda t: review.taxonomy.task(t).abbreviation),
        coding_pass="earlier pass",
    )
    both = pd.concat([canon, early], ignore_index=True).dropna(subset=["year"])
    out = both.groupby(
        ["coding_pass", "year", "task_type", "task", "task_abbreviation"], as_index=False
    ).size()
    out["year"] = out["year"].astype(int)
    return out.rename(columns={"size": "count"})


@figure(
    "tasks-per-year",
    "SE tasks per publication year",
    "Coding rows per publication year, stacked by SE task (labels: task abbreviations), from the "
    "canonical coding and from the earlier pass the review drew its figure from. Bar colour marks "
    "generative and non-generative tasks.",
)
def plot_tasks_per_year(frame: pd.DataFrame) -> Figure:
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    passes = sorted(frame["coding_pass"].unique())
    years = sorted(frame["year"].unique())
    fig, axes = plt.subplots(
        1, len(passes), figsize=(6 * len(passes), 5.5), sharey=True, squeeze=False
    )
    for ax, name in zip(axes[0], passes, strict=True):
        sub = frame[frame["coding_pass"] == name].sort_values(
            ["task_type", "count"], ascending=[True, False]
        )
        for i, year in enumerate(years):
            bottom = 0
            for row in sub[sub["year"] == year].itertuples(index=False):
                ax.bar(
                    i,
                    row.count,
                    bottom=bottom,
                    color=TASK_TYPE_COLOURS[row.task_type],
                    edgecolor="white",
                    linewidth=0.8,
                    hatch="//" if row.task_type == "mixed" else None,
                )
                if row.count >= 1:
                    ax.text(
                        i,
                        bottom + row.count / 2,
                        f"{row.task_abbreviation} {row.count}",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if row.task_type == "generative" else "black",
                    )
                bottom += row.count
        ax.set_xticks(range(len(years)), [str(y) for y in years])
        integer_ticks(ax.yaxis)
        ax.set_title(name)
        ax.set_xlabel("publication year")
    axes[0][0].set_ylabel("coding rows (paper x SE task)")
    handles = [
        Patch(color=c, label=t)
        for t, c in TASK_TYPE_COLOURS.items()
        if t in set(frame["task_type"])
    ]
    fig.legend(handles=handles, loc="upper right", frameon=False)
    fig.suptitle("SE tasks per year")
    return fig


# --- venues -------------------------------------------------------------------------------------------
def compute_venues(review: Review) -> pd.DataFrame:
    inc = review.papers[review.papers["included"]]
    out = (
        inc.groupby(["venue", "venue_type"], as_index=False)
        .size()
        .rename(columns={"size": "count"})
    )
    return out.sort_values(["count", "venue"], ascending=[False, True]).reset_index(drop=True)


@figure(
    "venues",
    "Included papers per venue",
    "Included papers per publication venue, coloured by venue type.",
)
def plot_venues(frame: pd.DataFrame) -> Figure:
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    colours = {"conference": OKABE_ITO[0], "journal": OKABE_ITO[1], "preprint": OKABE_ITO[2]}
    f = frame.sort_values("count")
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(f) + 1.5))
    bars = ax.barh(f["venue"], f["count"], color=[colours[t] for t in f["venue_type"]])
    ax.bar_label(bars, padding=2, fontsize=8)
    integer_ticks(ax.xaxis)
    ax.set_xlabel("included papers")
    ax.set_title("Included papers per venue")
    ax.legend(
        handles=[Patch(color=c, label=t) for t, c in colours.items() if t in set(f["venue_type"])],
        frameon=False,
        loc="lower right",
    )
    return fig


# --- GPUs -------------------------------------------------------------------------------------------
def compute_gpu_hardware(review: Review) -> pd.DataFrame:
    """GPU models per SE task in the earlier pass (the only pass coding hardware); one count per row."""
    g = review.gpus
    g = g[g["paper_id"].isin(review.papers.loc[review.papers["included"], "paper_id"])]
    g = g.assign(memory_gb=g["memory_gb"].fillna("not stated"))
    out = g.groupby(["task", "gpu", "memory_gb"], as_index=False)["coding_id"].nunique()
    return out.rename(columns={"coding_id": "count"})


@figure(
    "gpu-hardware",
    "GPUs per SE task",
    "Coding rows of the earlier pass (included papers) that report each GPU model, by SE task. "
    "GPU names are parsed with their count and memory (see the table); 'RTX 3090 Ti' is kept apart "
    "from 'RTX 3090'.",
)
def plot_gpu_hardware(frame: pd.DataFrame) -> Figure:
    agg = frame.groupby(["task", "gpu"], as_index=False)["count"].sum()
    gpus = agg.groupby("gpu")["count"].sum().sort_values(ascending=False).index.tolist()
    tasks = agg.groupby("task")["count"].sum().sort_values(ascending=False).index.tolist()
    fig = heatmap(
        agg,
        "task",
        "gpu",
        title="GPU models per SE task (earlier pass)",
        row_order=tasks,
        col_order=gpus,
        size=(0.8 * len(gpus) + 4, 0.42 * len(tasks) + 2.5),
    )
    fig.axes[0].set_xlabel("GPU model")
    fig.axes[0].set_ylabel("SE task")
    return fig


# --- family x architecture ----------------------------------------------------------------------------
def compute_family_architecture(review: Review) -> pd.DataFrame:
    """Method uses by PEFT family and coded model architecture (each architecture a row codes)."""
    m = review.methods.explode("architectures").dropna(subset=["architectures"])
    out = m.groupby(["family", "architectures"], as_index=False).size()
    return out.rename(columns={"architectures": "architecture", "size": "count"})


@figure(
    "family-architecture",
    "PEFT family by model architecture",
    "Method uses of the canonical coding by PEFT family and by the model architectures the row codes.",
)
def plot_family_architecture(frame: pd.DataFrame) -> Figure:
    fams = [f for f in FAMILY_ORDER if f in set(frame["family"])]
    archs = [
        a
        for a in ["encoder-only", "encoder-decoder", "decoder-only"]
        if a in set(frame["architecture"])
    ]
    fig = heatmap(
        frame,
        "family",
        "architecture",
        title="PEFT family x model architecture",
        row_order=fams,
        col_order=archs,
        size=(6.5, 4),
    )
    fig.axes[0].set_xlabel("model architecture")
    fig.axes[0].set_ylabel("PEFT family")
    return fig


# --- task types by family -----------------------------------------------------------------------------
def compute_task_types(review: Review) -> pd.DataFrame:
    out = review.methods.groupby(["family", "task_type"], as_index=False).size()
    return out.rename(columns={"size": "count"})


@figure(
    "task-types",
    "Generative vs non-generative tasks by PEFT family",
    "Method uses of the canonical coding by PEFT family, split by the type of the SE task.",
)
def plot_task_types(frame: pd.DataFrame) -> Figure:
    import matplotlib.pyplot as plt

    fams = [f for f in FAMILY_ORDER if f in set(frame["family"])][::-1]
    table = frame.pivot_table(
        index="family", columns="task_type", values="count", fill_value=0
    ).reindex(fams)
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(fams) + 1.5))
    left = [0.0] * len(fams)
    for ttype in [t for t in TASK_TYPE_COLOURS if t in table.columns]:
        vals = table[ttype].tolist()
        bars = ax.barh(fams, vals, left=left, color=TASK_TYPE_COLOURS[ttype], label=ttype)
        ax.bar_label(
            bars,
            labels=[str(int(v)) if v else "" for v in vals],
            label_type="center",
            fontsize=8,
            color="white" if ttype == "generative" else "black",
        )
        left = [a + b for a, b in zip(left, vals, strict=True)]
    integer_ticks(ax.xaxis)
    ax.set_xlabel("method uses (paper x SE task x method)")
    ax.legend(frameon=False, loc="lower right")
    ax.set_title("Task type by PEFT family")
    return fig
