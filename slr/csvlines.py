"""CSV records with the line each starts on (records may span lines inside quoted cells)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator


def records_with_lines(
    lines: Iterable[str], *, first_line: int = 1
) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, cells)`` for each non-blank record; raises ``csv.Error`` on malformed input.

    ``line`` is the 1-based line the record starts on, counting the line breaks inside quoted
    cells of earlier records, so messages point where an editor shows the record.
    """
    reader = csv.reader(lines)
    start = first_line
    for cells in reader:
        line = start
        start = first_line + reader.line_num
        if any(c.strip() for c in cells):
            yield line, cells
