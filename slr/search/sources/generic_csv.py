"""Any CSV (or tab-separated) file with a title column: the mapping declared or inferred.

``slr ingest refs.csv --map title=Title,abstract=Abstract,authors=Author Names`` declares which
column holds which field; without ``--map`` the mapping is inferred from the header by the usual
names of each field (``title``, ``primary_title``, ``Document Title``, ``TI``...; ``abstract``,
``AB``, ``Abstract Note``...), and printed by ``slr ingest`` so it can be checked. Columns the
mapping does not use are kept in ``extra``. This is the fallback: every database layout the
registry knows wins over it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import ClassVar

from slr.errors import InputFormatError, UsageError
from slr.search.sources import register
from slr.search.sources.base import (
    CsvFormat,
    MappedFields,
    RawRecord,
    _norm_col,
    split_header,
)
from slr.search.sources.names import python_list

# canonical field -> usual column names, most specific first (compared case- and space-blind)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": (
        "title",
        "primary_title",
        "document title",
        "article title",
        "item title",
        "paper title",
        "ti",
        "t1",
        "titel",
    ),
    "abstract": ("abstract", "notes_abstract", "abstract note", "ab", "summary", "description"),
    "authors": (
        "authors",
        "author",
        "author names",
        "author full names",
        "author(s)",
        "first_authors",
        "au",
        "af",
        "creators",
    ),
    "year": ("year", "publication year", "publication_year", "py", "pubyear", "date", "pub date"),
    "venue": (
        "journal",
        "source title",
        "journal/book",
        "publication title",
        "journal_name",
        "secondary_title",
        "booktitle",
        "venue",
        "source",
        "publication",
        "so",
        "alternate_title3",
    ),
    "doi": ("doi", "item doi", "di", "do"),
    "url": ("url", "urls", "link", "articleurl", "ur"),
    "keywords": ("keywords", "author keywords", "keyword", "kw", "de", "tags"),
    "volume": ("volume", "journal volume", "vl", "vol"),
    "number": ("issue", "number", "journal issue", "is", "no"),
    "pages": ("pages", "page", "pagination", "pg"),
    "start_page": ("start page", "start_page", "sp", "bp"),
    "end_page": ("end page", "end_page", "ep"),
    "publisher": ("publisher", "pb", "pu"),
    "issn": ("issn", "sn"),
    "isbn": ("isbn", "isbns", "bn"),
    "entry_type": (
        "type",
        "entry type",
        "entrytype",
        "type_of_reference",
        "document type",
        "item type",
        "content type",
        "pt",
    ),
    "key": ("id", "record_id", "key", "pmid", "accession number", "ut"),
}
FIELDS = tuple(SYNONYMS)


def parse_column_map(text: str) -> dict[str, str]:
    """``'title=Title,abstract=Abstract'`` -> ``{'title': 'Title', 'abstract': 'Abstract'}``."""
    mapping: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        field, column = field.strip().lower(), column.strip()
        if not sep or not field or not column:
            raise UsageError(
                f"--map {text!r}: '{part.strip()}' is not FIELD=COLUMN; write e.g. "
                "--map 'title=Title,abstract=Abstract'"
            )
        if field not in SYNONYMS:
            raise UsageError(f"--map: unknown field '{field}'; fields: {', '.join(FIELDS)}")
        mapping[field] = column
    if "title" not in mapping:
        raise UsageError(
            "--map must say which column holds the title, e.g. --map 'title=Title,...'"
        )
    return mapping


@lru_cache(maxsize=256)
def infer_mapping(header: tuple[str, ...]) -> dict[str, str]:
    """Each canonical field -> the first header column with one of its usual names."""
    by_norm: dict[str, str] = {}
    for col in header:
        by_norm.setdefault(_norm_col(col), col)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for field, names in SYNONYMS.items():
        for n in names:
            found = by_norm.get(n)
            if found is not None and found not in taken:
                mapping[field] = found
                taken.add(found)
                break
    return mapping


@register
class GenericCsv(CsvFormat):
    name = "csv"
    description = "CSV with a title column (mapping inferred, or given with --map)"
    default_source = "csv"
    priority = 0  # the fallback: every known layout wins
    columns: ClassVar[Mapping[str, str | tuple[str, ...]]] = {}

    def __init__(self, mapping: Mapping[str, str] | None = None):
        self.mapping = dict(mapping) if mapping else None

    def sniff(self, text: str, suffix: str) -> bool:
        return "title" in infer_mapping(tuple(split_header(text)))

    def _mapping(self, header: list[str]) -> dict[str, str]:
        return self.mapping if self.mapping is not None else infer_mapping(tuple(header))

    def describe(self, text: str) -> str | None:
        header = split_header(text)
        mapping = self._mapping(header)
        shown = ", ".join(f"{k}={v}" for k, v in mapping.items())
        how = "as given with --map" if self.mapping is not None else "inferred from the header"
        unused = [c for c in header if c and c not in mapping.values()]
        tail = f"; kept as extra: {', '.join(unused)}" if unused else ""
        fix = "" if self.mapping is not None else " (declare it with --map FIELD=COLUMN,...)"
        return f"columns read {how}: {shown}{tail}{fix}"

    def _check_header(self, header: list[str], file: str, line: int, delimiter: str) -> None:
        super()._check_header(header, file, line, delimiter)
        mapping = self._mapping(header)
        missing = [f"{k}={v}" for k, v in mapping.items() if v not in header]
        if missing:
            raise InputFormatError(
                f"{file}:{line}: --map names column(s) the header does not have: "
                f"{', '.join(missing)}; the header has: {', '.join(header)}"
            )
        if "title" not in mapping:
            raise InputFormatError(
                f"{file}:{line}: no title column in the header ({', '.join(header[:8])}"
                f"{' ...' if len(header) > 8 else ''}); say which column holds the title with "
                "--map title=COLUMN"
            )

    def map_fields(self, raw: RawRecord) -> MappedFields:
        mapping = self._mapping(list(raw.fields))
        f = raw.fields

        def col(name: str) -> str | None:
            column = mapping.get(name)
            value = f.get(column) if column else None
            return value if value is not None and value.strip() else None

        authors: str | list[str] | None = col("authors")
        style = "family_given"
        if isinstance(authors, str) and " and " in authors and ";" not in authors:
            style = "bibtex"
        authors = python_list(col("authors")) or authors
        mapped = MappedFields(
            title=col("title"),
            authors=authors,
            author_style=style,
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
            keywords=python_list(col("keywords")) or col("keywords"),
            entry_type=col("entry_type") or "misc",
            key=col("key"),
        )
        mapped.arxiv = " ".join(v for v in (mapped.url, mapped.doi, mapped.venue) if v) or None
        used = set(mapping.values())
        mapped.extra = {k: v for k, v in f.items() if k not in used and v and v.strip()}
        return mapped
