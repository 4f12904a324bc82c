"""The statistics of an effectiveness check: seeds x test items, one-sided tests, Holm, composites.

**The interval.** For each seed both arms ran with, each arm's per-item statistics on the same
test items are kept (:mod:`~slr.reproduce.train.itemstats`). One bootstrap replicate draws the
test items with replacement (the *same* draw for both arms and every seed: paired) and the seeds
with replacement, and computes the mean over the drawn seeds of ``score(arm) - score(baseline)``
on the drawn items. So the spread of the replicates combines seed variation (initialisation, data
order) with the sampling of test items. The 95 % percentile interval of :data:`REPLICATES`
replicates is reported; the replicates' random generator is seeded from the check, so the same
results give the same interval.

**The tests.** With d = arm - baseline and the check's tolerance ``tol``, each relation is a
one-sided hypothesis and its contrary; a bootstrap p-value is the share of replicates on the
wrong side (with the +1 of Davison & Hinkley):

============  ===========================  ========================================
relation      supported (H1)               not supported (the contrary H1)
============  ===========================  ========================================
better        d > tol                      d < 0
worse         d < -tol                     d > 0
not_worse     d > -tol                     d < -tol
comparable    -tol < d < tol (two tests)   d < -tol or d > tol (Bonferroni x2)
============  ===========================  ========================================

**Several checks of one claim.** The p-values of the checks of one claim are Holm-corrected
(step-down, family-wise error 0.05), separately for "supported" and for "not supported". A
composite statement ("(IA)3 is the best of the methods": it beats each other method) is one
member of that family: an intersection-union test, supported when every part is (its p-value is
the largest of its parts'), not supported when any part's contrary holds (the smallest contrary
p-value, Bonferroni-corrected over the parts).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from slr.reproduce.train.itemstats import item_statistic

REPLICATES = 2000
ALPHA = 0.05
MIN_SEEDS = 5


@dataclass(frozen=True)
class Difference:
    """Arm minus baseline over seeds and items: the point estimate and the replicates."""

    point: float
    replicates: np.ndarray
    seeds: int
    items: int

    @property
    def interval(self) -> tuple[float, float]:
        lo, hi = np.percentile(self.replicates, [2.5, 97.5])
        return float(lo), float(hi)

    def share(self, predicate: np.ndarray) -> float:
        """Bootstrap p-value: (1 + replicates where ``predicate``) / (1 + replicates)."""
        return float((1 + int(predicate.sum())) / (1 + len(self.replicates)))


def rng_for(*parts: object) -> np.random.Generator:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def bootstrap_difference(
    metric: str,
    arm: dict[int, np.ndarray],
    baseline: dict[int, np.ndarray],
    *,
    rng: np.random.Generator,
    replicates: int = REPLICATES,
) -> Difference:
    """Paired bootstrap over test items combined with a bootstrap over seeds.

    ``arm[seed]`` and ``baseline[seed]`` are (items x k) per-item statistics on the same items.
    """
    stat = item_statistic(metric)
    seeds = sorted(set(arm) & set(baseline))
    if not seeds:
        raise ValueError("no seed ran for both arms")
    n = len(arm[seeds[0]])
    if any(len(arm[s]) != n or len(baseline[s]) != n for s in seeds):
        raise ValueError("the arms were scored on different numbers of test items")
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=replicates).astype(float)
    ones = np.ones((1, n))
    point = np.mean(
        [stat.score(ones @ arm[s], n)[0] - stat.score(ones @ baseline[s], n)[0] for s in seeds]
    )
    per_seed = np.stack(
        [stat.score(counts @ arm[s], n) - stat.score(counts @ baseline[s], n) for s in seeds],
        axis=1,
    )
    drawn = rng.integers(0, len(seeds), size=(replicates, len(seeds)))
    boot = np.take_along_axis(per_seed, drawn, axis=1).mean(axis=1)
    return Difference(float(point), boot, len(seeds), n)


def p_values(relation: str, tolerance: float, diff: Difference) -> tuple[float, float]:
    """(p of "supported", p of "not supported") for ``relation`` (see the module table)."""
    d, t = diff.replicates, tolerance
    if relation == "better":
        return diff.share(d <= t), diff.share(d >= 0)
    if relation == "worse":
        return diff.share(d >= -t), diff.share(d <= 0)
    if relation == "not_worse":
        return diff.share(d <= -t), diff.share(d >= -t)
    if relation == "comparable":
        support = max(diff.share(d <= -t), diff.share(d >= t))
        contrary = min(1.0, 2 * min(diff.share(d >= -t), diff.share(d <= t)))
        return support, contrary
    raise ValueError(f"unknown relation {relation!r}")


def holm(p: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted


def composite_p(parts: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """(support, contrary) of "every part holds": intersection-union for support, Bonferroni
    over the parts for the contrary ("some part fails")."""
    support = max(s for s, _ in parts)
    contrary = min(1.0, len(parts) * min(c for _, c in parts))
    return support, contrary
