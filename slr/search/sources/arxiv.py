"""arXiv: the Atom feed of the arXiv API (a saved search) and plain lists of arXiv ids.

Ingest is offline, so an id list must carry each paper's title after the id
(``2212.05901<TAB>Parameter-Efficient Finetuning of Transformers for Source Code``); an id without a
title is rejected with that advice rather than turned into an empty record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slr.search.normalise import parse_arxiv_id
from slr.search.sources import register
from slr.search.sources.base import (
    MappedFields,
    RawRecord,
    RawRejection,
    SourceFormat,
    split_lines,
)

_ATOM_NS = {"a": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}
_ID_LINE_RE = re.compile(
    r"^\s*(?:arxiv:\s*|https?://arxiv\.org/(?:abs|pdf)/)?"
    r"(\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)(?:\.pdf)?"
    r"(?:\s*[\t,;|]\s*|\s+)?(.*)$",
    re.IGNORECASE,
)


@register
class ArxivAtom(SourceFormat):
    name = "arxiv_atom"
    description = "arXiv API Atom feed (saved search results)"
    default_source = "arxiv"
    suffixes = (".xml", ".atom")
    priority = 40

    def sniff(self, text: str, suffix: str) -> bool:
        head = text[:4000]
        return "<feed" in head and "arxiv" in head.lower()

    def read(self, text: str, file: str) -> Iterator[RawRecord | RawRejection]:
        import xml.etree.ElementTree as ET

        from slr.errors import InputFormatError

        try:
            root = ET.fromstring(text.lstrip("\ufeff"))
        except ET.ParseError as err:
            line = err.position[0] if hasattr(err, "position") else 1
            raise InputFormatError(
                f"{file}:{line}: not well-formed XML ({err}); the feed looks truncated or "
                "damaged, save the arXiv API response again"
            ) from err
        # line numbers: find each <entry> in the text in order
        entry_lines = [len(split_lines(text[: m.start()])) for m in re.finditer(r"<entry\b", text)]
        for row, entry in enumerate(root.findall("a:entry", _ATOM_NS), start=1):
            line = entry_lines[row - 1] if row - 1 < len(entry_lines) else 1
            fields: dict[str, str] = {}
            for tag in ("id", "title", "summary", "published", "updated"):
                el = entry.find(f"a:{tag}", _ATOM_NS)
                if el is not None and el.text:
                    fields[tag] = el.text
            authors = [
                (a.findtext("a:name", default="", namespaces=_ATOM_NS) or "").strip()
                for a in entry.findall("a:author", _ATOM_NS)
            ]
            fields["authors"] = "; ".join(a for a in authors if a)
            for tag in ("doi", "journal_ref", "comment", "primary_category"):
                el = entry.find(f"arxiv:{tag}", _ATOM_NS)
                if el is not None:
                    fields[tag] = el.text or el.get("term") or ""
            cats = [c.get("term", "") for c in entry.findall("a:category", _ATOM_NS)]
            if cats:
                fields["categories"] = "; ".join(c for c in cats if c)
            yield RawRecord(fields=fields, line=line, row=row)

    def map_fields(self, raw: RawRecord) -> MappedFields:
        f = raw.fields
        used = {"id", "title", "summary", "published", "authors", "doi"}
        return MappedFields(
            title=f.get("title"),
            authors=f.get("authors"),
            author_style="given_family",
            year=f.get("published"),
            venue="arXiv",
            doi=f.get("doi"),
            arxiv=f"arXiv:{f.get('id', '')}",
            url=f.get("id"),
            abstract=f.get("summary"),
            entry_type="misc",
            key=f.get("id"),
            extra={k: v for k, v in f.items() if k not in used and v and v.strip()},
        )


@register
class ArxivIds(SourceFormat):
    name = "arxiv_ids"
    description = "list of arXiv ids, one per line, each followed by the paper's title"
    default_source = "arxiv"
    suffixes = (".txt", ".ids", ".arxiv")
    priority = 5

    def sniff(self, text: str, suffix: str) -> bool:
        lines = [ln for ln in split_lines(text)[:50] if ln.strip() and not ln.startswith("#")]
        return bool(lines) and all(_ID_LINE_RE.match(ln) for ln in lines[:10])

    def read(self, text: str, file: str) -> Iterator[RawRecord | RawRejection]:
        row = 0
        for lineno, line in enumerate(split_lines(text.lstrip("\ufeff")), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            row += 1
            m = _ID_LINE_RE.match(line)
            if not m or parse_arxiv_id(m.group(1), require_context=False) is None:
                yield RawRejection(
                    line=lineno, row=row, reason=f"not an arXiv id: {line.strip()[:60]!r}"
                )
                continue
            title = m.group(2).strip()
            if not title:
                yield RawRejection(
                    line=lineno,
                    row=row,
                    reason=f"arXiv id {m.group(1)} has no title; ingest works offline, so write "
                    "the title after the id (tab-separated) or ingest the arXiv API Atom feed",
                )
                continue
            yield RawRecord(fields={"id": m.group(1), "title": title}, line=lineno, row=row)

    def map_fields(self, raw: RawRecord) -> MappedFields:
        arxiv_id = raw.fields["id"]
        return MappedFields(
            title=raw.fields.get("title"),
            venue="arXiv",
            arxiv=f"arXiv:{arxiv_id}",
            url=f"https://arxiv.org/abs/{arxiv_id}",
            entry_type="misc",
            key=arxiv_id,
        )
