"""Verdicts of effectiveness checks: floors first, then the corrected one-sided tests.

A check compares an arm with a baseline arm on one metric (d = arm - baseline, tolerance in
metric points; the statistics are :mod:`~slr.reproduce.train.statistics`'). In this order:

1. fewer than :data:`MIN_SEEDS` seeds: **inconclusive at this scale**;
2. the baseline does not beat every floor (:mod:`~slr.reproduce.train.floors`: constant output,
   copy of the input, majority class, random ranking, the model before any tuning) by more than
   the tolerance - the lower end of the 95 % interval of baseline - floor must exceed it:
   **uninformative at this scale** (a method "matching" a baseline that learned nothing says
   nothing about the claim);
3. the Holm-corrected p-value of "supported" is below 0.05: **supported**;
4. the Holm-corrected p-value of "not supported" is below 0.05: **not supported**;
5. otherwise **inconclusive at this scale**.

Every verdict here is about the small-scale run it comes from; the claim's own verdict (at the
paper's scale) is not decided by it (:mod:`slr.reproduce.results.claim_view`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from slr.reproduce.results.models import CheckVerdictValue
from slr.reproduce.train.statistics import (
    ALPHA,
    MIN_SEEDS,
    bootstrap_difference,
    p_values,
    rng_for,
)

SUPPORTED: CheckVerdictValue = "supported"
NOT_SUPPORTED: CheckVerdictValue = "not supported"
INCONCLUSIVE: CheckVerdictValue = "inconclusive at this scale"
UNINFORMATIVE: CheckVerdictValue = "uninformative at this scale"
VERDICTS = (SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE, UNINFORMATIVE)

__all__ = [
    "INCONCLUSIVE",
    "MIN_SEEDS",
    "NOT_SUPPORTED",
    "SUPPORTED",
    "UNINFORMATIVE",
    "VERDICTS",
    "Assessment",
    "assess",
    "decide",
    "mean_std",
]


def mean_std(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (ddof=1; 0 for a single value)."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, 0.0
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var)


@dataclass
class FloorMargin:
    name: str
    mean: float  # the floor's score (mean over seeds)
    margin_low: float  # 95 % interval of baseline - floor
    margin_high: float
    beaten: bool  # margin_low > tolerance

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "mean": self.mean,
            "margin_low": self.margin_low,
            "margin_high": self.margin_high,
            "beaten": self.beaten,
        }


@dataclass
class Assessment:
    """What one check's data say before the correction across the claim's checks."""

    seeds: int
    items: int
    diff: float | None = None
    ci: tuple[float, float] | None = None
    p_supported: float | None = None
    p_not_supported: float | None = None
    floors: list[FloorMargin] = field(default_factory=list)

    @property
    def tested(self) -> bool:
        """Has a p-value in the claim's family: enough seeds and an informative baseline."""
        return self.seeds >= MIN_SEEDS and self.informative

    @property
    def informative(self) -> bool:
        return all(f.beaten for f in self.floors)

    def ci_text(self) -> str:
        if self.diff is None or self.ci is None:
            return "no seed ran for both arms"
        lo, hi = self.ci
        return (
            f"d = {self.diff:+.2f} (95% interval {lo:+.2f} .. {hi:+.2f}; {self.seeds} seeds x "
            f"{self.items} items, paired bootstrap)"
        )


def assess(
    metric: str,
    relation: str,
    tolerance: float,
    arm: dict[int, np.ndarray],
    baseline: dict[int, np.ndarray],
    floors: dict[str, dict[int, np.ndarray]],
    *,
    key: str,
) -> Assessment:
    """The interval, the two p-values and every floor margin of one check."""
    seeds = sorted(set(arm) & set(baseline))
    if not seeds:
        return Assessment(seeds=0, items=0)
    diff = bootstrap_difference(metric, arm, baseline, rng=rng_for(key, "check"))
    p_yes, p_no = p_values(relation, tolerance, diff)
    margins = []
    for name, floor in floors.items():
        m = bootstrap_difference(
            metric, {s: baseline[s] for s in seeds}, floor, rng=rng_for(key, name)
        )
        lo, hi = m.interval
        from slr.reproduce.train.itemstats import score

        mean = float(np.mean([score(metric, floor[s]) for s in sorted(floor)]))
        margins.append(FloorMargin(name, mean, lo, hi, lo > tolerance))
    return Assessment(
        seeds=len(seeds),
        items=diff.items,
        diff=diff.point,
        ci=diff.interval,
        p_supported=p_yes,
        p_not_supported=p_no,
        floors=margins,
    )


def decide(
    a: Assessment,
    relation: str,
    tolerance: float,
    p_supported: float | None,
    p_not_supported: float | None,
) -> tuple[CheckVerdictValue, str]:
    """(verdict, reason) from an assessment and its Holm-corrected p-values."""
    ci = a.ci_text()
    if a.seeds < MIN_SEEDS:
        return INCONCLUSIVE, f"{ci}; fewer than {MIN_SEEDS} seeds"
    unbeaten = [f for f in a.floors if not f.beaten]
    if unbeaten:
        worst = ", ".join(
            f"{f.name} {f.mean:.2f} (margin {f.margin_low:+.2f} .. {f.margin_high:+.2f})"
            for f in unbeaten
        )
        return UNINFORMATIVE, (
            f"{ci}; the baseline does not beat {worst} by more than {tolerance:g} on the same "
            "items, so the comparison says nothing about the claim at this scale"
        )
    assert p_supported is not None and p_not_supported is not None
    tests = f"p = {p_supported:.3f} supported / {p_not_supported:.3f} not (Holm-corrected)"
    words = {
        "better": (f"better by more than {tolerance:g}", "not better"),
        "worse": (f"worse by more than {tolerance:g}", "not worse"),
        "not_worse": (f"at most {tolerance:g} points worse", f"more than {tolerance:g} worse"),
        "comparable": (f"within +-{tolerance:g}", f"outside +-{tolerance:g}"),
    }[relation]
    if p_supported < ALPHA:
        return SUPPORTED, f"{ci}: {words[0]}; {tests}"
    if p_not_supported < ALPHA:
        return NOT_SUPPORTED, f"{ci}: {words[1]}; {tests}"
    return INCONCLUSIVE, f"{ci}: cannot tell ({words[0]} or not); {tests}"
