"""Everything that can be checked before training starts, in one located report.

A spec that passes :func:`~slr.reproduce.specs.load_spec` (keys and types) is checked against the
registries and the machine: the model resolves (architecture file, local folder, hub cache, proxy
recipe), every dataset loads and has the task's columns, every metric exists and fits its task,
the model kind fits every task (search: encoder-only; generation: decoder or encoder-decoder),
every arm's method applies to the model (built on the meta device: no memory, no weights) and
leaves trainable parameters, a method that needs CUDA (and fp16) has it, the trainable share
respects a check's ``max_trainable_percent``, and every claim id is known. Nothing trains until
all of this holds.
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass, field
from typing import Any

from slr.errors import ConfigError, SlrError, ValidationReport
from slr.reproduce.runtime.building import Head
from slr.reproduce.specs import ArmSpec, LoadedSpec, TaskSpec, TrainSpec
from slr.reproduce.train.data import TaskData, load_task_data, steps_for, task_kind
from slr.reproduce.train.models import ModelSource, build_meta, head_for, resolve_model


@dataclass
class ArmPlan:
    """An arm resolved: its method config per task group and its parameter counts."""

    arm: ArmSpec
    method: Any  # MethodConfig (the first group's; one bound to the total steps may differ)
    groups: list[list[TaskSpec]]  # one group per trained model
    steps: dict[str, int]  # group key -> optimizer steps
    head: dict[str, Head]  # group key -> head
    counts: dict[str, dict[str, int | float]]  # group key -> parameter counts


@dataclass
class Preflight:
    loaded: LoadedSpec
    source: ModelSource
    data: dict[str, TaskData]
    arms: dict[str, ArmPlan]
    claims: dict[str, str] = field(default_factory=dict)  # id -> where (corpus or spec)
    notes: list[str] = field(default_factory=list)

    @property
    def spec(self) -> TrainSpec:
        assert isinstance(self.loaded.spec, TrainSpec)
        return self.loaded.spec


@dataclass
class _Context:
    """What the checks of one spec share: the file, its report, and what resolved so far."""

    loaded: LoadedSpec
    spec: TrainSpec
    report: ValidationReport
    source: ModelSource | None = None
    data: dict[str, TaskData] = field(default_factory=dict)
    heads: dict[str, Head] = field(default_factory=dict)

    def add(self, message: str, *loc: Any, fix: str | None = None) -> None:
        self.report.add(self.loaded.path, message, line=self.loaded.line_of(*loc), fix=fix)


def group_key(arm: ArmSpec, tasks: list[TaskSpec]) -> str:
    return "multitask" if arm.multitask else tasks[0].key


def _cuda() -> bool:
    from slr.reproduce.runtime.device import cuda_available

    return cuda_available()


def preflight(loaded: LoadedSpec) -> Preflight:
    """Check ``loaded`` against registries and machine; raise one report of every problem."""
    import transformers

    transformers.logging.set_verbosity_error()
    spec = loaded.spec
    if not isinstance(spec, TrainSpec):
        raise ConfigError(f"{loaded.name} is a {loaded.kind} spec; only training specs train")
    ctx = _Context(loaded, spec, ValidationReport())
    try:
        ctx.source = resolve_model(spec.model, loaded.path.parent)
    except SlrError as err:
        ctx.add(f"model: {err}", "model")
    for i, task in enumerate(spec.tasks):
        _check_task(ctx, i, task)
    _check_precisions(ctx)
    arms: dict[str, ArmPlan] = {}
    for i, arm in enumerate(spec.arms):
        plan = _plan_arm(ctx, i, arm)
        if plan is not None:
            arms[arm.name] = plan
    _check_shares(ctx, arms)
    _check_floors(ctx)
    claims = _check_claims(ctx)
    ctx.report.raise_if_any("spec")
    assert ctx.source is not None
    return Preflight(loaded, ctx.source, ctx.data, arms, claims, list(ctx.source.notes))


def _check_task(ctx: _Context, i: int, task: TaskSpec) -> None:
    from slr.evaluate.metrics import check_metric_fits

    try:
        kind = task_kind(task.task)
    except (ConfigError, KeyError) as err:
        ctx.add(f"task: {err}", "tasks", i, "task")
        return
    for j, metric in enumerate(task.metrics):
        try:
            check_metric_fits(metric, task.task)
        except SlrError as err:
            ctx.add(str(err), "tasks", i, "metrics", j)
    if ctx.source is not None:
        try:
            ctx.heads[task.key] = head_for(kind, ctx.source.kind)
        except ConfigError as err:
            ctx.add(f"task '{task.key}': {err}", "tasks", i, "task")
    try:
        ctx.data[task.key] = load_task_data(task, ctx.loaded.path.parent)
    except SlrError as err:
        ctx.add(f"task '{task.key}' data: {err}", "tasks", i, "data")


def _check_precisions(ctx: _Context) -> None:
    precisions = {ctx.spec.arm_training(a).precision for a in ctx.spec.arms}
    if "fp16" in precisions and not _cuda():
        ctx.add("precision fp16 needs a CUDA device", "training", fix="use fp32 or bf16 on CPU")
    if len(precisions) > 1:
        ctx.add(
            f"arms use different precisions {sorted(precisions)}",
            "arms",
            fix="one precision per spec (accelerate state)",
        )


def _arm_method(ctx: _Context, i: int, arm: ArmSpec) -> type | None:
    """The arm's method class, if it resolves, runs on this machine and takes its params."""
    from slr.reproduce.methods import method_config, registered_methods, resolve_method_name

    try:
        canon = resolve_method_name(arm.method)
    except SlrError as err:
        ctx.add(f"arm '{arm.name}': {err}", "arms", i, "method")
        return None
    cls = registered_methods()[canon]
    if cls.requires_cuda and not _cuda():
        ctx.add(
            f"arm '{arm.name}': {canon} {cls.cuda_reason}, and this machine has none",
            "arms",
            i,
            "method",
            fix=f"run it on a GPU, or use {cls.cpu_alternative} on CPU",
        )
        return None
    try:
        method_config(canon, **arm.params)
    except SlrError as err:
        ctx.add(f"arm '{arm.name}': {err}", "arms", i, "params")
        return None
    return cls


def _arm_groups(ctx: _Context, i: int, arm: ArmSpec) -> list[list[TaskSpec]] | None:
    """The task groups of an arm (one model each); None when a multi-task arm cannot be one."""
    tasks = ctx.spec.arm_tasks(arm)
    if not arm.multitask:
        return [[t] for t in tasks]
    kinds = {ctx.data[t.key].kind for t in tasks if t.key in ctx.data}
    if kinds != {"generation"}:
        ctx.add(
            f"arm '{arm.name}': multi-task training shares one LM head, so all "
            f"its tasks must be generative (got {sorted(kinds)})",
            "arms",
            i,
            "multitask",
        )
        return None
    return [tasks]


def _plan_arm(ctx: _Context, i: int, arm: ArmSpec) -> ArmPlan | None:
    cls = _arm_method(ctx, i, arm)
    if cls is None or ctx.source is None:
        return None
    groups = _arm_groups(ctx, i, arm)
    if groups is None:
        return None
    training = ctx.spec.arm_training(arm)
    steps, head_of, counts = {}, {}, {}
    cfg = None
    for group in groups:
        key = group_key(arm, group)
        if any(t.key not in ctx.data or t.key not in ctx.heads for t in group):
            return None
        n_train = sum(len(ctx.data[t.key].splits["train"]) for t in group)
        steps[key] = steps_for(training, n_train)
        head_of[key] = ctx.heads[group[0].key]
        cfg = _group_method(ctx, i, arm, cls, steps[key])
        group_counts = None if cfg is None else _count(ctx, i, arm, cfg, head_of[key])
        if group_counts is None:
            return None
        counts[key] = group_counts
    assert cfg is not None
    return ArmPlan(arm, cfg, groups, steps, head_of, counts)


def _group_method(ctx: _Context, i: int, arm: ArmSpec, cls: Any, steps: int) -> Any:
    """The method config of one task group (bound to its total steps where the method is)."""
    from slr.reproduce.methods import method_config

    try:
        return method_config(cls.method, **cls.bind_total_steps(arm.params, steps))
    except SlrError as err:
        ctx.add(f"arm '{arm.name}': {err}", "arms", i, "params")
        return None


def _count(
    ctx: _Context, i: int, arm: ArmSpec, cfg: Any, head: Head
) -> dict[str, int | float] | None:
    """Parameter counts of the arm on the meta device; None when it trains nothing."""
    from slr.reproduce.counting import count_model
    from slr.reproduce.methods import apply_method

    assert ctx.source is not None
    if arm.backbone == "trained" and cfg.kind == "full":
        ctx.add(
            f"arm '{arm.name}': backbone: trained with Full Fine-Tuning, which trains it already",
            "arms",
            i,
            "backbone",
            fix="drop backbone: (it is for a PEFT method trained together with the base weights)",
        )
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = build_meta(ctx.source, head)
            base_total, _, _ = count_model(model)
            with contextlib.redirect_stdout(None):
                out = apply_method(model, cfg)
            from slr.reproduce.train.jobs import freeze_head, unfreeze_backbone

            if arm.backbone == "trained":
                unfreeze_backbone(out)
            if arm.head == "frozen":
                freeze_head(out)
    except SlrError as err:
        ctx.add(f"arm '{arm.name}' on {ctx.source.label}: {err}", "arms", i, "method")
        return None
    total, trainable, head_n = count_model(out, out.slr_head_modules)
    method_trainable = trainable - head_n
    if method_trainable == 0:
        ctx.add(
            f"arm '{arm.name}': {cfg.method} trains no parameter of {ctx.source.label} "
            f"besides the task head ({'; '.join(out.slr_notes) or 'nothing'})",
            "arms",
            i,
            "method",
            fix="pick a method that applies to this architecture (BitFit "
            "needs bias terms; T5 and Llama have none)",
        )
        return None
    return {
        "base_params": base_total,
        "total_params": total,
        "trainable_params": trainable,
        "head_params": head_n,
        "method_trainable_params": method_trainable,
        "trainable_percent_of_base": 100.0 * trainable / base_total,
        "method_trainable_percent_of_base": 100.0 * method_trainable / base_total,
    }


def _check_shares(ctx: _Context, arms: dict[str, ArmPlan]) -> None:
    for i, check in enumerate(ctx.spec.checks):
        if check.max_trainable_percent is None or check.arm not in arms:
            continue
        for key, c in arms[check.arm].counts.items():
            share = float(c["method_trainable_percent_of_base"])
            if share >= check.max_trainable_percent:
                ctx.add(
                    f"check '{check.claim}': arm '{check.arm}' trains {share:.3f}% of the base "
                    f"({key}), not under {check.max_trainable_percent}%",
                    "checks",
                    i,
                    "max_trainable_percent",
                    fix="lower the rank / bottleneck / virtual tokens of the arm",
                )


def _check_floors(ctx: _Context) -> None:
    """Every check's floors can be computed on its test items (else it is refused)."""
    from slr.reproduce.specs import split_metric_key
    from slr.reproduce.train.floors import floor_problem

    for i, check in enumerate(ctx.spec.checks):
        try:
            task_key, metric = split_metric_key(check.metric, ctx.spec)
        except SlrError:
            continue  # reported by the spec's own checks
        data = ctx.data.get(task_key)
        if data is None:
            continue
        problem = floor_problem(metric, data.splits["test"])
        if problem is not None:
            ctx.add(
                f"check '{check.claim}' on {task_key}:{metric} is refused: {problem}",
                "checks",
                i,
                "metric",
                fix="check a metric with per-item statistics on a task with test items",
            )


def _known_claims() -> dict[str, Any] | None:
    """id -> claim of corpus/claims.yaml, or None when the corpus has none."""
    from slr.reproduce import claims as claims_module

    if not claims_module.claims_path().is_file():
        return None
    return {c.id: c for c in claims_module.load_claims()}


def _check_claims(ctx: _Context) -> dict[str, str]:
    """Claim ids must exist in corpus/claims.yaml (when the corpus has one) or say their source;
    a check's ``reading`` must be one of its claim's documented readings."""
    from rapidfuzz import process

    corpus = _known_claims()
    out: dict[str, str] = {}
    for i, check in enumerate(ctx.spec.checks):
        if corpus is None:
            out[check.claim] = "corpus/claims.yaml not available"
            continue
        claim = corpus.get(check.claim)
        if claim is not None:
            out[check.claim] = f"corpus/claims.yaml ({claim.paper})"
            _claim_problems(ctx, i, claim)
        elif check.note.startswith("claim source:"):
            out[check.claim] = check.note
            if check.reading is not None:
                ctx.add(
                    f"check '{check.claim}' names reading '{check.reading}', but its claim is "
                    "outside corpus/claims.yaml, which documents readings",
                    "checks",
                    i,
                    "reading",
                    fix="drop reading:, or add the claim and its readings to corpus/claims.yaml",
                )
        else:
            close = [m for m, s, _ in process.extract(check.claim, list(corpus), limit=3) if s > 60]
            ctx.add(
                f"claim '{check.claim}' is not in corpus/claims.yaml",
                "checks",
                i,
                "claim",
                fix=(f"did you mean {', '.join(close)}? " if close else "")
                + "or, for a claim outside the corpus, start note: with 'claim source: <where>'",
            )
    return out


def _claim_problems(ctx: _Context, i: int, claim: Any) -> None:
    """The claim is an effectiveness claim; the check's reading is one the claim documents."""
    check = ctx.spec.checks[i]
    if claim.kind != "effectiveness":
        ctx.add(
            f"claim '{check.claim}' is a {claim.kind} claim; training runs check "
            "effectiveness claims",
            "checks",
            i,
            "claim",
            fix="efficiency claims are checked by slr reproduce verify",
        )
    names = [r.name for r in claim.readings]
    if check.reading is not None and check.reading not in names:
        ctx.add(
            f"check '{check.claim}' names reading '{check.reading}', which the claim does not "
            "document",
            "checks",
            i,
            "reading",
            fix=f"readings of {check.claim} in corpus/claims.yaml: {', '.join(names) or 'none'}",
        )
