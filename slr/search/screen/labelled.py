"""Labelled screening sets: the CSV layouts of ASReview's and SYNERGY's datasets.

Columns read (case-insensitive; any others are ignored):

* text: ``title`` (or ``primary_title``), ``abstract`` (or ``notes_abstract``), optional
  ``keywords``;
* label: ``label_included`` (final inclusion, the default), ``label_abstract_screening``
  (passed title/abstract screening: ``--label label_abstract_screening``), or ASReview's other
  names for the final label (``included``, ``final_included``, ``label``);
* identity: ``record_id``, else ``doi``, else ``openalex_id``, else the row number.

Problems are collected into one report before any model is trained: a label that is not 0 or 1
(row, value), a record with neither title nor abstract, duplicate ids, a set with no relevant or
no irrelevant record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slr.errors import InputFormatError, ValidationReport, display_path
from slr.search.screen.features import RecordText

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

LABEL_COLUMNS = ("label_included", "included", "final_included", "label")
ID_COLUMNS = ("record_id", "doi", "openalex_id")
_TITLE = ("title", "primary_title")
_ABSTRACT = ("abstract", "notes_abstract")
_TRUE = {"1", "1.0"}
_FALSE = {"0", "0.0"}


@dataclass
class LabelledSet:
    """Texts, 0/1 labels and ids of a fully labelled set, in file order."""

    name: str
    records: list[RecordText]
    labels: np.ndarray
    record_ids: list[str]
    label_column: str
    id_column: str

    @property
    def n_relevant(self) -> int:
        return int(self.labels.sum())


def _pick(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lower = {c.lower().strip(): c for c in frame.columns}
    return next((lower[n] for n in names if n in lower), None)


def _parse_label(value: object) -> int | None:
    text = str(value).strip().lower()
    if text in _TRUE:
        return 1
    if text in _FALSE:
        return 0
    return None


def load_labelled_set(path: str | Path, *, label: str | None = None) -> LabelledSet:
    """Read a labelled set; every problem of the file is reported at once."""
    import numpy as np
    import pandas as pd

    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputFormatError(f"{display_path(path)}: cannot read a labelled CSV ({err})") from err
    report = ValidationReport()
    label_col = _check_header(report, path, frame, label)
    labels, records = _read_rows(report, path, frame, label_col)
    id_col = _id_column(frame)
    ids = list(frame[id_col].str.strip()) if id_col else [f"row{i + 2}" for i in range(len(frame))]
    _check_ids(report, path, ids, id_col)
    y = np.asarray(labels, dtype=int)
    _check_classes(report, path, y, label_col)
    report.raise_if_any("labelled screening set")
    return LabelledSet(path.stem, records, y, ids, label_col, id_col or "row")


def _check_header(
    report: ValidationReport, path: Path, frame: pd.DataFrame, label: str | None
) -> str:
    """The label column; a file without text or label columns stops here, with both problems."""
    label_col = _pick(frame, (label.lower(),) if label else LABEL_COLUMNS)
    if _pick(frame, _TITLE) is None and _pick(frame, _ABSTRACT) is None:
        report.add(
            path,
            f"no title or abstract column among {list(frame.columns)}",
            line=1,
            fix="a labelled set has title, abstract and label_included (0/1) columns",
        )
    if label_col is None:
        wanted = label or " or ".join(LABEL_COLUMNS)
        report.add(
            path,
            f"no label column {wanted} among {list(frame.columns)}",
            line=1,
            fix="name the 0/1 column label_included, or pass --label COLUMN",
        )
    report.raise_if_any("labelled screening set")
    assert label_col is not None
    return label_col


def _column(frame: pd.DataFrame, names: tuple[str, ...]) -> pd.Series:
    import pandas as pd

    col = _pick(frame, names)
    return frame[col] if col else pd.Series([""] * len(frame))


def _read_rows(
    report: ValidationReport, path: Path, frame: pd.DataFrame, label_col: str
) -> tuple[list[int], list[RecordText]]:
    titles, abstracts = _column(frame, _TITLE), _column(frame, _ABSTRACT)
    keywords = _column(frame, ("keywords",))
    labels: list[int] = []
    records: list[RecordText] = []
    for row, (value, t, a, k) in enumerate(
        zip(frame[label_col], titles, abstracts, keywords, strict=True)
    ):
        line = row + 2  # header is line 1
        parsed = _parse_label(value)
        if parsed is None:
            report.add(
                path,
                f"label {value!r} is not 0 or 1",
                line=line,
                column=label_col,
                fix="every record of a labelled set is 1 (relevant) or 0 (irrelevant)",
            )
        labels.append(parsed or 0)
        if not t.strip() and not a.strip():
            report.add(
                path,
                "record has neither title nor abstract: nothing to learn or rank from",
                line=line,
                fix="fill in its title or abstract, or remove the row",
            )
        records.append(RecordText(t.strip(), a.strip(), k.strip()))
    return labels, records


def _check_classes(report: ValidationReport, path: Path, y: Any, label_col: str) -> None:
    """A simulation needs both classes (checked only on an otherwise valid file)."""
    if not len(y):
        report.add(path, "no records", fix="the file has a header but no rows")
        return
    if report:
        return
    if y.sum() == 0:
        report.add(
            path,
            f"no relevant record: every {label_col} is 0",
            column=label_col,
            fix="a simulation needs at least one record labelled 1",
        )
    elif y.sum() == len(y):
        report.add(
            path,
            f"only relevant records: every {label_col} is 1",
            column=label_col,
            fix="a simulation needs at least one record labelled 0",
        )


def _id_column(frame: pd.DataFrame) -> str | None:
    """The first of record_id, doi, openalex_id filled in on every row; else the first present."""
    present = [c for c in (_pick(frame, (n,)) for n in ID_COLUMNS) if c is not None]
    full = [c for c in present if (frame[c].str.strip() != "").all()]
    chosen = full or present
    return chosen[0] if chosen else None


def _check_ids(report: ValidationReport, path: Path, ids: list[str], column: str | None) -> None:
    if column is None:
        return
    seen: dict[str, int] = {}
    for row, rid in enumerate(ids):
        if not rid:
            continue  # an id column with gaps: rankings name those rows by number
        if rid in seen:
            report.add(
                path,
                f"{column} {rid!r} repeats row {seen[rid]}",
                line=row + 2,
                column=column,
                fix="ids of a labelled set are unique",
            )
        seen.setdefault(rid, row + 2)
    for row, rid in enumerate(ids):
        if not rid:
            ids[row] = f"row{row + 2}"
