"""YAML files people write, read with the line number of every mapping.

``load_yaml(path)`` returns plain Python data in which every dict carries its 1-based line under the
key ``LINE`` (popped by :func:`pop_line`), so validation can say ``taxonomy/models.yaml:12``.
A syntax error becomes an :class:`~slr.errors.InputFormatError` naming file and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from slr.errors import InputFormatError, display_path

LINE = "__line__"


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r} (first at line {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    mapping: dict[str, Any] = dict(loader.construct_mapping(node, deep=True))  # type: ignore[arg-type]
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise InputFormatError(f"{display_path(path)}: file not found") from err
    except UnicodeDecodeError as err:
        raise InputFormatError(
            f"{display_path(path)}: not UTF-8 text ({err.reason}); save it as UTF-8"
        ) from err
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.reader.ReaderError as err:  # control characters: not a MarkedYAMLError
        at = text.count("\n", 0, err.position) + 1
        raise InputFormatError(
            f"{display_path(path)}:{at}: invalid YAML: character {err.character!r} is not allowed; "
            "remove it (a control character or binary junk)"
        ) from err
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise InputFormatError(
            f"{display_path(path)}{line}: invalid YAML: {err.problem or err}; check indentation and quoting"
        ) from err


def pop_line(item: dict[str, Any]) -> int | None:
    value = item.pop(LINE, None)
    return value if isinstance(value, int) else None


def strip_lines(data: Any) -> Any:
    """Data without the line markers (for round-tripping or comparison)."""
    if isinstance(data, dict):
        return {k: strip_lines(v) for k, v in data.items() if k != LINE}
    if isinstance(data, list):
        return [strip_lines(v) for v in data]
    return data
