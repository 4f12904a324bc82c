"""Metrics of the non-generative tasks: accuracy and F1 (defect and clone detection), MRR (search).

All from scikit-learn and in percent. MRR uses
``sklearn.metrics.label_ranking_average_precision_score``: with exactly one relevant candidate
per query, label-ranking average precision *is* the reciprocal rank of that candidate (ties count
against it: rank = number of candidates scoring >= the correct one).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from slr.evaluate.errors import EvaluationError
from slr.evaluate.metrics._inputs import same_length
from slr.evaluate.metrics.registry import MetricInput, register_metric
from slr.evaluate.tasks import CLONE_DETECTION, CODE_SEARCH, DEFECT_DETECTION


@register_metric(
    "accuracy",
    tasks=(DEFECT_DETECTION, CLONE_DETECTION),
    inputs=MetricInput.LABELS,
    unit="percent",
    source="sklearn.metrics.accuracy_score",
)
def accuracy(predictions: Sequence[int], labels: Sequence[int]) -> float:
    """Share of predictions equal to the label, x100."""
    from sklearn.metrics import accuracy_score

    same_length("predictions", predictions, "labels", labels)
    return 100.0 * float(accuracy_score(list(labels), list(predictions)))


@register_metric(
    "f1",
    tasks=(DEFECT_DETECTION, CLONE_DETECTION),
    inputs=MetricInput.LABELS,
    unit="percent",
    source="sklearn.metrics.f1_score (binary, positive label 1; zero_division=0)",
)
def f1(predictions: Sequence[int], labels: Sequence[int]) -> float:
    """Binary F1 of the positive class (defective / clone = 1), x100."""
    from sklearn.metrics import f1_score

    same_length("predictions", predictions, "labels", labels)
    bad = sorted({v for v in [*predictions, *labels] if v not in (0, 1)})
    if bad:
        raise EvaluationError(f"binary F1 needs labels 0/1; got {bad[:5]}")
    return 100.0 * float(f1_score(list(labels), list(predictions), zero_division=0))


def mrr_from_ranks(ranks: Sequence[int]) -> float:
    """Mean reciprocal rank x100 from 1-based ranks of the correct candidate (0 = not found)."""
    arr = np.asarray(ranks, dtype=np.float64)
    if arr.size == 0:
        raise EvaluationError("no ranks to score")
    if np.any(arr < 0):
        raise EvaluationError("ranks are 1-based (0 means the correct candidate was not retrieved)")
    recip = np.divide(1.0, arr, out=np.zeros_like(arr), where=arr > 0)
    return 100.0 * float(recip.mean())


@register_metric(
    "mrr",
    tasks=(CODE_SEARCH,),
    inputs=MetricInput.RANKING,
    unit="percent",
    source="sklearn.metrics.label_ranking_average_precision_score with one relevant candidate",
)
def mrr(scores: Sequence[Sequence[float]] | np.ndarray, gold: Sequence[int] | None = None) -> float:
    """Mean reciprocal rank x100 of the gold candidate (default: candidate i for query i)."""
    from sklearn.metrics import label_ranking_average_precision_score

    matrix = np.asarray(scores, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise EvaluationError(
            f"scores must be a non-empty queries x candidates matrix, got {matrix.shape}"
        )
    n_queries, n_candidates = matrix.shape
    gold_idx = np.arange(n_queries) if gold is None else np.asarray(gold, dtype=np.int64)
    if gold is None and n_candidates < n_queries:
        raise EvaluationError(
            "without gold indices, query i's answer is candidate i: need a square matrix"
        )
    if gold_idx.shape != (n_queries,) or np.any(gold_idx < 0) or np.any(gold_idx >= n_candidates):
        raise EvaluationError("gold must give one candidate index in range per query")
    truth = np.zeros_like(matrix, dtype=np.int64)
    truth[np.arange(n_queries), gold_idx] = 1
    return 100.0 * float(label_ranking_average_precision_score(truth, matrix))
