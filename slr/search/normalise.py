"""Normalise the fields of search records: DOIs, arXiv ids, titles, years, pages, URLs, types.

Authors live in :mod:`slr.search.authors`, venues in :mod:`slr.search.venues` (an explicit
:class:`~slr.search.venues.VenueTable`), the shared text cleaning in :mod:`slr.search.text`; their
public names are importable from here as before.

Two kinds of functions live here:

* ``normalise_*`` clean a value for storage (the value a reader sees): a DOI in its bare lower-case
  form, a title without Google Scholar's trailing "…", authors as ``"Family, Given"``;
* ``*_key`` functions reduce a value to a matching key for deduplication (ASCII, case-folded,
  punctuation-free): two spellings of the same thing get the same key.

Every function accepts any string (including junk) and returns ``None`` rather than raising when
nothing usable is left; the hypothesis tests in ``tests/search`` hold them to that.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from slr.search.authors import AUTHOR_STYLES, author_initial, author_key, parse_authors
from slr.search.text import (
    ELLIPSIS_RE,
    LEADING_ELLIPSIS_RE,
    ascii_fold,
    clean_text,
    strip_latex,
)
from slr.search.text import WS_RE as _WS_RE
from slr.search.venues import (
    VenueTable,
    bundled_venue_rows,
    venue_lookup_key,
)

__all__ = [
    "AUTHOR_STYLES",
    "ELLIPSIS_RE",
    "LEADING_ELLIPSIS_RE",
    "VenueTable",
    "ascii_fold",
    "author_initial",
    "author_key",
    "clean_text",
    "parse_authors",
    "strip_latex",
    "venue_lookup_key",
]

_venue_rows = bundled_venue_rows  # the bundled rows under their former name


# ----------------------------------------------------------------------------------------- DOI

_DOI_RE = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_DOI_PREFIX_RE = re.compile(r"^(?:https?://)?(?:dx\.)?(?:doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)


def normalise_doi(value: object) -> str | None:
    """'https://doi.org/10.1145/ABC.' -> '10.1145/abc'; None if no DOI is in the value."""
    text = clean_text(value)
    if text is None:
        return None
    text = unquote(text).strip()
    text = _DOI_PREFIX_RE.sub("", text)
    m = _DOI_RE.search(text)
    if m is None:
        return None
    doi = m.group(0).rstrip(".,;)]}>\"'")
    # Publishers' landing-page suffixes are not part of the DOI.
    doi = re.sub(r"(?i)/(?:abstract|full|pdf|epdf)$", "", doi)
    return doi.lower() if len(doi) > 8 else None


ARXIV_DOI_PREFIX = "10.48550/arxiv."


def is_arxiv_doi(doi: str | None) -> bool:
    return bool(doi) and str(doi).lower().startswith(ARXIV_DOI_PREFIX)


# ------------------------------------------------------------------------------------- arXiv id

_ARXIV_NEW_RE = re.compile(r"(?<!\d)(\d{4}\.\d{4,5})(?:v(\d+))?(?!\d)", re.IGNORECASE)
_ARXIV_OLD_RE = re.compile(r"\b([a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?\b", re.IGNORECASE)
_ARXIV_CONTEXT_RE = re.compile(r"arxiv|10\.48550", re.IGNORECASE)


def parse_arxiv_id(value: object, *, require_context: bool = True) -> tuple[str, int | None] | None:
    """Find an arXiv identifier: ('2402.06247', 2) from 'arXiv:2402.06247v2', URLs or DOIs.

    With ``require_context`` (the default) the text must mention arXiv (a URL, a DOI 10.48550 or
    'arXiv:'), so that page ranges and report numbers are not mistaken for ids. A bare id list
    (``slr ingest ids.txt --format arxiv``) passes ``require_context=False``.
    """
    text = clean_text(value)
    if text is None:
        return None
    if require_context and not _ARXIV_CONTEXT_RE.search(text):
        return None
    m = _ARXIV_NEW_RE.search(text)
    if m:
        yymm = int(m.group(1)[2:4])
        if 1 <= yymm <= 12:
            return m.group(1), int(m.group(2)) if m.group(2) else None
    m = _ARXIV_OLD_RE.search(text)
    if m:
        return m.group(1).lower(), int(m.group(2)) if m.group(2) else None
    return None


# ---------------------------------------------------------------------------------------- titles


def normalise_title(value: object) -> tuple[str | None, bool]:
    """Clean a title; return (title, truncated). Google Scholar cuts long titles with '…'."""
    text = clean_text(value)
    if text is None:
        return None, False
    text = strip_latex(text) if ("{" in text or "\\" in text) else text
    truncated = bool(ELLIPSIS_RE.search(text))
    if truncated:
        text = ELLIPSIS_RE.sub("", text)
    text = text.strip(" .")
    text = _WS_RE.sub(" ", text)
    return (text or None), truncated and bool(text)


_NON_ALNUM_RE = re.compile(r"[^0-9a-z]+")


def title_key(value: object) -> str:
    """Matching key of a title: ASCII, case-folded, punctuation as spaces, single-spaced."""
    text = clean_text(value)
    if text is None:
        return ""
    text = ELLIPSIS_RE.sub("", strip_latex(text))
    text = ascii_fold(text).casefold().replace("&", " and ")
    return _NON_ALNUM_RE.sub(" ", text).strip()


_NUMBER_RE = re.compile(r"\b\d+\b")


def title_numbers(key: str) -> frozenset[str]:
    """Numbers in a title key ('part 2', 'gpt 4'): titles differing in them are different works."""
    return frozenset(_NUMBER_RE.findall(key))


# ----------------------------------------------------------------------------------------- years

_YEAR_RE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|2100)(?!\d)")


def normalise_year(value: object) -> int | None:
    """First plausible year (1800-2100) in the value: '2024', '2016-05-01', 'May-June 2016'."""
    text = clean_text(value)
    if text is None:
        return None
    m = _YEAR_RE.search(text)
    return int(m.group(1)) if m else None


# ----------------------------------------------------------------------------------------- pages

_PAGE_SPLIT_RE = re.compile(r"\s*(?:--|–|—|-|‐|to)\s*")


def normalise_pages(value: object = None, start: object = None, end: object = None) -> str | None:
    """'704--715', '704–715' or start/end columns -> '704-715'; '11:1--11:21' -> '11:1-11:21'."""
    text = clean_text(value)
    first, last = clean_text(start), clean_text(end)
    if text is None and first is None:
        return None
    if text is not None:
        bits = [b for b in _PAGE_SPLIT_RE.split(text) if b]
        if not bits:
            return None
        first = bits[0]
        last = bits[1] if len(bits) > 1 else None
    if first is None:
        return None
    if last and last != first:
        # '1234-56' means 1234-1256
        if first.isdigit() and last.isdigit() and len(last) < len(first) and int(last) < int(first):
            last = first[: len(first) - len(last)] + last
        return f"{first}-{last}"
    return first


# ---------------------------------------------------------------------------------------- venues


def normalise_venue(value: object) -> tuple[str | None, bool]:
    """:meth:`VenueTable.normalise` of the bundled table (ingest takes the review's table)."""
    return VenueTable.bundled().normalise(value)


def venue_key(value: object) -> str:
    """:meth:`VenueTable.key` of the bundled table (deduplication takes the review's table)."""
    return VenueTable.bundled().key(value)


def venue_kind(value: object) -> str | None:
    """:meth:`VenueTable.kind` of the bundled table."""
    return VenueTable.bundled().kind(value)


def is_preprint_venue(value: object) -> bool:
    text = clean_text(value)
    if text is None:
        return False
    low = text.casefold()
    return "arxiv" in low or low.strip() == "corr" or "preprint" in low or "biorxiv" in low


# ----------------------------------------------------------------------------------------- other


def normalise_url(value: object) -> str | None:
    text = clean_text(value)
    if text is None or not re.match(r"^(?:https?|ftp)://", text, re.I):
        return None
    return text.split()[0]


# Landing pages whose path is the DOI itself: doi.org, the '/doi/' pages of ACM, Wiley, Taylor &
# Francis, SAGE, and Springer's '/article/' and '/chapter/' pages.
_DOI_URL_RE = re.compile(
    r"^(?:https?://)?(?:[\w-]+\.)*(?:"
    r"doi\.org/|[\w.-]+/doi/(?:abs/|full/|pdf/|epdf/|book/)?|link\.springer\.com/(?:article|chapter)/"
    r")(10\.\d{4,9}/\S+)$",
    re.IGNORECASE,
)


def doi_from_url(value: object) -> str | None:
    """The DOI of a landing-page URL whose path is the DOI ('dl.acm.org/doi/10.1145/...').

    Only URLs of that form count: a DOI-like string elsewhere in a URL (a query, a file name) is
    not taken for the record's DOI.
    """
    url = normalise_url(value)
    if url is None:
        return None
    m = _DOI_URL_RE.match(unquote(url).split("#")[0].split("?")[0])
    return normalise_doi(m.group(1)) if m else None


_GENERIC_URL_HOSTS = frozenset({"scholar.google.com", "www.google.com", "google.com"})


def url_key(value: object) -> str | None:
    """A URL as a matching key: lower-case host without 'www.', path without trailing '/', query.

    None for a URL that names no particular page (a bare host, a search engine's query), which
    two different works may share.
    """
    url = normalise_url(value)
    if url is None:
        return None
    m = re.match(r"^[a-z]+://([^/?#]+)([^?#]*)(\?[^#]*)?", url, re.IGNORECASE)
    if m is None:
        return None
    host = m.group(1).lower().removeprefix("www.")
    path = unquote(m.group(2)).rstrip("/")
    if not path or host in _GENERIC_URL_HOSTS:
        return None
    return host + path + (m.group(3) or "")


def normalise_keywords(value: object) -> list[str]:
    text = clean_text(value)
    if text is None:
        return []
    parts = re.split(r"\s*[;,]\s*" if ";" not in text else r"\s*;\s*", text)
    return [p for p in (clean_text(x) for x in parts) if p]


ENTRY_TYPE_SYNONYMS = {
    # RIS
    "jour": "article",
    "jfull": "article",
    "mgzn": "article",
    "news": "article",
    "conf": "inproceedings",
    "cpaper": "inproceedings",
    "chap": "incollection",
    "book": "book",
    "ebook": "book",
    "edbook": "book",
    "thes": "phdthesis",
    "rprt": "techreport",
    "gen": "misc",
    "elec": "misc",
    "unpb": "unpublished",
    "ser": "article",
    # CSV exports
    "article": "article",
    "review": "article",
    "journal article": "article",
    "conference paper": "inproceedings",
    "conference": "inproceedings",
    "proceedings paper": "inproceedings",
    "inproceedings": "inproceedings",
    "proceedings": "inproceedings",
    "conference review": "inproceedings",
    "book chapter": "incollection",
    "chapter": "incollection",
    "incollection": "incollection",
    "phdthesis": "phdthesis",
    "mastersthesis": "mastersthesis",
    "thesis": "phdthesis",
    "techreport": "techreport",
    "report": "techreport",
    "misc": "misc",
    "unpublished": "unpublished",
    "preprint": "misc",
    "editorial": "article",
    "letter": "article",
    "note": "article",
    "erratum": "article",
    "data paper": "article",
    "ieee conferences": "inproceedings",
    "ieee journals": "article",
    "ieee magazines": "article",
    "ieee early access articles": "article",
    "j": "article",
    "s": "inproceedings",
    "b": "book",
    "p": "misc",
}


def normalise_entry_type(value: object, default: str = "misc") -> str:
    text = clean_text(value)
    if text is None:
        return default
    return ENTRY_TYPE_SYNONYMS.get(text.casefold(), default)
