"""Typed records of the corpus files (strict: unknown columns and keys are errors)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

LIST_SEP = "; "


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Paper(_Strict):
    """One paper of the review (included, or coded by the earlier pass and later dropped)."""

    paper_id: str = Field(pattern=r"^P\d+$")
    included: bool
    title: str = Field(min_length=1)
    venue: str
    year: int | None = Field(default=None, ge=1990, le=2100)
    url: str = ""
    doi: str = ""
    provenance: str = ""


class Coding(_Strict):
    """One row of the canonical (later, v3) coding pass: a paper x SE task."""

    coding_id: str = Field(pattern=r"^P\d+(-[A-Za-z]+)?$")
    paper_id: str
    task: str
    methods: list[str]  # canonical names; a combination is 'A + B'
    models: list[str]
    architectures: list[str]
    datasets: list[str]
    methods_raw: str = ""
    models_raw: str = ""
    architectures_raw: str = ""
    dataset_description: str = ""
    source: str = ""
    decisions: list[str] = Field(default_factory=list)


class EarlyCoding(_Strict):
    """One row of the earlier coding pass (adds hardware, compression, metrics, claims...)."""

    coding_id: str = Field(pattern=r"^P\d+(-[A-Za-z]+)?$")
    paper_id: str
    venue: str
    year: int | None = None
    task: str
    methods: list[str]
    models: list[str]
    architectures: list[str]
    datasets: list[str]
    metrics: list[str]
    gpus: list[str]  # '2x NVIDIA RTX 3090 (24 GB)'
    compression: str = ""
    memory_reduction: str = ""
    hardware: str = ""
    generalizability: str = ""
    transfer_learning: str = ""
    limitations: str = ""
    task_versatility: str = ""
    cross_task_performance: str = ""
    benchmark_standardization: str = ""
    reproducible: bool | None = None
    methods_raw: str = ""
    models_raw: str = ""
    architectures_raw: str = ""
    dataset_description: str = ""
    metrics_raw: str = ""
    source: str = ""
    decisions: list[str] = Field(default_factory=list)


class TermMapping(_Strict):
    """A reviewer's reading of a fragment the taxonomy cannot resolve on its own."""

    id: str
    source: str  # file name of the published artifact
    column: str
    raw: str  # the fragment as split from the cell
    value: list[str]  # canonical terms; [] = the fragment names no term
    rows: list[str] = Field(default_factory=list)  # restrict to these row IDs; [] = every row
    rationale: str = Field(min_length=10)


class Reconciliation(_Strict):
    """A decision where the published sources disagree about one fact."""

    id: str
    topic: str
    paper: str | None = None
    field: str
    values: dict[str, Any]  # what each source says (checked against the sources on import)
    decision: Any
    rationale: str = Field(min_length=10)


class Override(_Strict):
    """A correction of one coding field, with its reason (the way to fix a coding in a PR)."""

    id: str
    coding: str
    coding_pass: Literal["v3", "early"] = "v3"
    field: str
    value: Any
    rationale: str = Field(min_length=10)


class Decisions(_Strict):
    term_mappings: list[TermMapping] = Field(default_factory=list)
    reconciliations: list[Reconciliation] = Field(default_factory=list)
    overrides: list[Override] = Field(default_factory=list)


class Finding(_Strict):
    """A data-quality finding about the published sources, reconciled or left open."""

    finding_id: str
    kind: str
    paper_id: str = ""
    field: str = ""
    detail: str
    sources: str = ""
    status: str  # 'reconciled by R03', 'open', 'mapped by T02'
