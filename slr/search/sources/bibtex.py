"""BibTeX files (ACM DL, Scopus, Google Scholar, DBLP, Zotero/JabRef exports), via bibtexparser v2.

Each entry is a record; blocks the parser had to abort (unbalanced braces, a truncated file) are
rejected with the parser's reason and the line of the entry. A repeated citation key is kept as
its own record with a warning, since two different papers often share a key like ``smith2020``.

BibTeX's own rules are followed where exports rely on them:

* ``@string`` macros apply from their definition on, as in BibTeX; the file is parsed in blocks
  of entries, so that records of a large export flow (and show progress) while it is read;
* ``crossref = {key}`` inherits every field the entry lacks from the entry it names (a
  proceedings' ``title`` becomes the paper's ``booktitle``, as biblatex does); the named entry is
  a container (a proceedings volume), said in a note and not counted as a record;
* names are split with bibtexparser's name parser, so braces protect a corporate author
  (``{IEEE Working Group}`` stays one name) and ``von``/``Jr`` parts stay with the family name;
* LaTeX is converted to Unicode with pylatexenc (bibtexparser's own decoder), braces that protect
  case are dropped without changing the case, and a macro pylatexenc does not know keeps its name
  (``{\\LaTeX}`` -> ``LaTeX``) instead of vanishing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from slr.search.sources import register
from slr.search.sources.base import (
    MappedFields,
    RawNote,
    RawRecord,
    RawRejection,
    SourceFormat,
)

_ENTRY_RE = re.compile(r"^\s*@\s*[a-zA-Z]+\s*[{(]", re.MULTILINE)
_BLOCK_START_RE = re.compile(r"^[ \t]*@", re.MULTILINE)
_CROSSREF_RE = re.compile(r"\bcrossref\s*=", re.IGNORECASE)
_ENTRIES_PER_BLOCK = 500
_NAME_FIELDS = ("author", "editor")
_LATEX_FIELDS = (
    "title",
    "journal",
    "journaltitle",
    "booktitle",
    "abstract",
    "publisher",
    "series",
    "keywords",
    "school",
    "institution",
    "howpublished",
    "note",
    "address",
)
# Fields an entry never inherits through crossref (BibTeX copies the rest).
_NOT_INHERITED = frozenset({"ID", "ENTRYTYPE", "crossref", "title"})


def _strip_enclosing(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and (
        (value[0] == "{" and value[-1] == "}") or (value[0] == '"' and value[-1] == '"')
    ):
        return value[1:-1]
    return value


@cache
def _decoder() -> Any:
    """pylatexenc's converter as bibtexparser's LatexDecodingMiddleware sets it up, plus: a
    macro it does not know keeps its name (``\\LaTeX`` -> 'LaTeX', ``\\BibTeX`` -> 'BibTeX')."""
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    db = get_default_latex_context_db()
    db.add_context_category(
        "slr-bibtex",
        prepend=True,
        macros=[MacroTextSpec("url", simplify_repl="%s")],
    )
    db.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_macro_name))
    return LatexNodes2Text(latex_context=db, math_mode="verbatim")


def _macro_name(n: Any) -> str:
    return str(getattr(n, "macroname", "") or "")


def latex_to_text(value: str) -> str:
    """LaTeX markup of a field as Unicode text (the raw text if pylatexenc gives up)."""
    if "\\" not in value and "{" not in value and "$" not in value and "~" not in value:
        return value
    try:
        return str(_decoder().latex_to_text(value))
    except Exception:  # pylatexenc gives up on some malformed input; keep the raw text
        return value


def split_names(value: str) -> list[str]:
    """A BibTeX name list as 'Family, Given' strings; a brace-protected name stays whole
    (returned in braces, so the name normaliser keeps it as one family name)."""
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    out: list[str] = []
    for raw in split_multiple_persons_names(value):
        raw = raw.strip()
        if not raw:
            continue
        if raw.startswith("{") and raw.endswith("}") and _balanced_inner(raw):
            out.append("{" + latex_to_text(raw[1:-1]).strip() + "}")
            continue
        try:
            parts = parse_single_name_into_parts(raw, strict=False)
        except Exception:  # a malformed name: leave it to the name normaliser
            out.append(latex_to_text(raw))
            continue
        family = latex_to_text(" ".join([*parts.von, *parts.last, *parts.jr])).strip()
        given = latex_to_text(" ".join(parts.first)).strip()
        if family.casefold() == "others" and not given:
            out.append("others")
        else:
            out.append(f"{family}, {given}" if given else "{" + family + "}")
    return out


def _balanced_inner(text: str) -> bool:
    """Whether the outer braces of ``{...}`` enclose the whole name (not '{A} and {B}')."""
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and i < len(text) - 1:
            return False
    return True


@dataclass
class _Entry:
    fields: dict[str, str]
    line: int
    warnings: list[str] = field(default_factory=list)


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

    def estimate_records(self, text: str) -> int | None:
        return len(_ENTRY_RE.findall(text))

    def read(self, text: str, file: str) -> Iterator[RawRecord | RawRejection | RawNote]:
        strings: dict[str, str] = {}
        keys: dict[str, int] = {}
        held: list[_Entry | RawRejection] = []
        hold = bool(_CROSSREF_RE.search(text))  # crossref targets follow the entries citing them
        row = 0
        for chunk, offset in _blocks(text):
            for item in self._parse_block(chunk, offset, strings, keys):
                if hold:
                    held.append(item)
                    continue
                row += 1
                yield self._emit(item, row)
        if hold:
            entries = {e.fields["ID"]: e for e in held if isinstance(e, _Entry)}
            cited: dict[str, int] = {}
            for item in held:
                if isinstance(item, _Entry) and item.fields.get("crossref", "").strip():
                    target = _inherit(item, entries)
                    if target is not None:
                        cited[target.fields["ID"]] = cited.get(target.fields["ID"], 0) + 1
            for item in held:
                if isinstance(item, _Entry) and item.fields["ID"] in cited:
                    n = cited[item.fields["ID"]]
                    yield RawNote(
                        line=item.line,
                        message=f"entry '{item.fields['ID']}' is the crossref of {n} "
                        f"entr{'y' if n == 1 else 'ies'}: its fields are read as theirs (venue, "
                        "year, publisher); it is a container, not counted as a record",
                    )
                    continue
                row += 1
                yield self._emit(item, row)

    @staticmethod
    def _emit(item: _Entry | RawRejection, row: int) -> RawRecord | RawRejection:
        if isinstance(item, RawRejection):
            return RawRejection(line=item.line, row=row, reason=item.reason)
        return RawRecord(fields=item.fields, line=item.line, row=row, warnings=tuple(item.warnings))

    def _parse_block(
        self, chunk: str, offset: int, strings: dict[str, str], keys: dict[str, int]
    ) -> Iterator[_Entry | RawRejection]:
        import bibtexparser
        from bibtexparser import model

        # bibtexparser logs its parse errors; we report them ourselves with file and line.
        logger = logging.getLogger("bibtexparser")
        previous = logger.level
        logger.setLevel(logging.CRITICAL)
        try:
            library = bibtexparser.parse_string(chunk, parse_stack=[])  # type: ignore[attr-defined,unused-ignore]
        finally:
            logger.setLevel(previous)
        for block in library.blocks:
            line = offset + (block.start_line or 0) + 1
            entry = (
                block.ignore_error_block
                if isinstance(block, model.DuplicateBlockKeyBlock)
                else block
            )
            if isinstance(entry, model.String):
                strings[str(entry.key).lower()] = _value(str(entry.value), strings)
            elif isinstance(entry, model.Entry):
                fields = self._fields(entry, strings)
                warnings = []
                key = fields["ID"]
                if key in keys:
                    warnings.append(
                        f"citation key '{key}' repeats the entry at line {keys[key]}; "
                        "both entries kept as separate records"
                    )
                else:
                    keys[key] = line
                yield _Entry(fields, line, warnings)
            elif isinstance(block, model.ParsingFailedBlock):
                reason = getattr(block.error, "abort_reason", None) or str(block.error)
                reason = " ".join(str(reason).split())
                if "end of file" in reason.lower():
                    reason += " (the file looks truncated)"
                elif "looking for field-value closing" in reason:
                    reason += " (unbalanced braces or quotes in this entry)"
                yield RawRejection(line=line, row=0, reason=f"BibTeX parse error: {reason}")
            elif isinstance(block, model.ImplicitComment):
                body = block.comment.strip()
                if "@" in body and ("{" in body or "(" in body):
                    yield RawRejection(
                        line=line,
                        row=0,
                        reason="text that looks like a broken entry (an '@' outside any entry); "
                        "check the entry type and the opening brace",
                    )

    @staticmethod
    def _fields(entry: Any, strings: dict[str, str]) -> dict[str, str]:
        fields: dict[str, str] = {
            "ENTRYTYPE": str(entry.entry_type).lower(),
            "ID": str(entry.key),
        }
        for f in entry.fields:
            raw = f.value if isinstance(f.value, str) else str(f.value)
            fields[f.key.lower()] = _value(raw, strings)
        return fields

    def map_fields(self, raw: RawRecord) -> MappedFields:
        f = {k: (latex_to_text(v) if k in _LATEX_FIELDS else v) for k, v in raw.fields.items()}
        names = {k: split_names(f[k]) for k in _NAME_FIELDS if f.get(k)}
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
        is_arxiv = "arxiv" in (f.get("archiveprefix", "") + f.get("eprinttype", "")).lower()
        hints = [f"arXiv:{f['eprint']}"] if f.get("eprint") and is_arxiv else []
        hints += [v for v in (f.get("url"), f.get("doi"), venue) if v]
        extra = {k: v for k, v in f.items() if k not in used and v and v.strip()}
        if "editor" in names:
            extra["editor"] = "; ".join(n.strip("{}") for n in names["editor"])
        return MappedFields(
            title=f.get("title"),
            authors=names.get("author"),
            author_style="bibtex",
            year=f.get("year") or f.get("date"),
            venue=venue,
            volume=f.get("volume"),
            number=f.get("number") or f.get("issue"),
            pages=f.get("pages"),
            doi=f.get("doi"),
            arxiv=" ".join(hints) or None,
            url=f.get("url"),
            abstract=f.get("abstract"),
            publisher=f.get("publisher"),
            issn=f.get("issn"),
            isbn=f.get("isbn"),
            keywords=f.get("keywords"),
            entry_type=f.get("ENTRYTYPE"),
            key=f.get("ID"),
            extra=extra,
        )


def _value(raw: str, strings: dict[str, str]) -> str:
    """A field value as BibTeX reads it: enclosing braces or quotes removed, a bare macro name
    replaced by its ``@string``, parts joined with ``#`` concatenated."""
    parts = _split_concatenation(raw.strip())
    out = []
    for part in parts:
        part = part.strip()
        if part[:1] in ("{", '"'):
            out.append(_strip_enclosing(part))
        else:
            out.append(strings.get(part.lower(), part))
    return "".join(out)


def _split_concatenation(value: str) -> list[str]:
    """Split ``a # {b} # "c"`` at the ``#`` outside braces and quotes."""
    parts: list[str] = []
    depth, quoted, start = 0, False, 0
    for i, ch in enumerate(value):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return [p for p in parts if p.strip()] or [value]


def _blocks(text: str) -> Iterator[tuple[str, int]]:
    """The text in pieces of about ``_ENTRIES_PER_BLOCK`` entries, cut where a line starts
    with '@', each with the number of lines before it."""
    starts = [m.start() for m in _BLOCK_START_RE.finditer(text)]
    cuts = [0, *starts[_ENTRIES_PER_BLOCK::_ENTRIES_PER_BLOCK], len(text)]
    line = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        if b <= a:
            continue
        chunk = text[a:b]
        yield chunk, line
        line += chunk.count("\n")


def _inherit(entry: _Entry, entries: dict[str, _Entry]) -> _Entry | None:
    """Fill the fields ``entry`` lacks from the entry its ``crossref`` names; return that entry."""
    target_key = entry.fields.get("crossref", "").strip()
    target = entries.get(target_key) or next(
        (e for k, e in entries.items() if k.lower() == target_key.lower()), None
    )
    if target is None or target is entry:
        entry.warnings.append(
            f"crossref '{target_key}' is not in this file; the fields it would give "
            "(venue, year, publisher) are missing"
        )
        return None
    parent = target.fields
    for key, value in parent.items():
        if key not in _NOT_INHERITED and key not in entry.fields and value.strip():
            entry.fields[key] = value
    if "booktitle" not in entry.fields and parent.get("title"):
        entry.fields["booktitle"] = parent["title"]
    return target
