"""Matching forms of the bibliographic locators: journal names, volume, issue and pages, DOIs.

Split from :mod:`slr.search.dedupe.fields` (which re-exports them); the damage they tolerate is
listed there: abbreviated, cut or Embase-annotated journal names ('Pharmazie.69 (12) ()(pp
909-916) 2014.Date...'), shifted or spreadsheet-mangled volume, issue and pages ('01-Feb',
'var.pagings', '411-5'), DOIs with '[pii]' parts and Cochrane review versions ('.pub3').
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from slr.search.normalise import ascii_fold

# -------------------------------------------------------------------------------------- journals

_JOURNAL_DROP = frozenset(
    ["of", "the", "and", "for", "in", "on", "und", "de", "la", "le", "l", "des", "der", "die"]
)
_EMBASE_TAIL_RE = re.compile(r"\.\s*(?:\d|\(|conference\b|date of publication\b).*$", re.I)
_PAREN_RE = re.compile(r"\([^)]*\)")
_DOTTED_RE = re.compile(r"[a-z]\.\s*\S", re.I)
_SUBTITLE_RE = re.compile(r"\s[:/]\s?|\s-\s")
_NON_ALNUM_RE = re.compile(r"[^0-9a-z]+")
# a meeting abstract: 'Neurology. Conference: 68th ...', 'Abstracts of the ... Congress'
_MEETING_RE = re.compile(
    r"\.\s*conference\s*:|\babstracts?\b|\bcongress\b|\bmeeting\b|\bconference\s+proceedings",
    re.I,
)


# Embase puts volume, issue and pages into the journal field: 'Synapse.62 (2) ()(pp 128-136) 2008.'
_EMBASE_LOCATOR_RE = re.compile(
    r"\.(\d+[A-Za-z]?)?\s*(?:\(([^()]*)\))?\s*(?:\(\))?\s*\(pp\s+([^)]*)\)"
)


def journal_locator(value: str | None) -> tuple[str, str, str] | None:
    """(volume, issue, pages) written into a journal field, or None."""
    if not value or "(pp" not in value:
        return None
    found = list(_EMBASE_LOCATOR_RE.finditer(value))
    if not found:
        return None
    m = found[-1]
    return (m.group(1) or "", m.group(2) or "", m.group(3) or "")


@dataclass(frozen=True)
class JournalForm:
    key: str  # words, lower case, without stop words: 'plast reconstr surg'
    meeting: bool  # the field names a meeting: 'Neurology. Conference: 68th ...'


@lru_cache(maxsize=200_000)
def journal_form(value: str | None) -> JournalForm:
    if not value:
        return JournalForm("", False)
    text = ascii_fold(value)
    meeting = bool(_MEETING_RE.search(text))
    text = _EMBASE_TAIL_RE.sub("", text) if _DOTTED_RE.search(text) else text
    text = _PAREN_RE.sub(" ", text)
    text = _SUBTITLE_RE.split(text, maxsplit=1)[0]  # a subtitle of the name
    words = [
        w
        for w in _NON_ALNUM_RE.sub(" ", text.casefold().replace("&", " ")).split()
        if w not in _JOURNAL_DROP
    ]
    return JournalForm(" ".join(words), meeting)


@lru_cache(maxsize=500_000)
def journals_agree(a: str, b: str) -> float:
    """How well two journal keys agree, 0..1: the share of the shorter name's words that
    align, in order, with words of the other.

    Words align when one is a prefix of the other ('clin' / 'clinical', a name cut at a fixed
    length), an abbreviation by contraction ('natl' / 'national'), or the same word with one
    letter changed ('tumor' / 'tumour'). 'Plast Reconstr Surg' / 'Plastic and Reconstructive
    Surgery' -> 1.0; 'Pancreatology' / 'Pancreas' -> 0.0.
    """
    if not a or not b:
        return 0.0
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return 1.0
    wa, wb = a.split(), b.split()
    if len(wa) > len(wb):
        wa, wb = wb, wa
    # Names agree from their first word on: 'Cartilage' is not 'Osteoarthritis Cartilage'.
    # The longer may start with a short acronym ('JAMA-Journal of the American ...').
    if not _words_agree(wa[0], wb[0]):
        if len(wb) > len(wa) and len(wb[0]) <= 5 and len(wa) >= 3 and _words_agree(wa[0], wb[1]):
            wb = wb[1:]
        else:
            return 0.0
    # longest common subsequence under word compatibility (names are short: a tiny DP)
    prev = [0] * (len(wb) + 1)
    for x in wa:
        cur = [0] * (len(wb) + 1)
        for k, y in enumerate(wb, start=1):
            cur[k] = prev[k - 1] + 1 if _words_agree(x, y) else max(prev[k], cur[k - 1])
        prev = cur
    return prev[-1] / len(wa)


def _words_agree(x: str, y: str) -> bool:
    if x == y or x.startswith(y) or y.startswith(x):
        return True
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if short[0] != long_[0]:
        return False
    if len(short) >= 3 and _is_subsequence(short, long_):
        return True  # 'natl' / 'national', 'psychiatr' / 'psychiatrie'
    return len(short) >= 5 and len(long_) - len(short) <= 1 and _one_edit(short, long_)


def _is_subsequence(short: str, long_: str) -> bool:
    it = iter(long_)
    return all(c in it for c in short)


def _one_edit(a: str, b: str) -> bool:
    from rapidfuzz.distance import OSA

    return OSA.distance(a, b) <= 1


# --------------------------------------------------------------------- volume, issue and pages

_INT_RE = re.compile(r"\d+")
_SUPPLEMENT_RE = re.compile(r"supp|\bs\d", re.I)
_INNER_ISSUE_RE = re.compile(r"\((\d+)")
_VARIOUS_RE = re.compile(r"pagings|var\b", re.I)
_PP_RE = re.compile(r"^(?:pp?\.?\s*)")
_RANGE_RE = re.compile(r"\s*(?:-|–|—|to)\s*")
_MONTHS = {
    m: str(k)
    for k, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
# Spreadsheets turn '1-2' into '01-Feb' and '12-13' into 'Dec-13'
_EXCEL_DATE_RE = re.compile(r"^\s*(?:(\d{1,4})-([A-Za-z]{3})|([A-Za-z]{3})-(\d{1,4}))\s*$")


def undo_spreadsheet_date(text: str) -> str:
    """'01-Feb' -> '1-2', 'Dec-13' -> '12-13', 'Jan-78' -> '1-78'; other text unchanged."""
    m = _EXCEL_DATE_RE.match(text)
    if m is None:
        return text
    if m.group(1):
        month = _MONTHS.get(m.group(2).lower())
        return f"{int(m.group(1))}-{month}" if month else text
    month = _MONTHS.get(m.group(3).lower())
    return f"{month}-{int(m.group(4))}" if month else text


def volume_number(
    volume: str | None, number: str | None, year: int | None
) -> tuple[str, str, bool]:
    """(volume, issue, supplement) as digit strings ('' when unknown).

    '13 (1)' -> ('13', '1'); '7 (2 Supplement 1)' -> ('7', '2', supplement); a volume that is
    the year ('2018 (10)') counts as missing, as does a cut-off '5)'; Excel's '01-Feb' for '1-2'
    gives issue '1'.
    """
    vol_text, num_text = (volume or "").strip(), undo_spreadsheet_date((number or "").strip())
    supplement = bool(_SUPPLEMENT_RE.search(f"{vol_text} {num_text}"))
    vol = ""
    if vol_text and not (vol_text.endswith(")") and "(" not in vol_text):
        m = _INT_RE.search(vol_text)
        if m:
            vol = m.group(0).lstrip("0") or "0"
        inner = _INNER_ISSUE_RE.search(vol_text)
        if inner and not num_text:
            num_text = inner.group(1)
    if vol and year is not None and vol == str(year):
        vol = ""
    num = ""
    if num_text and not _VARIOUS_RE.search(num_text):
        m = _INT_RE.search(num_text)
        if m:
            num = m.group(0).lstrip("0") or "0"
    return vol, num, supplement


_PAGE_RE = re.compile(r"([a-z]{0,3})(\d+)([a-z]?)", re.I)


@dataclass(frozen=True)
class PagesForm:
    first: str  # digits of the first page ('' when unknown)
    last: str  # digits of the last page, expanded ('411-5' -> '415')
    marked: bool  # a letter marks the pages: 'S64', '339A', 'A186', 'e3116', 'CD002783'

    @property
    def single(self) -> bool:
        """One plain number and no range: often not a page at all ('14' for '959-964')."""
        return bool(self.first) and not self.last and not self.marked


def pages_form(value: str | None, year: int | None = None) -> PagesForm:
    text = undo_spreadsheet_date((value or "").strip()).lower()
    if not text or "pagination" in text:
        return PagesForm("", "", False)
    if year is not None and str(year) in text and not text.startswith(str(year)[:2] + "-"):
        return PagesForm("", "", False)  # a date in the pages field: '2010-2Apr'

    text = _PP_RE.sub("", text)
    parts = _RANGE_RE.split(text, maxsplit=1)
    m = _PAGE_RE.match(parts[0].replace(" ", ""))
    if m is None:
        return PagesForm("", "", False)
    first = m.group(2).lstrip("0") or "0"
    if year is not None and first == str(year) and len(parts) == 1:
        return PagesForm("", "", False)  # the year in the pages field
    marked = bool(m.group(1) or m.group(3))
    last = ""
    if len(parts) > 1:
        m2 = _PAGE_RE.search(parts[1].replace(" ", ""))
        if m2:
            last = m2.group(2).lstrip("0") or "0"
            if len(last) < len(first):
                expanded = first[: len(first) - len(last)] + last
                if int(expanded) >= int(first):
                    last = expanded
            if int(last) < int(first):
                return PagesForm("", "", False)  # '88-87': not a page range
    return PagesForm(first, last, marked)


# ------------------------------------------------------------------------------------------ DOIs

_DOI_IN_TEXT_RE = re.compile(r"10\.\d{4,9}/[^\s;\[\]]+", re.I)
_COCHRANE_RE = re.compile(r"\bcd(\d{6})\b", re.I)
_DOI_VERSION_RE = re.compile(r"(?:\.pub\d+|\.g\d{3}|\.t\d{3}|\.s\d{3}|_\d+)$", re.I)


def doi_from_field(value: str | None) -> str | None:
    """The DOI in a field that may hold more: 'npp2012246 [pii];10.1038/npp.2012.246 [doi]'."""
    if not value:
        return None
    m = _DOI_IN_TEXT_RE.search(value)
    if m is None:
        return None
    return m.group(0).rstrip(".,;)").lower()


def doi_family(doi: str | None) -> str | None:
    """A DOI without a version or part suffix: Cochrane's '.pub3', PLOS figures '.g001', the
    check characters of an old SICI DOI ('...>3.0.co;2-2' / '...>3.3.co;2-u'); '//' as '/'."""
    if not doi:
        return None
    doi = doi.replace("//", "/")
    if ">" in doi:
        doi = doi.split(">", 1)[0]
    return _DOI_VERSION_RE.sub("", doi)


def cochrane_id(doi: str | None, pages: str | None) -> str | None:
    """'CD002783' from a Cochrane DOI (10.1002/14651858.CD002783.pub2) or the pages field."""
    for text in (doi, pages):
        if text:
            m = _COCHRANE_RE.search(text)
            if m:
                return m.group(1)
    return None
