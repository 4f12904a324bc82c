"""IEEE Xplore CSV export ("Export" -> "Search Results" -> CSV)."""

from __future__ import annotations

from slr.search.sources import register
from slr.search.sources.base import CsvFormat


@register
class IeeeCsv(CsvFormat):
    name = "ieee_csv"
    description = "IEEE Xplore CSV export"
    default_source = "ieee_xplore"
    priority = 30
    signature = frozenset({"document title", "authors", "publication title", "publication year"})
    author_style = "given_family"
    columns = {
        "title": "Document Title",
        "authors": "Authors",
        "year": "Publication Year",
        "venue": "Publication Title",
        "volume": "Volume",
        "number": "Issue",
        "start_page": "Start Page",
        "end_page": "End Page",
        "abstract": "Abstract",
        "issn": "ISSN",
        "isbn": "ISBNs",
        "doi": "DOI",
        "url": "PDF Link",
        "keywords": "Author Keywords",
        "publisher": "Publisher",
        "entry_type": "Document Identifier",
    }
