"""Results of reproductions: typed models, where they live, and the tables the report reads.

* :mod:`~slr.reproduce.results.models` - :class:`MeasureResult`, :class:`TrainResult` (with
  :class:`CheckResult`), :class:`EfficiencyVerdict`, the :class:`Manifest`;
* :mod:`~slr.reproduce.results.store` - paths, atomic reads and writes, the schema-1 migration;
* :mod:`~slr.reproduce.results.frames` - :func:`results_frame` and its two views
  :func:`verdicts_frame`, :func:`effectiveness_frame`.

pandas and pydantic only: the report reads results without importing torch.
"""

from __future__ import annotations

from slr.reproduce.results.frames import effectiveness_frame, results_frame, verdicts_frame
from slr.reproduce.results.models import (
    CheckResult,
    Manifest,
    MeasureResult,
    Result,
    TrainResult,
)
from slr.reproduce.results.store import load_results, read_result, write_result
from slr.reproduce.results.verdict_models import EfficiencyVerdict, VerdictsDocument

__all__ = [
    "CheckResult",
    "EfficiencyVerdict",
    "Manifest",
    "MeasureResult",
    "Result",
    "TrainResult",
    "VerdictsDocument",
    "effectiveness_frame",
    "load_results",
    "read_result",
    "results_frame",
    "verdicts_frame",
    "write_result",
]
