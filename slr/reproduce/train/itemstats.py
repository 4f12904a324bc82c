"""Per-item statistics of the check metrics: what the paired bootstrap resamples.

A metric is checkable when its score on any multiset of test items can be computed from
per-item *sufficient statistics* summed over the items (a row per item, a few columns):

==================  ================================  ==========================================
metric              per-item statistics               score from the summed statistics
==================  ================================  ==========================================
accuracy            [correct]                         100 * sum / n
f1                  [tp, fp, fn]                      100 * 2tp / (2tp + fp + fn)  (0 if none)
mrr                 [1 / rank of the gold candidate]  100 * sum / n
codexglue_bleu      [smoothed sentence BLEU-4]        100 * sum / n
rouge_l, meteor     [the item's score]                100 * sum / n
exact_match         [hit]                             100 * sum / n
chrf, bleu          sacrebleu's sentence statistics   sacrebleu's corpus score of the sums
==================  ================================  ==========================================

So a resample of the items (with repetition) scores exactly as the registry's metric would on
those items: the tests check every row against :mod:`slr.evaluate.metrics` on real predictions.
A metric not in this table (CodeBLEU, pass@k, the static-analysis metrics) has no per-item
statistics here, and a check on it is refused before training.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from slr.errors import ConfigError

Stats = np.ndarray  # (items, columns)


@dataclass(frozen=True)
class ItemStatistic:
    """How one metric decomposes over test items."""

    name: str
    inputs: str  # "labels" | "ranking" | "references"
    stats: Callable[[Any, list[dict[str, Any]]], Stats]
    score: Callable[[np.ndarray, int], np.ndarray]  # summed stats (rows, k), items -> scores


def _mean_score(summed: np.ndarray, n: int) -> np.ndarray:
    return 100.0 * summed[:, 0] / n


def _f1_score(summed: np.ndarray, n: int) -> np.ndarray:
    tp, fp, fn = summed[:, 0], summed[:, 1], summed[:, 2]
    denom = 2 * tp + fp + fn
    return np.where(denom > 0, 100.0 * 2 * tp / np.where(denom > 0, denom, 1), 0.0)


def _labels(examples: list[dict[str, Any]]) -> np.ndarray:
    return np.asarray([int(e["label"]) for e in examples])


def _accuracy_stats(preds: Any, examples: list[dict[str, Any]]) -> Stats:
    out: Stats = (np.asarray(preds) == _labels(examples)).astype(float)[:, None]
    return out


def _f1_stats(preds: Any, examples: list[dict[str, Any]]) -> Stats:
    p, y = np.asarray(preds), _labels(examples)
    return np.stack([(p == 1) & (y == 1), (p == 1) & (y == 0), (p == 0) & (y == 1)], 1).astype(
        float
    )


def _mrr_stats(scores: Any, examples: list[dict[str, Any]]) -> Stats:
    """Reciprocal rank of candidate i for query i, ties counted against the gold (as sklearn's
    label ranking average precision with one relevant candidate)."""
    m = np.asarray(scores, dtype=np.float64)
    gold = m[np.arange(m.shape[0]), np.arange(m.shape[0])]
    rank = (m >= gold[:, None]).sum(axis=1)
    out: Stats = (1.0 / rank)[:, None]
    return out


def _texts(preds: Any) -> list[str]:
    return [p[0] if isinstance(p, list | tuple) else str(p) for p in preds]


def _per_item(fn: Callable[[str, str], float]) -> Callable[[Any, list[dict[str, Any]]], Stats]:
    def stats(preds: Any, examples: list[dict[str, Any]]) -> Stats:
        texts = _texts(preds)
        refs = [e["target"] for e in examples]
        return np.asarray([fn(p, r) for p, r in zip(texts, refs, strict=True)], float)[:, None]

    return stats


def _bleu_item(p: str, r: str) -> float:
    from slr.evaluate.metrics.codexglue_bleu import sentence_bleu

    return float(sentence_bleu(p, [r]))


def _rouge_item(p: str, r: str) -> float:
    from slr.evaluate.metrics.text import rouge_l

    return float(rouge_l([p], [r])) / 100.0


def _meteor_item(p: str, r: str) -> float:
    from slr.evaluate.metrics.text import meteor

    return float(meteor([p], [r])) / 100.0


def _exact_item(p: str, r: str) -> float:
    return float(p.split() == r.split())


def _sacrebleu_metric(name: str) -> Any:
    from sacrebleu.metrics.bleu import BLEU
    from sacrebleu.metrics.chrf import CHRF

    return CHRF() if name == "chrf" else BLEU()


def _sacrebleu_stats(name: str) -> Callable[[Any, list[dict[str, Any]]], Stats]:
    def stats(preds: Any, examples: list[dict[str, Any]]) -> Stats:
        metric = _sacrebleu_metric(name)
        refs = [[e["target"] for e in examples]]
        rows = metric._extract_corpus_statistics(_texts(preds), refs)
        return np.asarray(rows, dtype=float)

    return stats


def _sacrebleu_score(name: str) -> Callable[[np.ndarray, int], np.ndarray]:
    def score(summed: np.ndarray, n: int) -> np.ndarray:
        metric = _sacrebleu_metric(name)
        # sacrebleu's own corpus formula on the summed statistics (as its paired bootstrap does)
        return np.asarray(
            [float(metric._compute_score_from_stats(list(row)).score) for row in summed]
        )

    return score


ITEM_STATISTICS: dict[str, ItemStatistic] = {
    s.name: s
    for s in (
        ItemStatistic("accuracy", "labels", _accuracy_stats, _mean_score),
        ItemStatistic("f1", "labels", _f1_stats, _f1_score),
        ItemStatistic("mrr", "ranking", _mrr_stats, _mean_score),
        ItemStatistic("codexglue_bleu", "references", _per_item(_bleu_item), _mean_score),
        ItemStatistic("rouge_l", "references", _per_item(_rouge_item), _mean_score),
        ItemStatistic("meteor", "references", _per_item(_meteor_item), _mean_score),
        ItemStatistic("exact_match", "references", _per_item(_exact_item), _mean_score),
        ItemStatistic("chrf", "references", _sacrebleu_stats("chrf"), _sacrebleu_score("chrf")),
        ItemStatistic("bleu", "references", _sacrebleu_stats("bleu"), _sacrebleu_score("bleu")),
    )
}


def item_statistic(metric: str) -> ItemStatistic:
    """The per-item statistics of ``metric``; a metric without them is a ConfigError."""
    found = ITEM_STATISTICS.get(metric)
    if found is None:
        raise ConfigError(
            f"metric '{metric}' has no per-item statistics for the paired bootstrap over test "
            f"items; checks can use {', '.join(ITEM_STATISTICS)}"
        )
    return found


def score(metric: str, stats: Stats) -> float:
    """The metric's value over all items of ``stats`` (equals the registry metric)."""
    found = item_statistic(metric)
    return float(found.score(np.asarray(stats).sum(axis=0, keepdims=True), len(stats))[0])


def checkable_metrics() -> Sequence[str]:
    return tuple(ITEM_STATISTICS)
