"""Ingest search exports: read, map and normalise every record, and account for each one.

``ingest(paths)`` returns an :class:`IngestResult` whose books balance per file: records read =
records accepted + records rejected (each rejection with file, line and reason). File-level
problems (binary junk, unknown format, unreadable header) are collected over all files and raised
once as a :class:`slr.errors.ValidationError`, so nothing is half-ingested.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO

from slr.errors import SlrError, ValidationReport, display_path
from slr.search.normalise import (
    clean_text,
    doi_from_url,
    normalise_doi,
    normalise_entry_type,
    normalise_keywords,
    normalise_pages,
    normalise_title,
    normalise_url,
    normalise_year,
    parse_arxiv_id,
    parse_authors,
)
from slr.search.progress import ProgressCallback, report
from slr.search.records import FileStats, IngestResult, Provenance, Record, Rejection
from slr.search.sources import (
    MappedFields,
    RawNote,
    RawRecord,
    RawRejection,
    detect_format,
    get_format,
)
from slr.search.sources.base import SourceFormat
from slr.search.venues import VenueTable

_PROGRESS_EVERY = 200  # records between two progress reports


def parse_column_map(text: str) -> dict[str, str]:
    """``'title=Title,abstract=Abstract'`` (the ``--map`` option) as {canonical field: column}."""
    from slr.search.sources.generic_csv import parse_column_map as parse

    return parse(text)


class RecordRejected(SlrError):
    """One record cannot be accepted (the reason goes into the ingest accounting)."""


def id_prefix_for(path: str | Path) -> str:
    """Default record-id prefix of a file: its name without suffix, as a slug."""
    stem = Path(path).stem
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return slug or "records"


def build_record(
    mapped: MappedFields,
    *,
    record_id: str,
    provenance: Provenance,
    venues: VenueTable | None = None,
) -> Record:
    """Normalise mapped fields into a :class:`Record`; raise RecordRejected if unusable.

    ``venues`` names the venues (default: the bundled table; a review passes its own, see
    :func:`slr.search.venues.review_venues`)."""
    title, title_truncated = _checked_title(mapped)
    extra = {k: v for k, v in ((k, clean_text(v)) for k, v in mapped.extra.items()) if v}
    authors, authors_truncated = parse_authors(mapped.authors, mapped.author_style)
    year = normalise_year(mapped.year)
    if mapped.year and year is None:
        extra["year_as_exported"] = str(mapped.year)
    doi, arxiv_id = _identifiers(mapped, extra)
    venue, entry_type = _venue_and_type(mapped, extra, venues or VenueTable.bundled())
    abstract = clean_text(mapped.abstract)
    if abstract and (abstract.startswith(("…", "...")) or abstract.endswith(("…", "..."))):
        extra["abstract_truncated"] = "true"
    if mapped.key and str(mapped.key) not in extra.values():
        extra["source_id"] = str(mapped.key)
    return Record(
        record_id=record_id,
        title=title,
        title_truncated=title_truncated,
        entry_type=entry_type,
        authors=authors,
        authors_truncated=authors_truncated,
        year=year,
        venue=venue,
        volume=clean_text(mapped.volume),
        number=clean_text(mapped.number),
        pages=normalise_pages(mapped.pages, mapped.start_page, mapped.end_page),
        doi=doi,
        arxiv_id=arxiv_id,
        url=normalise_url(mapped.url),
        abstract=abstract,
        publisher=clean_text(mapped.publisher),
        issn=clean_text(mapped.issn),
        isbn=clean_text(mapped.isbn),
        keywords=(
            [k for k in (clean_text(x) for x in mapped.keywords) if k]
            if isinstance(mapped.keywords, list)
            else normalise_keywords(mapped.keywords)
        ),
        extra=extra,
        provenance=provenance,
    )


def _checked_title(mapped: MappedFields) -> tuple[str, bool]:
    title, truncated = normalise_title(mapped.title)
    if title is None:
        raise RecordRejected(
            "empty title; every record needs a title to be deduplicated and "
            "screened (fix the export or drop the record)"
        )
    if len(re.sub(r"[\W_]+", "", title)) < 2:
        raise RecordRejected(f"title {title!r} has no words; fix the export or drop the record")
    return title, truncated


def _identifiers(mapped: MappedFields, extra: dict[str, str]) -> tuple[str | None, str | None]:
    """DOI (from the field, else the URL) and arXiv id; what could not be read goes to ``extra``."""
    doi = normalise_doi(mapped.doi)
    if clean_text(mapped.doi) and doi is None:
        extra["doi_as_exported"] = str(clean_text(mapped.doi))
    if doi is None and (doi := doi_from_url(mapped.url)) is not None:
        extra["doi_from"] = "url"
    arxiv = parse_arxiv_id(mapped.arxiv) if mapped.arxiv else None
    if arxiv is None:
        return doi, None
    if arxiv[1] is not None:
        extra["arxiv_version"] = str(arxiv[1])
    return doi, arxiv[0]


def _venue_and_type(
    mapped: MappedFields, extra: dict[str, str], venues: VenueTable
) -> tuple[str | None, str]:
    """The venue (else the first usable alternative) and the entry type (from the venue's kind
    when the export gives none)."""
    venue, venue_truncated = venues.normalise(mapped.venue)
    if venue_truncated:
        extra["venue_truncated"] = "true"
    for alt in mapped.venue_alternatives:
        alt_venue, _ = venues.normalise(alt)
        if alt_venue and venue is None:
            venue = alt_venue
    entry_type = normalise_entry_type(mapped.entry_type, default="misc")
    if entry_type == "misc" and venue:
        kind = venues.kind(venue)
        entry_type = {"journal": "article", "conference": "inproceedings"}.get(kind or "", "misc")
    return venue, entry_type


def ingest_text(
    text: str,
    *,
    file: str,
    fmt: SourceFormat,
    source: str | None = None,
    id_prefix: str | None = None,
    via: str | None = None,
    encoding: str = "utf-8",
    progress: ProgressCallback | None = None,
    venues: VenueTable | None = None,
) -> IngestResult:
    """Ingest already-decoded text of one export with a known format.

    ``progress`` is told the records read so far against the format's estimate for the file
    (task ``"ingest <file>"``), every few hundred records.
    """
    result = IngestResult()
    stats = FileStats(
        file=file,
        format=fmt.name,
        encoding=encoding,
        source=source or fmt.default_source,
        note=fmt.describe(text),
    )
    prefix = id_prefix or id_prefix_for(file)
    keys_seen: dict[str, int] = {}
    task = f"ingest {Path(file).name}"
    expected = (fmt.estimate_records(text) or 0) if progress is not None else 0
    report(progress, task, 0, expected)
    for item in fmt.read(text, file):
        if isinstance(item, RawNote):
            result.warnings.add(file, item.message, line=item.line)
            continue
        stats.read += 1
        if progress is not None and stats.read % _PROGRESS_EVERY == 0:
            report(progress, task, stats.read, max(expected, stats.read))
        if isinstance(item, RawRejection):
            stats.rejected += 1
            result.rejections.append(Rejection(file, item.line, item.row, item.reason))
            continue
        try:
            record, key = _accept(item, fmt, stats, prefix, via, venues)
        except RecordRejected as err:
            stats.rejected += 1
            result.rejections.append(Rejection(file, item.line, item.row, str(err)))
            continue
        except Exception as err:  # a mapping bug must not lose the record silently
            stats.rejected += 1
            result.rejections.append(
                Rejection(
                    file,
                    item.line,
                    item.row,
                    f"could not map this record ({type(err).__name__}: {err}); please "
                    "report it with the record attached",
                )
            )
            continue
        for warning in item.warnings:
            result.warnings.add(file, warning, line=item.line)
        if key:
            if key in keys_seen:
                result.warnings.add(
                    file,
                    f"id '{key}' already used by the record at line {keys_seen[key]}; both kept "
                    "(deduplication will compare them)",
                    line=item.line,
                )
            else:
                keys_seen[key] = item.line
        stats.accepted += 1
        result.records.append(record)
    report(progress, task, stats.read, stats.read)
    result.files.append(stats)
    result.check_accounting()
    return result


def _accept(
    item: RawRecord,
    fmt: SourceFormat,
    stats: FileStats,
    prefix: str,
    via: str | None,
    venues: VenueTable | None,
) -> tuple[Record, str | None]:
    mapped = fmt.map_fields(item)
    provenance = Provenance(
        file=stats.file, line=item.line, row=item.row, source=stats.source, format=fmt.name, via=via
    )
    record = build_record(
        mapped, record_id=f"{prefix}:{item.row}", provenance=provenance, venues=venues
    )
    return record, (str(mapped.key).strip() or None) if mapped.key else None


def ingest_file(
    path: str | Path,
    *,
    format: str | None = None,
    source: str | None = None,
    id_prefix: str | None = None,
    via: str | None = None,
    column_map: Mapping[str, str] | None = None,
    progress: ProgressCallback | None = None,
    venues: VenueTable | None = None,
) -> IngestResult:
    """Ingest one export; raises InputFormatError if the file as a whole is unusable.

    ``column_map`` (canonical field -> column name, e.g. ``{"title": "Title"}``) reads a CSV
    with those columns (the ``csv`` format), whatever its header.
    """
    from slr.search.encoding import read_text
    from slr.search.sources.generic_csv import GenericCsv

    path = Path(path)
    shown = display_path(path)
    decoded = read_text(path)
    text = decoded.text
    if column_map:
        fmt: SourceFormat = GenericCsv(column_map)
    elif format and format != "auto":
        fmt = get_format(format)
    else:
        fmt = detect_format(text, path)
    result = ingest_text(
        text,
        file=shown,
        fmt=fmt,
        source=source,
        id_prefix=id_prefix or id_prefix_for(path),
        via=via,
        encoding=decoded.encoding,
        progress=progress,
        venues=venues,
    )
    for line, message in decoded.warnings:
        result.warnings.add(shown, message, line=line)
    return result


def write_rejections(fh: IO[str], rejections: Iterable[Rejection]) -> int:
    """The rejected records as CSV (file, line, row, reason); return how many."""
    import csv

    w = csv.writer(fh)
    w.writerow(["file", "line", "row", "reason"])
    n = 0
    for r in rejections:
        w.writerow([r.file, r.line, r.row, r.reason])
        n += 1
    return n


def _add_file_problem(problems: ValidationReport, path: Path, message: str) -> None:
    """Turn 'file:LINE: message' into a Problem with file and line set."""
    shown = display_path(path)
    m = re.match(rf"^{re.escape(shown)}(?::(\d+))?: (.*)$", message, re.DOTALL)
    if m:
        problems.add(path, m.group(2), line=int(m.group(1)) if m.group(1) else None)
    else:
        problems.add(path, message)


def ingest(
    paths: Iterable[str | Path],
    *,
    format: str | None = None,
    source: str | None = None,
    id_prefixes: Sequence[str] | None = None,
    via: str | None = None,
    column_map: Mapping[str, str] | None = None,
    progress: ProgressCallback | None = None,
    venues: VenueTable | None = None,
) -> IngestResult:
    """Ingest several exports; file-level problems of all files are raised together at the end.

    ``progress`` gets one task per file, counting its records (see :func:`ingest_text`);
    ``venues`` names the venues (default: the bundled table).
    """
    path_list = [Path(p) for p in paths]
    if id_prefixes is not None and len(id_prefixes) != len(path_list):
        raise SlrError(
            f"{len(id_prefixes)} id prefixes for {len(path_list)} files; give one per file"
        )
    problems = ValidationReport()
    result = IngestResult()
    prefixes: dict[str, str] = {}
    for i, path in enumerate(path_list):
        prefix = id_prefixes[i] if id_prefixes else id_prefix_for(path)
        if prefix in prefixes:
            problems.add(
                path,
                f"record-id prefix '{prefix}' is also used by {prefixes[prefix]}",
                fix="rename one file or pass distinct --id-prefix values",
            )
            continue
        prefixes[prefix] = display_path(path)
        try:
            result.extend(
                ingest_file(
                    path,
                    format=format,
                    source=source,
                    id_prefix=prefix,
                    via=via,
                    column_map=column_map,
                    progress=progress,
                    venues=venues,
                )
            )
        except SlrError as err:
            _add_file_problem(problems, path, str(err))
    problems.raise_if_any("search exports")
    return result
