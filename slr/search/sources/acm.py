"""ACM Digital Library CSV export (columns type, id, author, title, journal/booktitle, ...)."""

from __future__ import annotations

from slr.search.sources import register
from slr.search.sources.base import CsvFormat, MappedFields, RawRecord


@register
class AcmCsv(CsvFormat):
    name = "acm_csv"
    description = "ACM Digital Library CSV export"
    default_source = "acm_dl"
    priority = 30
    signature = frozenset({"type", "id", "author", "title", "year"})
    any_of = frozenset({"acronym", "issue_date", "article_no", "num_pages", "conf_loc"})
    author_style = "given_family"  # 'Tom  Killalea and Jane Doe'
    columns = {
        "title": "title",
        "authors": "author",
        "year": "year",
        "venue": ("booktitle", "journal"),
        "venue_short": "acronym",
        "volume": "volume",
        "number": "issue_no",
        "pages": "pages",
        "doi": "doi",
        "url": "url",
        "abstract": ("abstract", "description"),
        "keywords": "keywords",
        "publisher": "publisher",
        "issn": "issn",
        "isbn": "isbn",
        "entry_type": "type",
        "key": "id",
    }

    def adjust(self, mapped: MappedFields, raw: RawRecord) -> None:
        super().adjust(mapped, raw)
        if isinstance(mapped.authors, str):
            mapped.authors = " and ".join(
                " ".join(a.split()) for a in mapped.authors.split(" and ")
            )
