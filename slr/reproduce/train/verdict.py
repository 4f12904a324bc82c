"""Verdicts of effectiveness checks: arm vs baseline over seeds, with a confidence interval.

For each seed both arms ran with, d = arm - baseline (paired: same seed, same data, same
initialisation of shared parts). With n seeds, mean d and the 95 % t-interval
``mean +- t(0.975, n-1) * sd / sqrt(n)`` decide (tol = the check's tolerance, in metric points):

============  =====================================  ======================================
relation      supported when                         not supported when
============  =====================================  ======================================
comparable    interval inside [-tol, +tol]           interval entirely outside [-tol, +tol]
not_worse     lower end >= -tol                      upper end < -tol
better        lower end > +tol                       upper end <= 0
worse         upper end < -tol                       lower end >= 0
============  =====================================  ======================================

Anything else is "inconclusive at this scale". So is every check with fewer than 3 seeds, and
every check whose baseline does not beat the metric's floor (majority class, random ranking):
a method "matching" a baseline that learned nothing says nothing about the claim.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

SUPPORTED = "supported"
NOT_SUPPORTED = "not supported"
INCONCLUSIVE = "inconclusive at this scale"
VERDICTS = (SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE)
MIN_SEEDS = 3
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Judgement:
    verdict: str
    reason: str
    n: int
    diff_mean: float | None
    diff_std: float | None
    ci_low: float | None
    ci_high: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def mean_std(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (ddof=1; 0 for a single value)."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, 0.0
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var)


def t_interval(values: Sequence[float], confidence: float = CONFIDENCE) -> tuple[float, float]:
    from scipy.stats import t

    mean, sd = mean_std(values)
    n = len(values)
    if n < 2 or sd == 0:
        return mean, mean
    half = float(t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return mean - half, mean + half


def judge(
    relation: str,
    tolerance: float,
    arm: dict[int, float],
    baseline: dict[int, float],
    *,
    floor: float | None = None,
) -> Judgement:
    """Verdict of ``arm`` vs ``baseline`` (values per seed) for ``relation`` and ``tolerance``."""
    seeds = sorted(set(arm) & set(baseline))
    n = len(seeds)
    if n == 0:
        return Judgement(INCONCLUSIVE, "no seed ran for both arms", 0, None, None, None, None)
    diffs = [arm[s] - baseline[s] for s in seeds]
    d_mean, d_sd = mean_std(diffs)
    lo, hi = t_interval(diffs)

    def made(verdict: str, reason: str) -> Judgement:
        return Judgement(verdict, reason, n, d_mean, d_sd, lo, hi)

    ci = f"d = {d_mean:+.2f} (95% CI {lo:+.2f} .. {hi:+.2f}, {n} seeds)"
    if n < MIN_SEEDS:
        return made(INCONCLUSIVE, f"{ci}; fewer than {MIN_SEEDS} seeds")
    if floor is not None:
        b_lo, _ = t_interval([baseline[s] for s in seeds])
        if b_lo <= floor:
            return made(
                INCONCLUSIVE,
                f"{ci}; the baseline does not beat the floor {floor:.2f} (majority class or "
                f"random ranking) at this scale, so the comparison says nothing",
            )
    tol = tolerance
    if relation == "comparable":
        if lo >= -tol and hi <= tol:
            return made(SUPPORTED, f"{ci} lies within +-{tol:g}")
        if hi < -tol or lo > tol:
            return made(NOT_SUPPORTED, f"{ci} lies outside +-{tol:g}")
        return made(INCONCLUSIVE, f"{ci} overlaps the +-{tol:g} band")
    if relation == "not_worse":
        if lo >= -tol:
            return made(SUPPORTED, f"{ci}: at most {tol:g} points worse")
        if hi < -tol:
            return made(NOT_SUPPORTED, f"{ci}: more than {tol:g} points worse")
        return made(INCONCLUSIVE, f"{ci} straddles -{tol:g}")
    if relation == "better":
        if lo > tol:
            return made(SUPPORTED, f"{ci}: better by more than {tol:g}")
        if hi <= 0:
            return made(NOT_SUPPORTED, f"{ci}: not better")
        return made(INCONCLUSIVE, f"{ci}: cannot tell if better by more than {tol:g}")
    if relation == "worse":
        if hi < -tol:
            return made(SUPPORTED, f"{ci}: worse by more than {tol:g}")
        if lo >= 0:
            return made(NOT_SUPPORTED, f"{ci}: not worse")
        return made(INCONCLUSIVE, f"{ci}: cannot tell if worse by more than {tol:g}")
    raise ValueError(f"unknown relation {relation!r}")


def metric_floor(metric: str, examples: Sequence[dict[str, Any]]) -> float | None:
    """What a model that learned nothing scores (percent), where that is well defined."""
    if metric in ("accuracy", "f1"):
        labels = [int(e["label"]) for e in examples]
        if not labels:
            return None
        p = sum(labels) / len(labels)
        if metric == "accuracy":
            return 100.0 * max(p, 1 - p)
        return 100.0 * (2 * p / (1 + p))  # F1 of always predicting the positive class
    if metric == "mrr":
        n = len(examples)
        return 100.0 * sum(1.0 / r for r in range(1, n + 1)) / n if n else None
    return None
