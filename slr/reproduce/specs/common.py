"""What every spec file shares: strict models, line numbers of keys, located pydantic errors."""

from __future__ import annotations

import re
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from slr.errors import ValidationReport


class Strict(BaseModel):
    """Files people write: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def key_lines(text: str) -> dict[tuple[Any, ...], int]:
    """1-based line of every mapping key and list item of a YAML text, by its path."""
    out: dict[tuple[Any, ...], int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return out

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value
                out[(*path, key)] = key_node.start_mark.line + 1
                walk(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                out[(*path, i)] = item.start_mark.line + 1
                walk(item, (*path, i))

    if root is not None:
        out[()] = root.start_mark.line + 1
        walk(root, ())
    return out


def line_for(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...] | list[Any]) -> int | None:
    path = tuple(loc)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class that owns the last key of ``loc`` (for 'allowed keys')."""
    import typing

    current: Any = root
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        annotation = info.annotation
        candidates = [annotation, *typing.get_args(annotation)]
        current = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def add_pydantic_problem(
    report: ValidationReport,
    file: Any,
    lines: dict[tuple[Any, ...], int],
    error: Any,
    root: type[BaseModel],
    prefix: tuple[Any, ...] = (),
) -> None:
    loc = (*prefix, *error["loc"])
    # pydantic adds the union member / validator name to some locations; keep the data path
    loc = tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))
    where = ".".join(str(p) for p in loc) or "spec"
    line = line_for(lines, loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        owner = _model_at(root, error["loc"])
        allowed = ", ".join(owner.model_fields) if owner else ""
        report.add(
            file,
            f"unknown key '{loc[-1]}' (at {where})",
            line=line,
            fix=f"allowed keys here: {allowed}" if allowed else "remove it",
        )
    elif kind == "missing":
        report.add(file, f"missing required key '{where}'", line=line, fix=f"add '{loc[-1]}:'")
    else:
        msg = str(error["msg"]).removeprefix("Value error, ")
        report.add(
            file,
            f"bad value at {where}: {msg}",
            line=line,
            value=error.get("input"),
            fix=f"got {error.get('input')!r}" if kind != "value_error" else None,
        )
