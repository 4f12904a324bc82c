"""EndNote tagged text (``.enw``, ``.enl`` exported as text, the "EndNote" export of AIS eLibrary,
Ovid, PubMed and Google Scholar): one ``%X value`` line per field (``%0`` type, ``%T`` title,
``%A`` author, ``%D`` year, ``%J``/``%B`` journal or book title ...).

A record ends at a blank line, or where a second ``%0`` (type) line starts the next one (exports
that write no blank line between records); a line without a tag continues the value above it.
Text before the first tag is a note, never a record. Every tag without a record field is kept in
``extra``. The layout (the Refer format) has no parser in our dependencies; it is read here,
record by record, with the line of each.
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

_TAG_RE = re.compile(r"^%([0-9A-Z@!#$&()*+^~\[\]|?])(?: (.*))?$")
_SEP = "\x1f"
_TYPES = {
    "journal article": "article",
    "electronic article": "article",
    "magazine article": "article",
    "newspaper article": "article",
    "conference proceedings": "inproceedings",
    "conference paper": "inproceedings",
    "book": "book",
    "edited book": "book",
    "book section": "incollection",
    "thesis": "phdthesis",
    "report": "techreport",
    "generic": "misc",
    "web page": "misc",
}
_USED = {"0", "T", "A", "D", "J", "B", "V", "N", "P", "R", "U", "X", "K", "@", "I"}


@register
class EndnoteTagged(SourceFormat):
    name = "endnote"
    description = "EndNote tagged text (%T, %A, ...)"
    default_source = "endnote"
    suffixes = (".enw", ".enl", ".txt", ".ref")
    priority = 40

    def sniff(self, text: str, suffix: str) -> bool:
        lines = [ln for ln in text[:5000].lstrip("\ufeff").splitlines() if ln.strip()][:8]
        tagged = [ln for ln in lines if _TAG_RE.match(ln)]
        return len(tagged) >= max(2, len(lines) // 2) and any(
            ln.startswith(("%T ", "%A ", "%0 ")) for ln in tagged
        )

    def estimate_records(self, text: str) -> int | None:
        return len(re.findall(r"^%T ", text, re.MULTILINE)) or None

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
            m = _TAG_RE.match(line.rstrip())
            if m:
                tag, value = m.group(1), (m.group(2) or "").strip()
                if tag == "0" and "0" in fields:  # a new record without a blank line between
                    row += 1
                    yield self._record(fields, start, row)
                    fields = {}
                if not fields:
                    start = lineno
                fields.setdefault(tag, []).append(value)
                last = tag
            elif last is not None:
                values = fields[last]
                values[-1] = (
                    f"{values[-1]}\n{line.strip()}"
                    if last == "K"
                    else (f"{values[-1]} {line.strip()}")
                )
            else:
                stray.append(lineno)
        if fields:
            row += 1
            yield self._record(fields, start, row)
        if stray:
            shown = ", ".join(map(str, stray[:5])) + (" ..." if len(stray) > 5 else "")
            yield RawNote(
                line=stray[0],
                message=f"{len(stray)} line(s) before any tag ignored (lines {shown})",
            )

    @staticmethod
    def _record(fields: dict[str, list[str]], start: int, row: int) -> RawRecord:
        return RawRecord(
            fields={f"%{k}": _SEP.join(v) for k, v in fields.items()}, line=start, row=row
        )

    def map_fields(self, raw: RawRecord) -> MappedFields:
        f = {k[1:]: [x for x in v.split(_SEP) if x.strip()] for k, v in raw.fields.items()}

        def one(tag: str) -> str | None:
            return f[tag][0] if f.get(tag) else None

        kind = (one("0") or "").strip().casefold()
        entry_type = _TYPES.get(kind, "misc" if kind else None)
        venue = one("J") or one("B")
        keywords = [k.strip() for v in f.get("K", []) for k in re.split(r"[\n;]", v) if k.strip()]
        doi = one("R")
        if doi and doi.lower().startswith("doi:"):
            doi = doi[4:].strip()
        number = one("@")
        isbn = number if number and len(re.sub(r"[^0-9Xx]", "", number)) in (10, 13) else None
        issn = number if number and isbn is None else None
        extra = {f"%{k}": "; ".join(v) for k, v in f.items() if k not in _USED and v}
        if one("J") and one("B"):
            extra["%B"] = one("B") or ""
        return MappedFields(
            title=one("T"),
            authors=f.get("A") or None,
            author_style="family_given",
            year=one("D") or one("8"),
            venue=venue,
            volume=one("V"),
            number=one("N"),
            pages=one("P"),
            doi=doi,
            url=one("U"),
            abstract=" ".join(f.get("X", [])) or None,
            publisher=one("I"),
            issn=issn,
            isbn=isbn,
            keywords=keywords,
            entry_type=entry_type,
            key=one("M") or one("F"),
            extra=extra,
        )
