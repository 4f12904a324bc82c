"""Generic CSV whose columns are BibTeX field names (Zotero, JabRef, CoLRev, BibDedupe).

``ID, ENTRYTYPE, author, title, year, journal, booktitle, volume, number, pages, doi, isbn,
abstract, url``; any further column is kept. Zotero's own CSV column names ('Item Type',
'Publication Title', 'Abstract Note', ...) are accepted as aliases.
"""

from __future__ import annotations

from slr.search.sources import register
from slr.search.sources.base import CsvFormat, MappedFields, RawRecord


@register
class BibtexFieldCsv(CsvFormat):
    name = "bibtex_csv"
    description = "CSV with BibTeX field names as columns"
    default_source = "reference_manager"
    priority = 10  # the most generic CSV layout: others win when they match
    signature = frozenset({"author", "title"})
    any_of = frozenset(
        {
            "entrytype",
            "id",
            "year",
            "journal",
            "booktitle",
            "doi",
            "item type",
            "key",
            "publication year",
        }
    )
    author_style = "bibtex"
    columns = {
        "title": "title",
        "authors": "author",
        "year": ("year", "publication year", "date"),
        "venue": (
            "journal",
            "booktitle",
            "journaltitle",
            "publication title",
            "howpublished",
            "school",
            "institution",
        ),
        "volume": "volume",
        "number": ("number", "issue"),
        "pages": "pages",
        "doi": "doi",
        "url": "url",
        "abstract": ("abstract", "abstract note"),
        "publisher": "publisher",
        "issn": "issn",
        "isbn": "isbn",
        "keywords": ("keywords", "manual tags"),
        "entry_type": ("entrytype", "item type"),
        "key": ("id", "key"),
        "arxiv": ("eprint", "arxivid"),
    }

    def adjust(self, mapped: MappedFields, raw: RawRecord) -> None:
        authors = mapped.authors
        if isinstance(authors, str) and " and " not in authors.lower() and ";" in authors:
            # Zotero writes 'Family, Given; Family, Given'
            mapped.author_style = "family_given"
        if mapped.entry_type:
            et = mapped.entry_type.strip().lower()
            mapped.entry_type = {
                "journalarticle": "article",
                "conferencepaper": "inproceedings",
                "booksection": "incollection",
                "thesis": "phdthesis",
                "report": "techreport",
                "preprint": "misc",
            }.get(et.replace(" ", ""), et)
        else:
            mapped.entry_type = "misc"
