"""A Fellegi-Sunter model of candidate pairs, its m and u probabilities estimated by EM.

Each pair's field comparisons (:class:`~slr.search.dedupe.features.PairTable`) are cut into a
few levels per field (the comparison vector, as Splink does). Under conditional independence,
a pair's match weight is the sum over fields of ``log2(m / u)`` of its level, where ``m`` is the
probability of the level among true matches and ``u`` among non-matches. EM estimates ``m``,
``u`` and the share of matches from the unlabelled candidate pairs (Winkler's EM over the counts
of distinct comparison vectors, so a million pairs cost as little as a few thousand patterns).

The benchmark (``benchmarks/bench_dedupe.py``) scores this model against the hand rules of
:mod:`slr.search.dedupe.rules` on labelled exports; the rules decide, and the model's match
probability ranks the uncertain pairs of the review file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from slr.search.dedupe.features import (
    DIFFERENT,
    MISSING,
    PAGES_ADJACENT,
    PAGES_APART,
    PAGES_OVERLAP,
    PAGES_SAME,
    PAGES_SOFT,
    SAME,
    PairTable,
)


def _bins(values: np.ndarray, edges: tuple[float, ...]) -> np.ndarray:
    """Level 0 for NaN (missing), then 1 + the number of edges the value reaches."""
    out = np.zeros(len(values), dtype=np.int8)
    present = ~np.isnan(values)
    out[present] = 1 + np.searchsorted(np.array(edges), values[present], side="right")
    return out


def comparison_levels(p: PairTable) -> dict[str, np.ndarray]:
    """The comparison vector of each pair: a small integer level per field."""
    title = _bins(p.title_sim.astype(np.float64), (0.8, 0.9, 0.95, 0.99))
    title[p.title_contained & (title < 4)] = 4
    pages = np.select(
        [
            p.pages == PAGES_SAME,
            p.pages == PAGES_OVERLAP,
            p.pages == PAGES_SOFT,
            p.pages == PAGES_ADJACENT,
            p.pages == PAGES_APART,
        ],
        [1, 2, 3, 4, 5],
        0,
    ).astype(np.int8)
    doi = np.where(
        p.fields["doi_family"] == SAME,
        1,
        np.where(p.fields["doi_family"] == DIFFERENT, np.where(p.doi_close, 2, 3), 0),
    ).astype(np.int8)
    year = np.where(p.year_diff < 0, 0, np.minimum(p.year_diff, 2) + 1).astype(np.int8)
    conflict = (
        (p.fields["kinds_differ"] == 1)
        | (p.fields["numbers_differ"] == 1)
        | p.word_changed
        | (p.fields["cochrane"] == DIFFERENT)
    ).astype(np.int8)
    return {
        "title": title,
        "authors": _bins(p.author_sim.astype(np.float64), (0.5, 0.75, 0.9)),
        "journal": _bins(p.journal_sim.astype(np.float64), (0.5, 0.75, 0.99)),
        "year": year,
        "volume": p.fields["volume"].astype(np.int8),
        "issue": p.fields["issue"].astype(np.int8),
        "pages": pages,
        "doi": doi,
        "abstract": _bins(p.abstract_sim.astype(np.float64), (0.8, 0.95)),
        "meeting_vs_article": p.flags["meeting_vs_article"].astype(np.int8),
        "title_conflict": conflict,
    }


@dataclass
class FellegiSunter:
    """m and u per field and level, and the prior share of matches among the pairs."""

    fields: list[str]
    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float
    iterations: int

    def weights(self, levels: dict[str, np.ndarray]) -> np.ndarray:
        """Match weight log2(P(gamma|M) / P(gamma|U)) of each pair."""
        total = np.zeros(len(next(iter(levels.values()))), dtype=np.float64)
        for name, m, u in zip(self.fields, self.m, self.u, strict=True):
            total += np.log2(m / u)[levels[name]]
        return total

    def probability(self, levels: dict[str, np.ndarray]) -> np.ndarray:
        """Posterior probability that each pair is a match."""
        logit = self.weights(levels) + np.log2(self.prior / (1 - self.prior))
        return 1.0 / (1.0 + np.exp2(-np.clip(logit, -60, 60)))

    def table(self) -> list[tuple[str, int, float, float, float]]:
        """(field, level, m, u, weight) rows, for the benchmark's report."""
        rows = []
        for name, m, u in zip(self.fields, self.m, self.u, strict=True):
            for level, (mi, ui) in enumerate(zip(m, u, strict=True)):
                rows.append((name, level, float(mi), float(ui), float(np.log2(mi / ui))))
        return rows


def estimate(
    levels: dict[str, np.ndarray],
    *,
    prior: float = 0.3,
    max_iterations: int = 200,
    tolerance: float = 1e-7,
    smoothing: float = 1e-4,
) -> FellegiSunter:
    """Estimate m, u and the match share by EM over the distinct comparison vectors."""
    names = list(levels)
    matrix = np.stack([levels[n].astype(np.int64) for n in names], axis=1)
    if len(matrix) == 0:
        raise ValueError("no candidate pairs to estimate a model from")
    patterns, counts = np.unique(matrix, axis=0, return_counts=True)
    counts = counts.astype(np.float64)
    sizes = [int(matrix[:, k].max()) + 1 for k in range(len(names))]
    # start: matches agree on the best levels, non-matches spread evenly
    m = []
    u = []
    for size in sizes:
        mk = np.linspace(1.0, 2.0, size)
        m.append(mk / mk.sum())
        u.append(np.full(size, 1.0 / size))
    # the most similar titles are likelier among matches: seed m of 'title' that way
    title = names.index("title") if "title" in names else 0
    mk = np.arange(1, sizes[title] + 1, dtype=np.float64) ** 3
    m[title] = mk / mk.sum()
    u[title] = mk[::-1] / mk.sum()
    p = prior
    iterations = 0
    while iterations < max_iterations:
        iterations += 1
        log_m = np.zeros(len(patterns))
        log_u = np.zeros(len(patterns))
        for k in range(len(names)):
            log_m += np.log(m[k][patterns[:, k]])
            log_u += np.log(u[k][patterns[:, k]])
        a = np.log(p) + log_m
        b = np.log(1 - p) + log_u
        g = 1.0 / (1.0 + np.exp(np.clip(b - a, -700, 700)))  # P(match | pattern)
        wm, wu = counts * g, counts * (1 - g)
        new_p = float(wm.sum() / counts.sum())
        new_m, new_u = [], []
        for k, size in enumerate(sizes):
            cm = np.bincount(patterns[:, k], weights=wm, minlength=size) + smoothing
            cu = np.bincount(patterns[:, k], weights=wu, minlength=size) + smoothing
            new_m.append(cm / cm.sum())
            new_u.append(cu / cu.sum())
        change = abs(new_p - p) + max(
            float(np.abs(a1 - a0).max()) for a1, a0 in zip(new_m, m, strict=True)
        )
        m, u, p = new_m, new_u, min(max(new_p, 1e-6), 1 - 1e-6)
        if change < tolerance:
            break
    return FellegiSunter(names, m, u, p, iterations)


__all__ = ["MISSING", "FellegiSunter", "comparison_levels", "estimate"]
