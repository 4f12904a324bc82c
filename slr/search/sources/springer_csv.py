"""SpringerLink CSV export ("Download search results (CSV)" on link.springer.com).

Columns Item Title, Publication Title, Book Series Title, Journal Volume, Journal Issue, Item DOI,
Authors, Publication Year, URL, Content Type. Springer writes the authors without a separator
('Andy SmithTom Weber'); they are split where a lower-case letter meets a capital.
"""

from __future__ import annotations

from slr.search.sources import register
from slr.search.sources.base import CsvFormat, MappedFields, RawRecord
from slr.search.sources.names import split_glued_names

_TYPES = {
    "article": "article",
    "chapter": "incollection",
    "conferencepaper": "inproceedings",
    "chapterconferencepaper": "inproceedings",
    "book": "book",
    "referenceworkentry": "incollection",
    "protocol": "misc",
}


@register
class SpringerCsv(CsvFormat):
    name = "springer_csv"
    description = "SpringerLink CSV export"
    default_source = "springer_link"
    priority = 30
    signature = frozenset(
        {"item title", "publication title", "item doi", "authors", "publication year"}
    )
    author_style = "given_family"
    columns = {
        "title": "Item Title",
        "venue": "Publication Title",
        "venue_alt": "Book Series Title",
        "volume": "Journal Volume",
        "number": "Journal Issue",
        "doi": "Item DOI",
        "authors": "Authors",
        "year": "Publication Year",
        "url": "URL",
        "entry_type": "Content Type",
    }

    def adjust(self, mapped: MappedFields, raw: RawRecord) -> None:
        if isinstance(mapped.authors, str):
            mapped.authors = split_glued_names(mapped.authors)
        kind = "".join(ch for ch in (mapped.entry_type or "").casefold() if ch.isalpha())
        mapped.entry_type = _TYPES.get(kind, "misc")
