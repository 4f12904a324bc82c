"""Google Scholar results exported by Publish or Perish (CSV).

The review's own export (``raw_paper_collection_sample.csv``) has this layout. Google Scholar
shortens long author lists, titles and venues with '…' and gives authors as 'Initials Family'.
"""

from __future__ import annotations

from slr.search.sources import register
from slr.search.sources.base import CsvFormat, MappedFields, RawRecord


@register
class PublishOrPerishCsv(CsvFormat):
    name = "pop_csv"
    description = "Publish or Perish CSV export (Google Scholar and other sources)"
    default_source = "google_scholar"
    priority = 30
    signature = frozenset({"cites", "authors", "title", "year", "source", "articleurl"})
    author_style = "initials_family"
    columns = {
        "title": "Title",
        "authors": "Authors",
        "year": "Year",
        "venue": "Source",
        "publisher": "Publisher",
        "url": "ArticleURL",
        "fulltext_url": "FullTextURL",
        "doi": "DOI",
        "issn": "ISSN",
        "volume": "Volume",
        "number": "Issue",
        "start_page": "StartPage",
        "end_page": "EndPage",
        "abstract": "Abstract",
    }

    def adjust(self, mapped: MappedFields, raw: RawRecord) -> None:
        kind = (raw.fields.get("Type") or "").strip().upper()
        venue = (mapped.venue or "").casefold()
        if kind == "BOOK":
            mapped.entry_type = "book"
        elif "arxiv" in venue or "preprint" in venue:
            mapped.entry_type = "misc"
        elif any(w in venue for w in ("proceedings", "conference", "symposium", "workshop")):
            mapped.entry_type = "inproceedings"
        elif any(w in venue for w in ("journal", "transactions", "letters", "review")):
            mapped.entry_type = "article"
        else:
            mapped.entry_type = "misc"
