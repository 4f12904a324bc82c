"""Readers of the review's published artifacts (``shared/data/slr-peft``), with line numbers.

They read the files as published (CRLF records with LF inside quoted fields, stray spaces, tabs)
without changing any value: every cell is returned verbatim with the line its record starts on.
Cleaning happens in :mod:`slr.corpus.importer`, where each step is recorded.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from slr.errors import InputFormatError, ValidationReport, display_path

FINAL_SELECTION = "final_paper_selection.md"
V3_CODING = "detail_study_v3.csv"
EARLY_CODING = "peft_se_benchmark_metadata.csv"
EARLY_DRAFT = "paper_list_early_draft.md"


@dataclass(frozen=True)
class SourceRow:
    """One record of a source file: its cells verbatim and where it starts."""

    file: str
    line: int
    cells: dict[str, str]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def read_csv(path: Path, report: ValidationReport) -> list[SourceRow]:
    """All records of a CSV export; a record with the wrong number of cells is reported."""
    name = path.name
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise InputFormatError(f"{display_path(path)}: file not found") from err
    rows: list[SourceRow] = []
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except UnicodeDecodeError as err:
            raise InputFormatError(
                f"{display_path(path)}:1: not UTF-8 text ({err.reason}); re-export it as UTF-8"
            ) from err
        except csv.Error as err:
            raise InputFormatError(f"{display_path(path)}:1: malformed CSV header: {err}") from err
        except StopIteration as err:
            raise InputFormatError(
                f"{display_path(path)}: empty file; expected a header row"
            ) from err
        header = [h.strip() for h in header]
        start = reader.line_num + 1
        try:
            for cells in reader:
                line = start
                start = reader.line_num + 1
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    extra = cells[len(header) :]
                    if len(cells) > len(header) and not any(c.strip() for c in extra):
                        cells = cells[: len(header)]  # trailing empty cells (trailing commas)
                    else:
                        report.add(
                            path,
                            f"record has {len(cells)} cells, the header has {len(header)}",
                            line=line,
                            value=",".join(cells)[:80],
                            fix="quote cells that contain commas",
                        )
                        continue
                rows.append(SourceRow(name, line, dict(zip(header, cells, strict=True))))
        except csv.Error as err:
            raise InputFormatError(
                f"{display_path(path)}:{reader.line_num}: malformed CSV: {err}"
            ) from err
    return rows


_MD_LINK = re.compile(r"^\[(?P<title>.+)\]\((?P<url>[^)\s]+)\)$")
_COUNT = re.compile(r"following (\d+) papers", re.IGNORECASE)


@dataclass(frozen=True)
class PaperListing:
    """A markdown paper table: the papers and the count its prose states."""

    rows: list[SourceRow]
    stated_count: int | None
    stated_count_line: int | None


def read_paper_table(path: Path, report: ValidationReport) -> PaperListing:
    """The ``| Paper ID | [Title](link) | Venue |`` table of a markdown file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as err:
        raise InputFormatError(f"{display_path(path)}: file not found") from err
    stated = stated_line = None
    header: list[str] | None = None
    rows: list[SourceRow] = []
    for i, text in enumerate(lines, start=1):
        m = _COUNT.search(text)
        if m and stated is None:
            stated, stated_line = int(m.group(1)), i
        if not text.lstrip().startswith("|"):
            continue
        cells = [c.strip() for c in text.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if all(set(c) <= set(":- ") for c in cells):
            continue  # the alignment row
        if len(cells) != len(header):
            report.add(path, f"table row has {len(cells)} cells, header has {len(header)}", line=i)
            continue
        row = dict(zip(header, cells, strict=True))
        link = _MD_LINK.match(row.get("Paper Title", ""))
        if link is None:
            report.add(
                path,
                "title cell is not a markdown link [title](url)",
                line=i,
                value=row.get("Paper Title"),
            )
            continue
        row["title"] = link.group("title").strip()
        row["url"] = link.group("url").strip()
        rows.append(SourceRow(path.name, i, row))
    if header is None:
        raise InputFormatError(f"{display_path(path)}: no markdown table found")
    return PaperListing(rows, stated, stated_line)
