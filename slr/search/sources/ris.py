"""RIS files (Scopus, Web of Science, IEEE, ACM, PubMed, EndNote, Zotero, Ovid), via rispy.

The file is split into records at ``TY  -`` / ``ER  -`` lines first, so that each record is parsed
on its own: one broken record is rejected with its line, the others are kept. Tags written with one
space (``TY - JOUR``, as some databases do) are accepted.

What lies outside the records is accounted for, never counted as a record read: untagged text
between records (Ovid numbers its records and adds links) is one note with its lines; a tag right
after an ``ER`` line (Ovid writes ``NL`` there) stays with that record, with a warning; tagged lines
with a title but no ``TY`` are a record that lost its start tag, rejected with their line. A record
whose ``ER`` is missing before the next ``TY`` is kept with a warning; only a file that ends inside
a record is rejected as truncated. A record with a short title (``ST``) only is read with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from slr.search.sources import register
from slr.search.sources.base import (
    MappedFields,
    RawNote,
    RawRecord,
    RawRejection,
    SourceFormat,
    split_lines,
)

_TAG_RE = re.compile(r"^([A-Z][A-Z0-9])\s{1,2}-(?: (.*)|\s*)$")
# Tags that hold a record's title: one after an ER starts a record whose TY line is missing.
_TITLE_TAGS = frozenset({"TI", "T1", "CT", "BT", "ST"})
_TY_RE = re.compile(r"^\s*TY\s{1,2}-", re.MULTILINE)

_BOOK_TYPES = frozenset({"BOOK", "EBOOK", "EDBOOK"})
_USED = {
    "type_of_reference",
    "title",
    "primary_title",
    "authors",
    "first_authors",
    "year",
    "publication_year",
    "date",
    "secondary_title",
    "journal_name",
    "alternate_title3",
    "alternate_title1",
    "alternate_title2",
    "volume",
    "number",
    "start_page",
    "end_page",
    "doi",
    "urls",
    "abstract",
    "notes_abstract",
    "publisher",
    "issn",
    "keywords",
    "id",
}


@dataclass
class _Closed:
    """A record ended by its ER line, kept until the next TY: tags can follow the ER."""

    chunk: list[str]
    start: int
    warnings: list[str] = field(default_factory=list)
    after: list[tuple[int, str]] = field(default_factory=list)


def _shown(numbers: Iterable[int], limit: int = 5) -> str:
    items = list(numbers)
    return ", ".join(map(str, items[:limit])) + (" ..." if len(items) > limit else "")


def _extend(chunk: list[str], tag: str | None, value: str, line: str) -> None:
    """A line inside an open record: a tag, or the continuation of a long value (abstracts wrap
    in some exports)."""
    if tag is not None:
        chunk.append(f"{tag}  - {value}")
    elif len(chunk) > 1 and line.strip():
        chunk[-1] = f"{chunk[-1]} {line.strip()}"


@dataclass
class _Outside:
    """The lines outside any open record: tagged lines before the first TY, untagged text."""

    orphans: list[tuple[int, str]] = field(default_factory=list)
    stray: list[int] = field(default_factory=list)

    def add(
        self, tag: str | None, value: str, line: str, lineno: int, closed: _Closed | None
    ) -> None:
        if tag is not None and tag != "ER":
            if closed is not None:  # a tag after ER stays with that record
                closed.after.append((lineno, f"{tag}  - {value}"))
            else:
                self.orphans.append((lineno, line))
        elif line.strip():
            self.stray.append(lineno)

    def leftovers(self, chunk: list[str], start: int, row: int) -> Iterator[RawRejection | RawNote]:
        """A record the file ends inside, the orphaned tags, the stray text (in that order)."""
        if chunk:
            row += 1
            yield RawRejection(
                line=start,
                row=row,
                reason="the file ends inside this record (no 'ER  -' end tag): the file looks "
                "truncated; export it again",
            )
        if self.orphans:
            row += 1
            yield RawRejection(
                line=self.orphans[0][0],
                row=row,
                reason=f"{len(self.orphans)} tagged line(s) before the first 'TY  -' start tag "
                f"(lines {_shown(n for n, _ in self.orphans)}): a record without its start tag?",
            )
        if self.stray:
            yield RawNote(
                line=self.stray[0],
                message=f"{len(self.stray)} line(s) outside any record ignored (lines "
                f"{_shown(self.stray)}): text between records that no tag starts, not a record",
            )


@register
class Ris(SourceFormat):
    name = "ris"
    description = "RIS file"
    default_source = "ris"
    suffixes = (".ris", ".txt", ".nbib")
    priority = 40

    def sniff(self, text: str, suffix: str) -> bool:
        return bool(_TY_RE.search(text[:20000]))

    def estimate_records(self, text: str) -> int | None:
        return len(_TY_RE.findall(text))

    def read(self, text: str, file: str) -> Iterator[RawRecord | RawRejection | RawNote]:
        import rispy

        row = 0
        chunk: list[str] = []  # the open record (after TY, before ER)
        start = 0
        closed: _Closed | None = None  # the last record ended by ER, kept for tags after it
        outside = _Outside()  # what lies outside the records
        lines = split_lines(text.lstrip("\ufeff"))
        for lineno, line in enumerate(lines, start=1):
            m = _TAG_RE.match(line.rstrip())
            tag = m.group(1) if m else None
            value = ((m.group(2) or "").strip()) if m else ""
            if tag == "TY":
                if chunk:  # no ER before this TY: the record is kept, with a warning
                    closed = _Closed(chunk, start)
                    closed.warnings.append(
                        f"no 'ER  -' end tag before the next record at line {lineno}; the "
                        "record is kept: check that it is complete"
                    )
                row, items = self._close(closed, rispy, row)
                yield from items
                closed = None
                chunk, start = [f"TY  - {value}"], lineno
            elif not chunk:
                outside.add(tag, value, line, lineno, closed)
            elif tag == "ER":
                closed = _Closed(chunk, start)
                chunk = []
            else:
                _extend(chunk, tag, value, line)
        row, items = self._close(closed, rispy, row)
        yield from items
        yield from outside.leftovers(chunk, start, row)

    def _close(
        self, closed: _Closed | None, rispy: object, row: int
    ) -> tuple[int, list[RawRecord | RawRejection]]:
        """The record ended by ER, with the tagged lines that followed its ER."""
        if closed is None:
            return row, []
        items: list[RawRecord | RawRejection] = []
        after = closed.after
        if after and any(t.split(" ", 1)[0] in _TITLE_TAGS for _, t in after):
            # a title after ER starts a new record whose TY line is missing
            row += 1
            items.append(self._parse(rispy, closed.chunk, closed.start, row, closed.warnings))
            row += 1
            items.append(
                RawRejection(
                    line=after[0][0],
                    row=row,
                    reason=f"{len(after)} tagged line(s) after the 'ER  -' end tag of the record "
                    f"at line {closed.start}, with a title: a record without its 'TY  -' start "
                    "tag?",
                )
            )
            return row, items
        for lineno, tagged in after:
            closed.warnings.append(
                f"tag {tagged[:2]} at line {lineno} follows the record's 'ER  -' end tag; kept "
                "with this record"
            )
        row += 1
        items.append(
            self._parse(
                rispy, closed.chunk + [t for _, t in after], closed.start, row, closed.warnings
            )
        )
        return row, items

    @staticmethod
    def _parse(
        rispy: object, chunk: list[str], start: int, row: int, warnings: list[str]
    ) -> RawRecord | RawRejection:
        try:
            entries = rispy.loads("\n".join([*chunk, "ER  - "]) + "\n")  # type: ignore[attr-defined]
        except Exception as err:  # rispy raises plain exceptions on odd input
            return RawRejection(line=start, row=row, reason=f"RIS parse error: {err}")
        if len(entries) != 1:
            return RawRejection(line=start, row=row, reason="RIS record could not be parsed")
        entry = entries[0]
        fields: dict[str, str] = {}
        for key, value in entry.items():
            if key == "unknown_tag" and isinstance(value, dict):
                for tag, vals in value.items():
                    fields[tag] = "; ".join(str(v) for v in vals)
            elif isinstance(value, list):
                fields[key] = "\x1f".join(str(v) for v in value)
            else:
                fields[key] = str(value)
        return RawRecord(fields=fields, line=start, row=row, warnings=tuple(warnings))

    def map_fields(self, raw: RawRecord) -> MappedFields:
        f = raw.fields

        def lst(key: str) -> list[str]:
            v = f.get(key)
            return [x for x in v.split("\x1f") if x.strip()] if v else []

        authors = lst("authors") or lst("first_authors")
        urls = lst("urls")
        venue = (
            f.get("secondary_title")
            or f.get("journal_name")
            or f.get("alternate_title3")
            or f.get("alternate_title1")
            or f.get("alternate_title2")
        )
        extra = {k: v.replace("\x1f", "; ") for k, v in f.items() if k not in _USED and v.strip()}
        for alt in ("alternate_title1", "alternate_title2", "alternate_title3"):
            if f.get(alt) and f.get(alt) != venue:
                extra[alt] = f[alt]
        if len(urls) > 1:
            extra["urls"] = "; ".join(urls)
        title = f.get("title") or f.get("primary_title") or f.get("CT")
        if not title and f.get("type_of_reference") in _BOOK_TYPES:
            title = f.get("BT") or f.get("secondary_title")
        for tag, key in (("ST", "short_title"), ("TT", "translated_title")):
            if not title and f.get(key):
                title = f[key]
                extra["title_from"] = f"{tag} ({key.replace('_', ' ')})"
        return MappedFields(
            title=title,
            authors=authors,
            author_style="family_given",
            year=f.get("year") or f.get("publication_year") or f.get("date"),
            venue=venue,
            volume=f.get("volume"),
            number=f.get("number"),
            start_page=f.get("start_page"),
            end_page=f.get("end_page"),
            doi=f.get("doi"),
            arxiv=" ".join(v for v in (*urls, f.get("doi"), venue) if v) or None,
            url=urls[0] if urls else None,
            abstract=f.get("abstract") or f.get("notes_abstract"),
            publisher=f.get("publisher"),
            issn=f.get("issn"),
            keywords=lst("keywords"),
            entry_type=f.get("type_of_reference"),
            key=f.get("id"),
            extra=extra,
        )
