"""PubMed CSV export ("Save" -> "CSV" on pubmed.ncbi.nlm.nih.gov).

Columns PMID, Title, Authors ('Lim SM, Shiau CWC, Lau Y.'), Citation ('Behav Ther. 2022
Mar;53(2):334-347. doi: ...'), First Author, Journal/Book, Publication Year, Create Date, PMCID,
NIHMS ID, DOI. Volume, issue and pages are read from the citation; every column is kept.
"""

from __future__ import annotations

import re

from slr.search.sources import register
from slr.search.sources.base import CsvFormat, MappedFields, RawRecord
from slr.search.sources.names import split_comma_names

# 'Behav Ther. 2022 Mar;53(2):334-347.' -> volume 53, issue 2, pages 334-347
_CITATION_RE = re.compile(
    r";\s*(?P<volume>[^;:()]+?)?\s*(?:\((?P<issue>[^)]+)\))?:(?P<pages>[^.;\s]+)"
)


@register
class PubmedCsv(CsvFormat):
    name = "pubmed_csv"
    description = "PubMed CSV export"
    default_source = "pubmed"
    priority = 30
    signature = frozenset(
        {"pmid", "title", "authors", "citation", "journal/book", "publication year"}
    )
    author_style = "family_initials"
    default_entry_type = "article"
    columns = {
        "title": "Title",
        "authors": "Authors",
        "year": "Publication Year",
        "venue": "Journal/Book",
        "doi": "DOI",
        "key": "PMID",
    }

    def adjust(self, mapped: MappedFields, raw: RawRecord) -> None:
        super().adjust(mapped, raw)
        if isinstance(mapped.authors, str):
            mapped.authors = split_comma_names(mapped.authors)
        citation = raw.fields.get("Citation") or ""
        m = _CITATION_RE.search(citation)
        if m:
            mapped.volume = mapped.volume or (m.group("volume") or "").strip() or None
            mapped.number = mapped.number or m.group("issue")
            mapped.pages = mapped.pages or m.group("pages")
