"""JSON Lines: one object per line, each with its line number; bad lines become located problems."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from slr.errors import ValidationReport


def objects_with_lines(
    text: str, *, file: str | Path, report: ValidationReport
) -> list[tuple[int, dict[str, Any]]]:
    """``(line, object)`` for each non-blank line of ``text``.

    A line that is not valid JSON, or not a JSON object, is added to ``report`` (file, line, fix)
    and skipped, so that every bad line of a file is reported at once.
    """
    out: list[tuple[int, dict[str, Any]]] = []
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as err:
            report.add(
                file, f"not valid JSON ({err.msg})", line=line, fix="one JSON object per line"
            )
            continue
        if not isinstance(obj, dict):
            report.add(file, "a line must be a JSON object", line=line, value=raw[:40])
            continue
        out.append((line, obj))
    return out
