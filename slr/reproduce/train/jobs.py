"""Jobs of a training spec: one arm x seed x task group, trained, evaluated, kept on disk.

Each job has a folder ``<workdir>/<spec>/<arm>/<group>/seed-<n>/`` holding its checkpoint while
it trains and its ``result.json`` when done: running the spec again skips finished jobs (same
fingerprint: set-up and versions) and resumes unfinished ones from their checkpoint.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slr.atomic import atomic_write_json
from slr.reproduce.options import RunOptions
from slr.reproduce.specs import TaskSpec
from slr.reproduce.train.preflight import ArmPlan, Preflight, group_key

EVALUATION_VERSION = 2  # 2: per-item statistics of the checked metrics are kept


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


def plan_jobs(pf: Preflight, seeds: list[int], arms: list[str] | None) -> list[Job]:
    jobs = []
    for name, plan in pf.arms.items():
        if arms is not None and name not in arms:
            continue
        for seed in seeds:
            for group in plan.groups:
                jobs.append(Job(plan, group, seed))
    return jobs


def freeze_head(model: Any) -> None:
    """Freeze the task head of a model a method was applied to (peft's modules_to_save too)."""
    from slr.reproduce.counting import is_head

    for name, p in model.named_parameters():
        if is_head(name, model.slr_head_modules):
            p.requires_grad_(False)


def unfreeze_backbone(model: Any) -> None:
    """Train every weight of a model a method was applied to (``backbone: trained``)."""
    for p in model.parameters():
        p.requires_grad_(True)


def default_workdir() -> Path:
    env = os.environ.get("SLR_TRAIN_DIR")
    if env:
        return Path(env)
    from slr.evaluate.cache import cache_dir

    return cache_dir() / "train-runs"


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


class Session:
    """What jobs of one spec share: checks, tokenizer, accelerator, folders."""

    def __init__(self, pf: Preflight, options: RunOptions):
        from slr.reproduce.train.loop import make_accelerator
        from slr.reproduce.train.models import load_tokenizer

        self.pf = pf
        self.options = options
        self.spec = pf.spec
        self.tokenizer = load_tokenizer(pf.source)
        self.accelerator = make_accelerator(self.spec.arm_training(self.spec.arms[0]).precision)
        self.workdir = (options.workdir or default_workdir()) / pf.loaded.name

    def folder(self, job: Job) -> Path:
        return self.workdir / job.plan.arm.name / job.group / f"seed-{job.seed}"

    def fingerprint(self, job: Job) -> str:
        from importlib import metadata

        from slr.reproduce.runtime.manifest import spec_hash

        payload = {
            "model": self.spec.model.model_dump(),
            "tasks": [t.model_dump() for t in job.tasks],
            "arm": job.plan.arm.model_dump(),
            "training": self.spec.arm_training(job.plan.arm).model_dump(),
            "seed": job.seed,
            "multitask_spec": len(self.spec.tasks) > 1,
            "versions": {p: metadata.version(p) for p in ("torch", "transformers", "peft")},
            "world": self.accelerator.num_processes,
            "evaluation": EVALUATION_VERSION,
            "item_metrics": {t.key: self.item_metrics(t.key) for t in job.tasks},
        }
        return spec_hash(payload)

    def item_metrics(self, task_key: str) -> list[str]:
        """The metrics of ``task_key`` that checks compare (their per-item statistics are kept)."""
        from slr.reproduce.specs import split_metric_key

        keys = [split_metric_key(c.metric, self.spec) for c in self.spec.checks]
        return sorted({m for t, m in keys if t == task_key})

    def _reuse(self, job: Job, fingerprint: str) -> dict[str, Any] | None:
        """The finished job's result, when its fingerprint matches (``fresh`` drops it first)."""
        folder = self.folder(job)
        if self.options.fresh and folder.exists() and self.accelerator.is_main_process:
            shutil.rmtree(folder)
        self.accelerator.wait_for_everyone()  # no rank reads a folder rank 0 is deleting
        result_file = folder / "result.json"
        if result_file.is_file():
            done: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
            if done.get("fingerprint") == fingerprint:
                return done
        return None

    def _model(self, job: Job) -> tuple[Any, Any]:
        """(model with its method applied, method config) of a job."""
        from slr.reproduce.methods import apply_method, method_config
        from slr.reproduce.train.models import load_model

        key = job.group
        training = self.spec.arm_training(job.plan.arm)
        cls = type(job.plan.method)
        params = cls.bind_total_steps(job.plan.arm.params, job.plan.steps[key])
        cfg = method_config(cls.method, **params)
        model = load_model(self.pf.source, job.plan.head[key], seed=job.seed)
        if training.gradient_checkpointing:
            model.gradient_checkpointing_enable(
                gradient_checkpointing_kwargs={"use_reentrant": False}
            )
            model.config.use_cache = False
        if cfg.requires_cuda:
            model = model.to(self.accelerator.device)
        out = apply_method(model, cfg)
        if job.plan.arm.backbone == "trained":
            unfreeze_backbone(out)
        if job.plan.arm.head == "frozen":
            freeze_head(out)
        return out, cfg

    def _oom_handler(self, job: Job, cfg: Any) -> Callable[..., Exception]:
        from slr.reproduce.runtime.oom import loop_advice, oom_error

        training = self.spec.arm_training(job.plan.arm)
        device = self.accelerator.device

        def on_oom(err: BaseException, where: str = "training") -> Exception:
            tries = loop_advice(
                training,
                device=device,
                where=where,
                quantized=cfg.quantization_bits() < 16,
                max_source_len=max(t.max_source_len for t in job.tasks),
            )
            return oom_error(err, device=device, where=where, tries=tries)

        return on_oom

    def run_job(self, job: Job, index: int, total: int) -> dict[str, Any]:
        import torch

        from slr.reproduce.train.checkpoint import CheckpointStore
        from slr.reproduce.train.data import BatchPlan, Encoder, collate
        from slr.reproduce.train.loop import StepFunctions, run_loop

        fingerprint = self.fingerprint(job)
        progress = self.options.progress
        done = self._reuse(job, fingerprint)
        if done is not None:
            progress.job_done(job.label, done["metrics"], reused=True)
            return done
        training = self.spec.arm_training(job.plan.arm)
        if training.threads:
            torch.set_num_threads(training.threads)
        head = job.plan.head[job.group].kind
        steps = job.plan.steps[job.group]
        model, cfg = self._model(job)
        encoder = Encoder(self.tokenizer, head)
        tagged = len(self.spec.tasks) > 1 or any(t.tag is not None for t in job.tasks)
        items = [
            encoder.encode(ex, t, tagged)
            for t in job.tasks
            for ex in self.pf.data[t.key].splits["train"]
        ]
        pad = self.tokenizer.pad_token_id
        fns = StepFunctions(
            make_batch=lambda idx: collate(head, [items[i] for i in idx], pad),
            loss=_loss_fn(head, training.search_temperature),
            after_step=cfg.after_step(),
        )
        acc = self.accelerator
        store = CheckpointStore(self.folder(job), fingerprint, acc.process_index, acc.num_processes)
        progress.job_started(job.label, index, total, steps, store.exists())
        on_oom = self._oom_handler(job, cfg)
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
        metrics, shown, item_stats, eval_seconds = self._evaluate(
            job.label, job.tasks, model, job.plan.head[job.group].kind, training, tagged, on_oom
        )
        result = {
            "arm": job.plan.arm.name,
            "group": job.group,
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
            "item_stats": item_stats,
        }
        if acc.is_main_process:
            atomic_write_json(self.folder(job) / "result.json", result, indent=1)
            store.clear()
        acc.wait_for_everyone()
        del model
        acc.free_memory()
        progress.job_done(job.label, metrics, reused=False)
        return result

    def _evaluate(
        self,
        label: str,
        tasks: list[TaskSpec],
        model: Any,
        head: str,
        training: Any,
        tagged: bool,
        on_oom: Callable[..., Exception] | None,
    ) -> tuple[
        dict[str, float], dict[str, list[dict[str, Any]]], dict[str, list[list[float]]], float
    ]:
        """(metrics, a few predictions per task, per-item statistics of the checked metrics,
        seconds) on the test splits (main process)."""
        from slr.reproduce.runtime.oom import is_oom
        from slr.reproduce.train.data import Encoder
        from slr.reproduce.train.evaluation import evaluate_task

        acc = self.accelerator
        metrics: dict[str, float] = {}
        shown: dict[str, list[dict[str, Any]]] = {}
        stats: dict[str, list[list[float]]] = {}
        t_eval = time.perf_counter()
        if not acc.is_main_process:
            return metrics, shown, stats, 0.0
        self.options.progress.evaluating(label)
        net = acc.unwrap_model(model)
        encoder = Encoder(self.tokenizer, head)
        for t in tasks:
            data = self.pf.data[t.key]
            test = [encoder.encode(ex, t, tagged) for ex in data.splits["test"]]
            try:
                values, examples, item_stats = evaluate_task(
                    net,
                    head,
                    data,
                    test,
                    self.tokenizer,
                    training,
                    acc.device,
                    item_metrics=self.item_metrics(t.key),
                )
            except Exception as err:
                if on_oom is not None and is_oom(err):
                    raise on_oom(err, "evaluation") from None
                raise
            metrics.update({f"{t.key}:{m}": v for m, v in values.items()})
            stats.update({f"{t.key}:{m}": v for m, v in item_stats.items()})
            if examples:
                shown[t.key] = examples
        return metrics, shown, stats, time.perf_counter() - t_eval

    def run_untuned(self, task: TaskSpec, seed: int) -> dict[str, Any]:
        """The model before any tuning (base model, the task's head, no step) on ``task``'s
        test items: a floor of every check on the task (kept on disk like a job)."""
        from slr.reproduce.runtime.manifest import spec_hash
        from slr.reproduce.train.models import load_model

        head = self.head_of(task.key)
        tagged = len(self.spec.tasks) > 1 or task.tag is not None
        fingerprint = spec_hash(
            {
                "untuned": True,
                "model": self.spec.model.model_dump(),
                "task": task.model_dump(),
                "head": head.model_dump(),
                "seed": seed,
                "tagged": tagged,
                "evaluation": EVALUATION_VERSION,
                "item_metrics": self.item_metrics(task.key),
            }
        )
        folder = self.workdir / "_untuned" / task.key / f"seed-{seed}"
        result_file = folder / "result.json"
        if result_file.is_file() and not self.options.fresh:
            done: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
            if done.get("fingerprint") == fingerprint:
                return done
        import torch

        if self.spec.training.threads:
            torch.set_num_threads(self.spec.training.threads)
        model = load_model(self.pf.source, head, seed=seed)
        metrics, _, stats, seconds = self._evaluate(
            f"untuned/{task.key}/seed-{seed}",
            [task],
            model,
            head.kind,
            self.spec.training,
            tagged,
            None,
        )
        result = {
            "task": task.key,
            "seed": seed,
            "fingerprint": fingerprint,
            "metrics": metrics,
            "item_stats": stats,
            "eval_seconds": round(seconds, 3),
        }
        if self.accelerator.is_main_process:
            atomic_write_json(result_file, result, indent=1)
        del model
        return result

    def head_of(self, task_key: str) -> Any:
        """The head the arms train ``task_key`` with."""
        for plan in self.pf.arms.values():
            for group in plan.groups:
                if task_key in [t.key for t in group]:
                    return plan.head[group_key(plan.arm, group)]
        raise KeyError(task_key)
