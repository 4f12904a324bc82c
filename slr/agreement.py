"""Agreement between the two coding passes (the earlier pass and the canonical v3 pass).

Paper-level fields (venue, year, the set of SE tasks) are compared for every paper both passes
code. Row-level fields (task, PEFT methods, base models, architectures, datasets) are compared on
rows both passes code under the same ID (e.g. ``P26-CCD``). For single-valued fields we report the
share of agreeing values and Cohen's kappa (scikit-learn); for set-valued fields the share of
identical sets and the mean Jaccard similarity (kappa does not apply to sets). Every disagreement
is listed with both values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

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


def _kappa(a: list[str], b: list[str]) -> float | None:
    from sklearn.metrics import cohen_kappa_score

    if len(a) < 2 or len(set(a) | set(b)) < 2:
        return None
    return float(cohen_kappa_score(a, b))


def coding_agreement(review: Review) -> Agreement:
    v3 = {c.coding_id: c for c in review.corpus.codings}
    early = {c.coding_id: c for c in review.corpus.early}
    papers = {p.paper_id: p for p in review.corpus.papers}
    summary, diffs = [], []

    # paper level -------------------------------------------------------------------------------
    v3_papers = {c.paper_id for c in v3.values()}
    early_papers = {c.paper_id for c in early.values()}
    both = sorted(v3_papers & early_papers, key=lambda p: int(p[1:]))
    for fld in ("venue", "year"):
        canon = [str(getattr(papers[p], fld)) for p in both]
        earlier = [
            str(next(e for e in early.values() if e.paper_id == p).__getattribute__(fld))
            for p in both
        ]
        agree = sum(a == b for a, b in zip(canon, earlier, strict=True))
        summary.append(
            {
                "field": fld,
                "level": "paper",
                "kind": "single",
                "n": len(both),
                "agree": agree,
                "share": agree / len(both) if both else None,
                "kappa": _kappa(canon, earlier),
                "mean_jaccard": None,
            }
        )
        diffs += [
            {"field": fld, "level": "paper", "id": p, "canonical": a, "earlier": b}
            for p, a, b in zip(both, canon, earlier, strict=True)
            if a != b
        ]
    task_sets_v3 = {p: {c.task for c in v3.values() if c.paper_id == p} for p in both}
    task_sets_e = {p: {c.task for c in early.values() if c.paper_id == p} for p in both}
    jac = [_jaccard(task_sets_v3[p], task_sets_e[p]) for p in both]
    agree = sum(task_sets_v3[p] == task_sets_e[p] for p in both)
    summary.append(
        {
            "field": "tasks",
            "level": "paper",
            "kind": "set",
            "n": len(both),
            "agree": agree,
            "share": agree / len(both) if both else None,
            "kappa": None,
            "mean_jaccard": sum(jac) / len(jac) if jac else None,
        }
    )
    diffs += [
        {
            "field": "tasks",
            "level": "paper",
            "id": p,
            "canonical": "; ".join(sorted(task_sets_v3[p])),
            "earlier": "; ".join(sorted(task_sets_e[p])),
        }
        for p in both
        if task_sets_v3[p] != task_sets_e[p]
    ]

    # row level ---------------------------------------------------------------------------------
    rows = sorted(set(v3) & set(early), key=lambda r: (int(r.split("-")[0][1:]), r))
    for fld, kind in ROW_FIELDS.items():
        a_vals = [getattr(v3[r], fld) for r in rows]
        b_vals = [getattr(early[r], fld) for r in rows]
        if kind == "single":
            agree = sum(a == b for a, b in zip(a_vals, b_vals, strict=True))
            summary.append(
                {
                    "field": fld,
                    "level": "row",
                    "kind": kind,
                    "n": len(rows),
                    "agree": agree,
                    "share": agree / len(rows) if rows else None,
                    "kappa": _kappa(a_vals, b_vals),
                    "mean_jaccard": None,
                }
            )
            diffs += [
                {"field": fld, "level": "row", "id": r, "canonical": a, "earlier": b}
                for r, a, b in zip(rows, a_vals, b_vals, strict=True)
                if a != b
            ]
        else:
            sa = [set(a) for a in a_vals]
            sb = [set(b) for b in b_vals]
            agree = sum(a == b for a, b in zip(sa, sb, strict=True))
            jac = [_jaccard(a, b) for a, b in zip(sa, sb, strict=True)]
            summary.append(
                {
                    "field": fld,
                    "level": "row",
                    "kind": kind,
                    "n": len(rows),
                    "agree": agree,
                    "share": agree / len(rows) if rows else None,
                    "kappa": None,
                    "mean_jaccard": sum(jac) / len(jac) if jac else None,
                }
            )
            diffs += [
                {
                    "field": fld,
                    "level": "row",
                    "id": r,
                    "canonical": "; ".join(sorted(a)),
                    "earlier": "; ".join(sorted(b)),
                }
                for r, a, b in zip(rows, sa, sb, strict=True)
                if a != b
            ]
    unmatched = [{"id": r, "only_in": "canonical (v3)"} for r in sorted(set(v3) - set(early))]
    unmatched += [{"id": r, "only_in": "earlier pass"} for r in sorted(set(early) - set(v3))]
    return Agreement(
        pd.DataFrame(summary),
        pd.DataFrame(diffs, columns=["field", "level", "id", "canonical", "earlier"]),
        pd.DataFrame(unmatched, columns=["id", "only_in"]),
    )
