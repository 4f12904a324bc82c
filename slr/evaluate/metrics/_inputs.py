"""Shape checks shared by the metric functions."""

from __future__ import annotations

from collections.abc import Sequence

from slr.evaluate.errors import EvaluationError


def reference_lists(
    predictions: Sequence[str], references: Sequence[str] | Sequence[Sequence[str]]
) -> list[list[str]]:
    """One list of reference strings per prediction; lengths must agree and be non-zero."""
    if isinstance(predictions, str) or isinstance(references, str):
        raise EvaluationError("predictions and references must be lists of strings, not a string")
    if len(predictions) != len(references):
        raise EvaluationError(
            f"{len(predictions)} predictions but {len(references)} references; "
            "give one reference (or one list of references) per prediction"
        )
    if not predictions:
        raise EvaluationError("no predictions to score")
    out: list[list[str]] = []
    for i, refs in enumerate(references):
        ref_list = [refs] if isinstance(refs, str) else list(refs)
        if not ref_list:
            raise EvaluationError(f"example {i} has no reference")
        out.append(ref_list)
    return out


def same_length(name_a: str, a: Sequence[object], name_b: str, b: Sequence[object]) -> None:
    if len(a) != len(b):
        raise EvaluationError(f"{len(a)} {name_a} but {len(b)} {name_b}; they must pair up")
    if not a:
        raise EvaluationError(f"no {name_a} to score")
