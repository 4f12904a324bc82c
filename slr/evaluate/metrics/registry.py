"""Metric registry: name -> callable, the tasks it fits, its input kind, unit and source.

A metric is a plain function registered with :func:`register_metric` in any module of
:mod:`slr.evaluate.metrics` (found lazily, nothing to list). The registry answers the checks a
runner needs *before* training starts: does the metric exist (else close matches), and does it
fit the task (else the metrics that do). ``pass@k`` exists for any k (``pass@5``...): the
generation module adds it as a fallback of the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slr.evaluate.errors import MetricMismatchError
from slr.evaluate.tasks import resolve_task
from slr.registry import Registry


class MetricInput(StrEnum):
    """What a metric's ``compute`` takes."""

    REFERENCES = "references"  # (predictions: list[str], references: list[str | list[str]])
    LABELS = "labels"  # (predictions: list[int], labels: list[int])
    RANKING = "ranking"  # (scores: queries x candidates matrix, gold index per query)
    PROGRAMS = "programs"  # (programs: list[str]) - generated code, not executed
    EXECUTIONS = "executions"  # (num_samples: list[int], num_correct: list[int]) per problem


@dataclass(frozen=True)
class Metric:
    name: str
    compute: Callable[..., float]
    tasks: tuple[str, ...]
    inputs: MetricInput
    unit: str
    source: str
    higher_is_better: bool = True
    summary: str = ""

    def fits(self, task: str) -> bool:
        return resolve_task(task) in self.tasks

    def __call__(self, *args: Any, **kwargs: Any) -> float:
        return self.compute(*args, **kwargs)


METRICS: Registry[Metric] = Registry(
    "metric",
    discover="slr.evaluate.metrics",
    skip=("registry", "_inputs", "wordnet"),
    key=str.lower,
    describe=lambda m: m.summary,
    identity=lambda m: m.compute,
)


def register_metric(
    name: str,
    *,
    tasks: tuple[str, ...],
    inputs: MetricInput,
    unit: str,
    source: str,
    higher_is_better: bool = True,
) -> Callable[[Callable[..., float]], Callable[..., float]]:
    """Decorator: register ``fn`` under ``name`` (names are unique)."""

    canonical = tuple(resolve_task(t) for t in tasks)

    def wrap(fn: Callable[..., float]) -> Callable[..., float]:
        summary = (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else ""
        METRICS.add(
            name,
            Metric(
                name=name,
                compute=fn,
                tasks=canonical,
                inputs=inputs,
                unit=unit,
                source=source,
                higher_is_better=higher_is_better,
                summary=summary,
            ),
        )
        return fn

    return wrap


def list_metrics(task: str | None = None) -> list[Metric]:
    """All registered metrics, or those fitting ``task``, sorted by name."""
    metrics = sorted(METRICS.values(), key=lambda m: m.name)
    if task is None:
        return metrics
    canonical = resolve_task(task)
    return [m for m in metrics if canonical in m.tasks]


def get_metric(name: str) -> Metric:
    """The metric called ``name`` (any case; ``pass@k`` for any positive k); unknown -> close
    matches."""
    return METRICS.get(name)


def check_metric_fits(metric: str, task: str) -> Metric:
    """Return the metric if it fits the task; raise MetricMismatchError naming those that do."""
    found = get_metric(metric)
    canonical = resolve_task(task)
    if canonical not in found.tasks:
        fitting = ", ".join(m.name for m in list_metrics(canonical))
        raise MetricMismatchError(
            f"metric {found.name!r} does not fit task {canonical!r} (it fits: "
            f"{', '.join(found.tasks)}); metrics for {canonical}: {fitting}"
        )
    return found
