"""RIS files (Scopus, Web of Science, IEEE, ACM, PubMed, EndNote, Zotero), via rispy.

The file is split into records at ``TY  -`` / ``ER  -`` lines first, so that each record is parsed
on its own: one broken record is rejected with its line, the others are kept. Tags written with one
space (``TY - JOUR``, as some databases do) are accepted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slr.search.sources import register
from slr.search.sources.base import (
    MappedFields,
    RawRecord,
    RawRejection,
    SourceFormat,
    split_lines,
)

_TAG_RE = re.compile(r"^([A-Z][A-Z0-9])\s{1,2}-(?: (.*)|\s*)$")
_TY_RE = re.compile(r"^\s*TY\s{1,2}-", re.MULTILINE)

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


@register
class Ris(SourceFormat):
    name = "ris"
    description = "RIS file"
    default_source = "ris"
    suffixes = (".ris", ".txt", ".nbib")
    priority = 40

    def sniff(self, text: str, suffix: str) -> bool:
        return bool(_TY_RE.search(text[:20000]))

    def read(self, text: str, file: str) -> Iterator[RawRecord | RawRejection]:
        import rispy

        row = 0
        chunk: list[str] = []
        start = 0
        stray: list[int] = []
        lines = split_lines(text.lstrip("\ufeff"))
        for lineno, line in enumerate(lines, start=1):
            m = _TAG_RE.match(line.rstrip())
            tag = m.group(1) if m else None
            value = ((m.group(2) or "").strip()) if m else ""
            if tag == "TY":
                if chunk:
                    row += 1
                    yield RawRejection(
                        line=start,
                        row=row,
                        reason=f"record has no 'ER  -' end tag before the next record at line "
                        f"{lineno}; the record may be cut short",
                    )
                chunk, start = [f"TY  - {value}"], lineno
                continue
            if not chunk:
                if line.strip():
                    stray.append(lineno)
                continue
            if tag == "ER":
                chunk.append("ER  - ")
                row += 1
                yield self._parse(rispy, chunk, start, row)
                chunk = []
                continue
            if m:
                chunk.append(f"{tag}  - {value}")
            else:
                # continuation of a long value (abstracts wrap in some exports)
                if len(chunk) > 1:
                    chunk[-1] = f"{chunk[-1]} {line.strip()}"
        if chunk:
            row += 1
            yield RawRejection(
                line=start,
                row=row,
                reason="the file ends inside this record (no 'ER  -' end tag): the file looks "
                "truncated; export it again",
            )
        if stray:
            row += 1
            shown = ", ".join(map(str, stray[:5])) + (" ..." if len(stray) > 5 else "")
            yield RawRejection(
                line=stray[0],
                row=row,
                reason=f"{len(stray)} line(s) outside any record (lines {shown}); a record "
                "without its 'TY  -' start tag?",
            )

    @staticmethod
    def _parse(rispy: object, chunk: list[str], start: int, row: int) -> RawRecord | RawRejection:
        try:
            entries = rispy.loads("\n".join(chunk) + "\n")  # type: ignore[attr-defined]
        except Exception as err:  # rispy raises plain exceptions on odd input
            return RawRejection(line=start, row=row, reason=f"RIS parse error: {err}")
        if len(entries) != 1:
            return RawRejection(line=start, row=row, reason="RIS record could not be parsed")
        entry = entries[0]
        fields: dict[str, str] = {}
        for key, value in entry.items():
            if key == "unknown_tag":
                for tag, vals in value.items():
                    fields[tag] = "; ".join(str(v) for v in vals)
            elif isinstance(value, list):
                fields[key] = "\x1f".join(str(v) for v in value)
            else:
                fields[key] = str(value)
        return RawRecord(fields=fields, line=start, row=row)

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
        return MappedFields(
            title=f.get("title") or f.get("primary_title"),
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
