"""The reviewed papers' quantitative claims as data: ``corpus/claims.yaml``.

One strict record per claim: the paper (the review's IDs P1..P38), SE task, models, method and the
hyper-parameters *as stated*, the metric and the reported value (verbatim and parsed), the baseline,
the kind (efficiency or effectiveness) and where it is stated. ``setup_stated: false`` marks a claim
whose set-up the paper does not give; its missing hyper-parameters are never filled in.

Efficiency claims name a machine-checkable ``quantity``:

* ``trainable_percent`` - trainable parameters as % of the base model (``denominator: total`` for
  % of base + added);
* ``trainable_params`` - trainable parameters (absolute);
* ``parameter_reduction_percent`` - % fewer trainable parameters than the baseline method;
* ``memory_reduction_percent`` - % less peak training memory than the baseline method;
* ``time_reduction_percent`` / ``speedup`` - training time (or the paper's own system's speed).

Names are resolved through the taxonomy: any known spelling is accepted and stored canonically;
an unknown one is reported with suggestions. All problems of the file come in one report.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from slr.errors import ValidationReport
from slr.paths import corpus_dir
from slr.reproduce.claim_parts import Artifact, NoClaim, Reading, Status
from slr.reproduce.runtime.building import Head
from slr.validation import validate_item
from slr.yamlio import load_yaml, pop_line, strip_lines

Quantity = Literal[
    "trainable_percent",
    "trainable_params",
    "parameter_reduction_percent",
    "memory_reduction_percent",
    "time_reduction_percent",
    "speedup",
]
Unit = Literal["percent", "params", "x", "minutes", "score", "points", "samples"]


class StatedSetup(BaseModel):
    """Training shapes and numerics as the paper (or its artifact) states them; None: not stated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    batch_size: int | None = None
    seq_len: int | None = None
    target_len: int | None = None
    precision: Literal["fp32", "bf16", "fp16", "amp-bf16", "amp-fp16"] | None = None
    optimizer: Literal["adamw", "adamw-8bit", "sgd", "adafactor"] | None = None
    gradient_checkpointing: bool | None = None
    epochs: int | None = None
    learning_rate: float | None = None

    def setup(self) -> tuple[Any, list[str]]:
        """(the :class:`~slr.reproduce.memory.TrainingSetup` of what is stated, the missing keys
        it needs); the setup is None while batch size or sequence length is not stated."""
        from slr.reproduce.memory.setup import TrainingSetup

        missing = [k for k in ("batch_size", "seq_len") if getattr(self, k) is None]
        if missing:
            return None, missing
        values = {
            k: v
            for k, v in self.model_dump().items()
            if v is not None and k in TrainingSetup.model_fields
        }
        return TrainingSetup(**values), []


class Claim(BaseModel):
    """One quantitative (or plainly stated) claim of a reviewed paper."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^P\d+-[A-Za-z0-9][A-Za-z0-9.-]*$")
    paper: str = Field(pattern=r"^P\d+$")
    kind: Literal["efficiency", "effectiveness"]
    task: str | None = None
    models: list[str] = Field(default_factory=list)
    method: str | None = None
    hyperparameters: dict[str, Any] = Field(default_factory=dict)
    training: StatedSetup = StatedSetup()
    head: Head = Head()
    setup_stated: bool
    setup_source: str = ""
    assumptions: list[str] = Field(default_factory=list)
    metric: str
    quantity: Quantity | None = None
    denominator: Literal["base", "total"] = "base"
    base_copies: int = Field(
        1, ge=1, description="the denominator counts this many full models (one per language)"
    )
    reported: str = Field(description="the value exactly as the source words it")
    value: float | None = None
    value_high: float | None = None
    unit: Unit | None = None
    baseline: str | None = None
    where: str
    quote: str = Field(min_length=1, description="the claim verbatim, from where it is stated")
    setup_as_stated: str = Field(min_length=1, description="the set-up in the source's words")
    status: Status
    because: str = Field("", description="why it cannot be checked here")
    checks: list[str] = Field(
        default_factory=list, description="how it is checked: 'verify' or 'spec:<spec name>'"
    )
    readings: list[Reading] = Field(default_factory=list)
    artifact: Artifact | None = None
    notes: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Claim:
        if self.value_high is not None and self.value is None:
            raise ValueError("value_high without value")
        if self.value is not None and self.value_high is not None and self.value_high < self.value:
            raise ValueError("value_high is below value")
        if self.quantity is not None and self.value is None:
            raise ValueError(f"quantity '{self.quantity}' needs a parsed value")
        if self.value is not None and self.unit is None:
            raise ValueError("a parsed value needs its unit")
        if self.setup_stated and self.kind == "efficiency" and self.quantity and not self.method:
            raise ValueError("setup_stated: true needs the method")
        return self

    @model_validator(mode="after")
    def _status_and_readings(self) -> Claim:
        if self.status == "checked" and not self.checks:
            raise ValueError("status 'checked' needs checks: (verify, or spec:<name>)")
        if self.status == "cannot be checked here" and not self.because:
            raise ValueError("status 'cannot be checked here' needs because: (why not)")
        bad = [c for c in self.checks if c != "verify" and not c.startswith("spec:")]
        if bad:
            raise ValueError(f"checks {bad}: each is 'verify' or 'spec:<spec name>'")
        if "verify" in self.checks and self.kind != "efficiency":
            raise ValueError("'verify' checks efficiency claims; effectiveness claims: spec:<name>")
        names = [r.name for r in self.readings]
        if len(set(names)) != len(names):
            raise ValueError(f"two readings with one name in {names}")
        return self

    def reading(self, reading: Reading) -> Claim:
        """This claim as ``reading`` reads it (its fields replacing the claim's, validated)."""
        data = {**self.model_dump(), **reading.fields, "readings": []}
        return type(self).model_validate(data)

    @property
    def model(self) -> str | None:
        """The single model of a checkable claim (None when none or several)."""
        return self.models[0] if len(self.models) == 1 else None

    def value_range(self) -> tuple[float, float] | None:
        if self.value is None:
            return None
        return (self.value, self.value_high if self.value_high is not None else self.value)

    def rounding(self) -> float:
        """Half a unit of the last digit the paper reports ("0.5%" -> 0.05; "85.05M" -> 0.005)."""
        numbers = re.findall(r"\d+(?:\.(\d+))?", self.reported.replace(",", ""))
        decimals = max((len(d) for d in numbers if d), default=0)
        return 0.5 * 10.0**-decimals


def claims_path(root: Path | None = None) -> Path:
    return corpus_dir(root) / "claims.yaml"


def review_paper_ids(root: Path | None = None) -> set[str] | None:
    """IDs of the review's included papers (``corpus/papers.csv``, through the corpus loader),
    or None when it is absent."""
    from slr.corpus.load import included_paper_ids

    return included_paper_ids(corpus_dir(root))


def load_claims(root: Path | None = None) -> list[Claim]:
    """Every claim of ``corpus/claims.yaml``, names resolved to canonical taxonomy terms."""
    path = claims_path(root).resolve()
    return list(_load_cached(path, path.stat().st_mtime_ns)[0])


def load_no_claims(root: Path | None = None) -> list[NoClaim]:
    """The papers of ``corpus/claims.yaml``'s ``no_claims:``: no quantitative claim, and why."""
    path = claims_path(root).resolve()
    return list(_load_cached(path, path.stat().st_mtime_ns)[1])


@lru_cache(maxsize=4)
def _load_cached(path: Path, mtime: int) -> tuple[tuple[Claim, ...], tuple[NoClaim, ...]]:
    from slr.reproduce.claim_checks import no_claim_records, registry_problems
    from slr.taxonomy import load_taxonomy

    root = path.parent.parent
    tax = load_taxonomy(root / "taxonomy")
    report = ValidationReport()
    doc = load_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("claims"), list):
        report.add(
            path, "expected a top-level list 'claims:'", line=1, fix="start the file with 'claims:'"
        )
        report.raise_if_any("corpus/claims.yaml")
    papers = review_paper_ids(root)
    out: list[Claim] = []
    ids: dict[str, int | None] = {}
    lines: dict[str, int | None] = {}
    for raw in doc["claims"]:
        if not isinstance(raw, dict):
            report.add(path, f"each claim must be a mapping, got {raw!r}")
            continue
        raw = dict(raw)
        line = pop_line(raw)
        data = strip_lines(raw)
        claim = validate_item(Claim, data, report=report, file=path, line=line, what="claim")
        if claim is None:
            continue
        lines[claim.id] = line
        _identity_problems(claim, ids, papers, path, line, report)
        ids[claim.id] = line
        claim = claim.model_copy(update=_canonical_names(claim, tax, path, line, report))
        if claim.hyperparameters and claim.method:
            _check_hyperparameters(claim, path, line, report)
        out.append(claim)
    none = no_claim_records(doc.get("no_claims", []), path, report)
    registry_problems(out, none, lines, papers, path, report)
    report.raise_if_any("corpus/claims.yaml")
    return tuple(out), tuple(none)


def _identity_problems(
    claim: Claim,
    ids: dict[str, int | None],
    papers: set[str] | None,
    path: Path,
    line: int | None,
    report: ValidationReport,
) -> None:
    """A unique id that starts with its paper, a paper of the review's final selection."""
    if claim.id in ids:
        report.add(
            path,
            f"duplicate claim id '{claim.id}' (first at line {ids[claim.id]})",
            line=line,
            fix="give each claim its own id",
        )
    if not claim.id.startswith(claim.paper + "-"):
        report.add(
            path,
            f"claim id '{claim.id}' does not start with its paper '{claim.paper}-'",
            line=line,
        )
    if papers is not None and claim.paper not in papers:
        report.add(
            path,
            f"paper '{claim.paper}' is not in the review's final selection",
            line=line,
            fix=f"use one of {', '.join(sorted(papers, key=lambda p: int(p[1:])))}",
        )


def _canonical_names(
    claim: Claim, tax: Any, path: Path, line: int | None, report: ValidationReport
) -> dict[str, Any]:
    """The claim's task, models, method and baseline as canonical taxonomy names."""
    updates: dict[str, Any] = {}
    resolved = _resolve(tax.vocab["tasks"], claim.task, "task", path, line, report)
    if resolved is not None:
        updates["task"] = resolved
    models = [_resolve(tax.vocab["models"], m, "models", path, line, report) for m in claim.models]
    updates["models"] = [m for m in models if m is not None]
    for key in ("method", "baseline"):
        value = getattr(claim, key)
        if value is None:
            continue
        canon = tax.vocab["methods"].resolve(value)
        if canon is None and key == "baseline" and tax.vocab["models"].resolve(value):
            updates[key] = tax.vocab["models"].resolve(value)  # a baseline model
            continue
        if canon is None:
            msg, fix = tax.vocab["methods"].unknown_message(value)
            report.add(path, f"{key}: {msg}", line=line, fix=fix)
        else:
            updates[key] = canon
    return updates


def _resolve(
    vocab: Any, text: str | None, key: str, path: Path, line: int | None, report: ValidationReport
) -> str | None:
    if text is None:
        return None
    canon: str | None = vocab.resolve(text)
    if canon is None:
        msg, fix = vocab.unknown_message(text)
        report.add(path, f"{key}: {msg}", line=line, fix=fix)
    return canon


def _check_hyperparameters(
    claim: Claim, path: Path, line: int | None, report: ValidationReport
) -> None:
    """Hyper-parameters must be fields of the method's registry config (no torch needed)."""
    from slr.errors import ConfigError
    from slr.reproduce.methods import method_config, registered_methods

    if claim.method not in registered_methods():
        return
    try:
        method_config(claim.method, **claim.hyperparameters)
    except ConfigError as err:
        report.add(path, f"claim '{claim.id}': {err}", line=line)


def claims_frame(root: Path | None = None) -> Any:
    """The claims as a pandas DataFrame (one row per claim)."""
    import pandas as pd

    rows = []
    for c in load_claims(root):
        row = c.model_dump()
        row["models"] = ", ".join(c.models)
        row["hyperparameters"] = ", ".join(f"{k}={v}" for k, v in c.hyperparameters.items())
        row.pop("training")
        row.pop("head")
        rows.append(row)
    return pd.DataFrame(rows)
