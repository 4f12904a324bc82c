"""When it is safe to stop screening: the hypergeometric test of Callaghan & Müller-Hansen (2020).

Callaghan M. W., Müller-Hansen F., "Statistical stopping criteria for automated screening in
systematic reviews", Systematic Reviews 9:273 (2020), doi:10.1186/s13643-020-01521-4.

After prioritised screening has found ``r_al`` relevant records, the reviewer draws records **at
random** from the ``N_s`` records not yet screened (the urn) and screens them in the drawn order.
With ``k`` relevant among the first ``n`` drawn, the null hypothesis "recall is below the target
tau" means the urn held at least ``K_tar = floor((r_al + k) / tau - r_al + 1)`` relevant records.
Its p-value is the hypergeometric probability of seeing ``k`` or fewer relevant records in ``n``
draws from ``N_s`` records of which ``K_tar`` are relevant. When p < 1 - confidence the hypothesis
is rejected: **the stated guarantee** is that, when the rule says stop, recall is below the target
with probability at most 1 - confidence (the paper's Fig. 4 and ``benchmarks/bench_screening.py
--stopping`` measure how often it is reached in practice).

The records drawn are the extra screening the guarantee costs. Before any record is drawn,
:func:`draws_needed` says how many draws would let the rule stop if none of them is relevant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slr.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np

    from slr.search.screen.simulate import SimulationResult


def k_target(r_al: int, r_seen: int, target: float) -> int:
    """The fewest relevant records the urn must have held for recall to be below ``target``."""
    return math.floor(r_seen / target - r_al + 1)


def p_value(urn: int, drawn: int, found: int, r_al: int, target: float) -> float:
    """p-value of "recall < target" after ``drawn`` random draws from ``urn`` found ``found``."""
    from scipy.stats import hypergeom

    k_tar = k_target(r_al, r_al + found, target)
    if k_tar > urn - drawn + found:
        return 0.0  # the urn cannot hold that many relevant records
    return float(hypergeom.cdf(found, urn, k_tar, drawn))


def draws_needed(
    urn: int, r_al: int, target: float, confidence: float, *, drawn: int = 0, found: int = 0
) -> int:
    """Further random draws that let the rule stop if none of them is relevant.

    With ``drawn = found = 0`` this is the sample to draw before the rule can say anything: the
    least extra screening the guarantee costs.
    """
    alpha = 1 - confidence
    lo, hi = 0, urn - drawn
    while lo < hi:  # the p-value falls with every irrelevant draw
        mid = (lo + hi) // 2
        if p_value(urn, drawn + mid, found, r_al, target) < alpha:
            hi = mid
        else:
            lo = mid + 1
    return lo


def remaining_upper_bound(urn: int, drawn: int, found: int, confidence: float) -> int:
    """Largest number of relevant records still unscreened in the urn not rejected at ``confidence``."""
    from scipy.stats import hypergeom

    alpha = 1 - confidence
    lo, hi = found, urn - drawn + found  # relevant in the urn, as a count
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if hypergeom.cdf(found, urn, mid, drawn) >= alpha:
            lo = mid
        else:
            hi = mid - 1
    return lo - found


@dataclass(frozen=True)
class StoppingState:
    """Where the review stands: what prioritised screening found and what the random draws show."""

    n_records: int
    screened_before: int  # records screened before the draws began
    r_al: int  # relevant records among those
    drawn: int  # random draws screened so far
    found: int  # relevant among the draws
    target: float = 0.95
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if not 0 < self.target < 1 or not 0 < self.confidence < 1:
            raise ConfigError(
                f"recall target {self.target} and confidence {self.confidence} must lie "
                "strictly between 0 and 1 (e.g. 0.95)"
            )

    @property
    def urn(self) -> int:
        return self.n_records - self.screened_before

    @property
    def p(self) -> float:
        return p_value(self.urn, self.drawn, self.found, self.r_al, self.target)

    @property
    def stop(self) -> bool:
        return self.drawn > 0 and self.p < 1 - self.confidence

    @property
    def estimated_remaining(self) -> float:
        """Relevant records estimated to remain unscreened (the draws' rate applied to the rest)."""
        if self.drawn == 0:
            return float("nan")
        return self.found / self.drawn * (self.urn - self.drawn)

    @property
    def remaining_upper(self) -> int:
        return remaining_upper_bound(self.urn, self.drawn, self.found, self.confidence)

    @property
    def still_needed(self) -> int:
        """Further draws that would let the rule stop if none of them is relevant."""
        return draws_needed(
            self.urn, self.r_al, self.target, self.confidence, drawn=self.drawn, found=self.found
        )

    def lines(self) -> list[str]:
        tau, conf = f"{self.target:.0%}", f"{self.confidence:.0%}"
        head = (
            f"prioritised screening: {self.r_al} relevant in {self.screened_before} records; "
            f"random draws: {self.found} relevant in {self.drawn} of the {self.urn} "
            "records left at the draw"
        )
        if self.stop:
            verdict = (
                f"STOP: recall >= {tau} with {conf} confidence (p = {self.p:.4f}); the draws "
                f"cost {self.drawn} records of extra screening"
            )
        else:
            verdict = (
                f"keep screening the draws: p = {self.p:.4f} >= {1 - self.confidence:.2f}; "
                f"{self.still_needed} more irrelevant draws would reach recall {tau} with "
                f"{conf} confidence"
            )
        estimate = (
            f"estimated relevant records remaining: {self.estimated_remaining:.1f} "
            f"(at most {self.remaining_upper} with {conf} confidence)"
        )
        return [head, estimate, verdict]


def stopping_run(
    labels_in_order: np.ndarray,
    rng: np.random.Generator,
    *,
    target: float = 0.95,
    confidence: float = 0.95,
    dry_run: int = 100,
    min_share: float = 0.1,
) -> dict[str, Any]:
    """Replay one review with the rule: prioritised order, then random draws until it says stop.

    Prioritised screening goes on until ``dry_run`` records in a row were irrelevant (and at least
    ``min_share`` of the records were screened); then the rest is drawn at random and screened
    until the test rejects "recall < target".
    """

    y = labels_in_order
    n = len(y)
    streak, start = 0, n
    for i, label in enumerate(y):
        streak = 0 if label else streak + 1
        if streak >= dry_run and i + 1 >= min_share * n:
            start = i + 1
            break
    r_al = int(y[:start].sum())
    rest = y[start:][rng.permutation(n - start)]
    drawn, found = _first_stop(rest, r_al, target, 1 - confidence)
    screened = start + drawn
    recall = (r_al + found) / int(y.sum())
    return {
        "screened": screened,
        "prioritised": start,
        "drawn": drawn,
        "recall": round(recall, 4),
        "reached": recall >= target,
        "work_saved": round(1 - screened / n, 4),
    }


def _first_stop(draws: np.ndarray, r_al: int, target: float, alpha: float) -> tuple[int, int]:
    """(draws screened, relevant among them) when the test first rejects; all draws if never."""
    import numpy as np
    from scipy.stats import hypergeom

    if len(draws) == 0:
        return 0, 0
    urn = len(draws)
    found = np.cumsum(draws)
    drawn = np.arange(1, urn + 1)
    k_tar = np.floor((r_al + found) / target - r_al + 1)
    p = hypergeom.cdf(found, urn, np.minimum(k_tar, urn), drawn)
    p = np.where(k_tar > urn - drawn + found, 0.0, p)
    hits = np.flatnonzero(p < alpha)
    stop = int(hits[0]) + 1 if len(hits) else urn
    return stop, int(found[stop - 1])


def benchmark_stopping(
    result: SimulationResult,
    *,
    target: float = 0.95,
    confidence: float = 0.95,
    replays: int = 20,
) -> list[dict[str, Any]]:
    """The rule replayed on every seed's order, ``replays`` random samples each: one row each."""
    import numpy as np

    assert result.labels is not None
    rows = []
    for run in result.runs:
        for k in range(replays):
            rng = np.random.default_rng([run.seed, k])
            row = stopping_run(result.labels[run.order], rng, target=target, confidence=confidence)
            rows.append(
                {"set": result.name, "config": result.model.name, "seed": run.seed, "replay": k}
                | row
            )
    return rows


def summarise_stopping(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Share of replays that reached the target when the rule said stop, and the work saved."""
    import statistics

    return {
        "replays": len(rows),
        "reached": round(sum(r["reached"] for r in rows) / len(rows), 3),
        "recall": round(statistics.mean(r["recall"] for r in rows), 3),
        "min_recall": min(r["recall"] for r in rows),
        "work_saved": round(statistics.mean(r["work_saved"] for r in rows), 3),
        "draws": round(statistics.mean(r["drawn"] for r in rows), 1),
    }
