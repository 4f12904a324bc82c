"""Matching forms of the bibliographic fields, as databases really export them.

Each function turns one raw field into what deduplication compares, and tolerates the damage
real exports carry (seen in the labelled sets of ``shared/data/dedupe``, see its SOURCE.md):

* titles with a language tag ('. German', '[Chinese]'), a translated title in brackets, an
  erratum notice ('Erratum appears in ...'), '[Review] [33 refs]', HTML markup;
* author lists run together without separators ('Slavin S. A.Lin S. J.', 'BurgdorfJ.ZhangX.L.',
  'PERRAULT HTURCOTTE RA'), with or without given names;
* journal names abbreviated ('Plast Reconstr Surg', 'J.Neurosurg.'), cut at 40 characters, or
  carrying volume, pages and a meeting name ('Pharmazie.69 (12) ()(pp 909-916) 2014.Date...',
  'Trials. Conference: 4th ...');
* volume, issue and pages shifted or mangled ('5)', '2018 (10) (no pagination)', '01-Feb',
  'var.pagings', '411-5', 'S64', 'Cd002783');
* DOIs with '[pii]' and '[doi]' parts, Cochrane review versions ('.pub3').
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from slr.search.normalise import ascii_fold

# ---------------------------------------------------------------------------------------- titles

_TAG_RE = re.compile(r"<[^>]{0,40}>")
# '<inf>1</inf>', '<sup>9</sup>': sub- and superscripts join the word they belong to
_SCRIPT_TAG_RE = re.compile(r"</?(?:inf|sub|sup|i|b|em)>", re.I)
# isotope labels and formula parts some databases keep and others drop: '[3H]', '[18F]'
_LABEL_RE = re.compile(r"\[(?:\d{1,3}[A-Za-z]{1,2}|[A-Za-z]{1,2}-?\d{1,3})\]\s*")
_LANGUAGES = (
    "chinese|german|french|spanish|italian|russian|japanese|portuguese|polish|czech|dutch|"
    "hungarian|turkish|danish|swedish|norwegian|finnish|korean|hebrew|greek|croatian|serbian|"
    "slovak|slovene|slovenian|romanian|bulgarian|ukrainian|persian|arabic|lithuanian|estonian|"
    "latvian|icelandic|afrikaans|catalan|thai|vietnamese|malay|indonesian"
)
# '... GERMAN', '... [Chinese]', '... (author's transl)', '[Article in German]'
_LANGUAGE_TAG_RE = re.compile(
    rf"(?:[.;:,]?\s*[\[(]\s*(?:article in |in )?(?:{_LANGUAGES})(?: language)?\s*[\])]"
    rf"|[.;]\s*(?:{_LANGUAGES})(?:\s+abstract)?"
    r"|\s*\(author'?s'? transl\)"
    rf"|\s*\[(?:{_LANGUAGES})[^\]]*\])\s*\.?\s*$",
    re.IGNORECASE,
)
_LANGUAGE_WORD_RE = re.compile(rf"\b(?:{_LANGUAGES})\b")
_ERRATUM_NOTICE_RE = re.compile(
    r"[.;,]?\s*[\[(]?\s*(?:erratum|errata|corrigendum)\s+(?:appears\s+)?in\b.*$", re.I
)
# an erratum's citation of the article it corrects: '... (PLoS One (2014) 9 6 (e98734) DOI: ...)',
# '...': Journal of Neuroscience Methods 221 (2014) 92-102'
_CITED_RE = re.compile(
    r"\s*(?:\((?=[^)]*\b(?:1[89]|20)\d\d\b)(?:[^()]|\([^()]*\))*\)"
    r"|['\"]?\s*[:.,]\s*[^:]*\b\d+\s*\((?:1[89]|20)\d\d\)\s*[\de][\d\-e]*)\s*$",
    re.I,
)
# Web of Science's correction notice: 'Title (vol 221, pg 92, 2014)' is an erratum of Title
_WOS_CORRECTION_RE = re.compile(r"\s*\(\s*vol\.?\s*\d+\b[^()]*\b(?:1[89]|20)\d\d\s*\)?\s*$", re.I)
# ... and its mark on a retracted article itself: 'Title (Retracted article. See vol 5, 2015)'
_RETRACTED_MARK_RE = re.compile(r"\s*[\[(]\s*retracted\s+article\b[^()\]]*[\])]?\s*$", re.I)
_REVIEW_REFS_RE = re.compile(r"\s*\[review\]|\s*\[\d+\s*refs?\]|\s*\(review\)\s*$", re.I)
_WITHDRAWN_RE = re.compile(r"^\s*(?:withdrawn|retracted)\s*[:.]\s*", re.I)
_NON_ALNUM_RE = re.compile(r"[^0-9a-z]+")
_DIGITS_RE = re.compile(r"\d+")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8"}
_ROMAN_RE = re.compile(r"\b(?:part|phase|type|stage|grade|class|study)\s+(i{1,3}|iv|v|vi{1,3})\b")

# Words naming a kind of publication: a title with one of them and a title without are
# different works even when every other word agrees ('X' and 'Erratum: X', 'Reply to X',
# 'X: a protocol').
PUBLICATION_KIND_WORDS = {
    "erratum": "erratum",
    "errata": "erratum",
    "corrigendum": "erratum",
    "correction": "erratum",
    "corrections": "erratum",
    "retraction": "retraction",
    "retracted": "retraction",
    "comment": "comment",
    "comments": "comment",
    "commentary": "comment",
    "reply": "reply",
    "response": "reply",
    "rebuttal": "reply",
    "protocol": "protocol",
    "editorial": "editorial",
    "addendum": "addendum",
}


_KIND_WORDS = frozenset(PUBLICATION_KIND_WORDS)
_NONE: frozenset[str] = frozenset()
_ROMAN_TRIGGER_RE = re.compile(r"\b(?:part|phase|type|stage|grade|class|study) [iv]")


@dataclass(frozen=True)
class TitleForm:
    """A title as deduplication compares it."""

    key: str  # ASCII, lower case, punctuation as single spaces
    kinds: frozenset[str]  # publication kinds named by the title (erratum, reply, ...)
    translated: bool  # a language tag or a bracketed (translated) title
    numbers: frozenset[str]


def title_form(value: str | None) -> TitleForm:
    """'[Treatment of X]. German' -> key 'treatment of x', translated=True."""
    if not value:
        return TitleForm("", frozenset(), False, frozenset())
    text = value
    if "<" in text or "&" in text:
        text = _TAG_RE.sub(" ", _SCRIPT_TAG_RE.sub("", html.unescape(text)))
    if "[" in text:
        text = _LABEL_RE.sub("", text)
    low = text.casefold()
    tail = low[-60:]
    text, translated = _without_translation_marks(text, tail)
    text, notice = _without_notices(text, low, tail)
    key = _NON_ALNUM_RE.sub(" ", ascii_fold(text).casefold().replace("&", " and ")).strip()
    if _ROMAN_TRIGGER_RE.search(key):
        key = _ROMAN_RE.sub(lambda m: m.group(0).rsplit(" ", 1)[0] + " " + _ROMAN[m.group(1)], key)
    words = key.split()
    found = _KIND_WORDS.intersection(words)
    kinds = frozenset(PUBLICATION_KIND_WORDS[w] for w in found) if found else _NONE
    if notice:
        kinds = kinds | {"erratum"}
    # numbers as digit runs of the title without spaces: '5-HT(3)' = '5-HT3', 'CB 1' = 'CB1'
    numbers = (
        frozenset(_DIGITS_RE.findall(key.replace(" ", ""))) if _DIGITS_RE.search(key) else _NONE
    )
    return TitleForm(key, kinds, translated, numbers)


def _without_translation_marks(text: str, tail: str) -> tuple[str, bool]:
    """The title without language tags or MEDLINE's brackets; whether it had any."""
    translated = False
    if "transl" in tail or _LANGUAGE_WORD_RE.search(tail):  # cheap test before the big one
        for _ in range(2):  # '... [Chinese]. (author's transl)'
            stripped = _LANGUAGE_TAG_RE.sub("", text)
            if stripped != text and stripped.strip():
                translated, text = True, stripped
    stripped = text.strip().rstrip(".").strip()
    if stripped.startswith("[") and stripped.endswith("]"):
        translated, text = True, stripped[1:-1]  # MEDLINE's brackets: a translated title
    return text, translated


def _without_notices(text: str, low: str, tail: str) -> tuple[str, bool]:
    """The title without erratum, review, correction and retraction marks; whether it carried a
    Web of Science correction notice."""
    if "errat" in low or "corrig" in low:
        text = _ERRATUM_NOTICE_RE.sub("", text) or text
        text = _CITED_RE.sub("", text) or text
    if "review" in low or "refs" in low:
        text = _REVIEW_REFS_RE.sub("", text)
    notice = False
    if "vol" in tail:
        cut = _WOS_CORRECTION_RE.sub("", text)
        notice, text = cut != text and bool(cut.strip()), cut if cut.strip() else text
    if "retracted" in tail:
        text = _RETRACTED_MARK_RE.sub("", text) or text
    if low.startswith(("withdrawn", "retracted")):
        text = _WITHDRAWN_RE.sub("", text)
    return text, notice


_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "towards",
        "toward",
        "via",
        "with",
        "without",
        "using",
        "based",
        "vs",
        "versus",
    ]
)


def word_changed(ta: list[str], tb: list[str]) -> bool:
    """Whether a content word of one title was replaced by an unrelated word in the other
    ('... with limited prior experience' / '... with no prior experience').

    Typos ('automaetd': at most two edits, one for words under six letters), spellings
    ('optimisation') and joined words ('finetuning' vs 'fine tuning') do not count; an inserted
    or dropped word does not count either.
    """
    from collections import Counter

    from rapidfuzz.distance import OSA

    def typo_like(w: str, v: str) -> bool:
        return OSA.distance(w, v) <= (1 if min(len(w), len(v)) < 6 else 2)

    ca, cb = Counter(ta), Counter(tb)
    only_a = [w for w in ta if ca[w] > cb.get(w, 0) and w not in _STOPWORDS]
    only_b = [w for w in tb if cb[w] > ca.get(w, 0) and w not in _STOPWORDS]
    if not only_a or not only_b:
        return False
    joined_a, joined_b = "".join(ta), "".join(tb)

    def matched(w: str, others: list[str], joined: str, words: Counter[str]) -> bool:
        # a typo of another word, or part of the other title with its spaces lost or added
        # ('meta analysis' / 'metaanalysis', 'review and' / 'reviewand'); a word the other
        # title has fewer times is not found by its spelling elsewhere in it
        if any(typo_like(w, v) for v in others):
            return True
        return len(w) >= 4 and w not in words and w in joined

    unmatched_a = [w for w in only_a if not matched(w, only_b, joined_b, cb)]
    unmatched_b = [w for w in only_b if not matched(w, only_a, joined_a, ca)]
    return bool(unmatched_a) and bool(unmatched_b)


def title_numbers(tokens: list[str]) -> frozenset[str]:
    """The numbers of a title's words, as :func:`title_form` counts them."""
    return frozenset(_DIGITS_RE.findall("".join(tokens)))


# --------------------------------------------------------------------------------------- authors

_PARTICLES = frozenset(
    [
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
        "al",
        "el",
        "bin",
        "jr",
        "sr",
        "st",
        "mc",
        "mac",
    ]
)
# In mixed-case text an upper-case run is initials ('UDSeiden' -> 'Seiden').
_NAME_WORD_RE = re.compile(r"(?:Ma?c|O')[A-Z][a-z]+|[A-Z][a-z]+(?:'[a-z]+)?|(?<![A-Za-z])[a-z]{2,}")
_ANONYMOUS = frozenset({"anonymous", "anon", "et", "al", "others"})


def author_tokens(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Name words of an author list, in order, lower case ASCII, without initials.

    Works on lists that a database ran together: 'Slavin S. A.Lin S. J.' -> ('slavin', 'lin');
    'BurgdorfJ.ZhangX.L.' -> ('burgdorf', 'zhang'); 'Wenz Hans J.Bartsch Johannes' -> ('wenz',
    'hans', 'bartsch', 'johannes'). Upper-case lists ('PERRAULT HTURCOTTE RA') keep their words
    (initials glued to the next name are matched leniently, see :func:`author_overlap`).
    """
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        text = ascii_fold(name)
        upper = not any(c.islower() for c in text)
        if upper:
            words = [w.lower() for w in _UPPER_WORD_RE.findall(text)]
            words = [w for w in words if len(w) > 2 or w in ("li", "wu", "xu", "ma", "yu", "hu")]
        else:
            words = [w.lower().replace("'", "") for w in _NAME_WORD_RE.findall(text) if len(w) >= 2]
        for w in words:
            if w in _PARTICLES or w in _ANONYMOUS or w in seen:
                continue
            seen.add(w)
            out.append(w)
    return tuple(out)


def _token_match(a: str, b: str) -> bool:
    """Two name words that are one name: equal, transliterated or misspelt ('tiurenkov' /
    'tyurenkov', 'schutzenberger' / 'schuetzenberger'), or one with an initial glued on
    ('hturcotte' / 'turcotte')."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 4:
        return False
    if len(long_) - len(short) <= 3 and (long_.endswith(short) or long_.startswith(short)):
        return True
    return Levenshtein.distance(a, b, score_cutoff=2) <= (1 if len(short) < 7 else 2)


def author_overlap(a: tuple[str, ...], b: tuple[str, ...], limit: int = 12) -> float | None:
    """Share of the shorter list's name words found in the other (None when one is empty).

    Words of two letters (a given name's start, 'Iu' / 'Yu') count only when a list has no
    longer words.
    """
    if not a or not b:
        return None
    if a == b:
        return 1.0
    a_long = tuple(w for w in a if len(w) > 2) or a
    b_long = tuple(w for w in b if len(w) > 2) or b
    small, big = (a_long, b_long) if len(a_long) <= len(b_long) else (b_long, a_long)
    small = small[:limit]
    # a compound surname one export wrote in one word: 'NEGROVILAR' / 'Negro-Vilar'
    big_set = set(big) | {x + y for x, y in itertools.pairwise(big)}
    hits = 0
    for w in small:
        if w in big_set or len(w) >= 4 and _fuzzy_hit(w, big):
            hits += 1
    return hits / len(small)


def _fuzzy_hit(w: str, big: tuple[str, ...]) -> bool:
    best = process.extractOne(w, big, scorer=Levenshtein.distance, score_cutoff=2)
    if best is not None and _token_match(w, best[0]):
        return True
    # a glued initial or a cut name: 'hturcotte' / 'turcotte'
    return any(
        len(v) >= 4 and abs(len(v) - len(w)) <= 3 and (v.endswith(w) or w.endswith(v)) for v in big
    )


# -------------------------------------------------------------------------------------- journals

_JOURNAL_DROP = frozenset(
    ["of", "the", "and", "for", "in", "on", "und", "de", "la", "le", "l", "des", "der", "die"]
)
_EMBASE_TAIL_RE = re.compile(r"\.\s*(?:\d|\(|conference\b|date of publication\b).*$", re.I)
_PAREN_RE = re.compile(r"\([^)]*\)")
_DOTTED_RE = re.compile(r"[a-z]\.\s*\S", re.I)
_SUBTITLE_RE = re.compile(r"\s[:/]\s?|\s-\s")
_UPPER_WORD_RE = re.compile(r"[A-Z]{2,}")
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
