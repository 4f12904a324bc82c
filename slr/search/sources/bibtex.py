"""BibTeX files (ACM DL, Scopus, Google Scholar, DBLP, Zotero/JabRef exports), via bibtexparser v2.

Each entry is a record; blocks the parser had to abort (unbalanced braces, a truncated file) are
rejected with the parser's reason and the line of the entry. A repeated citation key is kept as
its own record with a warning, since two different papers often share a key like ``smith2020``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from slr.search.sources import register
from slr.search.sources.base import MappedFields, RawRecord, RawRejection, SourceFormat

_ENTRY_RE = re.compile(r"^\s*@\s*[a-zA-Z]+\s*[{(]", re.MULTILINE)
_LATEX_FIELDS = (
    "title",
    "author",
    "journal",
    "booktitle",
    "abstract",
    "publisher",
    "series",
    "keywords",
    "editor",
    "school",
    "institution",
    "howpublished",
    "note",
)


def _strip_enclosing(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and (
        (value[0] == "{" and value[-1] == "}") or (value[0] == '"' and value[-1] == '"')
    ):
        return value[1:-1]
    return value


def _latex_to_text(value: str) -> str:
    if "\\" not in value and "{" not in value and "$" not in value and "~" not in value:
        return value
    from pylatexenc.latex2text import LatexNodes2Text

    try:
        return LatexNodes2Text(math_mode="verbatim").latex_to_text(value)
    except Exception:  # pylatexenc gives up on some malformed input; keep the raw text
        return value


@register
class Bibtex(SourceFormat):
    name = "bibtex"
    description = "BibTeX file"
    default_source = "bibtex"
    suffixes = (".bib", ".bibtex", ".txt")
    priority = 40

    def sniff(self, text: str, suffix: str) -> bool:
        head = text[:20000]
        return bool(_ENTRY_RE.search(head))

    def read(self, text: str, file: str) -> Iterator[RawRecord | RawRejection]:
        import bibtexparser
        from bibtexparser import model

        # bibtexparser logs its parse errors; we report them ourselves with file and line.
        logger = logging.getLogger("bibtexparser")
        previous = logger.disabled
        logger.disabled = True
        try:
            library = bibtexparser.parse_string(text)
        finally:
            logger.disabled = previous
        row = 0
        for block in library.blocks:
            line = (block.start_line or 0) + 1
            if isinstance(block, model.Entry):
                row += 1
                yield RawRecord(fields=self._fields(block), line=line, row=row)
            elif isinstance(block, model.DuplicateBlockKeyBlock):
                row += 1
                entry = block.ignore_error_block
                fields = self._fields(entry) if isinstance(entry, model.Entry) else {}
                fields = {k: _strip_enclosing(v) for k, v in fields.items()}
                prev = block.previous_block
                prev_line = (prev.start_line or 0) + 1 if prev is not None else "?"
                warning = (
                    f"citation key '{block.key}' repeats the entry at line {prev_line}; "
                    "both entries kept as separate records"
                )
                yield RawRecord(fields=fields, line=line, row=row, warnings=(warning,))
            elif isinstance(block, model.ParsingFailedBlock):
                row += 1
                reason = getattr(block.error, "abort_reason", None) or str(block.error)
                reason = " ".join(str(reason).split())
                if "end of file" in reason.lower():
                    reason += " (the file looks truncated)"
                elif "looking for field-value closing" in reason:
                    reason += " (unbalanced braces or quotes in this entry)"
                yield RawRejection(line=line, row=row, reason=f"BibTeX parse error: {reason}")
            elif isinstance(block, model.ImplicitComment):
                body = block.comment.strip()
                if "@" in body and ("{" in body or "(" in body):
                    row += 1
                    yield RawRejection(
                        line=line,
                        row=row,
                        reason="text that looks like a broken entry (an '@' outside any entry); "
                        "check the entry type and the opening brace",
                    )

    @staticmethod
    def _fields(entry: object) -> dict[str, str]:
        fields: dict[str, str] = {
            "ENTRYTYPE": str(entry.entry_type).lower(),  # type: ignore[attr-defined]
            "ID": str(entry.key),  # type: ignore[attr-defined]
        }
        for f in entry.fields:  # type: ignore[attr-defined]
            value = f.value if isinstance(f.value, str) else str(f.value)
            fields[f.key.lower()] = value
        return fields

    def map_fields(self, raw: RawRecord) -> MappedFields:
        f = {k: (_latex_to_text(v) if k in _LATEX_FIELDS else v) for k, v in raw.fields.items()}
        used = {
            "ENTRYTYPE",
            "ID",
            "title",
            "author",
            "year",
            "date",
            "journal",
            "journaltitle",
            "booktitle",
            "volume",
            "number",
            "issue",
            "pages",
            "doi",
            "url",
            "abstract",
            "publisher",
            "issn",
            "isbn",
            "keywords",
        }
        venue = f.get("journal") or f.get("journaltitle") or f.get("booktitle")
        if not venue and f.get("ENTRYTYPE") in ("phdthesis", "mastersthesis"):
            venue = f.get("school")
        arxiv_hints = " ".join(
            v
            for v in (
                f.get("eprint")
                if "arxiv" in (f.get("archiveprefix", "") + f.get("eprinttype", "")).lower()
                else None,
                f.get("url"),
                f.get("doi"),
                venue,
                f.get("journal"),
            )
            if v
        )
        if (
            f.get("eprint")
            and "arxiv" in (f.get("archiveprefix", "") + f.get("eprinttype", "")).lower()
        ):
            arxiv_hints = f"arXiv:{f['eprint']} {arxiv_hints}"
        return MappedFields(
            title=f.get("title"),
            authors=f.get("author"),
            author_style="bibtex",
            year=f.get("year") or f.get("date"),
            venue=venue,
            volume=f.get("volume"),
            number=f.get("number") or f.get("issue"),
            pages=f.get("pages"),
            doi=f.get("doi"),
            arxiv=arxiv_hints or None,
            url=f.get("url"),
            abstract=f.get("abstract"),
            publisher=f.get("publisher"),
            issn=f.get("issn"),
            isbn=f.get("isbn"),
            keywords=f.get("keywords"),
            entry_type=f.get("ENTRYTYPE"),
            key=f.get("ID"),
            extra={k: v for k, v in f.items() if k not in used and v and v.strip()},
        )
