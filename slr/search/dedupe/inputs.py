"""The records `slr dedupe` works on: every record of its inputs, the unusable ones included.

Ingest rejects a record it cannot use (no title, a row it cannot parse) and accounts for it;
deduplication must still give it a row in the clusters file, so that the clusters file covers
the export. Such a record comes in as a record without a title, flagged
``rejected_by_ingest`` with ingest's reason: it cannot be compared and stays a cluster of its
own, the reason in the clusters file's note column. Its id (BibTeX key, ID column) is read back
from the export, so it is named like the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from slr.errors import SlrError, ValidationReport, display_path
from slr.search.progress import ProgressCallback, report
from slr.search.records import Provenance, Record, Rejection
from slr.search.venues import VenueTable


@dataclass
class DedupeInput:
    records: list[Record] = field(default_factory=list)
    rejected: int = 0  # records ingest rejected, included as records that cannot be compared
    files: int = 0


def read_dedupe_input(
    paths: Sequence[Path],
    progress: ProgressCallback | None = None,
    venues: VenueTable | None = None,
) -> DedupeInput:
    """Records of records files (.jsonl) and of exports, rejected ones as placeholders
    (exports ingested with ``venues``, default the bundled table)."""
    from slr.search.ingest import id_prefix_for, ingest_file
    from slr.search.records import read_records

    out = DedupeInput(files=len(paths))
    problems = ValidationReport()
    prefixes: dict[str, Path] = {}
    for k, path in enumerate(paths):
        report(progress, "read inputs", k, len(paths))
        if path.suffix.lower() == ".jsonl":
            out.records.extend(read_records(path))
            continue
        prefix = id_prefix_for(path)
        if prefix in prefixes:
            problems.add(
                path,
                f"record-id prefix '{prefix}' is also used by {display_path(prefixes[prefix])}",
                fix="rename one of the files, or ingest them with distinct --id-prefix values",
            )
            continue
        prefixes[prefix] = path
        try:
            result = ingest_file(path, id_prefix=prefix, venues=venues)
        except SlrError as err:
            problems.add(path, str(err))
            continue
        out.records.extend(result.records)
        if result.rejections:
            stats = result.files[0]
            keys = _keys_of_rows(path, stats.format, {r.row for r in result.rejections})
            for rej in result.rejections:
                out.records.append(_placeholder(rej, prefix, stats.source, stats.format, keys))
            out.rejected += len(result.rejections)
    report(progress, "read inputs", len(paths), len(paths))
    problems.raise_if_any("inputs of slr dedupe")
    return out


def _placeholder(
    rej: Rejection, prefix: str, source: str, fmt: str, keys: dict[int, str]
) -> Record:
    extra = {"rejected_by_ingest": rej.reason}
    if rej.row in keys:
        extra["source_id"] = keys[rej.row]
    return Record(
        record_id=f"{prefix}:{rej.row}",
        title="",
        extra=extra,
        provenance=Provenance(
            file=rej.file, line=max(rej.line, 1), row=max(rej.row, 1), source=source, format=fmt
        ),
    )


def _keys_of_rows(path: Path, fmt_name: str, rows: set[int]) -> dict[int, str]:
    """The export's ids of the given rows (read again: ingest keeps no id of what it rejects)."""
    from slr.search.encoding import read_text
    from slr.search.sources import RawRecord, get_format

    fmt = get_format(fmt_name)
    keys: dict[int, str] = {}
    try:
        for item in fmt.read(read_text(path).text, display_path(path)):
            if isinstance(item, RawRecord) and item.row in rows:
                key = fmt.map_fields(item).key
                if key and str(key).strip():
                    keys[item.row] = str(key).strip()
    except (SlrError, ValueError):  # the ids stay unknown; the records keep their row names
        return keys
    return keys
