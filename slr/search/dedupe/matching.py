"""Matching keys of a record and the rules that label a pair of records."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Indel

from slr.search.dedupe.models import DedupeConfig, Label, PairResult
from slr.search.normalise import (
    author_key,
    is_arxiv_doi,
    is_preprint_venue,
    title_key,
    title_numbers,
    url_key,
    venue_key,
    venue_kind,
)
from slr.search.records import Record


@dataclass
class MatchKeys:
    title: str
    tokens: list[str]
    truncated: bool
    numbers: frozenset[str]
    authors: list[str]
    year: int | None
    venue: str
    venue_class: str | None  # journal | conference | preprint | None
    doi: str | None  # publisher DOI (arXiv DOIs are ids of the preprint)
    arxiv: str | None
    preprint: bool
    url: str | None = None  # landing page (see url_key): evidence, not an identifier


_ARXIV_FROM_DOI_RE = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)
_JOURNAL_WORDS = re.compile(r"\b(journal|transactions|letters|magazine|review|surveys)\b", re.I)
_CONFERENCE_WORDS = re.compile(
    r"\b(proceedings|proc|conference|conf|symposium|workshop|meeting|congress)\b", re.I
)
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
    ]
)


def _venue_class(rec: Record, preprint: bool) -> str | None:
    if preprint:
        return "preprint"
    venue = rec.venue or ""
    if not venue or rec.extra.get("venue_truncated"):
        return None
    kind = venue_kind(venue)
    if kind:
        return kind
    if _JOURNAL_WORDS.search(venue):
        return "journal"
    if _CONFERENCE_WORDS.search(venue):
        return "conference"
    return None


def match_keys(rec: Record) -> MatchKeys:
    tkey = title_key(rec.title)
    arxiv = rec.arxiv_id
    doi = rec.doi
    if doi and is_arxiv_doi(doi):
        m = _ARXIV_FROM_DOI_RE.match(doi)
        arxiv = arxiv or (m.group(1).lower() if m else None)
        doi = None
    published = bool(doi) or (rec.venue is not None and not is_preprint_venue(rec.venue))
    preprint = not published and (arxiv is not None or is_preprint_venue(rec.venue))
    return MatchKeys(
        title=tkey,
        tokens=tkey.split(),
        truncated=rec.title_truncated,
        numbers=title_numbers(tkey),
        authors=[k for k in (author_key(a) for a in rec.authors) if k],
        year=rec.year,
        venue=venue_key(rec.venue) if rec.venue and not rec.extra.get("venue_truncated") else "",
        venue_class=_venue_class(rec, preprint),
        doi=doi,
        arxiv=arxiv,
        preprint=preprint,
        url=url_key(rec.url),
    )


@dataclass(frozen=True)
class _TitleComparison:
    sim: float
    prefix: bool  # a title cut with '…' was compared with the other's beginning
    word_changed: bool  # a content word was replaced by a different word
    numbers_differ: bool  # the titles differ in a number ('Part 1' / 'Part 2', 'GPT-3' / 'GPT-4')


def _word_changed(ta: list[str], tb: list[str]) -> bool:
    """Whether a content word of one title was replaced by an unrelated word in the other.

    Typos ('automaetd': at most two edits, one for words under six letters), spellings
    ('optimisation') and joined words ('finetuning' vs 'fine tuning') do not count; an inserted
    or dropped word does not count either.
    """

    def typo_like(w: str, v: str) -> bool:
        return OSA.distance(w, v) <= (1 if min(len(w), len(v)) < 6 else 2)

    ca, cb = Counter(ta), Counter(tb)
    only_a = [w for w in ta if ca[w] > cb.get(w, 0) and w not in _STOPWORDS]
    only_b = [w for w in tb if cb[w] > ca.get(w, 0) and w not in _STOPWORDS]
    if not only_a or not only_b:
        return False
    if "".join(only_a) == "".join(only_b):
        return False  # spacing: 'fine tuning' / 'finetuning'
    unmatched_a = [w for w in only_a if not any(typo_like(w, v) for v in only_b)]
    unmatched_b = [w for w in only_b if not any(typo_like(w, v) for v in only_a)]
    return bool(unmatched_a) and bool(unmatched_b)


def _compare_titles(a: MatchKeys, b: MatchKeys, cfg: DedupeConfig) -> _TitleComparison:
    """Similarity of two titles; a title cut with '…' is compared with the other's prefix."""
    ta, tb = a.title, b.title
    if a.truncated or b.truncated:
        short, long_ = (a, b) if len(ta) <= len(tb) else (b, a)
        if short.truncated and len(short.title) >= cfg.truncated_min_chars:
            n = len(short.title)
            sim = Indel.normalized_similarity(short.title, long_.title[:n])
            k = len(short.tokens)
            head = long_.tokens[: k - 1]  # the last word of a cut title may itself be cut
            return _TitleComparison(
                sim,
                True,
                _word_changed(short.tokens[:-1], head),
                title_numbers(" ".join(short.tokens[:-1])) != title_numbers(" ".join(head)),
            )
    sim = Indel.normalized_similarity(ta, tb)
    changed = sim >= cfg.title_maybe and _word_changed(a.tokens, b.tokens)
    return _TitleComparison(sim, False, changed, a.numbers != b.numbers)


def _author_sim(a: list[str], b: list[str]) -> float | None:
    """Overlap coefficient of family names (order-free, tolerant to one-letter typos)."""
    if not a or not b:
        return None
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    big_set = set(big)
    hits = 0
    for name in small:
        if name in big_set or (
            len(name) >= 4
            and process.extractOne(name, big, scorer=Indel.normalized_similarity, score_cutoff=0.85)
            is not None
        ):
            hits += 1
    return hits / len(small)


def _venue_sim(a: str, b: str) -> float | None:
    if not a or not b:
        return None
    return fuzz.token_set_ratio(a, b) / 100.0


# Rules whose pairs are evidence that two records are different works: such a pair is a
# cannot-link in clustering, so no chain of other matches joins them.
CONFLICT_RULES = frozenset(
    {
        "different-doi",
        "different-arxiv-id",
        "title-numbers-differ",
        "title-word-differs",
        "authors-differ",
        "journal-vs-conference",
        "year-differs",
        "preprint-year-gap",
    }
)


def compare_records(
    ra: Record, rb: Record, a: MatchKeys, b: MatchKeys, cfg: DedupeConfig
) -> PairResult:
    tc = _compare_titles(a, b, cfg)
    tsim = tc.sim
    if (
        tsim < cfg.title_maybe
        and not (a.doi and a.doi == b.doi)
        and not (a.arxiv and a.arxiv == b.arxiv)
    ):
        # clearly different titles and no shared identifier: nothing else can make a match
        return PairResult(
            ra.record_id, rb.record_id, "distinct", "title", tsim, None, None, None, ""
        )
    asim = _author_sim(a.authors, b.authors)
    ydiff = abs(a.year - b.year) if a.year is not None and b.year is not None else None
    vsim = _venue_sim(a.venue, b.venue)
    if a.doi and b.doi:
        doi = "same" if a.doi == b.doi else "different"
    elif a.doi or b.doi:
        doi = "one-missing"
    else:
        doi = "missing"

    def result(label: Label, rule: str, note: str = "") -> PairResult:
        return PairResult(
            ra.record_id, rb.record_id, label, rule, tsim, asim, ydiff, vsim, doi, note
        )

    authors_conflict = asim is not None and asim < cfg.author_conflict
    similar = tsim >= cfg.title_maybe
    if doi == "same":
        if tsim < 0.5 and not tc.prefix:
            return result(
                "maybe",
                "same-doi-different-title",
                "same DOI but different titles: a data error in one export?",
            )
        return result("duplicate", "same-doi")
    if doi == "different":
        label: Label = "maybe" if similar and not authors_conflict else "distinct"
        return result(
            label,
            "different-doi",
            "records with different DOIs are never merged automatically (a "
            "conference paper and its journal extension?)"
            if label == "maybe"
            else "",
        )
    one_preprint = a.preprint != b.preprint
    if a.arxiv and b.arxiv:
        if a.arxiv != b.arxiv:
            label = "maybe" if tsim >= cfg.title_duplicate and not authors_conflict else "distinct"
            return result(label, "different-arxiv-id")
        if tsim < 0.8 and not tc.prefix:
            return result(
                "maybe", "same-arxiv-different-title", "same arXiv id but different titles"
            )
        return result("version" if one_preprint else "duplicate", "same-arxiv-id")
    # fuzzy fields
    if not similar:
        return result("distinct", "title")
    if tc.numbers_differ:
        label = "maybe" if tsim >= cfg.title_duplicate and not authors_conflict else "distinct"
        return result(label, "title-numbers-differ", "the titles differ in a number")
    if tc.word_changed:
        label = "maybe" if not authors_conflict else "distinct"
        return result(label, "title-word-differs", "a word of the title was replaced")
    if authors_conflict:
        if tsim >= 0.99 and len(a.title) >= cfg.min_title_chars:
            return result("maybe", "authors-differ", "same title, different authors")
        return result("distinct", "authors-differ")
    if a.url and a.url == b.url and tsim >= cfg.title_duplicate:
        # The same landing page and the same title (or a cut title's visible part): this is
        # what decides between a cut title's two candidates ('X…' = 'X Y' or 'X Z'?).
        return result("duplicate", "same-url+title", a.url)
    if tsim < cfg.title_duplicate:
        if asim is not None and asim >= cfg.author_match and (ydiff is None or ydiff <= 1):
            return result("maybe", "similar-title")
        return result("distinct", "title")
    short_title = len(min(a.title, b.title, key=len)) < cfg.min_title_chars
    long_title = len(min(a.title, b.title, key=len)) >= 40
    if one_preprint:
        if ydiff is not None and ydiff > cfg.max_preprint_gap:
            return result("maybe", "preprint-year-gap")
        if asim is not None and asim >= cfg.author_match and not short_title:
            return result("version", "title+authors(preprint)")
        if asim is None and tsim >= 0.98 and long_title and (ydiff is None or ydiff <= 1):
            return result("version", "long-title(preprint,no-authors)")
        return result("maybe", "preprint-title-only")
    venue_conflict = (
        a.venue_class in ("journal", "conference")
        and b.venue_class in ("journal", "conference")
        and a.venue_class != b.venue_class
    )
    if venue_conflict:
        return result(
            "maybe",
            "journal-vs-conference",
            "same title in a journal and a conference: an extended version?",
        )
    if asim is None:
        venue_ok = vsim is not None and vsim >= 0.6
        if (
            tsim >= 0.97
            and not short_title
            and venue_ok
            and (ydiff == 0 or (ydiff is None and long_title and vsim is not None and vsim >= 0.8))
        ):
            return result("duplicate", "title+venue+year(no-authors)")
        return result("maybe", "title-without-authors")
    if asim < cfg.author_match:
        return result("maybe", "title+some-authors")
    if ydiff is None or ydiff == 0:
        if short_title and (vsim is None or vsim < 0.8):
            return result("maybe", "short-title")
        return result("duplicate", "title+authors+year")
    if ydiff == 1:
        if vsim is not None and vsim >= 0.8:
            return result("duplicate", "title+authors+venue(year±1)")
        return result(
            "maybe",
            "year-differs",
            "same title and authors, years differ by one (online-first year, or "
            "a conference paper and its journal version?)",
        )
    return result("maybe", "year-differs", "same title and authors, years differ")
