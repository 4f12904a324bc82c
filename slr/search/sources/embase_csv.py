"""Embase CSV export (embase.com "Export" -> CSV, fields of the full record).

Columns Title, Author Names ('Liu R., Adler D.G.'), Source ('Endoscopic Ultrasound (2014) 3:3
(152-160). Date of Publication: 2014'), Abstract, the Emtree index terms, Open URL Link, ...
Venue, year, volume, issue and pages are read from Source; the DOI from a DOI column or from the
OpenURL link (``id=doi:...``). Every column is kept.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from slr.search.sources import register
from slr.search.sources.base import CsvFormat, MappedFields, RawRecord
from slr.search.sources.names import split_comma_names

# 'Cancer (2004) 102:4 (253-258). Date of Publication: 25 Aug 2004'
_SOURCE_RE = re.compile(
    r"^(?P<venue>.+?)\s*\((?P<year>\d{4})\)\s*(?P<volume>[^\s:(]+)?(?::(?P<issue>[^\s(]+))?"
    r"\s*(?:\((?P<pages>[^)]*)\))?"
)
_OPENURL_DOI_RE = re.compile(r"[?&]id=doi:([^&]+)")


@register
class EmbaseCsv(CsvFormat):
    name = "embase_csv"
    description = "Embase CSV export"
    default_source = "embase"
    priority = 30
    signature = frozenset({"title", "author names", "source"})
    any_of = frozenset(
        {
            "emtree medical index terms",
            "emtree drug index terms",
            "emtree medical index terms (major focus)",
            "embase accession number",
            "open url link",
        }
    )
    author_style = "family_initials"
    default_entry_type = "article"
    columns = {
        "title": "Title",
        "authors": "Author Names",
        "abstract": "Abstract",
        "doi": "DOI",
        "keywords": "Author Keywords",
        "issn": "ISSN",
        "publisher": "Publisher",
        "url": "Full Text Link",
        "key": "Embase Accession Number",
        "entry_type": "Publication Type",
    }

    def adjust(self, mapped: MappedFields, raw: RawRecord) -> None:
        super().adjust(mapped, raw)
        if isinstance(mapped.authors, str):
            mapped.authors = split_comma_names(mapped.authors)
        m = _SOURCE_RE.match((raw.fields.get("Source") or "").strip())
        if m:
            mapped.venue = m.group("venue").strip()
            mapped.year = m.group("year")
            mapped.volume = m.group("volume")
            mapped.number = m.group("issue")
            mapped.pages = m.group("pages")
        if not mapped.doi:
            link = _OPENURL_DOI_RE.search(raw.fields.get("Open URL Link") or "")
            if link:
                mapped.doi = unquote(link.group(1))
        if mapped.entry_type and "conference" in mapped.entry_type.casefold():
            mapped.entry_type = "inproceedings"
        elif mapped.entry_type in (None, "", "Article", "Review", "Journal"):
            mapped.entry_type = "article"
