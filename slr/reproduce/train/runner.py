"""Run a training spec: every arm x seed (x task, for single-task arms), then the verdicts.

:func:`run_train` checks the spec (:mod:`~slr.reproduce.train.preflight`), then trains and
evaluates one job per arm, seed and task group (a multi-task arm is one job over all its tasks;
a single-task arm one job per task; :mod:`~slr.reproduce.train.jobs`). The spec's
:class:`~slr.reproduce.results.models.TrainResult`, with the manifest, per-seed metrics,
mean +- std and the verdict of every check, goes to ``reproductions/results/runs/<spec>.json``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from slr.reproduce.options import RunOptions, data_root
from slr.reproduce.results.models import (
    ArmResult,
    DataUse,
    Scale,
    TrainResult,
)
from slr.reproduce.specs import LoadedSpec, load_spec, split_metric_key
from slr.reproduce.train.jobs import Job, Session, plan_jobs
from slr.reproduce.train.preflight import ArmPlan, Preflight, preflight

_JOB_FIELDS = (
    "group",
    "seed",
    "steps",
    "final_loss",
    "train_seconds",
    "eval_seconds",
    "resumed_from_step",
    "train_examples",
)


def run_train(spec: str | Path | LoadedSpec, options: RunOptions | None = None) -> TrainResult:
    """Check, train, evaluate and judge one training spec; returns (and writes) its result."""
    from slr.errors import ConfigError
    from slr.reproduce.results.store import write_result

    options = options or RunOptions()
    loaded = spec if isinstance(spec, LoadedSpec) else load_spec(spec)
    pf = preflight(loaded)
    seeds = options.seeds or list(pf.spec.seeds)
    if options.arms:
        unknown = [a for a in options.arms if a not in pf.arms]
        if unknown:
            raise ConfigError(f"unknown arm(s) {unknown}; arms of {loaded.name}: {list(pf.arms)}")
    options.progress.spec_started(loaded.name, "train")
    session = Session(pf, options)
    jobs: list[Job] = plan_jobs(pf, seeds, options.arms)
    t0 = time.perf_counter()
    results = [session.run_job(job, i, len(jobs)) for i, job in enumerate(jobs)]
    untuned = {
        (t.key, seed): session.run_untuned(t, seed) for t in _checked_tasks(pf) for seed in seeds
    }
    result = assemble(pf, results, seeds, session, time.perf_counter() - t0, untuned)
    if options.write and session.accelerator.is_main_process:
        write_result(result, options.results_folder(loaded) / f"{loaded.name}.json")
    options.progress.spec_done(loaded.name, "ok", result)
    return result


def _checked_tasks(pf: Preflight) -> list[Any]:
    """The tasks some check compares arms on (their untuned model is a floor)."""
    keys = {split_metric_key(c.metric, pf.spec)[0] for c in pf.spec.checks}
    return [t for t in pf.spec.tasks if t.key in keys]


def _per_arm(results: list[dict[str, Any]]) -> dict[str, dict[int, dict[str, float]]]:
    """arm -> seed -> metric key -> value."""
    per_arm: dict[str, dict[int, dict[str, float]]] = {}
    for r in results:
        per_arm.setdefault(r["arm"], {}).setdefault(r["seed"], {}).update(r["metrics"])
    return per_arm


def _arm_result(
    pf: Preflight, name: str, plan: ArmPlan, by_seed: dict[int, dict[str, float]], jobs: list[Any]
) -> ArmResult:
    from slr.reproduce.train.verdict import mean_std

    keys = sorted({k for m in by_seed.values() for k in m})
    summary = {}
    for k in keys:
        values = [by_seed[s][k] for s in sorted(by_seed) if k in by_seed[s]]
        mean, std = mean_std(values)
        summary[k] = {"mean": mean, "std": std, "n": len(values), "values": values}
    counts = next(iter(plan.counts.values()))
    return ArmResult.model_validate(
        {
            "name": name,
            "method": plan.method.method,
            "setup": plan.method.setup(),
            "params": plan.arm.params,
            "multitask": plan.arm.multitask,
            "tasks": [t.key for g in plan.groups for t in g],
            "training": pf.spec.arm_training(plan.arm).model_dump(),
            "steps": plan.steps,
            "counts": plan.counts,
            "trainable_percent_of_base": counts["method_trainable_percent_of_base"],
            "seeds": [{"seed": s, "metrics": by_seed[s]} for s in sorted(by_seed)],
            "jobs": [{k: r[k] for k in _JOB_FIELDS} for r in jobs],
            "summary": summary,
            "examples": next((r["examples"] for r in jobs if r["examples"]), {}),
        }
    )


def _scale(pf: Preflight) -> Scale:
    spec = pf.spec
    return Scale(
        description=spec.scale,
        proxy=spec.proxy,
        model=pf.source.label,
        model_kind=pf.source.kind,
        model_notes=pf.notes,
        data={
            k: DataUse(
                dataset=d.spec.data.dataset or d.spec.data.file or "",
                provenance=d.provenance,
                used=d.sizes(),
                available=d.available,
            )
            for k, d in pf.data.items()
        },
    )


def assemble(
    pf: Preflight,
    results: list[dict[str, Any]],
    seeds: list[int],
    session: Session,
    wall: float,
    untuned: dict[Any, Any] | None = None,
) -> TrainResult:
    """The result: manifest, scale, per-arm per-seed metrics, summaries, verdicts."""
    from slr.reproduce.runtime.manifest import manifest, spec_hash

    loaded, spec = pf.loaded, pf.spec
    per_arm = _per_arm(results)
    arms = [
        _arm_result(pf, name, plan, per_arm[name], [r for r in results if r["arm"] == name])
        for name, plan in pf.arms.items()
        if name in per_arm
    ]
    from slr.reproduce.train.judging import judge_checks

    checks, composites = judge_checks(pf, results, untuned or {})
    acc = session.accelerator
    root = data_root(loaded)
    h = spec_hash(loaded.hash_payload())
    # one entry per seed of the spec (each seeds python, numpy and torch: transformers.set_seed)
    made = manifest(
        root,
        device="cuda" if acc.device.type == "cuda" else "cpu",
        dtype=spec.training.precision,
        seeds={f"run-{i}": s for i, s in enumerate(seeds)},
        spec=loaded.raw,
    )
    made.update(
        spec_file=_relative(loaded.path, root),
        spec_hash=h,
        processes=acc.num_processes,
        torch_threads=_threads(),
        load_average=list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    )
    return TrainResult.model_validate(
        {
            "spec": loaded.name,
            "spec_hash": h,
            "title": spec.title,
            "scale": _scale(pf),
            "manifest": made,
            "seeds": seeds,
            "arms": arms,
            "checks": checks,
            "composites": composites,
            "wall_seconds": round(wall, 2),
        }
    )


def _threads() -> int:
    import torch

    return int(torch.get_num_threads())


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
