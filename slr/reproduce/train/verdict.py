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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slr.reproduce.results.models import CheckVerdictValue, Judgement

SUPPORTED: CheckVerdictValue = "supported"
NOT_SUPPORTED: CheckVerdictValue = "not supported"
INCONCLUSIVE: CheckVerdictValue = "inconclusive at this scale"
VERDICTS = (SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE)
MIN_SEEDS = 3
CONFIDENCE = 0.95


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


@dataclass(frozen=True)
class _Relation:
    """When a relation's check is supported / not supported, and the reason in each case."""

    supported: Callable[[float, float, float], bool]  # (lo, hi, tol) of the interval
    not_supported: Callable[[float, float, float], bool]
    reasons: tuple[str, str, str]  # supported, not supported, inconclusive ({ci}, {tol})


RELATIONS = {
    "comparable": _Relation(
        lambda lo, hi, tol: lo >= -tol and hi <= tol,
        lambda lo, hi, tol: hi < -tol or lo > tol,
        ("{ci} lies within +-{tol:g}", "{ci} lies outside +-{tol:g}",
         "{ci} overlaps the +-{tol:g} band"),
    ),
    "not_worse": _Relation(
        lambda lo, hi, tol: lo >= -tol,
        lambda lo, hi, tol: hi < -tol,
        ("{ci}: at most {tol:g} points worse", "{ci}: more than {tol:g} points worse",
         "{ci} straddles -{tol:g}"),
    ),
    "better": _Relation(
        lambda lo, hi, tol: lo > tol,
        lambda lo, hi, tol: hi <= 0,
        ("{ci}: better by more than {tol:g}", "{ci}: not better",
         "{ci}: cannot tell if better by more than {tol:g}"),
    ),
    "worse": _Relation(
        lambda lo, hi, tol: hi < -tol,
        lambda lo, hi, tol: lo >= 0,
        ("{ci}: worse by more than {tol:g}", "{ci}: not worse",
         "{ci}: cannot tell if worse by more than {tol:g}"),
    ),
}  # fmt: skip


def judge(
    relation: str,
    tolerance: float,
    arm: dict[int, float],
    baseline: dict[int, float],
    *,
    floor: float | None = None,
) -> Judgement:
    """Verdict of ``arm`` vs ``baseline`` (values per seed) for ``relation`` and ``tolerance``."""
    rule = RELATIONS.get(relation)
    if rule is None:
        raise ValueError(f"unknown relation {relation!r}")
    seeds = sorted(set(arm) & set(baseline))
    n = len(seeds)
    if n == 0:
        return Judgement(
            verdict=INCONCLUSIVE, reason="no seed ran for both arms", n=0, diff_mean=None,
            diff_std=None, ci_low=None, ci_high=None,
        )  # fmt: skip
    diffs = [arm[s] - baseline[s] for s in seeds]
    d_mean, d_sd = mean_std(diffs)
    lo, hi = t_interval(diffs)

    def made(verdict: CheckVerdictValue, reason: str) -> Judgement:
        return Judgement(
            verdict=verdict, reason=reason, n=n, diff_mean=d_mean, diff_std=d_sd, ci_low=lo,
            ci_high=hi,
        )  # fmt: skip

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
    yes, no, unsure = rule.reasons
    if rule.supported(lo, hi, tolerance):
        return made(SUPPORTED, yes.format(ci=ci, tol=tolerance))
    if rule.not_supported(lo, hi, tolerance):
        return made(NOT_SUPPORTED, no.format(ci=ci, tol=tolerance))
    return made(INCONCLUSIVE, unsure.format(ci=ci, tol=tolerance))


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
