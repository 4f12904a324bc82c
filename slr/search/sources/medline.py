"""MEDLINE / PubMed ``.nbib`` files ("Send to" -> "Citation manager" on PubMed; ERIC and other
NLM-style databases write the same layout).

Each line is a tag of up to four letters padded to four, ``- `` and the value (``PMID- 31978945``,
``TI  - ...``, ``FAU - Long, Vicky``); a value continues on lines indented by six spaces; records
are separated by blank lines. Text outside the tags (a stray line between records) is a note,
never a record. Full author names (``FAU``) are used, the short form (``AU``) when they are
missing; the DOI comes from ``AID``/``LID`` values marked ``[doi]`` (or a DOI link, as ERIC
writes). Every other tag is kept in ``extra``.

No Python parser in our dependencies reads this layout (rispy's parsers need RIS's start and end
tags; Biopython's ``Bio.Medline`` would add a 3 MB dependency and gives no line numbers); the
layout is this simple, so it is read here, record by record, with the line of each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slr.search.sources import register
from slr.search.sources.base import (
    MappedFields,
    RawNote,
    RawRecord,
    RawRejection,
    SourceFormat,
    split_lines,
)

_TAG_RE = re.compile(r"^([A-Z][A-Z0-9]{0,3})\s*- ?(.*)$")
_START_RE = re.compile(r"^(?:PMID|OWN|PMC)\s*-", re.MULTILINE)
_RIS_RE = re.compile(r"^(?:TY|ER)  -", re.MULTILINE)  # RIS: the same layout, with start/end tags
_SEP = "\x1f"
# tags that repeat: kept apart, joined with '; ' in extra
_TYPES = {
    "journal article": "article",
    "review": "article",
    "congress": "inproceedings",
    "clinical conference": "inproceedings",
    "consensus development conference": "inproceedings",
    "book": "book",
    "book chapter": "incollection",
    "preprint": "misc",
}
_USED = {
    "TI",
    "BTI",
    "FAU",
    "AU",
    "DP",
    "JT",
    "TA",
    "VI",
    "IP",
    "PG",
    "AB",
    "OT",
    "IS",
    "ISSN",
    "PT",
}


def _doi(values: list[str]) -> str | None:
    for v in values:
        if v.endswith("[doi]"):
            return v[: -len("[doi]")].strip()
    for v in values:
        if re.search(r"\b10\.\d{4,9}/", v):
            return v.removeprefix("doi:").strip()
    return None


@register
class Medline(SourceFormat):
    name = "medline"
    description = "MEDLINE / PubMed (.nbib) file"
    default_source = "pubmed"
    suffixes = (".nbib", ".txt", ".medline")
    priority = 40

    def sniff(self, text: str, suffix: str) -> bool:
        head = text[:5000].lstrip("\ufeff")
        if not _START_RE.search(head) or _RIS_RE.search(head):
            return False
        lines = [ln for ln in head.splitlines() if ln.strip()][:10]
        return (
            sum(bool(_TAG_RE.match(ln)) or ln.startswith("      ") for ln in lines)
            >= len(lines) * 0.8
        )

    def estimate_records(self, text: str) -> int | None:
        return len(_START_RE.findall(text)) or None

    def read(self, text: str, file: str) -> Iterator[RawRecord | RawRejection | RawNote]:
        row = 0
        fields: dict[str, list[str]] = {}
        start = 0
        last: str | None = None
        stray: list[int] = []
        for lineno, line in enumerate(split_lines(text.lstrip("\ufeff")), start=1):
            if not line.strip():
                if fields:
                    row += 1
                    yield self._record(fields, start, row)
                fields, last = {}, None
                continue
            m = _TAG_RE.match(line)
            if m and not line.startswith(" "):
                tag, value = m.group(1), m.group(2).strip()
                if not fields:
                    start = lineno
                fields.setdefault(tag, []).append(value)
                last = tag
            elif line.startswith(" ") and last is not None:
                values = fields[last]
                values[-1] = f"{values[-1]} {line.strip()}".strip()
            else:
                stray.append(lineno)
        if fields:
            row += 1
            yield self._record(fields, start, row)
        if stray:
            shown = ", ".join(map(str, stray[:5])) + (" ..." if len(stray) > 5 else "")
            yield RawNote(
                line=stray[0],
                message=f"{len(stray)} line(s) that are not tagged ignored (lines {shown}): "
                "text between records, not a record",
            )

    @staticmethod
    def _record(fields: dict[str, list[str]], start: int, row: int) -> RawRecord:
        return RawRecord(fields={k: _SEP.join(v) for k, v in fields.items()}, line=start, row=row)

    def map_fields(self, raw: RawRecord) -> MappedFields:
        f = {k: [x for x in v.split(_SEP) if x.strip()] for k, v in raw.fields.items()}

        def one(*tags: str) -> str | None:
            for t in tags:
                if f.get(t):
                    return f[t][0]
            return None

        full = f.get("FAU")
        types = [t.casefold() for t in f.get("PT", [])]
        entry_type = next((_TYPES[t] for t in types if t in _TYPES), None)
        if entry_type is None and f.get("BTI"):
            entry_type = "book"
        issn = one("IS", "ISSN")  # ERIC writes ISSN
        extra = {
            k: "; ".join(v) for k, v in f.items() if k not in _USED and v and k not in ("AID",)
        }
        if f.get("AID"):
            extra["AID"] = "; ".join(f["AID"])
        if f.get("AU") and full:
            extra["AU"] = "; ".join(f["AU"])
        if len(f.get("PT", [])) > 0:
            extra["PT"] = "; ".join(f["PT"])
        if len(f.get("IS", [])) > 1:
            extra["IS"] = "; ".join(f["IS"])
        if f.get("TA") and one("JT"):
            extra["TA"] = f["TA"][0]
        return MappedFields(
            title=one("TI", "BTI"),
            authors=full or f.get("AU"),
            author_style="family_given" if full else "family_initials",
            year=one("DP"),
            venue=one("JT", "TA"),
            volume=one("VI"),
            number=one("IP"),
            pages=one("PG"),
            doi=_doi(f.get("AID", []) + f.get("LID", [])),
            abstract=" ".join(f.get("AB", [])) or None,
            issn=re.sub(r"\s*\(.*\)$", "", issn).removeprefix("ISSN-") if issn else None,
            keywords=f.get("OT") or [],
            entry_type=entry_type or "article",
            key=one("PMID", "OID"),
            extra=extra,
        )
