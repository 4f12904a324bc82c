"""Everything that can be checked before training starts, in one located report.

A spec that passes :func:`load_spec` (keys and types) is checked against the registries and the
machine: the model resolves (architecture file, local folder, hub cache, proxy recipe), every
dataset loads and has the task's columns, every metric exists and fits its task, the model kind
fits every task (search: encoder-only; generation: decoder or encoder-decoder), every arm's
method applies to the model (built on the meta device: no memory, no weights) and leaves
trainable parameters, QLoRA and fp16 have CUDA, the trainable share respects a check's
``max_trainable_percent``, and every claim id is known. Nothing trains until all of this holds.
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass, field
from typing import Any

from slr.errors import ConfigError, SlrError, ValidationReport
from slr.reproduce.train.data import TaskData, load_task_data, steps_for, task_kind
from slr.reproduce.train.models import ModelSource, build_meta, head_for, resolve_model
from slr.reproduce.train.spec import ArmSpec, LoadedSpec, TaskSpec


@dataclass
class ArmPlan:
    """An arm resolved: its method config per task group and its parameter counts."""

    arm: ArmSpec
    method: Any  # MethodConfig (the first group's; AdaLoRA's total_step may differ per group)
    groups: list[list[TaskSpec]]  # one group per trained model
    steps: dict[str, int]  # group key -> optimizer steps
    head: dict[str, str]  # group key -> head
    counts: dict[str, dict[str, int | float]]  # group key -> parameter counts


@dataclass
class Preflight:
    loaded: LoadedSpec
    source: ModelSource
    data: dict[str, TaskData]
    arms: dict[str, ArmPlan]
    claims: dict[str, str] = field(default_factory=dict)  # id -> where (corpus or spec)
    notes: list[str] = field(default_factory=list)


def group_key(arm: ArmSpec, tasks: list[TaskSpec]) -> str:
    return "multitask" if arm.multitask else tasks[0].key


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def preflight(loaded: LoadedSpec) -> Preflight:
    """Check ``loaded`` against registries and machine; raise one report of every problem."""
    import transformers

    transformers.logging.set_verbosity_error()
    report = ValidationReport()
    file, spec = loaded.path, loaded.spec
    base_dir = file.parent
    source: ModelSource | None = None
    try:
        source = resolve_model(spec.model, base_dir)
    except SlrError as err:
        report.add(file, f"model: {err}", line=loaded.line_of("model"))
    data: dict[str, TaskData] = {}
    heads: dict[str, str] = {}
    for i, task in enumerate(spec.tasks):
        try:
            kind = task_kind(task.task)
        except (ConfigError, KeyError) as err:
            report.add(file, f"task: {err}", line=loaded.line_of("tasks", i, "task"))
            continue
        for j, metric in enumerate(task.metrics):
            try:
                from slr.evaluate.metrics import check_metric_fits

                check_metric_fits(metric, task.task)
            except SlrError as err:
                report.add(file, str(err), line=loaded.line_of("tasks", i, "metrics", j))
        if source is not None:
            try:
                heads[task.key] = head_for(kind, source.kind)
            except ConfigError as err:
                report.add(
                    file, f"task '{task.key}': {err}", line=loaded.line_of("tasks", i, "task")
                )
        try:
            data[task.key] = load_task_data(task, base_dir)
        except SlrError as err:
            report.add(
                file, f"task '{task.key}' data: {err}", line=loaded.line_of("tasks", i, "data")
            )
    precisions = {loaded.arm_training(a).precision for a in spec.arms}
    if "fp16" in precisions and not _cuda():
        report.add(
            file,
            "precision fp16 needs a CUDA device",
            line=loaded.line_of("training"),
            fix="use fp32 or bf16 on CPU",
        )
    if len(precisions) > 1:
        report.add(
            file,
            f"arms use different precisions {sorted(precisions)}",
            line=loaded.line_of("arms"),
            fix="one precision per spec (accelerate state)",
        )
    arms: dict[str, ArmPlan] = {}
    for i, arm in enumerate(spec.arms):
        plan = _plan_arm(loaded, i, arm, source, data, heads, report)
        if plan is not None:
            arms[arm.name] = plan
    _check_shares(loaded, arms, report)
    claims = _check_claims(loaded, report)
    report.raise_if_any("spec")
    assert source is not None
    return Preflight(loaded, source, data, arms, claims, list(source.notes))


def _plan_arm(
    loaded: LoadedSpec,
    i: int,
    arm: ArmSpec,
    source: ModelSource | None,
    data: dict[str, TaskData],
    heads: dict[str, str],
    report: ValidationReport,
) -> ArmPlan | None:
    from slr.reproduce.counting import count_model
    from slr.reproduce.methods import apply_method, method_config, resolve_method_name

    file = loaded.path
    line = loaded.line_of("arms", i, "method")
    try:
        canon = resolve_method_name(arm.method)
    except SlrError as err:
        report.add(file, f"arm '{arm.name}': {err}", line=line)
        return None
    if canon == "QLoRA" and not _cuda():
        report.add(
            file,
            f"arm '{arm.name}': QLoRA quantizes the base with bitsandbytes on a CUDA "
            "device, and this machine has none",
            line=line,
            fix="run it on a GPU, or use LoRA (same trainable parameters) on CPU",
        )
        return None
    try:
        method_config(canon, **arm.params)
    except SlrError as err:
        report.add(file, f"arm '{arm.name}': {err}", line=loaded.line_of("arms", i, "params"))
        return None
    if source is None:
        return None
    tasks = loaded.arm_tasks(arm)
    groups = [tasks] if arm.multitask else [[t] for t in tasks]
    if arm.multitask:
        kinds = {data[t.key].kind for t in tasks if t.key in data}
        if kinds != {"generation"}:
            report.add(
                file,
                f"arm '{arm.name}': multi-task training shares one LM head, so all "
                f"its tasks must be generative (got {sorted(kinds)})",
                line=loaded.line_of("arms", i, "multitask"),
            )
            return None
    training = loaded.arm_training(arm)
    steps, head_of, counts = {}, {}, {}
    cfg = None
    for group in groups:
        key = group_key(arm, group)
        if any(t.key not in data or t.key not in heads for t in group):
            return None
        n_train = sum(len(data[t.key].splits["train"]) for t in group)
        steps[key] = steps_for(training, n_train)
        head = heads[group[0].key]
        head_of[key] = head
        params = dict(arm.params)
        if canon == "AdaLoRA":
            params.setdefault("total_step", steps[key])
        try:
            cfg = method_config(canon, **params)
        except SlrError as err:
            report.add(file, f"arm '{arm.name}': {err}", line=loaded.line_of("arms", i, "params"))
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = build_meta(source, head)  # type: ignore[arg-type]
                base_total, _, _ = count_model(model)
                with contextlib.redirect_stdout(None):
                    out = apply_method(model, cfg)
        except SlrError as err:
            report.add(file, f"arm '{arm.name}' on {source.label}: {err}", line=line)
            return None
        total, trainable, head_n = count_model(out, out.slr_head_modules)
        method_trainable = trainable - head_n
        if method_trainable == 0:
            report.add(
                file,
                f"arm '{arm.name}': {canon} trains no parameter of {source.label} "
                f"besides the task head ({'; '.join(out.slr_notes) or 'nothing'})",
                line=line,
                fix="pick a method that applies to this architecture (BitFit "
                "needs bias terms; T5 and Llama have none)",
            )
            return None
        counts[key] = {
            "base_params": base_total,
            "total_params": total,
            "trainable_params": trainable,
            "head_params": head_n,
            "method_trainable_params": method_trainable,
            "trainable_percent_of_base": 100.0 * trainable / base_total,
            "method_trainable_percent_of_base": 100.0 * method_trainable / base_total,
        }
    assert cfg is not None
    return ArmPlan(arm, cfg, groups, steps, head_of, counts)


def _check_shares(loaded: LoadedSpec, arms: dict[str, ArmPlan], report: ValidationReport) -> None:
    for i, check in enumerate(loaded.spec.checks):
        if check.max_trainable_percent is None or check.arm not in arms:
            continue
        for key, c in arms[check.arm].counts.items():
            share = float(c["method_trainable_percent_of_base"])
            if share >= check.max_trainable_percent:
                report.add(
                    loaded.path,
                    f"check '{check.claim}': arm '{check.arm}' trains {share:.3f}% of the base "
                    f"({key}), not under {check.max_trainable_percent}%",
                    line=loaded.line_of("checks", i, "max_trainable_percent"),
                    fix="lower the rank / bottleneck / virtual tokens of the arm",
                )


def _check_claims(loaded: LoadedSpec, report: ValidationReport) -> dict[str, str]:
    """Claim ids must exist in corpus/claims.yaml (when the corpus has one) or say their source."""
    known: dict[str, str] | None = None
    kinds: dict[str, str] = {}
    try:
        from slr.reproduce import claims as claims_module  # the eff stage's claims as data

        path = claims_module.claims_path()
        if path.is_file():
            loaded_claims = claims_module.load_claims()
            known = {c.id: f"corpus/claims.yaml ({c.paper})" for c in loaded_claims}
            kinds = {c.id: c.kind for c in loaded_claims}
    except ImportError:
        known = None
    out: dict[str, str] = {}
    for i, check in enumerate(loaded.spec.checks):
        if known is None:
            out[check.claim] = "corpus/claims.yaml not available"
        elif check.claim in known:
            out[check.claim] = known[check.claim]
            if kinds[check.claim] != "effectiveness":
                report.add(
                    loaded.path,
                    f"claim '{check.claim}' is a {kinds[check.claim]} claim; training runs check "
                    "effectiveness claims",
                    line=loaded.line_of("checks", i, "claim"),
                    fix="efficiency claims are checked by slr reproduce verify",
                )
        elif check.note.startswith("claim source:"):
            out[check.claim] = check.note
        else:
            from rapidfuzz import process

            close = [m for m, s, _ in process.extract(check.claim, list(known), limit=3) if s > 60]
            report.add(
                loaded.path,
                f"claim '{check.claim}' is not in corpus/claims.yaml",
                line=loaded.line_of("checks", i, "claim"),
                fix=(f"did you mean {', '.join(close)}? " if close else "")
                + "or, for a claim outside the corpus, start note: with 'claim source: <where>'",
            )
    return out
