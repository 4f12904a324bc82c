"""Verdicts on the efficiency claims: claim vs analytical prediction vs measurement.

For every efficiency claim of ``corpus/claims.yaml``:

* **holds** - the exact count, the analytical model, or a measurement lands within the claim's
  tolerance (the rounding of the reported figure; 5 percentage points for memory predicted by the
  analytical model; 10 points for time predicted from FLOPs);
* **does not hold** - it lands outside;
* **cannot be checked here** - with the reason: set-up not stated, no number, the paper's own
  system, an architecture without a public config, a claim about wall time that needs a GPU and
  the paper's data. Where a rough analytical figure helps, it comes as ``indicative`` (never a
  verdict: it uses peft defaults where the paper is silent, and says so).

``verify(root)`` writes ``reproductions/results/verdicts.json``; a claim whose check spec (the claim,
its model's architecture file and this module's version) is unchanged is not re-computed.
``verdicts_frame(root)`` reads that file into a DataFrame without importing torch, for the report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from slr.paths import reproductions_dir

CHECK_VERSION = 1  # bump when a check's computation changes
HOLDS, FAILS, UNCHECKABLE = "holds", "does not hold", "cannot be checked"
MEMORY_TOLERANCE_PP = 5.0
TIME_TOLERANCE_PP = 10.0
INDICATIVE_GRID = {"batch_size": (1, 8), "seq_len": (512, 2048)}


def verdicts_path(root: Path | None = None) -> Path:
    return reproductions_dir(root) / "results" / "verdicts.json"


def _verdict(claim: Any, verdict: str, reason: str, **extra: Any) -> dict[str, Any]:
    rng = claim.value_range()
    out = {
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
        "basis": None,
        "predicted": None,
        "measured": None,
        "tolerance": None,
        "indicative": None,
        "assumptions": list(claim.assumptions),
        "notes": claim.notes,
    }
    out.update(extra)
    return out


def _within(value: float, low: float, high: float, tol: float) -> bool:
    return low - tol <= value <= high + tol


def _reported_scale(claim: Any) -> float:
    """Factor from the reported number to ``value`` ("85.05M" -> 1e6)."""
    numbers = re.findall(r"\d+(?:\.\d+)?", claim.reported.replace(",", ""))
    if not numbers or not claim.value:
        return 1.0
    first = float(numbers[0])
    return claim.value / first if first else 1.0


def check_claim(claim: Any, runs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The verdict record of one efficiency claim."""
    from slr.reproduce.architectures import load_architectures
    from slr.reproduce.methods import registered_methods

    if claim.quantity is None:
        return _verdict(claim, UNCHECKABLE, "no quantitative value is stated")
    methods = registered_methods()
    if claim.method is None:
        return _verdict(
            claim, UNCHECKABLE, "the figure is not attributed to one PEFT method (see the notes)"
        )
    if claim.method not in methods:
        return _verdict(claim, UNCHECKABLE, f"{claim.method} is not in the reproduction registry")
    if not claim.setup_stated:
        return _verdict(
            claim,
            UNCHECKABLE,
            "set-up not stated" + (f": {claim.setup_source}" if claim.setup_source else ""),
            indicative=_indicative(claim),
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
    check = _CHECKS.get(claim.quantity)
    if check is None:  # pragma: no cover - every Quantity has a check
        return _verdict(claim, UNCHECKABLE, f"no check for quantity {claim.quantity}")
    return check(claim, runs or [])


# --- the checks ---------------------------------------------------------------------------------


def _head(claim: Any) -> Any:
    from slr.reproduce.counting import HeadSpec

    return HeadSpec(**claim.head.model_dump())


def _count(claim: Any, method: str | None = None, params: dict[str, Any] | None = None) -> Any:
    from slr.reproduce.counting import count_parameters

    return count_parameters(
        claim.model,
        method or claim.method,
        claim.hyperparameters if params is None else params,
        head=_head(claim),
    )


def _check_trainable_percent(claim: Any, runs: list[dict[str, Any]]) -> dict[str, Any]:
    count = _count(claim)
    value = (
        count.trainable_percent if claim.denominator == "total" else count.trainable_percent_of_base
    )
    low, high = claim.value_range()
    tol = claim.rounding()
    ok = _within(value, low, high, tol)
    detail = (
        f"{count.trainable_params:,} trainable of {count.base_params:,} base parameters "
        f"= {value:.3f} % of {'base + added' if claim.denominator == 'total' else 'the base model'}"
    )
    return _verdict(
        claim,
        HOLDS if ok else FAILS,
        detail,
        basis="exact count",
        predicted=round(value, 4),
        tolerance=tol,
    )


def _check_trainable_params(claim: Any, runs: list[dict[str, Any]]) -> dict[str, Any]:
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


def _check_parameter_reduction(claim: Any, runs: list[dict[str, Any]]) -> dict[str, Any]:
    method = _count(claim)
    base = _count(claim, claim.baseline or "Full Fine-Tuning", {})
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


def _training_setup(claim: Any) -> Any:
    from slr.reproduce.memory import TrainingSetup

    t = claim.training
    missing = [k for k in ("batch_size", "seq_len") if getattr(t, k) is None]
    if missing:
        return None, missing
    values = {
        k: v for k, v in t.model_dump().items() if v is not None and k in TrainingSetup.model_fields
    }
    return TrainingSetup(**values), []


def _check_memory_reduction(claim: Any, runs: list[dict[str, Any]]) -> dict[str, Any]:
    from slr.reproduce.memory import memory_reduction, predict_memory
    from slr.reproduce.methods import method_config

    setup, missing = _training_setup(claim)
    if setup is None:
        return _verdict(claim, UNCHECKABLE, f"training set-up not stated ({', '.join(missing)})")
    cfg = method_config(claim.method, **claim.hyperparameters)
    est = predict_memory(claim.model, cfg, setup, head=_head(claim))
    base = predict_memory(
        claim.model, claim.baseline or "Full Fine-Tuning", setup, head=_head(claim)
    )
    value = memory_reduction(est, base)
    low, high = claim.value_range()
    measured = _measured_reduction(claim, runs)
    if measured is not None:
        ok = _within(measured, low, high, claim.rounding())
        return _verdict(
            claim,
            HOLDS if ok else FAILS,
            f"measured {measured:.1f} % (analytical {value:.1f} %)",
            basis="measurement",
            predicted=round(value, 2),
            measured=round(measured, 2),
            tolerance=claim.rounding(),
        )
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


def _measured_reduction(claim: Any, runs: list[dict[str, Any]]) -> float | None:
    """From two ok runs tagged with this claim: one with the method, one with the baseline."""
    mine = [
        r
        for r in runs
        if r.get("status") == "ok" and r["manifest"]["spec"]["run"].get("claim") == claim.id
    ]
    by_method = {r["manifest"]["spec"]["resolved"]["method"]["name"]: r for r in mine}
    base_name = claim.baseline or "Full Fine-Tuning"
    if claim.method in by_method and base_name in by_method:

        def peak(r: dict[str, Any]) -> float:
            m = r["memory"]
            return m.get("peak_allocated") or m.get("cpu_allocated_peak") or 0

        base = peak(by_method[base_name])
        if base:
            return 100.0 * (1 - peak(by_method[claim.method]) / base)
    return None


def _check_time(claim: Any, runs: list[dict[str, Any]]) -> dict[str, Any]:
    from slr.reproduce.memory import predict_step_flops
    from slr.reproduce.methods import method_config

    setup, missing = _training_setup(claim)
    if setup is None:
        return _verdict(claim, UNCHECKABLE, f"training set-up not stated ({', '.join(missing)})")
    cfg = method_config(claim.method, **claim.hyperparameters)
    mine = predict_step_flops(claim.model, cfg, setup, head=_head(claim))["total"]
    base = predict_step_flops(
        claim.model, claim.baseline or "Full Fine-Tuning", setup, head=_head(claim)
    )["total"]
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


_CHECKS: dict[str, Callable[[Any, list[dict[str, Any]]], dict[str, Any]]] = {
    "trainable_percent": _check_trainable_percent,
    "trainable_params": _check_trainable_params,
    "parameter_reduction_percent": _check_parameter_reduction,
    "memory_reduction_percent": _check_memory_reduction,
    "time_reduction_percent": _check_time,
    "speedup": _check_time,
}


# --- indicative figures for claims without a stated set-up -----------------------------------------


def _indicative(claim: Any) -> str | None:
    """A rough analytical figure for a claim whose set-up is not stated (never a verdict)."""
    from slr.reproduce.architectures import load_architectures
    from slr.reproduce.memory import (
        TrainingSetup,
        memory_reduction,
        predict_memory,
        predict_step_flops,
    )
    from slr.reproduce.methods import method_config

    archs = load_architectures()
    models = [m for m in claim.models if m in archs]
    if not models or claim.method is None:
        return None
    model = models[0]
    cfg = method_config(claim.method, **claim.hyperparameters)
    filled = "the stated hyper-parameters" if claim.hyperparameters else "peft's defaults"
    if claim.quantity == "memory_reduction_percent":
        from slr.reproduce.architectures import make_config, max_positions

        limit = max_positions(make_config(archs[model])) or 10**9
        values = []
        t = claim.training
        seqs = (
            (t.seq_len,) if t.seq_len else tuple(min(s, limit) for s in INDICATIVE_GRID["seq_len"])
        )
        for b in (t.batch_size,) if t.batch_size else INDICATIVE_GRID["batch_size"]:
            for s in sorted(set(seqs)):
                setup = TrainingSetup(
                    batch_size=b,
                    seq_len=s,
                    precision=t.precision or "bf16",
                    optimizer=t.optimizer or "adamw",
                )
                base_setup = setup.model_copy(update={"optimizer": "adamw"})
                est = predict_memory(model, cfg, setup, head=_head(claim))
                base = predict_memory(model, "Full Fine-Tuning", base_setup, head=_head(claim))
                values.append(memory_reduction(est, base))
        lo, hi = min(values), max(values)
        stated = {
            k: v
            for k, v in claim.training.model_dump().items()
            if v is not None and k in ("batch_size", "seq_len", "precision", "optimizer")
        }
        grid = ", ".join(f"{k} {v}" for k, v in stated.items())
        if not t.batch_size:
            grid += ", batch 1-8" if grid else "batch 1-8"
        if not t.seq_len:
            span = f"{min(seqs)}" if min(seqs) == max(seqs) else f"{min(seqs)}-{max(seqs)}"
            grid += f", {span} tokens"
        return (
            f"{model}, {claim.method} with {filled} ({grid}) vs full fine-tuning with AdamW in "
            f"bf16: the analytical model gives {lo:.0f}-{hi:.0f} % less peak memory"
        )
    if claim.quantity in ("time_reduction_percent", "speedup") and claim.baseline:
        setup = TrainingSetup(batch_size=32, seq_len=claim.training.seq_len or 256)
        mine = predict_step_flops(model, cfg, setup, head=_head(claim))["total"]
        full = predict_step_flops(model, claim.baseline, setup, head=_head(claim))["total"]
        return (
            f"{model}, {claim.method} with {filled}, {setup.seq_len}-token inputs: step FLOPs "
            f"{100 * (1 - mine / full):.0f} % below full fine-tuning (wall time also includes data "
            "loading and evaluation; a GPU run with the paper's data would measure it)"
        )
    return None


# --- verify and read --------------------------------------------------------------------------------


def check_spec(claim: Any) -> dict[str, Any]:
    """What a claim's check depends on (its hash decides whether it is re-computed)."""
    from slr.reproduce.architectures import load_architectures

    archs = load_architectures()
    return {
        "check_version": CHECK_VERSION,
        "claim": claim.model_dump(mode="json"),
        "architectures": {m: archs[m].model_dump(mode="json") for m in claim.models if m in archs},
    }


def verify(
    root: Path | None = None,
    *,
    force: bool = False,
    on_claim: Callable[[str, str], None] | None = None,
) -> list[dict[str, Any]]:
    """Check every efficiency claim; write and return the verdicts (cached by spec hash)."""
    import warnings

    from slr.reproduce.claims import load_claims
    from slr.reproduce.manifest import manifest, spec_hash
    from slr.reproduce.runner import load_runs, write_json_atomic

    path = verdicts_path(root)
    previous: dict[str, dict[str, Any]] = {}
    if path.exists() and not force:
        stored = json.loads(path.read_text(encoding="utf-8"))
        previous = {v["claim"]: v for v in stored.get("verdicts", [])}
    runs = load_runs(root)
    run_hashes = sorted(r.get("spec_hash") or "" for r in runs)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for claim in load_claims(root):
            if claim.kind != "efficiency":
                continue
            h = spec_hash({"check": check_spec(claim), "runs": run_hashes})
            old = previous.get(claim.id)
            if old is not None and old.get("spec_hash") == h:
                out.append(old)
                if on_claim:
                    on_claim(claim.id, "unchanged")
                continue
            record = check_claim(claim, runs)
            record["spec_hash"] = h
            out.append(record)
            if on_claim:
                on_claim(claim.id, record["verdict"])
    from slr.paths import project_root

    doc = {
        "manifest": manifest(
            root or project_root(),
            device="cpu",
            dtype="n/a (meta device)",
            seeds={},
            spec={"check_version": CHECK_VERSION},
        ),
        "verdicts": out,
    }
    write_json_atomic(path, doc)
    return out


def verdicts_frame(root: Path | str | None = None) -> Any:
    """The stored verdicts as a pandas DataFrame (no torch import): one row per efficiency claim.

    Columns: claim, paper, task, model, method, setup, quantity, reported, predicted, measured,
    unit, verdict, basis, reason, indicative, where. Raises a clear error when
    ``slr reproduce verify`` has not been run.
    """
    import pandas as pd

    from slr.errors import SlrError

    path = verdicts_path(Path(root) if root is not None else None)
    if not path.exists():
        raise SlrError(f"{path} does not exist; run `slr reproduce verify` first")
    doc = json.loads(path.read_text(encoding="utf-8"))
    frame = pd.DataFrame(doc.get("verdicts", []))
    columns = [
        "claim", "paper", "task", "model", "method", "setup", "quantity", "reported", "predicted",
        "measured", "unit", "verdict", "basis", "reason", "indicative", "notes", "where",
    ]  # fmt: skip
    for col in columns:
        if col not in frame:
            frame[col] = None
    return frame[columns]
