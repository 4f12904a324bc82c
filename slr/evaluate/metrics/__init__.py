"""Metrics by name: ``get_metric("codexglue_bleu")``, ``list_metrics(task)``, ``check_metric_fits``.

Every metric is a function registered with :func:`register_metric` in a module of this package
(found lazily by the registry); the libraries behind them are imported inside the functions.
"""

from slr.evaluate.metrics.registry import (
    Metric,
    MetricInput,
    check_metric_fits,
    get_metric,
    list_metrics,
    register_metric,
)

__all__ = [
    "Metric",
    "MetricInput",
    "check_metric_fits",
    "get_metric",
    "list_metrics",
    "register_metric",
]
