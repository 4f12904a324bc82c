"""IEEE Xplore CSV exports ("Export" -> "Search Results" -> CSV), the current and the older layout."""

from __future__ import annotations

from slr.search.sources import register
from slr.search.sources.base import CsvFormat, MappedFields, RawRecord
from slr.search.sources.names import split_comma_names


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


_CATEGORIES = {"conference": "inproceedings", "journal": "article", "magazine": "article"}


@register
class IeeeLegacyCsv(CsvFormat):
    """The older IEEE Xplore CSV (Title, Authors, Affiliations, Abstract, Publication, Category,
    DOI): authors separated by commas, no year column."""

    name = "ieee_legacy_csv"
    description = "IEEE Xplore CSV export (older layout)"
    default_source = "ieee_xplore"
    priority = 30
    signature = frozenset({"title", "authors", "affiliations", "publication", "doi"})
    author_style = "given_family"
    columns = {
        "title": "Title",
        "authors": "Authors",
        "abstract": "Abstract",
        "venue": "Publication",
        "doi": "DOI",
        "year": "Year",
        "entry_type": "Category",
    }

    def adjust(self, mapped: MappedFields, raw: RawRecord) -> None:
        if isinstance(mapped.authors, str):
            mapped.authors = split_comma_names(mapped.authors)
        mapped.entry_type = _CATEGORIES.get((mapped.entry_type or "").strip().casefold(), "misc")
