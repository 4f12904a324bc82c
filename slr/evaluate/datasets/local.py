"""Datasets of your own: JSONL or CSV files read as a task's columns (every problem located)."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from slr.errors import ValidationReport
from slr.evaluate.datasets.base import (
    DEFAULT_FRACTIONS,
    LABEL_COLUMN,
    SPLITS,
    TASK_COLUMNS,
    EvalDataset,
    split_frame,
)
from slr.evaluate.datasets.catalog import Row
from slr.evaluate.tasks import resolve_task
from slr.jsonl import objects_with_lines

_LABELS = {"0": 0, "1": 1, "false": 0, "true": 1}


def load_local(
    path: str | Path,
    task: str,
    *,
    columns: Mapping[str, str] | None = None,
    name: str | None = None,
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
) -> EvalDataset:
    """Read a JSONL (one object per line) or CSV file as a dataset for ``task``.

    ``columns`` maps the task's column names to the file's (e.g. ``{"summary": "docstring"}``).
    A ``split`` column (train/valid/test) is used when present; otherwise splits are made by the
    hash of ``id`` (or of the line number when there is no ``id``). Every problem of the file
    is reported at once, with its line.
    """
    file = Path(path)
    chosen = resolve_task(task)
    needed = TASK_COLUMNS[chosen]
    mapping = {col: (columns or {}).get(col, col) for col in (*needed, "id", "split")}
    unknown = set(columns or {}) - set(mapping)
    report = ValidationReport()
    if unknown:
        report.add(
            file, f"unknown task column(s) {sorted(unknown)} in columns=", fix=f"use {needed}"
        )
        report.raise_if_any("dataset")
    if not file.is_file():
        report.add(file, "file not found", fix="give the path of a .jsonl or .csv file")
        report.raise_if_any("dataset")
    records = list(_read_records(file, report))
    rows = [_row(file, line, record, needed, mapping, report) for line, record in records]
    if not records and not report:
        report.add(file, "no records in the file")
    report.problems.sort(key=lambda p: p.line or 0)
    report.raise_if_any("dataset")
    frame = pd.DataFrame(rows)
    return EvalDataset(
        name or file.stem,
        chosen,
        _splits(frame, name or file.name, fractions),
        f"local file {file}",
    )


def _row(
    file: Path,
    line: int,
    record: Row,
    needed: Sequence[str],
    mapping: Mapping[str, str],
    report: ValidationReport,
) -> Row:
    """One record as the task's columns (a problem in ``report`` for each bad value)."""
    row: Row = {}
    for col in needed:
        value = _value(file, line, record, col, mapping[col], report)
        if value is not None:
            row[col] = value
    row["id"] = str(record.get(mapping["id"]) or f"{file.name}:{line}")
    split = record.get(mapping["split"])
    if split is not None and split not in SPLITS:
        report.add(file, f"split must be one of {SPLITS}, got {split!r}", line=line)
    row["split"] = split
    return row


def _value(
    file: Path, line: int, record: Row, col: str, src: str, report: ValidationReport
) -> object | None:
    """The value of the task's column ``col`` (the file's ``src``), or None with a problem."""
    if src not in record or record[src] is None or record[src] == "":
        report.add(file, f"missing '{src}' (the task's '{col}')", line=line)
        return None
    value = record[src]
    if col == LABEL_COLUMN:
        label = _LABELS.get(str(value).strip().lower())
        if label is None:
            report.add(file, f"label must be 0/1 or true/false, got {value!r}", line=line)
        return label
    if not isinstance(value, str):
        report.add(file, f"'{src}' must be text, got {type(value).__name__}", line=line)
        return None
    return value


def _splits(frame: pd.DataFrame, name: str, fractions: Sequence[float]) -> dict[str, pd.DataFrame]:
    """The file's own ``split`` column when every row has one, else splits by hash."""
    if frame["split"].notna().all():
        return {
            s: frame[frame["split"] == s].drop(columns="split").reset_index(drop=True)
            for s in SPLITS
        }
    return split_frame(frame.drop(columns="split"), name, fractions)


def _read_records(file: Path, report: ValidationReport) -> list[tuple[int, Row]]:
    out: list[tuple[int, Row]] = []
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        report.add(file, f"not UTF-8 text ({err.reason})")
        return out
    if file.suffix.lower() == ".csv":
        reader = csv.DictReader(text.splitlines())
        for record in reader:
            out.append((reader.line_num, dict(record)))
        return out
    return objects_with_lines(text, file=file, report=report)
