"""The contract between a source format and the ingest step.

A source format turns the text of one export into :class:`RawRecord` objects (the fields exactly as
the export names them, with the line where each record starts), :class:`RawRejection` objects
(a record that could not be parsed, with the reason) and :class:`RawNote` objects (text that is not
a record, e.g. lines between records: said once, never counted as a record read). Mapping raw fields to the canonical record is
a separate step, :meth:`SourceFormat.map_fields`, which returns a :class:`MappedFields`; the ingest
step then normalises it into a :class:`slr.search.records.Record`.

CSV exports share :class:`CsvFormat`: a format is a header signature plus a column map (data).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from slr.errors import InputFormatError


@dataclass(frozen=True)
class RawRecord:
    """One record as the export wrote it."""

    fields: dict[str, str]
    line: int
    row: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RawRejection:
    """A record that was read but could not be parsed."""

    line: int
    row: int
    reason: str


@dataclass(frozen=True)
class RawNote:
    """Something in the file that is not a record but should be said (text between records)."""

    line: int
    message: str


@dataclass
class MappedFields:
    """Canonical fields of one record before normalising (values as exported)."""

    title: str | None = None
    authors: str | list[str] | None = None
    author_style: str = "given_family"
    year: str | None = None
    venue: str | None = None
    venue_alternatives: list[str] = field(default_factory=list)
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    start_page: str | None = None
    end_page: str | None = None
    doi: str | None = None
    arxiv: str | None = None
    url: str | None = None
    abstract: str | None = None
    publisher: str | None = None
    issn: str | None = None
    isbn: str | None = None
    keywords: str | list[str] | None = None
    entry_type: str | None = None
    key: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


class SourceFormat:
    """One export format. Subclasses set the class attributes and implement read/map_fields."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    default_source: ClassVar[str] = ""
    suffixes: ClassVar[tuple[str, ...]] = ()
    # Higher wins when several formats recognise a file.
    priority: ClassVar[int] = 0

    def sniff(self, text: str, suffix: str) -> bool:
        """Whether the text looks like this format (cheap: looks at the beginning only)."""
        raise NotImplementedError

    def read(self, text: str, file: str) -> Iterator[RawRecord | RawRejection | RawNote]:
        raise NotImplementedError

    def map_fields(self, raw: RawRecord) -> MappedFields:
        raise NotImplementedError

    def estimate_records(self, text: str) -> int | None:
        """About how many records the text holds (for progress bars); None if unknown."""
        return None

    def describe(self, text: str) -> str | None:
        """A note on how this file is read (e.g. an inferred column mapping), or None."""
        return None


# ------------------------------------------------------------------------------------------ CSV

_DELIMITERS = (",", ";", "\t", "|")


_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Lines as editors and the csv module count them (CR LF, CR or LF; nothing else)."""
    return _LINE_BREAK_RE.split(text)


def header_line(text: str) -> str:
    """The first non-blank line (found without splitting the whole text: formats sniff it)."""
    pos = 0
    while pos <= len(text):
        m = _LINE_BREAK_RE.search(text, pos)
        line = text[pos : m.start() if m else len(text)]
        if line.strip():
            return line
        if m is None:
            break
        pos = m.end()
    return ""


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most columns (quotes respected)."""
    head = header_line(text)
    best, best_n = ",", 1
    for d in _DELIMITERS:
        try:
            n = len(next(csv.reader([head], delimiter=d)))
        except (csv.Error, StopIteration):
            continue
        if n > best_n:
            best, best_n = d, n
    return best


def split_header(text: str) -> list[str]:
    head = header_line(text)
    try:
        cols = next(csv.reader([head], delimiter=detect_delimiter(text)))
    except (csv.Error, StopIteration):
        return []
    return [c.strip().strip('"').strip() for c in cols]


_SHOWN = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}


def _delimiter_hint(line: str, delimiter: str, n_header: int) -> str:
    """'this row uses ';' between fields' when another delimiter splits the line well."""
    for d in _DELIMITERS:
        if d == delimiter or d not in line:
            continue
        try:
            n = len(next(csv.reader([line], delimiter=d)))
        except (csv.Error, StopIteration):
            continue
        if n >= 3 and n > len(line.split(delimiter)):
            return (
                f"this row seems to use {_SHOWN[d]} between fields, the header "
                f"{_SHOWN[delimiter]} ({n_header} columns)"
            )
    return ""


# Columns read for hints (alternative venue names, full-text links, arXiv ids) but still kept.
_KEPT_IN_EXTRA = frozenset({"venue_short", "venue_alt", "fulltext_url", "arxiv", "key"})


def _norm_col(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\ufeff", "")).strip().strip('"').strip().casefold()


class CsvFormat(SourceFormat):
    """A CSV (or tab-separated) export identified by its header.

    ``columns`` maps canonical field names to the export's column name (or names, first
    non-empty wins); every other non-empty column is kept in ``extra``.
    """

    suffixes: ClassVar[tuple[str, ...]] = (".csv", ".tsv", ".txt", ".tab")
    signature: ClassVar[frozenset[str]] = frozenset()
    any_of: ClassVar[frozenset[str]] = frozenset()
    columns: ClassVar[Mapping[str, str | tuple[str, ...]]] = {}
    author_style: ClassVar[str] = "given_family"
    default_entry_type: ClassVar[str] = "misc"
    id_column: ClassVar[str | None] = None

    def sniff(self, text: str, suffix: str) -> bool:
        cols = {_norm_col(c) for c in split_header(text)}
        if not self.signature <= cols:
            return False
        return not self.any_of or bool(self.any_of & cols)

    def read(self, text: str, file: str) -> Iterator[RawRecord | RawRejection | RawNote]:
        delimiter = detect_delimiter(text)
        lines = split_lines(text)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        header: list[str] | None = None
        row_no = 0
        last_line = 0
        while True:
            start = last_line + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                last_line = reader.line_num
                if header is None:
                    raise InputFormatError(
                        f"{file}:{start}: cannot read the CSV header ({err}); check the quoting "
                        "of the first line"
                    ) from err
                row_no += 1
                reason = _malformed_reason(str(err), start, lines, delimiter, len(header))
                yield RawRejection(line=start, row=row_no, reason=reason)
                continue
            last_line = reader.line_num
            # skip blank lines (csv yields [] for them)
            if not cells or all(not c.strip() for c in cells):
                continue
            if header is None:
                header = [c.replace("\ufeff", "").strip() for c in cells]
                self._check_header(header, file, start, delimiter)
                continue
            row_no += 1
            fitted = _fit_cells(cells, header)
            if fitted is None:
                reason = _width_reason(len(cells), start, lines, delimiter, len(header))
                yield RawRejection(line=start, row=row_no, reason=reason)
                continue
            fields = {h: v for h, v in zip(header, fitted, strict=True) if h}
            yield RawRecord(fields=fields, line=start, row=row_no)
        if header is None:
            raise InputFormatError(f"{file}: no header row; the file is empty or not a CSV export")

    def _check_header(self, header: list[str], file: str, line: int, delimiter: str) -> None:
        cols = {_norm_col(c) for c in header}
        missing = sorted(self.signature - cols)
        if missing:
            shown = ", ".join(repr(c) for c in header[:6])
            raise InputFormatError(
                f"{file}:{line}: header does not look like a {self.description} (missing "
                f"{', '.join(repr(m) for m in missing)}; found {len(header)} column(s): {shown}"
                f"{' ...' if len(header) > 6 else ''}). If the columns run together the delimiter "
                f"is not one of , ; tab |; otherwise pick the right --format"
            )
        dup = sorted({c for c in header if c and header.count(c) > 1})
        if dup:
            raise InputFormatError(
                f"{file}:{line}: duplicate column name(s) {', '.join(map(repr, dup))} in the "
                "header; rename them so each column has one meaning"
            )

    # -- mapping ---------------------------------------------------------------------------

    def column(
        self, fields: Mapping[str, str], canonical: str, used: set[str] | None = None
    ) -> str | None:
        """Value of the first non-empty column listed for ``canonical``; its name joins
        ``used`` unless the field is a hint that stays in ``extra`` as well."""
        spec = self.columns.get(canonical)
        if spec is None:
            return None
        names = (spec,) if isinstance(spec, str) else spec
        lookup = {_norm_col(k): k for k in fields}
        for n in names:
            col = lookup.get(_norm_col(n))
            if col is not None:
                v = fields.get(col)
                if v is not None and v.strip():
                    if used is not None and canonical not in _KEPT_IN_EXTRA:
                        used.add(col)
                    return v
        return None

    def map_fields(self, raw: RawRecord) -> MappedFields:
        f = raw.fields
        used: set[str] = set()

        def col(name: str) -> str | None:
            return self.column(f, name, used)

        mapped = MappedFields(
            title=col("title"),
            authors=col("authors"),
            author_style=self.author_style,
            year=col("year"),
            venue=col("venue"),
            volume=col("volume"),
            number=col("number"),
            pages=col("pages"),
            start_page=col("start_page"),
            end_page=col("end_page"),
            doi=col("doi"),
            url=col("url"),
            abstract=col("abstract"),
            publisher=col("publisher"),
            issn=col("issn"),
            isbn=col("isbn"),
            keywords=col("keywords"),
            entry_type=col("entry_type"),
            key=col("key"),
        )
        for alt in ("venue_short", "venue_alt"):
            v = col(alt)
            if v:
                mapped.venue_alternatives.append(v)
        # arXiv ids hide in URLs, DOIs and venue strings ('arXiv preprint arXiv:2410.09812')
        mapped.arxiv = (
            " ".join(
                v
                for v in (col("arxiv"), mapped.url, mapped.doi, mapped.venue, col("fulltext_url"))
                if v
            )
            or None
        )
        mapped.extra = {k: v for k, v in f.items() if k not in used and v is not None and v.strip()}
        self.adjust(mapped, raw)
        return mapped

    def adjust(self, mapped: MappedFields, raw: RawRecord) -> None:
        """Hook for format quirks (entry types from document types, ...)."""
        if mapped.entry_type is None:
            mapped.entry_type = self.default_entry_type


def _fit_cells(cells: list[str], header: list[str]) -> list[str] | None:
    """A row's cells as wide as the header, or None when they cannot be made so. A trailing
    empty column is common (Scopus, WoS end rows with a delimiter)."""
    if len(cells) == len(header):
        return cells
    if len(cells) == len(header) + 1 and not cells[-1].strip():
        return cells[:-1]
    if len(cells) + 1 == len(header) and not header[-1]:
        return [*cells, ""]
    return None


def _with_hint(reason: str, start: int, lines: list[str], delimiter: str, width: int) -> str:
    hint = _delimiter_hint(lines[start - 1] if start <= len(lines) else "", delimiter, width)
    return f"{reason}; {hint}" if hint else reason


def _malformed_reason(msg: str, start: int, lines: list[str], delimiter: str, width: int) -> str:
    """Why a record the csv module cannot parse is rejected."""
    if "unexpected end of data" in msg:
        return (
            f"the file ends inside a quoted field opened in the record at line {start}"
            ": the file looks truncated; export it again"
        )
    reason = f"malformed CSV ({msg}); check the quotes in this record"
    return _with_hint(reason, start, lines, delimiter, width)


def _width_reason(n: int, start: int, lines: list[str], delimiter: str, width: int) -> str:
    """Why a record with the wrong number of fields is rejected."""
    reason = (
        f"{n} fields but the header has {width} (delimiter {_SHOWN[delimiter]}); a field with "
        "an unquoted delimiter, or a different delimiter in this row"
    )
    return _with_hint(reason, start, lines, delimiter, width)
