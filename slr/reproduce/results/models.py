"""Typed results: one model per kind of run, one manifest, one verdict model per claim kind.

A result file (``reproductions/results/runs/<spec>.json``) is one :data:`Result`: a
:class:`MeasureResult` (``kind: measure``: the measurement next to the analytical prediction) or
a :class:`TrainResult` (``kind: train``: per-arm, per-seed metrics and one :class:`CheckResult`
per check of a claim). Both carry the :class:`Manifest` (commit, dirty flag, packages, device,
dtype, seeds, the full spec) and the spec's hash. ``reproductions/results/verdicts.json`` is a
:class:`~slr.reproduce.results.verdict_models.VerdictsDocument`: one efficiency verdict per
efficiency claim.

Every check and verdict names its ``claim``: the results frame
(:func:`slr.reproduce.results.frames.results_frame`) groups by it across kinds. Optional parts
that a run does not have (an error, advice, a CUDA peak on CPU) are left out of the file rather
than written as null. Schema 2; :mod:`~slr.reproduce.results.store` upgrades schema-1 files.
Imports pydantic only.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

SCHEMA = 2
EfficiencyVerdictValue = Literal["holds", "does not hold", "cannot be checked"]
CheckVerdictValue = Literal[
    "supported", "not supported", "inconclusive at this scale", "uninformative at this scale"
]


class _Record(BaseModel):
    """Written by this code: strict; fields in ``omit_when_none`` are left out when None.

    Dumps use the fields' aliases (``schema``) whatever the caller asks, so a file always has the
    same keys (done here rather than with pydantic's ``serialize_by_alias``, which 2.7-2.10 lack).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    omit_when_none: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _omit(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        fields = type(self).model_fields
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key in self.omit_when_none and value is None:
                continue
            field = fields.get(key)
            out[field.alias if field is not None and field.alias else key] = value
        return out


class GitState(_Record):
    commit: str | None
    dirty: bool | None


class Manifest(_Record):
    """How a result was made (see :mod:`slr.reproduce.runtime.manifest`)."""

    omit_when_none = frozenset(
        {"spec_file", "spec_hash", "processes", "torch_threads", "load_average"}
    )

    created: str
    git: GitState
    data_root: str
    packages: dict[str, str | None]
    device: dict[str, Any]
    dtype: str
    seeds: dict[str, int]
    spec: Any
    # training runs also record
    spec_file: str | None = None
    spec_hash: str | None = None
    processes: int | None = None
    torch_threads: int | None = None
    load_average: list[float] | None = None


class _Result(_Record):
    schema_version: int = Field(SCHEMA, alias="schema")
    kind: str
    spec: str = Field(description="the spec's name (its file name)")
    spec_hash: str | None = None
    manifest: Manifest


# --- measured runs ------------------------------------------------------------------------------


class MemoryPrediction(_Record):
    """The analytical model's estimate in bytes (:class:`slr.reproduce.memory.MemoryEstimate`)."""

    weights: int
    gradients: int
    optimizer_states: int
    activations: int
    outputs: int
    backward_transient: int
    optimizer_transient: int
    peak: int
    peak_phase: str
    trainable_params: int
    total_params: int
    activations_per_layer: list[int] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)


class MeasuredMemory(_Record):
    omit_when_none = frozenset({"cpu_allocated_peak"})

    peak_allocated: int | None = None
    peak_reserved: int | None = None
    peak_rss: int | None = None
    rss_before_steps: int | None = None
    cpu_allocated_peak: int | None = None


class Speed(_Record):
    median_step_seconds: float
    step_seconds: list[float]
    tokens_per_step: int
    tokens_per_second: float | None


class ParamCounts(_Record):
    total: int
    trainable: int
    head: int


class Comparison(_Record):
    """Analytical vs measured peak (CUDA: allocated; CPU: the profiler's allocated peak)."""

    omit_when_none = frozenset({"ratio", "tolerance"})

    measured_peak: int | None
    predicted_peak: int
    ratio: float | None = None
    tolerance: float | None = None
    within_tolerance: bool | None


class MeasureResult(_Result):
    """One measured run: status, measurement, prediction and their comparison."""

    omit_when_none = frozenset(
        {
            "error",
            "memory",
            "speed",
            "params",
            "losses",
            "notes",
            "advice",
            "device_memory",
            "stderr_tail",
            "traceback_tail",
        }
    )

    kind: Literal["measure"] = "measure"
    prediction: MemoryPrediction
    status: Literal["ok", "oom", "failed"]
    error: str | None = None
    memory: MeasuredMemory | None = None
    speed: Speed | None = None
    params: ParamCounts | None = None
    losses: list[float] | None = None
    notes: list[str] | None = None
    comparison: Comparison
    advice: list[str] | None = None
    device_memory: int | None = None
    stderr_tail: list[str] | None = None
    traceback_tail: list[str] | None = None

    def peak(self) -> float:
        """The measured peak (CUDA allocated, else the CPU profiler's), 0 when none."""
        m = self.memory
        if m is None:
            return 0
        return m.peak_allocated or m.cpu_allocated_peak or 0


# --- training runs ------------------------------------------------------------------------------


class DataUse(_Record):
    dataset: str
    provenance: str
    used: dict[str, int]
    available: dict[str, int]


class Scale(_Record):
    description: str
    proxy: bool
    model: str
    model_kind: str
    model_notes: list[str]
    data: dict[str, DataUse]


class SeedMetrics(_Record):
    seed: int
    metrics: dict[str, float]


class JobSummary(_Record):
    group: str
    seed: int
    steps: int
    final_loss: float | None
    train_seconds: float
    eval_seconds: float
    resumed_from_step: int | None
    train_examples: int


class MetricSummary(_Record):
    mean: float
    std: float
    n: int
    values: list[float]


class Example(_Record):
    id: str
    source: str
    reference: str
    prediction: str


class ArmResult(_Record):
    name: str
    method: str
    setup: str
    params: dict[str, Any]
    multitask: bool
    tasks: list[str]
    training: dict[str, Any]
    steps: dict[str, int]
    counts: dict[str, dict[str, int | float]]
    trainable_percent_of_base: float
    seeds: list[SeedMetrics]
    jobs: list[JobSummary]
    summary: dict[str, MetricSummary]
    examples: dict[str, list[Example]]


class FloorResult(_Record):
    """One floor of a check (:mod:`slr.reproduce.train.floors`): its score on the same test items
    and the 95 % interval of baseline - floor; ``beaten``: its lower end exceeds the tolerance."""

    name: str
    mean: float
    margin_low: float
    margin_high: float
    beaten: bool


class CheckResult(_Record):
    """One check of a claim: the check as specified, both arms' figures, and the judgement.

    The interval (``ci_low``, ``ci_high``) is the paired bootstrap over test items combined
    with the seeds; ``p_supported`` / ``p_not_supported`` are the one-sided bootstrap p-values and
    their ``_holm`` values the ones corrected over the ``holm_family`` tests of the claim in this
    run (a composite counts once). ``floors`` are the trivial outputs the baseline must beat.
    """

    claim: str
    statement: str
    arm: str
    baseline: str
    metric: str
    relation: str
    tolerance: float
    max_trainable_percent: float | None
    note: str
    claim_source: str | None
    metric_key: str
    arm_method: str
    baseline_method: str
    arm_mean: float | None
    arm_std: float | None
    baseline_mean: float | None
    baseline_std: float | None
    floor: float | None
    arm_trainable_percent_of_base: float
    verdict: CheckVerdictValue
    reason: str
    n: int
    diff_mean: float | None
    diff_std: float | None
    ci_low: float | None
    ci_high: float | None
    # issue 12 (absent, None, in results judged before it: a t-interval over seeds, no floors)
    n_items: int | None = None
    interval: str | None = None
    p_supported: float | None = None
    p_not_supported: float | None = None
    p_supported_holm: float | None = None
    p_not_supported_holm: float | None = None
    holm_family: int | None = None
    floors: list[FloorResult] | None = None
    informative: bool | None = None
    composite: str | None = None
    constant_output: str | None = None
    reading: str | None = None  # the claim's reading it tests (None: as encoded)

    omit_when_none: ClassVar[frozenset[str]] = frozenset(
        {"n_items", "interval", "p_supported", "p_not_supported", "p_supported_holm",
         "p_not_supported_holm", "holm_family", "floors", "informative", "composite",
         "constant_output", "reading"}
    )  # fmt: skip

    @property
    def judged_with_floors(self) -> bool:
        """Judged by issue 12's rules (floors on the same items, paired bootstrap, Holm)."""
        return self.floors is not None


class CompositeResult(_Record):
    """A composite statement of a claim ("X beats each of the others"): every part at once."""

    name: str
    claim: str
    statement: str
    checks: list[int] = Field(description="indices of its parts in TrainResult.checks")
    verdict: CheckVerdictValue
    reason: str
    p_supported: float | None = None
    p_not_supported: float | None = None
    p_supported_holm: float | None = None
    p_not_supported_holm: float | None = None
    holm_family: int | None = None


class TrainResult(_Result):
    """One training spec: its scale, every arm's per-seed metrics, every check's verdict."""

    kind: Literal["train"] = "train"
    title: str
    scale: Scale
    seeds: list[int]
    arms: list[ArmResult]
    checks: list[CheckResult]
    composites: list[CompositeResult] | None = None
    wall_seconds: float

    omit_when_none: ClassVar[frozenset[str]] = frozenset({"composites"})

    def arm(self, name: str) -> ArmResult:
        return next(a for a in self.arms if a.name == name)


Result = Annotated[MeasureResult | TrainResult, Field(discriminator="kind")]
