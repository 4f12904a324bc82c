"""Indicative figures for claims whose set-up is not stated: a rough analytical range, never a
verdict (it fills peft's defaults and a grid of batch sizes and lengths where the paper is silent,
and says so)."""

from __future__ import annotations

from typing import Any

INDICATIVE_GRID = {"batch_size": (1, 8), "seq_len": (512, 2048)}


def indicative(claim: Any) -> str | None:
    """A rough analytical figure for a claim whose set-up is not stated (never a verdict)."""
    from slr.reproduce.architectures import load_architectures
    from slr.reproduce.methods import method_config

    archs = load_architectures()
    models = [m for m in claim.models if m in archs]
    if not models or claim.method is None:
        return None
    model = models[0]
    cfg = method_config(claim.method, **claim.hyperparameters)
    filled = "the stated hyper-parameters" if claim.hyperparameters else "peft's defaults"
    if claim.quantity == "memory_reduction_percent":
        return _memory(claim, model, archs[model], cfg, filled)
    if claim.quantity in ("time_reduction_percent", "speedup") and claim.baseline:
        return _time(claim, model, cfg, filled)
    return None


def _memory(claim: Any, model: str, arch: Any, cfg: Any, filled: str) -> str:
    from slr.reproduce.memory import TrainingSetup, memory_reduction, predict_memory
    from slr.reproduce.methods import FULL_FINE_TUNING
    from slr.reproduce.runtime.building import make_config, max_positions

    limit = max_positions(make_config(arch)) or 10**9
    values = []
    t = claim.training
    seqs = (t.seq_len,) if t.seq_len else tuple(min(s, limit) for s in INDICATIVE_GRID["seq_len"])
    for b in (t.batch_size,) if t.batch_size else INDICATIVE_GRID["batch_size"]:
        for s in sorted(set(seqs)):
            setup = TrainingSetup(
                batch_size=b,
                seq_len=s,
                precision=t.precision or "bf16",
                optimizer=t.optimizer or "adamw",
            )
            base_setup = setup.model_copy(update={"optimizer": "adamw"})
            est = predict_memory(model, cfg, setup, head=claim.head)
            base = predict_memory(model, FULL_FINE_TUNING, base_setup, head=claim.head)
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


def _time(claim: Any, model: str, cfg: Any, filled: str) -> str:
    from slr.reproduce.memory import TrainingSetup, predict_step_flops

    setup = TrainingSetup(batch_size=32, seq_len=claim.training.seq_len or 256)
    mine = predict_step_flops(model, cfg, setup, head=claim.head)["total"]
    full = predict_step_flops(model, claim.baseline, setup, head=claim.head)["total"]
    return (
        f"{model}, {claim.method} with {filled}, {setup.seq_len}-token inputs: step FLOPs "
        f"{100 * (1 - mine / full):.0f} % below full fine-tuning (wall time also includes data "
        "loading and evaluation; a GPU run with the paper's data would measure it)"
    )
