"""Verdicts from paper-scale measurements: method vs baseline runs made on a CUDA device.

A memory or time claim whose paper does not state its set-up cannot be checked from the paper
alone; a measured run can still check it where the set-up comes from the paper's own artifact
(the spec says where, e.g. P1's batch size and LoRA rank from its replication package, P29's
batch and lengths from Telly's train.log). ``slr reproduce gpu-check`` makes such runs on the GPU
machine and ``slr reproduce import-runs`` commits them; this module turns them into verdicts.

Only runs that are ``ok``, made on a CUDA device, not ``tiny`` and tagged with the claim count:
a CPU run of a tiny configuration proves the code path, not the paper's figure. Each model the
claim names is one reading (the claim's range spans its models); the claim holds when every
measured reading lands in the range within the tolerance, and does not hold when one is outside.
"""

from __future__ import annotations

from typing import Any

from slr.reproduce.results.models import MeasureResult
from slr.reproduce.results.verdict_models import EfficiencyVerdict

# Measured vs reported reductions are compared with a few points of slack: the papers measured on
# other GPUs, allocators and library versions (memory), and per-epoch times include data loading
# and evaluation that a step time leaves out (time).
MEASURED_MEMORY_TOLERANCE_PP = 2.0
MEASURED_TIME_TOLERANCE_PP = 5.0
QUANTITIES = ("memory_reduction_percent", "time_reduction_percent", "speedup")


def paper_scale_runs(claim: Any, runs: list[MeasureResult]) -> list[MeasureResult]:
    """The claim's runs that can decide it: ok, on CUDA, full size."""
    return [
        r
        for r in runs
        if r.status == "ok"
        and r.manifest.spec["run"].get("claim") == claim.id
        and str(r.manifest.device.get("kind")) == "cuda"
        and not r.manifest.spec["run"].get("tiny", False)
    ]


def _value(claim: Any, run: MeasureResult, base: MeasureResult) -> float | None:
    if claim.quantity == "memory_reduction_percent":
        mine, theirs = run.peak(), base.peak()
    else:
        if run.speed is None or base.speed is None:
            return None
        mine, theirs = run.speed.median_step_seconds, base.speed.median_step_seconds
    if not mine or not theirs:
        return None
    if claim.quantity == "speedup":
        return float(theirs / mine)
    return 100.0 * (1.0 - mine / theirs)


def readings(claim: Any, runs: list[MeasureResult]) -> list[tuple[str, str, float]]:
    """(model, method, measured value) per model with a method run and a baseline run."""
    from slr.reproduce.methods import FULL_FINE_TUNING

    base_name = str(claim.baseline or FULL_FINE_TUNING)
    by_model: dict[str, dict[str, MeasureResult]] = {}
    for r in paper_scale_runs(claim, runs):
        model = str(r.manifest.spec["run"]["model"])
        method = str(r.manifest.spec["resolved"]["method"]["name"])
        by_model.setdefault(model, {})[method] = r
    out = []
    for model, methods in sorted(by_model.items()):
        base = methods.get(base_name)
        if base is None:
            continue
        for method, run in sorted(methods.items()):
            if method == base_name or (claim.method and method != claim.method):
                continue
            value = _value(claim, run, base)
            if value is not None:
                out.append((model, method, value))
    return out


def measured_verdict(claim: Any, runs: list[MeasureResult]) -> EfficiencyVerdict | None:
    """The verdict from paper-scale runs, or None when there are none for this claim."""
    from slr.reproduce.verdicts.checks import FAILS, HOLDS, _verdict

    if claim.quantity not in QUANTITIES or claim.value_range() is None:
        return None
    found = readings(claim, runs)
    if not found:
        return None
    low, high = claim.value_range()
    if claim.quantity == "memory_reduction_percent":
        tol = max(MEASURED_MEMORY_TOLERANCE_PP, claim.rounding())
    elif claim.quantity == "time_reduction_percent":
        tol = max(MEASURED_TIME_TOLERANCE_PP, claim.rounding())
    else:
        tol = max(claim.rounding(), 0.1 * high)
    outside = [(m, meth, v) for m, meth, v in found if not (low - tol <= v <= high + tol)]
    unit = "x" if claim.quantity == "speedup" else " %"
    detail = "; ".join(f"{m} {meth}: {v:.1f}{unit}" for m, meth, v in found)
    what = "peak memory" if claim.quantity == "memory_reduction_percent" else "median step time"
    reason = (
        f"measured on a CUDA device ({what} vs {claim.baseline or 'Full Fine-Tuning'}): {detail}; "
        f"claimed {low:g}-{high:g}{unit} +- {tol:g}"
        + (f"; outside: {', '.join(m for m, _, _ in outside)}" if outside else "")
        + ". Set-up as the spec states it (see the spec's description)"
    )
    values = [v for _, _, v in found]
    worst = max(values, key=lambda v: max(low - v, v - high))
    return _verdict(
        claim,
        FAILS if outside else HOLDS,
        reason,
        basis="measurement",
        measured=round(worst, 2),
        tolerance=tol,
    )
