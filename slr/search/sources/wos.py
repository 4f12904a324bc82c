"""Web of Science exports: tab-delimited ("Tab delimited file"; two-letter field tags as header)
and plain text (the same tags, one per line)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from slr.search.sources import register
from slr.search.sources.base import (
    CsvFormat,
    MappedFields,
    RawNote,
    RawRecord,
    RawRejection,
    split_lines,
)

_PT = {"J": "article", "S": "inproceedings", "B": "book", "P": "misc"}


def _rispy_wos_tags() -> tuple[dict[str, str], tuple[str, ...]]:
    """rispy's Web of Science tags, each mapped to itself (records keep the export's tags)."""
    from rispy.config import WOK_LIST_TYPE_TAGS, WOK_TAG_KEY_MAPPING

    mapping = {tag: tag for tag in WOK_TAG_KEY_MAPPING}
    mapping["UK"] = "UK"  # where rispy puts tags it does not know
    return mapping, (*WOK_LIST_TYPE_TAGS, "BE")


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


_WOS_TAG_RE = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
_WOS_PT_RE = re.compile(r"^(?:\ufeff)?PT [A-Z]", re.MULTILINE)


@register
class WebOfSciencePlain(WebOfScienceTsv):
    """Web of Science plain text ("Other file formats" -> "Plain text": ``FN``/``VR`` header,
    each record from ``PT`` to ``ER``, continuation lines indented by three spaces), parsed
    record by record with rispy's Web of Science parser; fields map as in the tab-delimited
    export (the same two-letter tags)."""

    name = "wos_plain"
    description = "Web of Science plain text export"
    suffixes = (".txt", ".isi", ".ciw")
    priority = 35

    def sniff(self, text: str, suffix: str) -> bool:
        head = text[:5000].lstrip("\ufeff")
        return head.startswith(("FN ", "VR ", "PT ")) and bool(_WOS_PT_RE.search(head))

    def estimate_records(self, text: str) -> int | None:
        return len(_WOS_PT_RE.findall(text))

    def read(self, text: str, file: str) -> Iterator[RawRecord | RawRejection | RawNote]:
        import rispy

        mapping, list_tags = _rispy_wos_tags()
        parser = rispy.WokParser(mapping=mapping, list_tags=list(list_tags))
        row = 0
        chunk: list[str] = []
        start = 0
        stray: list[int] = []
        for lineno, line in enumerate(split_lines(text.lstrip("\ufeff")), start=1):
            m = _WOS_TAG_RE.match(line.rstrip())
            tag = m.group(1) if m and not line.startswith(" ") else None
            if tag == "PT":
                if chunk:
                    row += 1
                    yield self._record(parser, chunk, start, row, lineno)
                chunk, start = [line.rstrip()], lineno
            elif not chunk:
                if tag not in ("FN", "VR", "EF") and line.strip():
                    stray.append(lineno)
            elif tag == "ER":
                row += 1
                yield self._record(parser, chunk, start, row, None)
                chunk = []
            else:
                chunk.append(line.rstrip())
        if chunk:
            row += 1
            yield RawRejection(
                line=start,
                row=row,
                reason="the file ends inside this record (no 'ER' end tag): the file looks "
                "truncated; export it again",
            )
        if stray:
            shown = ", ".join(map(str, stray[:5])) + (" ..." if len(stray) > 5 else "")
            yield RawNote(
                line=stray[0],
                message=f"{len(stray)} line(s) outside any record ignored (lines {shown})",
            )

    @staticmethod
    def _record(
        parser: object, chunk: list[str], start: int, row: int, next_pt: int | None
    ) -> RawRecord | RawRejection:
        try:
            entries = parser.parse_lines(iter([*chunk, "ER"]))  # type: ignore[attr-defined]
        except Exception as err:  # rispy raises plain exceptions on odd input
            return RawRejection(line=start, row=row, reason=f"Web of Science parse error: {err}")
        if len(entries) != 1:
            return RawRejection(line=start, row=row, reason="record could not be parsed")
        fields: dict[str, str] = {}
        for key, value in entries[0].items():
            if key == "UK":
                for tag, vals in value.items():
                    fields[tag] = "; ".join(str(v) for v in vals)
            elif isinstance(value, list):
                fields[key] = "; ".join(str(v) for v in value)
            else:
                fields[key] = str(value)
        warnings: tuple[str, ...] = ()
        if next_pt is not None:
            warnings = (
                f"no 'ER' end tag before the next record at line {next_pt}; the record is kept: "
                "check that it is complete",
            )
        return RawRecord(fields=fields, line=start, row=row, warnings=warnings)
