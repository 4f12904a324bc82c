"""Screening criteria as data (``criteria.yaml``): stages, decisions, inclusion/exclusion codes."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from slr.errors import ConfigError

STAGES = ("title_abstract", "full_text")
Stage = Literal["title_abstract", "full_text"]
DECISIONS = ("include", "exclude", "maybe", "not_retrieved")
Decision = Literal["include", "exclude", "maybe", "not_retrieved"]
_STAGE_ALIASES = {
    "ti-ab": "title_abstract",
    "tiab": "title_abstract",
    "title-abstract": "title_abstract",
    "title_abstract": "title_abstract",
    "screening": "title_abstract",
    "ft": "full_text",
    "full-text": "full_text",
    "fulltext": "full_text",
    "full_text": "full_text",
    "eligibility": "full_text",
}


def _all_stages() -> list[Stage]:
    return ["title_abstract", "full_text"]


def parse_stage(value: str) -> Stage:
    stage = _STAGE_ALIASES.get(value.strip().lower())
    if stage is None:
        raise ConfigError(
            f"unknown screening stage {value!r}; use title_abstract (ti-ab) or full_text (ft)"
        )
    return stage  # type: ignore[return-value]


def parse_decision(value: str) -> Decision:
    decision = value.strip().lower().replace("-", "_").replace(" ", "_")
    if decision not in DECISIONS:
        raise ConfigError(f"unknown decision {value!r}; use one of {', '.join(DECISIONS)}")
    return decision  # type: ignore[return-value]


def parse_role(value: str) -> Literal["reviewer", "adjudicator"]:
    role = value.strip().lower()
    if role not in ("reviewer", "adjudicator"):
        raise ConfigError(f"unknown role {value!r}; use reviewer or adjudicator")
    return role  # type: ignore[return-value]


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$")
    kind: Literal["inclusion", "exclusion"]
    label: str = Field(description="short text shown in the PRISMA diagram")
    description: str = ""
    stages: list[Stage] = Field(default_factory=lambda: _all_stages())


class Criteria(BaseModel):
    """Inclusion and exclusion criteria of a review (``criteria.yaml``)."""

    model_config = ConfigDict(extra="forbid")

    criteria: list[Criterion]
    note: str = ""

    @field_validator("criteria")
    @classmethod
    def _unique_codes(cls, value: list[Criterion]) -> list[Criterion]:
        codes = [c.code for c in value]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ValueError(f"criterion code(s) {dup} used more than once")
        return value

    @property
    def by_code(self) -> dict[str, Criterion]:
        return {c.code: c for c in self.criteria}

    def label(self, code: str) -> str:
        c = self.by_code.get(code)
        return c.label if c else code

    @classmethod
    def load(cls, path: str | Path) -> Criteria:
        """The project's ``criteria.yaml`` through the located loader: duplicate keys refused,
        every problem with its line, unknown fields refused."""
        from slr.validation import load_document

        return load_document(Path(path), cls, what="screening criteria")
