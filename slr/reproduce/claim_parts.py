"""The parts of a claim record that say how far it can be trusted (``corpus/claims.yaml``).

* :class:`Reading` - one way the claim's wording can be read (the denominator, which parameters
  count, per language or multilingual, per method or a summary, head trained or frozen), with
  its evidence. A reading either overrides fields of the claim (``fields``: any field of
  :class:`~slr.reproduce.claims.Claim`; the check is re-run with them), or summarises other
  claims' checked figures (``summary``: the mean or median of their predicted values), or is
  documented only (neither: it is shown, never decides);
* :class:`Artifact` - the public code the check models (repository, commit, file:line);
* :class:`NoClaim` - a paper without a quantitative claim in the text read, and why.

The claim's ``status`` is ``checked`` (``checks`` names how: ``verify`` for efficiency claims,
``spec:<name>`` for a training spec of ``reproductions/specs/``) or ``cannot be checked here``
(``because`` says why).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Status = Literal["checked", "cannot be checked here"]


class Summary(BaseModel):
    """A reading that is a summary over other claims: ``statistic`` of their checked figures."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    of: list[str] = Field(min_length=2, description="claim ids (efficiency, same quantity)")
    statistic: Literal["mean", "median", "max", "min"]


class Reading(BaseModel):
    """One documented reading of a claim's wording."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    says: str = Field(min_length=1, description="what the claim means under this reading")
    evidence: str = Field(min_length=1, description="why this reading is plausible (source)")
    figure: str = Field("", description="the figure this reading implies, where computed by hand")
    fields: dict[str, Any] = Field(default_factory=dict)
    summary: Summary | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Reading:
        if self.fields and self.summary is not None:
            raise ValueError(f"reading '{self.name}': give fields or summary, not both")
        return self

    @property
    def checkable(self) -> bool:
        return bool(self.fields) or self.summary is not None


class Artifact(BaseModel):
    """The public code of a paper that a check models."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    repo: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
    commit: str = Field(pattern=r"^[0-9a-f]{40}$")
    files: list[str] = Field(
        min_length=1, description="path:line or path:first-last, what the check models"
    )


class NoClaim(BaseModel):
    """A paper of the review with no quantitative claim in the text that could be read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    paper: str = Field(pattern=r"^P\d+$")
    because: str = Field(min_length=1)
    read: str = Field(min_length=1, description="what was read (abstract, README, ...)")
