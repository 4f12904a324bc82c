"""Turning pydantic errors into located problems, and YAML files people write into models.

:func:`load_document` is the one entry point for a YAML file that people write: it reads the file
with the located loader (:func:`slr.yamlio.load_yaml`: duplicate keys refused, line numbers in
syntax errors) and validates it with a pydantic model (``extra="forbid"`` in the models of such
files), so every problem of the file comes back together, each with its line:

    >>> project = load_document(path, SearchProject, what="search project")
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from slr.errors import ValidationReport
from slr.yamlio import LINE, load_yaml, strip_lines

M = TypeVar("M", bound=BaseModel)


def validate_item(
    model: type[M],
    data: Any,
    *,
    report: ValidationReport,
    file: str | Path,
    line: int | None,
    what: str = "entry",
) -> M | None:
    """Validate one item; on failure add one problem per pydantic error and return None."""
    try:
        return model.model_validate(data)
    except PydanticValidationError as err:
        for e in err.errors():
            _add_error(report, model, e, file=file, line=line, what=what)
        return None


def validate_document(
    model: type[M],
    data: Any,
    *,
    file: str | Path,
    what: str,
    report: ValidationReport | None = None,
) -> M | None:
    """Validate data read by :func:`slr.yamlio.load_yaml`; every pydantic error becomes a problem
    at the line of the mapping it is in. With ``report`` the problems are added to it (and None
    returned on failure); without, they are raised together (:class:`slr.errors.ValidationError`)."""
    own = report is None
    rep = ValidationReport() if report is None else report
    try:
        result: M | None = model.model_validate(strip_lines(data) if data is not None else {})
    except PydanticValidationError as err:
        for e in err.errors():
            loc = tuple(e["loc"])
            _add_error(
                rep,
                _model_at(model, loc[:-1]) or model,
                {**e, "loc": loc},
                file=file,
                line=line_at(data, loc),
                what=what,
            )
        result = None
    if own:
        rep.raise_if_any(what)
    return result


def load_document(path: Path, model: type[M], *, what: str) -> M:
    """Read the YAML file ``path`` with the located loader and validate it with ``model``.

    A syntax error or a duplicate key is an :class:`~slr.errors.InputFormatError` with its line;
    validation problems are raised together, each with the line of its mapping. An empty file
    is validated as an empty mapping."""
    data = load_yaml(path)
    result = validate_document(model, data, file=path, what=what)
    assert result is not None  # validate_document raised otherwise
    return result


def line_at(data: Any, loc: Sequence[Any]) -> int | None:
    """The line of the innermost mapping of ``data`` (as read by ``load_yaml``) along ``loc``."""
    line = data.get(LINE) if isinstance(data, dict) else None
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_dict or in_list):
            break
        node = node[part]
        if isinstance(node, dict) and isinstance(node.get(LINE), int):
            line = node[LINE]
    return line if isinstance(line, int) else None


def _model_at(model: type[BaseModel], loc: Sequence[Any]) -> type[BaseModel] | None:
    """The model that validates the value at ``loc`` (for its allowed keys), if one does."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue  # a list index: the list's item type is unwrapped below
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return None
        current = _unwrap(fields[part].annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """The model inside ``list[X]``, ``X | None``, ``dict[str, X]`` (else the annotation)."""
    for arg in typing.get_args(annotation) or ():
        inner = _unwrap(arg)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return annotation


def _add_error(
    report: ValidationReport,
    model: type[BaseModel],
    e: Any,
    *,
    file: str | Path,
    line: int | None,
    what: str,
) -> None:
    loc = ".".join(str(p) for p in e["loc"]) or what
    kind = e["type"]
    if kind == "extra_forbidden":
        allowed = ", ".join(sorted(model.model_fields))
        report.add(
            file, f"unknown key '{loc}' in {what}", line=line, fix=f"allowed keys are: {allowed}"
        )
    elif kind == "missing":
        report.add(file, f"missing required key '{loc}' in {what}", line=line, fix=f"add '{loc}:'")
    else:
        bad = e.get("input")
        report.add(
            file,
            f"bad value for '{loc}' in {what}: {e['msg']}",
            line=line,
            value=bad,
            fix=f"got {bad!r}",
        )


def names(items: Iterable[Any]) -> list[str]:
    return [getattr(i, "name", str(i)) for i in items]
