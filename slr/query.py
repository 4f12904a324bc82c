"""Queries over the review's method uses: :meth:`Review.query` and :meth:`Review.crosstab`.

Filters name things as the taxonomy knows them (synonyms, task abbreviations); a value that no
method use has is refused with the values there are.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from slr.errors import ConfigError

if TYPE_CHECKING:
    from slr.review import Review

QUERY_COLUMNS = {
    "paper": "paper_id",
    "family": "family",
    "method": "method",
    "task": "task",
    "task_type": "task_type",
    "architecture": "architecture",
    "model": "model",
    "year": "year",
    "venue": "venue",
}


def query(
    review: Review, *, include_variants: bool = True, explode: tuple[str, ...] = (), **filters: Any
) -> pd.DataFrame:
    """Method uses matching every filter (values may be a single value or a list).

    Filters: paper, family, method, task, task_type, architecture, model, year, venue.
    Names are matched as the taxonomy knows them (synonyms, and task abbreviations such as
    ``"CSum"``); numbers may be given as strings (``year="2023"``). ``method="LoRA"`` matches
    LoRA's variants too (QLoRA, AdaLoRA...) unless ``include_variants=False``, and matches
    combinations that contain it. A value that no method use has is refused with the values
    there are (an empty result means only that the filters exclude each other).
    Rows are method uses; filtering (or ``explode``-ing) by architecture or model gives one
    row per method use x architecture or model.
    """
    unknown = set(filters) - set(QUERY_COLUMNS)
    if unknown:
        raise ConfigError(f"unknown filter(s) {sorted(unknown)}; use: {', '.join(QUERY_COLUMNS)}")
    frame = review.exploded(set(filters) | set(explode))
    mask = pd.Series(True, index=frame.index)
    for key, value in filters.items():
        values = list(value) if isinstance(value, list | tuple | set) else [value]
        if key == "method":
            wanted: set[str] = set()
            for v in values:
                name = review.taxonomy.method(str(v)).name
                wanted |= set(review.taxonomy.variants_of(name)) if include_variants else {name}
            used = {c for comps in frame["components"] for c in comps}
            if not wanted & used:
                raise ConfigError(
                    f"no method use of {', '.join(map(repr, values))} in the corpus; "
                    f"methods used: {', '.join(sorted(used))}"
                )
            mask &= frame["components"].map(lambda comps, w=wanted: bool(w & set(comps)))
            continue
        col = QUERY_COLUMNS[key]
        canon = [_canonical(review, key, v) for v in values]
        present = set(frame[col].dropna())
        absent = [v for v, c in zip(values, canon, strict=True) if c not in present]
        if absent:
            known = ", ".join(str(x) for x in sorted(present, key=_natural))
            raise ConfigError(
                f"no method use has {key} {', '.join(map(repr, absent))}; {key} values in "
                f"the corpus: {known}"
            )
        mask &= frame[col].isin(canon)
    return frame[mask].reset_index(drop=True)


def _canonical(review: Review, key: str, value: Any) -> Any:
    text = str(value).strip()
    if key == "task":
        by_abbreviation = review.taxonomy.task_by_abbreviation(text)
        return by_abbreviation.name if by_abbreviation else review.taxonomy.task(text).name
    kinds = {"model": "model", "venue": "venue", "architecture": "architecture"}
    if key in kinds:
        return getattr(review.taxonomy, kinds[key])(text).name
    if key == "family":
        review.taxonomy.methods_in_family(text)
        return text.casefold()
    if key == "task_type" and text not in ("generative", "non-generative", "mixed"):
        raise ConfigError(f"unknown task type '{value}'; use generative, non-generative or mixed")
    if key == "year":
        try:
            return int(text)
        except ValueError:
            raise ConfigError(f"year {value!r} is not a number; write e.g. year=2023") from None
    if key == "paper":
        return text.upper()
    return text


def crosstab(review: Review, rows: str, columns: str, **filters: Any) -> pd.DataFrame:
    """Counts of method uses by two dimensions (e.g. ``crosstab("family", "architecture")``)."""
    frame = query(review, explode=(rows, columns), **filters)
    for dim in (rows, columns):
        if dim not in frame.columns:
            raise ConfigError(
                f"cannot cross-tabulate by '{dim}'; use one of: {', '.join(QUERY_COLUMNS.values())}"
            )
    return pd.crosstab(frame[rows], frame[columns])


def _natural(value: Any) -> tuple[Any, ...]:
    """Sort key: 'P3' before 'P29', numbers as numbers."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(value)))
