"""Typed entries of the taxonomy files (strict: unknown keys are errors)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TaskType = Literal["generative", "non-generative", "mixed"]
VenueType = Literal["conference", "journal", "preprint"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Family(_Strict):
    name: str
    description: str = ""


class Method(_Strict):
    name: str
    family: str
    parent: str | None = None
    synonyms: list[str] = Field(default_factory=list)
    components: list[str] = Field(default_factory=list)
    peft_type: str | None = None
    reference: str = ""
    description: str = ""


class Task(_Strict):
    name: str
    abbreviation: str
    type: TaskType
    synonyms: list[str] = Field(default_factory=list)
    description: str = ""


class Architecture(_Strict):
    name: str
    synonyms: list[str] = Field(default_factory=list)
    description: str = ""


class Model(_Strict):
    name: str
    family: str
    architecture: str
    params: int | None = None
    hub_id: str | None = None
    generic: bool = False
    open_weights: bool = True
    synonyms: list[str] = Field(default_factory=list)
    source: str = ""

    @property
    def params_label(self) -> str:
        if self.params is None:
            return "n/a"
        if self.params >= 1_000_000_000:
            return f"{self.params / 1e9:g}B"
        return f"{self.params / 1e6:g}M"


class Venue(_Strict):
    name: str
    full_name: str
    type: VenueType
    synonyms: list[str] = Field(default_factory=list)


class Gpu(_Strict):
    name: str
    vendor: str
    memory_gb: list[int]
    synonyms: list[str] = Field(default_factory=list)


class Dataset(_Strict):
    name: str
    synonyms: list[str] = Field(default_factory=list)
    source: str = ""


MetricKind = Literal[
    "similarity", "execution", "classification", "ranking", "likelihood", "human-or-custom"
]


class Metric(_Strict):
    name: str
    kind: MetricKind
    synonyms: list[str] = Field(default_factory=list)
