"""Scopus CSV export ("CSV" in the Scopus export dialog; all information)."""

from __future__ import annotations

import re

from slr.search.sources import register
from slr.search.sources.base import CsvFormat, MappedFields, RawRecord

_SCOPUS_ID_RE = re.compile(r"\s*\(\d+\)")


@register
class ScopusCsv(CsvFormat):
    name = "scopus_csv"
    description = "Scopus CSV export"
    default_source = "scopus"
    priority = 30
    signature = frozenset({"authors", "title", "year", "source title"})
    any_of = frozenset({"eid", "author(s) id", "link"})
    author_style = "family_initials"
    default_entry_type = "article"
    columns = {
        "title": "Title",
        "authors": "Authors",
        "year": "Year",
        "venue": "Source title",
        "venue_short": "Abbreviated Source Title",
        "volume": "Volume",
        "number": "Issue",
        "start_page": "Page start",
        "end_page": "Page end",
        "doi": "DOI",
        "url": "Link",
        "abstract": "Abstract",
        "keywords": "Author Keywords",
        "publisher": "Publisher",
        "issn": "ISSN",
        "isbn": "ISBN",
        "entry_type": "Document Type",
        "key": "EID",
    }

    def adjust(self, mapped: MappedFields, raw: RawRecord) -> None:
        super().adjust(mapped, raw)
        full = next(
            (v for k, v in raw.fields.items() if k.strip().lower() == "author full names"), None
        )
        if full and full.strip():
            # 'Hao, Jie (57221302630); High, Robin (6701683718)': full given names, same order.
            mapped.authors = _SCOPUS_ID_RE.sub("", full)
            mapped.author_style = "family_given"
        if mapped.abstract and mapped.abstract.strip() == "[No abstract available]":
            mapped.abstract = None
