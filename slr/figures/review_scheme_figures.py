"""The figures of the coding scheme: the taxonomy as a tree, and how consistently the two coding
passes applied it (computed from the taxonomy and the corpus)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from slr.figures.base import figure
from slr.figures.plots import integer_ticks
from slr.figures.style import FAMILY_COLOURS, FAMILY_ORDER, OKABE_ITO

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from slr.review import Review


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
    section="taxonomy",
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
    section="agreement",
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
