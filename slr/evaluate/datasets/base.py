"""Shared pieces of the datasets: the task columns, the dataset object, deterministic splits."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from slr.evaluate.tasks import (
    CLONE_DETECTION,
    CODE_GENERATION,
    CODE_SEARCH,
    CODE_SUMMARIZATION,
    CODE_TRANSLATION,
    DEFECT_DETECTION,
)

# The columns every dataset of a task has (besides "id"), whatever its source.
TASK_COLUMNS: dict[str, tuple[str, ...]] = {
    CODE_SUMMARIZATION: ("code", "summary"),
    CODE_GENERATION: ("prompt", "reference"),
    CODE_TRANSLATION: ("source", "target"),
    DEFECT_DETECTION: ("code", "label"),
    CLONE_DETECTION: ("code1", "code2", "label"),
    CODE_SEARCH: ("query", "code"),
}
LABEL_COLUMN = "label"
SPLITS = ("train", "valid", "test")
DEFAULT_FRACTIONS = (0.8, 0.1, 0.1)


@dataclass
class EvalDataset:
    """A dataset ready for one task: one DataFrame per split, with the task's columns."""

    name: str
    task: str
    splits: dict[str, pd.DataFrame]
    provenance: str
    extra: dict[str, object] = field(default_factory=dict)

    def __getitem__(self, split: str) -> pd.DataFrame:
        return self.splits[split]

    def sizes(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.splits.items()}

    def all(self) -> pd.DataFrame:
        return pd.concat(list(self.splits.values()), ignore_index=True)


def split_of(example_id: str, salt: str, fractions: Sequence[float] = DEFAULT_FRACTIONS) -> str:
    """Split of one example, from a SHA-256 of salt and id: stable across runs, machines and
    input order, and independent of the other examples."""
    digest = hashlib.sha256(f"{salt}\x00{example_id}".encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    edge = 0.0
    for name, frac in zip(SPLITS, fractions, strict=True):
        edge += frac
        if u < edge:
            return name
    return SPLITS[-1]


def split_frame(
    frame: pd.DataFrame, salt: str, fractions: Sequence[float] = DEFAULT_FRACTIONS, key: str = "id"
) -> dict[str, pd.DataFrame]:
    """Deterministic train/valid/test split of ``frame`` by the hash of its ``key`` column."""
    if abs(sum(fractions) - 1.0) > 1e-9 or len(fractions) != 3 or min(fractions) < 0:
        from slr.evaluate.errors import EvaluationError

        raise EvaluationError(
            f"split fractions must be three non-negative numbers summing to 1: {fractions}"
        )
    assigned = frame[key].map(lambda v: split_of(str(v), salt, fractions))
    return {s: frame[assigned == s].reset_index(drop=True) for s in SPLITS}
