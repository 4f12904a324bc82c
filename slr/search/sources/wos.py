"""Web of Science tab-delimited export ("Tab delimited file"; two-letter field tags as header)."""

from __future__ import annotations

from slr.search.sources import register
from slr.search.sources.base import CsvFormat, MappedFields, RawRecord

_PT = {"J": "article", "S": "inproceedings", "B": "book", "P": "misc"}


@register
class WebOfScienceTsv(CsvFormat):
    name = "wos_tsv"
    description = "Web of Science tab-delimited export"
    default_source = "web_of_science"
    priority = 30
    signature = frozenset({"pt", "au", "ti", "so", "py"})
    any_of = frozenset({"ut", "di"})
    author_style = "family_given"
    columns = {
        "title": "TI",
        "authors": ("AF", "AU"),
        "year": "PY",
        "venue": "SO",
        "venue_short": ("JI", "J9"),
        "volume": "VL",
        "number": "IS",
        "start_page": ("BP", "AR"),
        "end_page": "EP",
        "doi": "DI",
        "abstract": "AB",
        "keywords": "DE",
        "publisher": "PU",
        "issn": ("SN", "EI"),
        "isbn": "BN",
        "entry_type": "DT",
        "key": "UT",
    }

    def adjust(self, mapped: MappedFields, raw: RawRecord) -> None:
        if mapped.entry_type is None:
            pt = (raw.fields.get("PT") or "").strip().upper()
            mapped.entry_type = _PT.get(pt, "misc")
        if mapped.venue and mapped.venue.isupper():
            # WoS writes source titles in capitals; keep them readable.
            mapped.venue = mapped.venue.title().replace(" And ", " and ").replace(" Of ", " of ")
