"""Turning pydantic errors into located problems."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from slr.errors import ValidationReport

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
            loc = ".".join(str(p) for p in e["loc"]) or what
            kind = e["type"]
            if kind == "extra_forbidden":
                allowed = ", ".join(sorted(model.model_fields))
                report.add(
                    file,
                    f"unknown key '{loc}' in {what}",
                    line=line,
                    fix=f"allowed keys are: {allowed}",
                )
            elif kind == "missing":
                report.add(
                    file, f"missing required key '{loc}' in {what}", line=line, fix=f"add '{loc}:'"
                )
            else:
                bad = e.get("input")
                report.add(
                    file,
                    f"bad value for '{loc}' in {what}: {e['msg']}",
                    line=line,
                    value=bad,
                    fix=f"got {bad!r}",
                )
        return None


def names(items: Iterable[Any]) -> list[str]:
    return [getattr(i, "name", str(i)) for i in items]
