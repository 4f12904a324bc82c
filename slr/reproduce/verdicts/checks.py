"""The checks of efficiency claims: exact counts, the analytical model, measured runs.

Each check turns one claim of ``corpus/claims.yaml`` into an
:class:`~slr.reproduce.results.verdict_models.EfficiencyVerdict`:

* **holds** - the exact count, the analytical model, or a measurement lands within the claim's
  tolerance (the rounding of the reported figure; 5 percentage points for memory predicted by the
  analytical model; 10 points for time predicted from FLOPs);
* **does not hold** - it lands outside;
* **cannot be checked here** - with the reason: set-up not stated, no number, the paper's own
  system, an architecture without a public config, a claim about wall time that needs a GPU and
  the paper's data. Where a rough analytical figure helps, it comes as ``indicative``
  (:mod:`~slr.reproduce.verdicts.indicative`; never a verdict).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slr.reproduce.results.models import EfficiencyVerdictValue, MeasureResult
from slr.reproduce.results.verdict_models import EfficiencyVerdict

HOLDS: EfficiencyVerdictValue = "holds"
FAILS: EfficiencyVerdictValue = "does not hold"
UNCHECKABLE: EfficiencyVerdictValue = "cannot be checked"
MEMORY_TOLERANCE_PP = 5.0
TIME_TOLERANCE_PP = 10.0


def _verdict(claim: Any, verdict: str, reason: str, **extra: Any) -> EfficiencyVerdict:
    rng = claim.value_range()
    return EfficiencyVerdict.model_validate(
        {
            "claim": claim.id,
            "paper": claim.paper,
            "task": claim.task,
            "model": ", ".join(claim.models) or None,
            "method": claim.method,
            "setup": ", ".join(f"{k}={v}" for k, v in claim.hyperparameters.items()) or None,
            "quantity": claim.quantity,
            "reported": claim.reported,
            "claimed_low": rng[0] if rng else None,
            "claimed_high": rng[1] if rng else None,
            "unit": claim.unit,
            "baseline": claim.baseline,
            "where": claim.where,
            "verdict": verdict,
            "reason": reason,
            "assumptions": list(claim.assumptions),
            "notes": claim.notes,
            **extra,
        }
    )


def _within(value: float, low: float, high: float, tol: float) -> bool:
    return low - tol <= value <= high + tol


def _reported_scale(claim: Any) -> float:
    """Factor from the reported number to ``value`` ("85.05M" -> 1e6)."""
    numbers = re.findall(r"\d+(?:\.\d+)?", claim.reported.replace(",", ""))
    if not numbers or not claim.value:
        return 1.0
    first = float(numbers[0])
    return float(claim.value / first) if first else 1.0


def _baseline(claim: Any) -> str:
    from slr.reproduce.methods import FULL_FINE_TUNING

    return str(claim.baseline or FULL_FINE_TUNING)


def _why_uncheckable(claim: Any) -> EfficiencyVerdict | None:
    """The verdict of a claim that cannot be checked here (None: it can)."""
    from slr.reproduce.architectures import load_architectures
    from slr.reproduce.methods import registered_methods
    from slr.reproduce.verdicts.indicative import indicative

    if claim.quantity is None:
        return _verdict(claim, UNCHECKABLE, "no quantitative value is stated")
    if claim.method is None:
        return _verdict(
            claim, UNCHECKABLE, "the figure is not attributed to one PEFT method (see the notes)"
        )
    if claim.method not in registered_methods():
        return _verdict(claim, UNCHECKABLE, f"{claim.method} is not in the reproduction registry")
    if not claim.setup_stated:
        return _verdict(
            claim,
            UNCHECKABLE,
            "set-up not stated" + (f": {claim.setup_source}" if claim.setup_source else ""),
            indicative=indicative(claim),
        )
    archs = load_architectures()
    unknown = [m for m in claim.models if m not in archs]
    if claim.models and unknown:
        return _verdict(
            claim,
            UNCHECKABLE,
            f"no public architecture in reproductions/models/ for {', '.join(unknown)} "
            "(a generic family name, a proprietary model, or custom code)",
        )
    if claim.model is None:
        return _verdict(claim, UNCHECKABLE, "the claim names no single model to check it on")
    return None


def check_claim(claim: Any, runs: list[MeasureResult] | None = None) -> EfficiencyVerdict:
    """The verdict of one efficiency claim (paper-scale measurements first, where there are)."""
    from slr.reproduce.verdicts.measured import measured_verdict

    measured = measured_verdict(claim, runs or [])
    if measured is not None:
        return measured
    uncheckable = _why_uncheckable(claim)
    if uncheckable is not None:
        return uncheckable
    check = _CHECKS.get(claim.quantity)
    if check is None:  # pragma: no cover - every Quantity has a check
        return _verdict(claim, UNCHECKABLE, f"no check for quantity {claim.quantity}")
    return check(claim, runs or [])


# --- the checks ---------------------------------------------------------------------------------


def _count(claim: Any, method: str | None = None, params: dict[str, Any] | None = None) -> Any:
    from slr.reproduce.counting import count_parameters

    return count_parameters(
        claim.model,
        method or claim.method,
        claim.hyperparameters if params is None else params,
        head=claim.head,
    )


def _check_trainable_percent(claim: Any, runs: list[MeasureResult]) -> EfficiencyVerdict:
    count = _count(claim)
    value = (
        count.trainable_percent if claim.denominator == "total" else count.trainable_percent_of_base
    ) / claim.base_copies
    low, high = claim.value_range()
    tol = claim.rounding()
    ok = _within(value, low, high, tol)
    of = "base + added" if claim.denominator == "total" else "the base model"
    if claim.base_copies > 1:
        of = f"{claim.base_copies} x {of} (one full model each)"
    detail = (
        f"{count.trainable_params:,} trainable of {count.base_params:,} base parameters "
        f"= {value:.3f} % of {of}"
    )
    return _verdict(
        claim,
        HOLDS if ok else FAILS,
        detail,
        basis="exact count",
        predicted=round(value, 4),
        tolerance=tol,
    )


def _check_trainable_params(claim: Any, runs: list[MeasureResult]) -> EfficiencyVerdict:
    count = _count(claim)
    low, high = claim.value_range()
    tol = claim.rounding() * _reported_scale(claim)
    ok = _within(count.trainable_params, low, high, tol)
    return _verdict(
        claim,
        HOLDS if ok else FAILS,
        f"{count.trainable_params:,} trainable parameters (base {count.base_params:,})",
        basis="exact count",
        predicted=count.trainable_params,
        tolerance=tol,
    )


def _check_parameter_reduction(claim: Any, runs: list[MeasureResult]) -> EfficiencyVerdict:
    method = _count(claim)
    base = _count(claim, _baseline(claim), {})
    value = 100.0 * (1 - method.trainable_params / base.trainable_params)
    low, high = claim.value_range()
    tol = claim.rounding()
    ok = _within(value, low, high, tol)
    return _verdict(
        claim,
        HOLDS if ok else FAILS,
        f"{method.trainable_params:,} vs {base.trainable_params:,} trainable parameters "
        f"= {value:.2f} % fewer",
        basis="exact count",
        predicted=round(value, 4),
        tolerance=tol,
    )


def _check_memory_reduction(claim: Any, runs: list[MeasureResult]) -> EfficiencyVerdict:
    from slr.reproduce.memory import memory_reduction, predict_memory
    from slr.reproduce.methods import method_config

    setup, missing = claim.training.setup()
    if setup is None:
        return _verdict(claim, UNCHECKABLE, f"training set-up not stated ({', '.join(missing)})")
    cfg = method_config(claim.method, **claim.hyperparameters)
    est = predict_memory(claim.model, cfg, setup, head=claim.head)
    base = predict_memory(claim.model, _baseline(claim), setup, head=claim.head)
    value = memory_reduction(est, base)
    low, high = claim.value_range()
    tol = max(MEMORY_TOLERANCE_PP, claim.rounding())
    ok = _within(value, low, high, tol)
    return _verdict(
        claim,
        HOLDS if ok else FAILS,
        f"predicted peak {est.peak_gib:.2f} GiB vs {base.peak_gib:.2f} GiB = {value:.1f} % less "
        "(a GPU measurement would confirm it)",
        basis="analytical model",
        predicted=round(value, 2),
        tolerance=tol,
    )


def _check_time(claim: Any, runs: list[MeasureResult]) -> EfficiencyVerdict:
    from slr.reproduce.memory import predict_step_flops
    from slr.reproduce.methods import method_config

    setup, missing = claim.training.setup()
    if setup is None:
        return _verdict(claim, UNCHECKABLE, f"training set-up not stated ({', '.join(missing)})")
    cfg = method_config(claim.method, **claim.hyperparameters)
    mine = predict_step_flops(claim.model, cfg, setup, head=claim.head)["total"]
    base = predict_step_flops(claim.model, _baseline(claim), setup, head=claim.head)["total"]
    if claim.quantity == "speedup":
        value = base / mine
        tol = max(claim.rounding(), 0.1 * claim.value_range()[1])
    else:
        value = 100.0 * (1 - mine / base)
        tol = TIME_TOLERANCE_PP
    low, high = claim.value_range()
    ok = _within(value, low, high, tol)
    return _verdict(
        claim,
        HOLDS if ok else FAILS,
        f"step FLOPs {mine:.3g} vs {base:.3g} (matmuls only; data loading and evaluation excluded)",
        basis="analytical model",
        predicted=round(value, 2),
        tolerance=tol,
    )


_CHECKS: dict[str, Callable[[Any, list[MeasureResult]], EfficiencyVerdict]] = {
    "trainable_percent": _check_trainable_percent,
    "trainable_params": _check_trainable_params,
    "parameter_reduction_percent": _check_parameter_reduction,
    "memory_reduction_percent": _check_memory_reduction,
    "time_reduction_percent": _check_time,
    "speedup": _check_time,
}
