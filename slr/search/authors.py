"""Author lists of search exports as 'Family, Given' names, and their matching keys.

Each database writes names its own way (``AUTHOR_STYLES``); :func:`parse_authors` reads any of
them and marks lists cut with '…' or 'et al.' as truncated.
"""

from __future__ import annotations

import re
from functools import lru_cache

from slr.search.text import (
    ELLIPSIS_RE,
    LEADING_ELLIPSIS_RE,
    WS_RE,
    ascii_fold,
    clean_text,
    strip_latex,
)

AUTHOR_STYLES = ("bibtex", "given_family", "family_given", "family_initials", "initials_family")
_PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "la",
        "le",
        "ter",
        "ten",
        "dos",
        "das",
        "bin",
        "al",
        "el",
        "ur",
        "zu",
    }
)
_INITIALS_RE = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")
_ET_AL_RE = re.compile(r"(?:,?\s*\bet\.?\s+al\.?|,?\s*\band others\b|\bothers\b)\s*$", re.I)


def _split_top_level(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside braces (BibTeX protects '{Smith and Sons}')."""
    parts: list[str] = []
    buf: list[str] = []
    depth, i = 0, 0
    low = text.lower()
    while i < len(text):
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        if depth == 0 and low.startswith(sep, i):
            parts.append("".join(buf))
            buf = []
            i += len(sep)
            continue
        buf.append(ch)
        i += 1
    parts.append("".join(buf))
    return parts


def _format_name(family: str, given: str) -> str | None:
    family = WS_RE.sub(" ", family).strip(" ,;")
    given = WS_RE.sub(" ", given).strip(" ,;")
    if not family and not given:
        return None
    if not family:
        family, given = given, ""
    return f"{family}, {given}" if given else family


def _given_family(name: str) -> str | None:
    """'Hans Peter van der Berg' -> 'van der Berg, Hans Peter'."""
    tokens = name.split()
    if not tokens:
        return None
    if len(tokens) == 1:
        return _format_name(tokens[0], "")
    i = len(tokens) - 1
    while i > 0 and tokens[i - 1].lower() in _PARTICLES:
        i -= 1
    return _format_name(" ".join(tokens[i:]), " ".join(tokens[:i]))


def _initials_family(name: str) -> str | None:
    """Google Scholar / Publish or Perish style: 'TF Bissyandé' -> 'Bissyandé, TF'."""
    tokens = name.split()
    if not tokens:
        return None
    if len(tokens) > 1 and _INITIALS_RE.match(tokens[0]):
        return _format_name(" ".join(tokens[1:]), tokens[0])
    return _given_family(name)


def _family_initials(name: str) -> str | None:
    """Scopus style: 'Siu K.-C.' -> 'Siu, K.-C.'; also 'Siu, K.-C.'."""
    if "," in name:
        family, _, given = name.partition(",")
        return _format_name(family, given)
    tokens = name.split()
    if not tokens:
        return None
    j = len(tokens)
    while j > 1 and _INITIALS_RE.match(tokens[j - 1].replace(".", "").replace("-", "") or "x"):
        j -= 1
    return _format_name(" ".join(tokens[:j]), " ".join(tokens[j:]))


def _family_given(name: str) -> str | None:
    """'Smith, John A.' (RIS, Web of Science); without a comma, falls back to given-family."""
    if "," in name:
        family, _, given = name.partition(",")
        return _format_name(family, given)
    return _given_family(name)


def _bibtex_name(name: str) -> str | None:
    name = name.strip()
    if name.startswith("{") and name.endswith("}"):
        return _format_name(strip_latex(name), "")
    name = strip_latex(name)
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 1:
        return _given_family(parts[0])
    if len(parts) == 2:
        return _format_name(parts[0], parts[1])
    # 'von Last, Jr, First'
    return _format_name(f"{parts[0]} {parts[1]}", " ".join(parts[2:]))


_STYLE_SPLIT = {
    "bibtex": " and ",
    "given_family": ";",
    "family_given": ";",
    "family_initials": ";",
    "initials_family": ",",
}
_STYLE_NAME = {
    "bibtex": _bibtex_name,
    "given_family": _given_family,
    "family_given": _family_given,
    "family_initials": _family_initials,
    "initials_family": _initials_family,
}


def parse_authors(value: object, style: str) -> tuple[list[str], bool]:
    """Split an author field into 'Family, Given' names; return (names, truncated).

    ``style`` says how the source writes names (see ``AUTHOR_STYLES``). A list ending in '…',
    'et al.' or 'and others' (or starting with '…') is marked truncated.
    """
    if style not in _STYLE_SPLIT:
        raise ValueError(f"unknown author style {style!r}; choose one of {AUTHOR_STYLES}")
    if isinstance(value, list | tuple):
        raw_names = [i for i in (clean_text(v) for v in value) if i]
        return _read_names(raw_names, style, truncated=False)
    text = clean_text(value)
    if text is None:
        return [], False
    text, truncated = _without_truncation_marks(text)
    return _read_names(_split_names(text, style), style, truncated)


def _without_truncation_marks(text: str) -> tuple[str, bool]:
    """The text without a leading or trailing '…' and a trailing 'et al.'; whether it had any."""
    truncated = False
    if LEADING_ELLIPSIS_RE.match(text):
        truncated = True
        text = LEADING_ELLIPSIS_RE.sub("", text)
    if ELLIPSIS_RE.search(text):
        truncated = True
        text = ELLIPSIS_RE.sub("", text)
    if _ET_AL_RE.search(text):
        truncated = True
        text = _ET_AL_RE.sub("", text)
    return text, truncated


def _split_names(text: str, style: str) -> list[str]:
    """The names of an author field, as the style separates them."""
    sep = _STYLE_SPLIT[style]
    if style == "family_initials" and ";" not in text and re.search(r"\.,\s", text):
        # Older Scopus exports: 'Hao, J., High, R.' (comma after the initials).
        raw_names = [p + "." for p in re.split(r"\.,\s*", text)]
        raw_names[-1] = raw_names[-1].rstrip(".") + ("." if text.endswith(".") else "")
        return raw_names
    if style in ("given_family", "family_given") and ";" not in text and " and " in text.lower():
        return _split_top_level(text, " and ")
    return _split_top_level(text, sep) if sep == " and " else text.split(sep)


def _read_names(raw_names: list[str], style: str, truncated: bool) -> tuple[list[str], bool]:
    """'Family, Given' of each name; a '…' or 'others' in the list marks it truncated."""
    names: list[str] = []
    for raw in raw_names:
        raw = raw.strip()
        if not raw:
            continue
        if raw in {"…", "..."} or raw.lower() in {"others", "et al.", "et al"}:
            truncated = True
            continue
        name = _STYLE_NAME[style](raw)
        if name:
            names.append(name)
    return names, truncated


@lru_cache(maxsize=200_000)
def author_key(name: str) -> str:
    """Matching key of one 'Family, Given' name: ASCII family name, letters only, lower case."""
    family = name.split(",", 1)[0]
    return re.sub(r"[^a-z]", "", ascii_fold(family).casefold())


def author_initial(name: str) -> str:
    given = name.split(",", 1)[1] if "," in name else ""
    given = ascii_fold(given).strip()
    return given[:1].lower()
