"""Normalise the fields of search records: DOIs, arXiv ids, titles, authors, years, venues, pages.

Two kinds of functions live here:

* ``normalise_*`` clean a value for storage (the value a reader sees): a DOI in its bare lower-case
  form, a title without Google Scholar's trailing "…", authors as ``"Family, Given"``;
* ``*_key`` functions reduce a value to a matching key for deduplication (ASCII, case-folded,
  punctuation-free): two spellings of the same thing get the same key.

Every function accepts any string (including junk) and returns ``None`` rather than raising when
nothing usable is left; the hypothesis tests in ``tests/search`` hold them to that.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import unquote

ELLIPSIS_RE = re.compile(r"\s*(?:…|\.\.\.)\s*$")
LEADING_ELLIPSIS_RE = re.compile(r"^\s*(?:…|\.\.\.)\s*,?\s*")
_WS_RE = re.compile(r"\s+")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Letters NFKD does not decompose into ASCII.
_TRANSLIT = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "‐": "-",
        "‑": "-",
        "–": "-",
        "—": "-",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
    }
)


def clean_text(value: object) -> str | None:
    """NFC, no zero-width characters, single spaces, stripped; None if nothing is left."""
    if value is None:
        return None
    text = str(value)
    if not text:
        return None
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    text = _WS_RE.sub(" ", text).strip()
    if not text or text.lower() in {"nan", "none", "null", "n/a", "na"}:
        return None
    return text


def ascii_fold(text: str) -> str:
    """Drop diacritics and transliterate: 'Bissyandé' -> 'Bissyande', 'Krüger' -> 'Kruger'."""
    if text.isascii():
        return text
    text = text.translate(_TRANSLIT)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_LATEX_CMD_RE = re.compile(r"\\[a-zA-Z]+\s*|\\.")


def strip_latex(text: str) -> str:
    """Remove braces and leftover LaTeX commands (accents are decoded by the BibTeX parser)."""
    if "\\" in text:
        text = _LATEX_CMD_RE.sub("", text)
    return text.replace("{", "").replace("}", "")


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


# --------------------------------------------------------------------------------------- authors

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
    family = _WS_RE.sub(" ", family).strip(" ,;")
    given = _WS_RE.sub(" ", given).strip(" ,;")
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
        items = [clean_text(v) for v in value]
        text = None
        raw_names = [i for i in items if i]
    else:
        text = clean_text(value)
        if text is None:
            return [], False
        raw_names = []
    truncated = False
    if text is not None:
        if LEADING_ELLIPSIS_RE.match(text):
            truncated = True
            text = LEADING_ELLIPSIS_RE.sub("", text)
        if ELLIPSIS_RE.search(text):
            truncated = True
            text = ELLIPSIS_RE.sub("", text)
        if _ET_AL_RE.search(text):
            truncated = True
            text = _ET_AL_RE.sub("", text)
        sep = _STYLE_SPLIT[style]
        if style == "family_initials" and ";" not in text and re.search(r"\.,\s", text):
            # Older Scopus exports: 'Hao, J., High, R.' (comma after the initials).
            raw_names = [p + "." for p in re.split(r"\.,\s*", text)]
            raw_names[-1] = raw_names[-1].rstrip(".") + ("." if text.endswith(".") else "")
        elif (
            style in ("given_family", "family_given")
            and ";" not in text
            and (" and " in text.lower())
        ):
            raw_names = _split_top_level(text, " and ")
        else:
            raw_names = _split_top_level(text, sep) if sep == " and " else text.split(sep)
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

_VENUE_DROP_RE = re.compile(
    r"\b(?:proceedings|proc|of|the|on|in|and|for|annual|(?:\d+(?:st|nd|rd|th))|"
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"ieee|acm|ieee acm|sigsoft|conference|conf|international|intl|int|symposium|symp|"
    r"companion|volume|vol|part|workshops?)\b"
)
_YEAR_IN_VENUE_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|'\d\d\b")
_PAREN_ACRONYM_RE = re.compile(r"\(([A-Za-z][A-Za-z/\-+]{1,15})(?:\s*'?\d{2,4})?\)")


def normalise_venue(value: object) -> tuple[str | None, bool]:
    """Clean a venue; return (venue, truncated). Expands a known acronym ('TSE') to its name."""
    text = clean_text(value)
    if text is None:
        return None, False
    truncated = bool(ELLIPSIS_RE.search(text)) or text.startswith(("…", "..."))
    text = LEADING_ELLIPSIS_RE.sub("", ELLIPSIS_RE.sub("", strip_latex(text))).strip(" ,.")
    if not text:
        return None, truncated
    canonical = venue_table().get(_venue_lookup_key(text))
    if canonical is not None and not truncated:
        return canonical, False
    return text, truncated


def _venue_lookup_key(text: str) -> str:
    return _NON_ALNUM_RE.sub(" ", ascii_fold(text).casefold()).strip()


def venue_key(value: object) -> str:
    """Matching key of a venue: its canonical name if known, else the distinctive words."""
    return _venue_key(value) if isinstance(value, str) else _venue_key_uncached(value)


@lru_cache(maxsize=100_000)
def _venue_key(value: str) -> str:
    return _venue_key_uncached(value)


def _venue_key_uncached(value: object) -> str:
    text = clean_text(value)
    if text is None:
        return ""
    text = LEADING_ELLIPSIS_RE.sub("", ELLIPSIS_RE.sub("", text))
    table = venue_table()
    direct = table.get(_venue_lookup_key(text))
    if direct is None:
        m = _PAREN_ACRONYM_RE.search(text)
        if m:
            direct = table.get(_venue_lookup_key(m.group(1)))
    if direct is not None:
        return _venue_lookup_key(direct)
    low = _venue_lookup_key(_YEAR_IN_VENUE_RE.sub(" ", text))
    low = _VENUE_DROP_RE.sub(" ", low)
    return _WS_RE.sub(" ", low).strip()


@lru_cache(maxsize=100_000)
def _venue_kind_cached(value: str) -> str | None:
    return _venue_kinds().get(venue_key(value))


def venue_kind(value: object) -> str | None:
    """'journal', 'conference' or 'preprint' when the venue is in the table."""
    text = clean_text(value)
    if text is None:
        return None
    return _venue_kind_cached(text)


@lru_cache(maxsize=1)
def _venue_rows() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    rows = []
    with resources.files("slr.search").joinpath("data/venues.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            syn = tuple(s.strip() for s in (row.get("synonyms") or "").split("|") if s.strip())
            rows.append((row["name"].strip(), row["kind"].strip(), syn))
    return tuple(rows)


_EXTRA_VENUES: dict[str, str] = {}


def add_venue_synonyms(mapping: dict[str, str]) -> None:
    """Add 'synonym -> canonical name' pairs (e.g. from the review's taxonomy/venues.yaml)."""
    for syn, name in mapping.items():
        if syn and name:
            _EXTRA_VENUES[_venue_lookup_key(syn)] = name
    venue_table.cache_clear()
    _venue_key.cache_clear()
    _venue_kind_cached.cache_clear()


def reset_venue_synonyms() -> None:
    """Forget synonyms added with :func:`add_venue_synonyms` (back to ``data/venues.csv``)."""
    _EXTRA_VENUES.clear()
    add_venue_synonyms({})


def load_taxonomy_venues(path: str | Path) -> int:
    """Add the review's venues (``taxonomy/venues.yaml``: ``name``, ``full_name``, ``synonyms``).

    Each venue's spellings map to the canonical name this module already uses for any of them
    (``data/venues.csv``), else to its ``full_name``, so that both tables agree. Returns how
    many spellings were added; a missing file adds none.
    """
    path = Path(path)
    if not path.is_file():
        return 0
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if isinstance(data, dict):
        data = data.get("venues", [])
    table = venue_table()
    mapping: dict[str, str] = {}
    for entry in data if isinstance(data, list) else []:
        if not isinstance(entry, dict) or not entry.get("name"):
            continue
        spellings = [str(entry["name"])]
        if entry.get("full_name"):
            spellings.append(str(entry["full_name"]))
        for key in ("synonyms", "aliases", "abbreviations"):
            spellings += [str(x) for x in entry.get(key) or []]
        known = next((table[k] for k in map(_venue_lookup_key, spellings) if k in table), None)
        canonical = known or str(entry.get("full_name") or entry["name"])
        for spelling in spellings:
            mapping[spelling] = canonical
    add_venue_synonyms(mapping)
    return len(mapping)


def use_review_venues(root: str | Path | None = None) -> int:
    """Load ``taxonomy/venues.yaml`` of the review when there is one (see above)."""
    try:
        from slr.paths import taxonomy_dir

        return load_taxonomy_venues(
            taxonomy_dir(Path(root) if root is not None else None) / "venues.yaml"
        )
    except Exception:  # no review around (a search project on its own): the table suffices
        return 0


@lru_cache(maxsize=1)
def venue_table() -> dict[str, str]:
    """lookup key of a name or synonym -> canonical venue name (``data/venues.csv``)."""
    table: dict[str, str] = {}
    for name, _kind, synonyms in _venue_rows():
        table[_venue_lookup_key(name)] = name
        for syn in synonyms:
            table[_venue_lookup_key(syn)] = name
    table.update(_EXTRA_VENUES)
    return table


@lru_cache(maxsize=1)
def _venue_kinds() -> dict[str, str]:
    return {_venue_lookup_key(name): kind for name, kind, _ in _venue_rows()}


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
