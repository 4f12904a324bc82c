"""The verdict of an efficiency claim over its documented readings.

A claim's own fields are its first reading ("as encoded"); each entry of ``readings:`` is checked
the same way with its ``fields`` in place of the claim's, or, for a ``summary`` reading, as the
mean / median / max / min of the other claims' checked figures against the claim's value (within
the rounding of the reported figure). A reading with neither is documented, shown, never decides.

The claim **holds** when some reading holds (the first one decides), **does not hold** only when
no documented reading matches and at least one could be checked, and **cannot be checked**
otherwise.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

from slr.reproduce.results.models import MeasureResult
from slr.reproduce.results.verdict_models import EfficiencyVerdict, ReadingVerdict
from slr.reproduce.verdicts.checks import FAILS, HOLDS, UNCHECKABLE, check_claim

AS_ENCODED = "as encoded"


def check_with_readings(
    claim: Any, runs: list[MeasureResult], by_id: dict[str, Any]
) -> EfficiencyVerdict:
    """The claim's verdict over its readings (without readings: :func:`check_claim`)."""
    base = check_claim(claim, runs)
    if not claim.readings:
        return base
    out = [ReadingVerdict(name=AS_ENCODED, verdict=base.verdict, reason=base.reason,
                          predicted=base.predicted)]  # fmt: skip
    for r in claim.readings:
        if r.fields:
            v = check_claim(claim.reading(r), runs)
            out.append(ReadingVerdict(name=r.name, says=r.says, verdict=v.verdict,
                                      reason=v.reason, predicted=v.predicted))  # fmt: skip
        elif r.summary is not None:
            out.append(_summary(claim, r, runs, by_id))
        else:
            out.append(ReadingVerdict(name=r.name, says=r.says, verdict=UNCHECKABLE,
                                      reason=f"documented, not machine-checked: {r.figure or r.evidence}"))  # fmt: skip
    holding = [v for v in out if v.verdict == HOLDS]
    failing = [v for v in out if v.verdict == FAILS]
    if holding:
        decider = holding[0]
        verdict, reason = HOLDS, f"reading '{decider.name}' holds: {decider.reason}"
    elif failing:
        decider = None
        verdict = FAILS
        reason = "no documented reading matches: " + "; ".join(
            f"'{v.name}': {v.reason}" for v in failing
        )
    else:
        decider = None
        verdict, reason = UNCHECKABLE, base.reason
    readings = [v.model_copy(update={"decides": v is decider}) for v in out]
    update: dict[str, Any] = {"verdict": verdict, "reason": reason, "readings": readings,
                              "deciding_reading": decider.name if decider else None}  # fmt: skip
    if decider is not None and decider.name != AS_ENCODED:
        update["predicted"] = decider.predicted
    return base.model_copy(update=update)


def _summary(
    claim: Any, r: Any, runs: list[MeasureResult], by_id: dict[str, Any]
) -> ReadingVerdict:
    parts = {i: check_claim(by_id[i], runs) for i in r.summary.of}
    missing = [i for i, v in parts.items() if not isinstance(v.predicted, int | float)]
    if missing or claim.value_range() is None:
        why = f"no checked figure for {', '.join(missing)}" if missing else "no value stated"
        return ReadingVerdict(name=r.name, says=r.says, verdict=UNCHECKABLE, reason=why)
    values = [float(v.predicted) for v in parts.values()]  # type: ignore[arg-type]
    stat: dict[str, Callable[[list[float]], float]] = {
        "mean": statistics.fmean,
        "median": statistics.median,
        "max": max,
        "min": min,
    }
    value = float(stat[r.summary.statistic](values))
    low, high = claim.value_range()
    tol = claim.rounding()
    ok = low - tol <= value <= high + tol
    listed = ", ".join(f"{i} {v:.3f}" for i, v in zip(parts, values, strict=True))
    return ReadingVerdict(
        name=r.name,
        says=r.says,
        verdict=HOLDS if ok else FAILS,
        reason=f"{r.summary.statistic} {value:.3f} over {listed} (claimed {claim.reported}, "
        f"tolerance {tol:g})",
        predicted=round(value, 4),
    )
