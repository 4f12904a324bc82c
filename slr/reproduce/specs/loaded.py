"""A spec as read from its file: the validated model, the path, the raw data, key lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slr.reproduce.specs.common import line_for
from slr.reproduce.specs.measure import MeasureSpec
from slr.reproduce.specs.train import TrainSpec


@dataclass
class LoadedSpec:
    """A validated spec with where it came from (for located errors, results and manifests)."""

    spec: MeasureSpec | TrainSpec
    path: Path
    raw: dict[str, Any]
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The spec's name: its file name without ``.yaml`` (unique in ``reproductions/specs/``)."""
        return self.path.stem

    @property
    def id(self) -> str:
        return self.name

    @property
    def kind(self) -> str:
        return self.spec.kind

    def line_of(self, *loc: Any) -> int | None:
        """Line of the deepest key of ``loc`` present in the file."""
        return line_for(self.lines, loc)

    def hash_payload(self) -> Any:
        """What of the file decides the outcome (its hash marks a result stale)."""
        if isinstance(self.spec, MeasureSpec):
            return self.spec.hash_payload()
        return {k: v for k, v in self.raw.items() if k != "kind"}

    def reproductions_root(self) -> Path | None:
        """The ``reproductions/`` folder holding the spec, if it is inside one."""
        for parent in self.path.resolve().parents:
            if parent.name == "reproductions":
                return parent
        return None
