"""Run an effectiveness spec: every arm x seed (x task, for single-task arms), then the verdicts.

``run_spec(path)`` checks the spec (:mod:`~slr.reproduce.train.preflight`), then trains and
evaluates one *job* per arm, seed and task group (a multi-task arm is one job over all its
tasks; a single-task arm one job per task). Each job has a folder
``<workdir>/<spec>/<arm>/<group>/seed-<n>/`` holding its checkpoint while it trains and its
``result.json`` when done: running the spec again skips finished jobs and resumes unfinished ones
from their checkpoint. The spec's result, with the manifest, per-seed metrics, mean +- std and
the verdict of every check, goes to ``reproductions/results/effectiveness/<spec>.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slr.reproduce.train.preflight import ArmPlan, Preflight, group_key, preflight
from slr.reproduce.train.spec import LoadedSpec, TaskSpec, load_spec, split_metric_key

SCHEMA = 1


class Progress:
    """Callbacks of a run (the CLI draws rich progress bars; the default does nothing)."""

    def job_started(self, label: str, index: int, total: int, steps: int, resumed: bool) -> None:
        pass

    def step(self, done: int, loss: float | None) -> None:
        pass

    def job_done(self, label: str, metrics: dict[str, float], reused: bool) -> None:
        pass

    def evaluating(self, label: str) -> None:
        pass


@dataclass
class RunOptions:
    workdir: Path | None = None
    results_dir: Path | None = None
    seeds: list[int] | None = None
    arms: list[str] | None = None
    fresh: bool = False
    write: bool = True
    progress: Progress = field(default_factory=Progress)


@dataclass
class Job:
    plan: ArmPlan
    tasks: list[TaskSpec]
    seed: int

    @property
    def group(self) -> str:
        return group_key(self.plan.arm, self.tasks)

    @property
    def label(self) -> str:
        return f"{self.plan.arm.name}/{self.group}/seed-{self.seed}"


def default_workdir() -> Path:
    env = os.environ.get("SLR_TRAIN_DIR")
    if env:
        return Path(env)
    from slr.evaluate.cache import cache_dir

    return cache_dir() / "train-runs"


def default_results_dir(loaded: LoadedSpec) -> Path:
    """``reproductions/results/effectiveness`` of the repository holding the spec."""
    for parent in loaded.path.resolve().parents:
        if parent.name == "reproductions":
            return parent / "results" / "effectiveness"
    from slr.paths import reproductions_dir

    return reproductions_dir() / "results" / "effectiveness"


def _atomic_json(obj: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, indent=1, default=_jsonable)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _accelerator(precision: str) -> Any:
    import torch
    from accelerate import Accelerator
    from accelerate.state import AcceleratorState

    mixed = {"fp32": "no", "bf16": "bf16", "fp16": "fp16"}[precision]
    state = AcceleratorState._shared_state
    if state and str(state.get("_mixed_precision", mixed)) != mixed:
        AcceleratorState._reset_state(True)
    return Accelerator(cpu=not torch.cuda.is_available(), mixed_precision=mixed)


def _loss_fn(head: str, temperature: float) -> Callable[[Any, dict[str, Any]], Any]:
    if head == "encoder":
        import torch

        from slr.reproduce.train.evaluation import embed

        def search_loss(model: Any, b: dict[str, Any]) -> Any:
            q = embed(model, b["q_ids"], b["q_mask"])
            c = embed(model, b["c_ids"], b["c_mask"])
            logits = q @ c.T / temperature
            target = torch.arange(q.shape[0], device=q.device)
            return torch.nn.functional.cross_entropy(logits.float(), target)

        return search_loss

    def model_loss(model: Any, b: dict[str, Any]) -> Any:
        return model(**b).loss

    return model_loss


def _adalora_hook(model: Any, step: int) -> None:
    model.base_model.update_and_allocate(step)


class _Session:
    """What jobs of one spec share: checks, tokenizer, accelerator, folders."""

    def __init__(self, pf: Preflight, options: RunOptions):
        from slr.reproduce.train.models import load_tokenizer

        self.pf = pf
        self.options = options
        self.loaded = pf.loaded
        self.tokenizer = load_tokenizer(pf.source)
        precision = self.loaded.arm_training(self.loaded.spec.arms[0]).precision
        self.accelerator = _accelerator(precision)
        self.workdir = (options.workdir or default_workdir()) / self.loaded.id

    def folder(self, job: Job) -> Path:
        return self.workdir / job.plan.arm.name / job.group / f"seed-{job.seed}"

    def fingerprint(self, job: Job) -> str:
        from importlib import metadata

        spec = self.loaded.spec
        payload = {
            "model": spec.model.model_dump(),
            "tasks": [t.model_dump() for t in job.tasks],
            "arm": job.plan.arm.model_dump(),
            "training": self.loaded.arm_training(job.plan.arm).model_dump(),
            "seed": job.seed,
            "multitask_spec": len(spec.tasks) > 1,
            "versions": {p: metadata.version(p) for p in ("torch", "transformers", "peft")},
            "world": self.accelerator.num_processes,
        }
        from slr.reproduce.manifest import spec_hash

        return spec_hash(payload)

    def run_job(self, job: Job, index: int, total: int) -> dict[str, Any]:
        import torch

        from slr.reproduce.methods import apply_method, method_config
        from slr.reproduce.train.checkpoint import CheckpointStore
        from slr.reproduce.train.data import BatchPlan, Encoder, collate
        from slr.reproduce.train.evaluation import evaluate_task
        from slr.reproduce.train.loop import StepFunctions, run_loop
        from slr.reproduce.train.models import load_model
        from slr.reproduce.train.oom import is_oom, oom_error

        folder = self.folder(job)
        fingerprint = self.fingerprint(job)
        result_file = folder / "result.json"
        progress = self.options.progress
        if self.options.fresh and folder.exists() and self.accelerator.is_main_process:
            shutil.rmtree(folder)
        self.accelerator.wait_for_everyone()  # no rank reads a folder rank 0 is deleting
        if result_file.is_file():
            done = json.loads(result_file.read_text(encoding="utf-8"))
            if done.get("fingerprint") == fingerprint:
                progress.job_done(job.label, done["metrics"], reused=True)
                return dict(done)
        arm, key = job.plan.arm, job.group
        training = self.loaded.arm_training(arm)
        if training.threads:
            torch.set_num_threads(training.threads)
        head = job.plan.head[key]
        steps = job.plan.steps[key]
        params = dict(arm.params)
        if job.plan.method.method == "AdaLoRA":
            params.setdefault("total_step", steps)
        cfg = method_config(job.plan.method.method, **params)
        acc = self.accelerator
        model = load_model(self.pf.source, head, seed=job.seed)  # type: ignore[arg-type]
        if training.gradient_checkpointing:
            model.gradient_checkpointing_enable(
                gradient_checkpointing_kwargs={"use_reentrant": False}
            )
            model.config.use_cache = False
        if cfg.method == "QLoRA":
            model = model.to(acc.device)
        model = apply_method(model, cfg)
        encoder = Encoder(self.tokenizer, head)
        tagged = len(self.loaded.spec.tasks) > 1 or any(t.tag is not None for t in job.tasks)
        items = [
            encoder.encode(ex, t, tagged)
            for t in job.tasks
            for ex in self.pf.data[t.key].splits["train"]
        ]
        pad = self.tokenizer.pad_token_id
        fns = StepFunctions(
            make_batch=lambda idx: collate(head, [items[i] for i in idx], pad),
            loss=_loss_fn(head, training.search_temperature),
            after_step=_adalora_hook if cfg.method == "AdaLoRA" else None,
        )
        store = CheckpointStore(folder, fingerprint, acc.process_index, acc.num_processes)
        if store.exists():
            pass  # run_loop resumes from it
        progress.job_started(job.label, index, total, steps, store.exists())

        def on_oom(err: BaseException, where: str = "training") -> Exception:
            return oom_error(
                err,
                device=acc.device,
                where=where,
                training=training,
                method=cfg.method,
                max_source_len=max(t.max_source_len for t in job.tasks),
            )

        model, outcome = run_loop(
            model,
            training=training,
            total_steps=steps,
            plan=BatchPlan(len(items), training.batch_size, job.seed),
            fns=fns,
            accelerator=acc,
            store=store if training.checkpoint_every else None,
            on_step=progress.step,
            on_oom=on_oom,
        )
        metrics: dict[str, float] = {}
        shown: dict[str, list[dict[str, Any]]] = {}
        t_eval = time.perf_counter()
        if acc.is_main_process:
            progress.evaluating(job.label)
            net = acc.unwrap_model(model)
            for t in job.tasks:
                test = [encoder.encode(ex, t, tagged) for ex in self.pf.data[t.key].splits["test"]]
                try:
                    values, examples = evaluate_task(
                        net, head, self.pf.data[t.key], test, self.tokenizer, training, acc.device
                    )
                except Exception as err:
                    if is_oom(err):
                        raise on_oom(err, "evaluation") from None
                    raise
                metrics.update({f"{t.key}:{m}": v for m, v in values.items()})
                if examples:
                    shown[t.key] = examples
        eval_seconds = time.perf_counter() - t_eval
        result = {
            "arm": arm.name,
            "group": key,
            "tasks": [t.key for t in job.tasks],
            "seed": job.seed,
            "fingerprint": fingerprint,
            "metrics": metrics,
            "steps": outcome.steps,
            "losses": outcome.losses,
            "final_loss": outcome.losses[-1][1] if outcome.losses else None,
            "train_seconds": round(outcome.seconds, 3),
            "eval_seconds": round(eval_seconds, 3),
            "resumed_from_step": outcome.resumed_from,
            "train_examples": len(items),
            "examples": shown,
        }
        if acc.is_main_process:
            _atomic_json(result, result_file)
            store.clear()
        acc.wait_for_everyone()
        del model
        acc.free_memory()
        progress.job_done(job.label, metrics, reused=False)
        return result


def plan_jobs(pf: Preflight, seeds: list[int], arms: list[str] | None) -> list[Job]:
    jobs = []
    for name, plan in pf.arms.items():
        if arms is not None and name not in arms:
            continue
        for seed in seeds:
            for group in plan.groups:
                jobs.append(Job(plan, group, seed))
    return jobs


def run_spec(spec: str | Path | LoadedSpec, options: RunOptions | None = None) -> dict[str, Any]:
    """Check, train, evaluate and judge one spec; returns (and writes) its result document."""
    from slr.errors import ConfigError

    options = options or RunOptions()
    loaded = spec if isinstance(spec, LoadedSpec) else load_spec(spec)
    pf = preflight(loaded)
    seeds = options.seeds or list(loaded.spec.seeds)
    if options.arms:
        unknown = [a for a in options.arms if a not in pf.arms]
        if unknown:
            raise ConfigError(f"unknown arm(s) {unknown}; arms of {loaded.id}: {list(pf.arms)}")
    session = _Session(pf, options)
    jobs = plan_jobs(pf, seeds, options.arms)
    t0 = time.perf_counter()
    results = [session.run_job(job, i, len(jobs)) for i, job in enumerate(jobs)]
    document = assemble(pf, results, seeds, session, time.perf_counter() - t0)
    if options.write and session.accelerator.is_main_process:
        out = (options.results_dir or default_results_dir(loaded)) / f"{loaded.id}.json"
        _atomic_json(document, out)
        document["_path"] = str(out)
    return document


def assemble(
    pf: Preflight, results: list[dict[str, Any]], seeds: list[int], session: _Session, wall: float
) -> dict[str, Any]:
    """The result document: manifest, scale, per-arm per-seed metrics, summaries, verdicts."""
    from slr.paths import project_root
    from slr.reproduce.train.verdict import judge, mean_std, metric_floor

    loaded, spec = pf.loaded, pf.loaded.spec
    per_arm: dict[str, dict[int, dict[str, float]]] = {}
    for r in results:
        per_arm.setdefault(r["arm"], {}).setdefault(r["seed"], {}).update(r["metrics"])
    arms_out = []
    for name, plan in pf.arms.items():
        if name not in per_arm:
            continue
        by_seed = per_arm[name]
        keys = sorted({k for m in by_seed.values() for k in m})
        summary = {}
        for k in keys:
            values = [by_seed[s][k] for s in sorted(by_seed) if k in by_seed[s]]
            mean, std = mean_std(values)
            summary[k] = {"mean": mean, "std": std, "n": len(values), "values": values}
        counts = next(iter(plan.counts.values()))
        arms_out.append(
            {
                "name": name,
                "method": plan.method.method,
                "setup": plan.method.setup(),
                "params": plan.arm.params,
                "multitask": plan.arm.multitask,
                "tasks": [t.key for g in plan.groups for t in g],
                "training": loaded.arm_training(plan.arm).model_dump(),
                "steps": plan.steps,
                "counts": plan.counts,
                "trainable_percent_of_base": counts["method_trainable_percent_of_base"],
                "seeds": [{"seed": s, "metrics": by_seed[s]} for s in sorted(by_seed)],
                "jobs": [
                    {
                        k: r[k]
                        for k in (
                            "group",
                            "seed",
                            "steps",
                            "final_loss",
                            "train_seconds",
                            "eval_seconds",
                            "resumed_from_step",
                            "train_examples",
                        )
                    }
                    for r in results
                    if r["arm"] == name
                ],
                "summary": summary,
                "examples": next(
                    (r["examples"] for r in results if r["arm"] == name and r["examples"]), {}
                ),
            }
        )
    checks_out = []
    for check in spec.checks:
        task_key, metric = split_metric_key(check.metric, spec)
        key = f"{task_key}:{metric}"
        arm_vals = {s: m[key] for s, m in per_arm.get(check.arm, {}).items() if key in m}
        base_vals = {s: m[key] for s, m in per_arm.get(check.baseline, {}).items() if key in m}
        floor = metric_floor(metric, pf.data[task_key].splits["test"])
        j = judge(check.relation, check.tolerance, arm_vals, base_vals, floor=floor)
        a_mean, a_std = mean_std(list(arm_vals.values())) if arm_vals else (None, None)
        b_mean, b_std = mean_std(list(base_vals.values())) if base_vals else (None, None)
        checks_out.append(
            {
                **check.model_dump(),
                "claim_source": pf.claims.get(check.claim),
                "metric_key": key,
                "arm_method": pf.arms[check.arm].method.method,
                "baseline_method": pf.arms[check.baseline].method.method,
                "arm_mean": a_mean,
                "arm_std": a_std,
                "baseline_mean": b_mean,
                "baseline_std": b_std,
                "floor": floor,
                "arm_trainable_percent_of_base": pf.arms[check.arm].counts[
                    next(iter(pf.arms[check.arm].counts))
                ]["method_trainable_percent_of_base"],
                **j.as_dict(),
            }
        )
    acc = session.accelerator
    device = "cuda" if acc.device.type == "cuda" else "cpu"
    try:
        root = project_root(loaded.path.parent)
    except Exception:
        root = Path.cwd()
    from slr.reproduce.manifest import manifest as make_manifest
    from slr.reproduce.manifest import spec_hash

    # one entry per seed of the spec (each seeds python, numpy and torch: transformers.set_seed)
    manifest = make_manifest(
        root,
        device=device,
        dtype=spec.training.precision,
        seeds={f"run-{i}": s for i, s in enumerate(seeds)},
        spec=loaded.raw,
    )
    manifest["spec_file"] = _relative(loaded.path, root)
    manifest["spec_hash"] = spec_hash(loaded.raw)
    manifest["processes"] = acc.num_processes
    manifest["torch_threads"] = _threads()
    manifest["load_average"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    return {
        "schema": SCHEMA,
        "spec_id": loaded.id,
        "title": spec.title,
        "scale": {
            "description": spec.scale,
            "proxy": spec.proxy,
            "model": pf.source.label,
            "model_kind": pf.source.kind,
            "model_notes": pf.notes,
            "data": {
                k: {
                    "dataset": d.spec.data.dataset or d.spec.data.file,
                    "provenance": d.provenance,
                    "used": d.sizes(),
                    "available": d.available,
                }
                for k, d in pf.data.items()
            },
        },
        "manifest": manifest,
        "seeds": seeds,
        "arms": arms_out,
        "checks": checks_out,
        "wall_seconds": round(wall, 2),
    }


def _threads() -> int:
    import torch

    return int(torch.get_num_threads())


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
