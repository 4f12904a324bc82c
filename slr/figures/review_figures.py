"""The figures of the review, each computed from the corpus (no count is typed by hand)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from slr.figures.base import (
    FAMILY_COLOURS,
    HEATMAP_CMAP,
    OKABE_ITO,
    TASK_TYPE_COLOURS,
    annotate_heatmap,
    figure,
    integer_ticks,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from slr.review import Review

FAMILY_ORDER = ["additive", "selective", "reparameterized", "hybrid", "baseline"]


def _heatmap(
    frame: pd.DataFrame,
    rows: str,
    cols: str,
    *,
    title: str,
    row_order: list[str],
    col_order: list[str],
    size: tuple[float, float],
) -> Figure:
    import matplotlib.pyplot as plt
    import numpy as np

    table = frame.pivot_table(index=rows, columns=cols, values="count", aggfunc="sum", fill_value=0)
    table = table.reindex(index=row_order, columns=col_order, fill_value=0)
    data = table.to_numpy()
    fig, ax = plt.subplots(figsize=size)
    im = ax.imshow(np.ma.masked_equal(data, 0), cmap=HEATMAP_CMAP, aspect="auto", vmin=0)
    ax.set_xticks(range(len(table.columns)), table.columns, rotation=45, ha="right")
    ax.set_yticks(range(len(table.index)), table.index)
    ax.set_xticks(np.arange(-0.5, len(table.columns)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(table.index)), minor=True)
    ax.grid(which="minor", color="#dddddd", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    annotate_heatmap(ax, data)
    cbar = fig.colorbar(im, ax=ax, fraction=0.025, pad=0.02, label="count")
    integer_ticks(cbar.ax.yaxis)
    ax.set_title(title)
    return fig


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
    fig = _heatmap(
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
    fig = _heatmap(
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
    fig = _heatmap(
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


# --- the taxonomy as a tree ---------------------------------------------------------------------------
def compute_taxonomy_tree(review: Review) -> pd.DataFrame:
    """Every taxonomy method with its family and parent, and how often the corpus uses it."""
    uses: dict[str, int] = {}
    for comps in review.methods["components"]:
        for c in comps:
            uses[c] = uses.get(c, 0) + 1
    rows = [
        {
            "family": m.family,
            "parent": m.parent or m.family,
            "method": m.name,
            "count": uses.get(m.name, 0),
        }
        for m in review.taxonomy.methods
    ]
    return pd.DataFrame(rows)


@figure(
    "taxonomy-tree",
    "The PEFT taxonomy",
    "PEFT families, methods and their variants (taxonomy/peft_methods.yaml); the number after a "
    "method is how many method uses of the canonical coding involve it (bold: used by the corpus).",
    section="Taxonomy",
)
def plot_taxonomy_tree(frame: pd.DataFrame) -> Figure:
    import matplotlib.pyplot as plt

    children: dict[str, list[str]] = {}
    for r in frame.itertuples(index=False):
        children.setdefault(r.parent, []).append(r.method)
    count = dict(zip(frame["method"], frame["count"], strict=True))
    family_of = dict(zip(frame["method"], frame["family"], strict=True))
    fams = [f for f in FAMILY_ORDER if f in set(frame["family"])]
    pos: dict[str, tuple[float, float]] = {}
    y = [0.0]

    def place(node: str, depth: int) -> float:
        kids = children.get(node, [])
        if not kids:
            pos[node] = (depth, y[0])
            y[0] += 1
            return pos[node][1]
        ys = [place(k, depth + 1) for k in kids]
        pos[node] = (depth, sum(ys) / len(ys))
        return pos[node][1]

    for fam in fams:
        place(fam, 0)
        y[0] += 0.6
    fig, ax = plt.subplots(figsize=(11, 0.27 * y[0] + 1))
    for parent, kids in children.items():
        for k in kids:
            (x0, y0), (x1, y1) = pos[parent], pos[k]
            start, elbow = (x0 + 0.08, x0 + 0.5) if parent in fams else (x0 + 0.8, x0 + 0.9)
            ax.plot([start, elbow, elbow, x1 - 0.05], [y0, y0, y1, y1], color="#bbbbbb", lw=0.8)
    for node, (x, yy) in pos.items():
        if node in fams:
            ax.text(
                x,
                yy,
                node,
                ha="right",
                va="center",
                fontsize=11,
                fontweight="bold",
                color=FAMILY_COLOURS.get(node, "black"),
            )
        else:
            n = count.get(node, 0)
            ax.text(
                x,
                yy,
                f"{node} ({n})" if n else node,
                ha="left",
                va="center",
                fontsize=9,
                fontweight="bold" if n else "normal",
                color=FAMILY_COLOURS.get(family_of[node], "black"),
            )
    ax.set_xlim(-1.2, max(x for x, _ in pos.values()) + 1.6)
    ax.set_ylim(y[0], -1)
    ax.axis("off")
    ax.set_title("PEFT taxonomy: family > method > variant (uses in the corpus)")
    return fig


# --- agreement between the coding passes -------------------------------------------------------------
def compute_coding_agreement(review: Review) -> pd.DataFrame:
    """Per field: how many compared items the two coding passes agree and disagree on."""
    from slr.agreement import coding_agreement

    s = coding_agreement(review).summary
    rows = []
    for r in s.itertuples(index=False):
        rows.append({"field": r.field, "level": r.level, "outcome": "agree", "count": int(r.agree)})
        rows.append(
            {"field": r.field, "level": r.level, "outcome": "disagree", "count": int(r.n - r.agree)}
        )
    return pd.DataFrame(rows)


@figure(
    "coding-agreement",
    "Agreement between the two coding passes",
    "For each field, the papers (paper level) or rows coded under the same ID (row level) on which the "
    "earlier pass and the canonical pass agree exactly. Kappa and Jaccard values are in the table below.",
    section="Agreement",
)
def plot_coding_agreement(frame: pd.DataFrame) -> Figure:
    import matplotlib.pyplot as plt

    table = frame.pivot_table(
        index=["level", "field"], columns="outcome", values="count", fill_value=0
    )
    table = table.iloc[::-1]
    labels = [f"{field} ({level})" for level, field in table.index]
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(table) + 1.3))
    agree = table.get("agree", pd.Series(0, index=table.index)).to_numpy()
    disagree = table.get("disagree", pd.Series(0, index=table.index)).to_numpy()
    b1 = ax.barh(labels, agree, color=OKABE_ITO[2], label="agree")
    b2 = ax.barh(labels, disagree, left=agree, color=OKABE_ITO[5], label="disagree")
    ax.bar_label(b1, label_type="center", fontsize=8, color="white")
    ax.bar_label(
        b2,
        labels=[str(int(v)) if v else "" for v in disagree],
        label_type="center",
        fontsize=8,
        color="white",
    )
    integer_ticks(ax.xaxis)
    ax.set_xlabel("papers or rows compared")
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2)
    ax.set_title("Earlier pass vs canonical coding")
    return fig
