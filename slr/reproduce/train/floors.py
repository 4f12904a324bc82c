"""Floors: what trivial outputs score on the same test items a check compares arms on.

A comparison between two arms says something about a claim only if the baseline arm learned
something: it must beat, on the same test items, every output that needs no learning. By the kind
of the metric's input:

* labels (accuracy, F1): the **majority class** of the training labels for every item, and for
  F1 also **every item positive** (the best constant for F1);
* ranking (MRR): a **random ranking** (the expected reciprocal rank of a uniformly random order:
  ``(1/m) sum_{r=1..m} 1/r`` for m candidates);
* references (BLEU, chrF, ROUGE-L, METEOR, exact match): a **constant output** (the most
  frequent reference of the training split; ties: the first seen) and a **copy of the input**;
* every metric: **the model before any tuning** (the base model with the task head, no step
  taken), evaluated at run time (:mod:`slr.reproduce.train.untuned`).

Each floor is returned as per-item statistics (:mod:`~slr.reproduce.train.itemstats`), so the
baseline's margin over it gets the same paired bootstrap as the comparison itself.
:func:`floor_problem` says why a check's floors cannot be computed (no test items, a metric with
no trivial output or no per-item statistics): the check is refused before training.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from slr.errors import ConfigError
from slr.reproduce.train.itemstats import item_statistic

UNTUNED = "model before tuning"


def floor_problem(metric: str, test: list[dict[str, Any]]) -> str | None:
    """Why the floors of a check on ``metric`` cannot be computed (None: they can)."""
    if not test:
        return "the task has no test items, so no floor (and no comparison) can be computed"
    try:
        item_statistic(metric)
    except ConfigError as err:
        return f"{err}; its trivial outputs (floors) cannot be scored per item either"
    return None


def _constant_reference(train: list[dict[str, Any]]) -> str:
    counts = Counter(e["target"] for e in train)
    return str(counts.most_common(1)[0][0])


def _label_floors(metric: str, train: list[dict[str, Any]], n: int) -> dict[str, list[Any]]:
    labels = [int(e["label"]) for e in train]
    counts = Counter(labels)
    majority = max(sorted(counts), key=lambda c: counts[c])
    out: dict[str, list[Any]] = {"majority class": [majority] * n}
    if metric == "f1":
        out["every item positive"] = [1] * n
    return out


def trivial_floors(
    metric: str, kind: str, splits: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    """Floor name -> per-item statistics of ``metric`` on the test items (no model needed)."""
    stat = item_statistic(metric)
    test, train = splits["test"], splits["train"]
    if stat.inputs == "labels":
        return {
            name: stat.stats(preds, test)
            for name, preds in _label_floors(metric, train, len(test)).items()
        }
    if stat.inputs == "ranking":
        m = len(test)
        expected = sum(1.0 / r for r in range(1, m + 1)) / m
        return {"random ranking": np.full((m, 1), expected)}
    constant = _constant_reference(train)
    return {
        "constant output": stat.stats([constant] * len(test), test),
        "copy of the input": stat.stats([e["source"] for e in test], test),
    }


def describe_constant(kind: str, splits: dict[str, list[dict[str, Any]]]) -> str | None:
    """The constant output used as a floor, for the result (None for non-generation tasks)."""
    if kind != "generation":
        return None
    return _constant_reference(splits["train"])
