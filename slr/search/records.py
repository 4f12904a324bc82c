"""The canonical search record, its provenance, and the accounting of an ingest run.

A :class:`Record` is one row (or entry) of one search export after field mapping: it keeps the
fields every stage needs as typed attributes and every other field of the export in ``extra``, so
nothing a database exported is dropped. :class:`Provenance` says where it came from (file, line,
row, source database, parser, and for snowballing the seed paper and direction).

Records files (``records.jsonl``) hold one :class:`Record` per line as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from slr.errors import InputFormatError, ValidationReport, display_path

ENTRY_TYPES = (
    "article",
    "inproceedings",
    "incollection",
    "book",
    "phdthesis",
    "mastersthesis",
    "techreport",
    "misc",
    "unpublished",
)


class Provenance(BaseModel):
    """Where one record came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    line: int = Field(ge=1, description="1-based line where the record starts in the file")
    row: int = Field(ge=1, description="1-based position of the record among the file's records")
    source: str = Field(description="search source label, e.g. 'google_scholar', 'scopus'")
    format: str = Field(description="name of the parser in the source registry")
    via: str | None = Field(
        default=None,
        description="snowballing: '<backward|forward>:<record_id of the seed paper>'",
    )

    def location(self) -> str:
        return f"{self.file}:{self.line}"


class Record(BaseModel):
    """One bibliographic record from one search export (after field mapping and normalising)."""

    model_config = ConfigDict(extra="forbid")

    record_id: str
    title: str
    entry_type: str = "misc"
    authors: list[str] = Field(default_factory=list, description="'Family, Given' strings")
    authors_truncated: bool = False
    title_truncated: bool = False
    year: int | None = None
    venue: str | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    url: str | None = None
    abstract: str | None = None
    publisher: str | None = None
    issn: str | None = None
    isbn: str | None = None
    keywords: list[str] = Field(default_factory=list)
    extra: dict[str, str] = Field(
        default_factory=dict, description="fields of the export that the record has no slot for"
    )
    provenance: Provenance


@dataclass(frozen=True)
class Rejection:
    """A record that was read but not accepted, with the reason."""

    file: str
    line: int
    row: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: record {self.row} rejected: {self.reason}"


@dataclass
class FileStats:
    """Accounting of one input file: read = accepted + rejected."""

    file: str
    format: str
    encoding: str
    source: str
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    note: str | None = None  # how the file was read, e.g. an inferred column mapping


@dataclass
class IngestResult:
    """Records accepted, records rejected (with reasons) and warnings of an ingest run."""

    records: list[Record] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    warnings: ValidationReport = field(default_factory=ValidationReport)
    files: list[FileStats] = field(default_factory=list)

    @property
    def read(self) -> int:
        return sum(f.read for f in self.files)

    def extend(self, other: IngestResult) -> None:
        self.records.extend(other.records)
        self.rejections.extend(other.rejections)
        self.warnings.extend(other.warnings)
        self.files.extend(other.files)

    def check_accounting(self) -> None:
        """Every record read is either accepted or rejected; raise if the books do not balance."""
        for f in self.files:
            if f.read != f.accepted + f.rejected:
                raise AssertionError(
                    f"{f.file}: read {f.read} != accepted {f.accepted} + rejected {f.rejected}"
                )
        if len(self.records) != sum(f.accepted for f in self.files):
            raise AssertionError("accepted records and file statistics disagree")
        if len(self.rejections) != sum(f.rejected for f in self.files):
            raise AssertionError("rejections and file statistics disagree")


def write_records_to(fh: IO[str], records: Iterable[Record]) -> int:
    """Write records as JSON lines to an open text file; return how many."""
    n = 0
    for rec in records:
        fh.write(rec.model_dump_json(exclude_defaults=True))
        fh.write("\n")
        n += 1
    return n


def write_records(records: Iterable[Record], path: str | Path) -> int:
    """Write records as JSON lines (atomically: a temporary file renamed at the end)."""
    from slr.atomic import atomic_writer

    with atomic_writer(Path(path)) as fh:
        return write_records_to(fh, records)


def iter_records(path: str | Path) -> Iterator[Record]:
    """Read a records file written by :func:`write_records`; all bad lines reported at once."""
    path = Path(path)
    report = ValidationReport()
    out: list[Record] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise InputFormatError(
            f"{display_path(path)}: cannot read records file ({err}); "
            "write it with `slr ingest ... --out records.jsonl`"
        ) from err
    seen: dict[str, int] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = Record.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as err:
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            report.add(
                path,
                f"not a valid record: {first}",
                line=lineno,
                fix="records files are written by `slr ingest`; do not edit them by hand",
            )
            continue
        if rec.record_id in seen:
            report.add(
                path,
                f"duplicate record_id '{rec.record_id}' (first at line {seen[rec.record_id]})",
                line=lineno,
                fix="record ids must be unique; ingest files with distinct --id-prefix",
            )
            continue
        seen[rec.record_id] = lineno
        out.append(rec)
    report.raise_if_any("records file")
    yield from out


def read_records(path: str | Path) -> list[Record]:
    return list(iter_records(path))
