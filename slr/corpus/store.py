"""Reading and writing corpus tables: CSV files of typed records, one record per row.

List fields are written joined by ``'; '``; booleans as ``true``/``false``; missing values empty.
Writes are atomic (a temporary file renamed over the target), so an interrupted import never
leaves a half-written corpus file.
"""

from __future__ import annotations

import csv
import io
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from slr.atomic import atomic_write_text
from slr.corpus.schema import LIST_SEP
from slr.csvlines import records_with_lines
from slr.errors import InputFormatError, ValidationReport, display_path
from slr.validation import validate_item

M = TypeVar("M", bound=BaseModel)


def _is_list(model: type[BaseModel], name: str) -> bool:
    ann = model.model_fields[name].annotation
    return typing.get_origin(ann) is list


def _is_bool(model: type[BaseModel], name: str) -> bool:
    ann = model.model_fields[name].annotation
    return ann is bool or (
        typing.get_origin(ann) in (typing.Union, type(int | None)) and bool in typing.get_args(ann)
    )


def to_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEP.join(str(v) for v in value)
    return str(value)


def write_table(path: Path, records: Iterable[BaseModel], model: type[BaseModel]) -> None:
    columns = list(model.model_fields)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for rec in records:
        dump = rec.model_dump()
        writer.writerow([to_cell(dump[c]) for c in columns])
    atomic_write_text(path, buf.getvalue())


def read_table(path: Path, model: type[M], report: ValidationReport) -> list[tuple[int, M]]:
    """Typed records with their line numbers; every problem goes into ``report``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise InputFormatError(
            f"{display_path(path)}: file not found; run 'slr corpus import'"
        ) from err
    except UnicodeDecodeError as err:
        raise InputFormatError(
            f"{display_path(path)}: not UTF-8 ({err.reason}); save it as UTF-8"
        ) from err
    records = records_with_lines(io.StringIO(text, newline=""))
    try:
        _, header = next(records)
    except StopIteration:
        report.add(path, "empty file; expected a header row", line=1)
        return []
    except csv.Error as err:
        raise InputFormatError(f"{display_path(path)}:1: malformed CSV header: {err}") from err
    if not _header_fits(path, header, model, report):
        return []
    out: list[tuple[int, M]] = []
    line = 1
    try:
        for line, cells in records:
            if len(cells) != len(header):
                report.add(
                    path,
                    f"row has {len(cells)} cells, header has {len(header)}",
                    line=line,
                    fix="quote cells that contain commas or line breaks",
                )
                continue
            data = _row_data(model, header, cells)
            rec = validate_item(model, data, report=report, file=path, line=line, what="row")
            if rec is not None:
                out.append((line, rec))
    except csv.Error as err:
        report.add(path, f"malformed CSV: {err}", line=line, fix="check the quoting of this row")
    return out


def _header_fits(
    path: Path, header: list[str], model: type[BaseModel], report: ValidationReport
) -> bool:
    """Every column is a field of the model and every required field has a column."""
    fields = model.model_fields
    unknown = [h for h in header if h not in fields]
    missing = [f for f, info in fields.items() if info.is_required() and f not in header]
    for h in unknown:
        report.add(
            path, f"unknown column '{h}'", line=1, fix=f"allowed columns: {', '.join(fields)}"
        )
    for f in missing:
        report.add(path, f"missing column '{f}'", line=1, fix=f"add a '{f}' column")
    return not (unknown or missing)


def _row_data(model: type[BaseModel], header: list[str], cells: list[str]) -> dict[str, Any]:
    """A row's cells as the model's fields: lists split, booleans read, empty optionals left out."""
    fields = model.model_fields
    data: dict[str, Any] = {}
    for col, cell in zip(header, cells, strict=True):
        if _is_list(model, col):
            data[col] = [v.strip() for v in cell.split(LIST_SEP.strip()) if v.strip()]
        elif cell == "" and not fields[col].is_required():
            continue
        elif _is_bool(model, col):
            low = cell.strip().lower()
            data[col] = {"true": True, "false": False}.get(low, cell)
        else:
            data[col] = cell
    return data
