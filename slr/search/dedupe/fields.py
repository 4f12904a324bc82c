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
_UPPER_WORD_RE = re.compile(r"[A-Z]{2,}")
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


# journals, volume/issue/pages and DOIs live in their own module; their names stay importable here
from slr.search.dedupe.locators import (  # noqa: E402
    JournalForm,
    PagesForm,
    cochrane_id,
    doi_family,
    doi_from_field,
    journal_form,
    journal_locator,
    journals_agree,
    pages_form,
    undo_spreadsheet_date,
    volume_number,
)

__all__ = [
    "PUBLICATION_KIND_WORDS",
    "TitleForm",
    "author_overlap",
    "author_tokens",
    "title_form",
    "title_numbers",
    "word_changed",
    "journal_locator",
    "JournalForm",
    "journal_form",
    "journals_agree",
    "undo_spreadsheet_date",
    "volume_number",
    "PagesForm",
    "pages_form",
    "doi_from_field",
    "doi_family",
    "cochrane_id",
]
