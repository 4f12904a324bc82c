"""Agreement between the two coding passes (the earlier pass and the canonical v3 pass).

Paper-level fields (venue, year, the set of SE tasks) are compared for every paper both passes
code. Row-level fields (task, PEFT methods, base models, architectures, datasets) are compared on
rows both passes code under the same ID (e.g. ``P26-CCD``). For single-valued fields we report the
share of agreeing values and Cohen's kappa; for set-valued fields the share of
identical sets and the mean Jaccard similarity (kappa does not apply to sets). Every disagreement
is listed with both values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from slr.interrater import cohen_kappa  # re-exported: slr.agreement.cohen_kappa

if TYPE_CHECKING:
    from slr.review import Review

ROW_FIELDS = {
    "task": "single",
    "methods": "set",
    "models": "set",
    "architectures": "set",
    "datasets": "set",
}


@dataclass
class Agreement:
    summary: pd.DataFrame  # field, level, kind, n, agree, share, kappa, mean_jaccard
    disagreements: pd.DataFrame  # field, level, id, canonical, earlier
    unmatched: pd.DataFrame  # id, only_in


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _compare_single(
    fld: str, level: str, ids: list[str], canon: list[str], earlier: list[str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Summary row (share agreeing, Cohen's kappa) and disagreements of a single-valued field."""
    agree = sum(a == b for a, b in zip(canon, earlier, strict=True))
    row = {
        "field": fld,
        "level": level,
        "kind": "single",
        "n": len(ids),
        "agree": agree,
        "share": agree / len(ids) if ids else None,
        "kappa": cohen_kappa(canon, earlier),
        "mean_jaccard": None,
    }
    diffs = [
        {"field": fld, "level": level, "id": i, "canonical": a, "earlier": b}
        for i, a, b in zip(ids, canon, earlier, strict=True)
        if a != b
    ]
    return row, diffs


def _compare_sets(
    fld: str, level: str, ids: list[str], canon: list[set[str]], earlier: list[set[str]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Summary row (share of identical sets, mean Jaccard) and disagreements of a set field."""
    agree = sum(a == b for a, b in zip(canon, earlier, strict=True))
    jac = [_jaccard(a, b) for a, b in zip(canon, earlier, strict=True)]
    row = {
        "field": fld,
        "level": level,
        "kind": "set",
        "n": len(ids),
        "agree": agree,
        "share": agree / len(ids) if ids else None,
        "kappa": None,
        "mean_jaccard": sum(jac) / len(jac) if jac else None,
    }
    diffs = [
        {
            "field": fld,
            "level": level,
            "id": i,
            "canonical": "; ".join(sorted(a)),
            "earlier": "; ".join(sorted(b)),
        }
        for i, a, b in zip(ids, canon, earlier, strict=True)
        if a != b
    ]
    return row, diffs


def coding_agreement(review: Review) -> Agreement:
    v3 = {c.coding_id: c for c in review.corpus.codings}
    early = {c.coding_id: c for c in review.corpus.early}
    papers = {p.paper_id: p for p in review.corpus.papers}
    summary: list[dict[str, Any]] = []
    diffs: list[dict[str, Any]] = []

    def add(result: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
        summary.append(result[0])
        diffs.extend(result[1])

    # paper level -------------------------------------------------------------------------------
    v3_papers = {c.paper_id for c in v3.values()}
    early_of = {c.paper_id: c for c in reversed(list(early.values()))}  # first row per paper
    both = sorted(v3_papers & set(early_of), key=lambda p: int(p[1:]))
    for fld in ("venue", "year"):
        canon = [str(getattr(papers[p], fld)) for p in both]
        earlier = [str(getattr(early_of[p], fld)) for p in both]
        add(_compare_single(fld, "paper", both, canon, earlier))
    task_sets_v3 = [{c.task for c in v3.values() if c.paper_id == p} for p in both]
    task_sets_e = [{c.task for c in early.values() if c.paper_id == p} for p in both]
    add(_compare_sets("tasks", "paper", both, task_sets_v3, task_sets_e))

    # row level ---------------------------------------------------------------------------------
    rows = sorted(set(v3) & set(early), key=lambda r: (int(r.split("-")[0][1:]), r))
    for fld, kind in ROW_FIELDS.items():
        a_vals = [getattr(v3[r], fld) for r in rows]
        b_vals = [getattr(early[r], fld) for r in rows]
        if kind == "single":
            add(_compare_single(fld, "row", rows, a_vals, b_vals))
        else:
            add(_compare_sets(fld, "row", rows, [set(a) for a in a_vals], [set(b) for b in b_vals]))
    unmatched = [{"id": r, "only_in": "canonical (v3)"} for r in sorted(set(v3) - set(early))]
    unmatched += [{"id": r, "only_in": "earlier pass"} for r in sorted(set(early) - set(v3))]
    return Agreement(
        pd.DataFrame(summary),
        pd.DataFrame(diffs, columns=["field", "level", "id", "canonical", "earlier"]),
        pd.DataFrame(unmatched, columns=["id", "only_in"]),
    )
