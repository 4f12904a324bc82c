"""The rules that label candidate pairs, each a named, vectorised condition on the comparisons.

A pair takes the label of the first rule that holds for it, in the order of :data:`RULES`:

1. **duplicates** (each rule carries its own guards: no evidence of different works);
2. **conflicts**: evidence of different works (label ``distinct``; the pair becomes a
   cannot-link, so that no chain of other matches joins the two records);
3. **uncertain** pairs (label ``maybe``: the review file).

Every rule was measured on the labelled real exports of ``shared/data/dedupe`` (srsr and
depression; see ``benchmarks/bench_dedupe.py``), a rule tuned on one set checked on the other.
Adding a rule: one :class:`Rule` in :data:`RULES` with its condition as a function of the
:class:`Evidence`; ``pytest tests/search/test_dedupe_real.py`` holds the regression fixtures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from slr.search.dedupe.evidence import Evidence
from slr.search.dedupe.features import (
    DIFFERENT,
    PAGES_ADJACENT,
    PAGES_APART,
    PAGES_SAME,
    PAGES_UNKNOWN,
    SAME,
)
from slr.search.dedupe.models import Label

LABELS: tuple[Label, ...] = ("duplicate", "version", "maybe", "distinct")
DUPLICATE, VERSION, MAYBE, DISTINCT = range(4)


@dataclass(frozen=True)
class Rule:
    name: str
    label: int  # DUPLICATE, VERSION, MAYBE or DISTINCT
    when: Callable[[Evidence], np.ndarray]
    note: str = ""
    conflict: bool = False  # evidence of different works: a cannot-link in clustering


def _no_conflict(e: Evidence) -> np.ndarray:
    return ~e.title_conflict & ~e.meeting_vs_article


def _same_doi(e: Evidence) -> np.ndarray:
    close_enough = e.title_high | ((e.title >= 0.9) & ~e.pages_apart)
    # a reworded title ('Oxytocin's effects on' / 'the effects of oxytocin on'): the DOI,
    # the whole author list, the journal and the year agree
    reworded = (
        (e.title >= 0.85)
        & e.authors_at_least(0.9, False)
        & e.journal_same
        & e.same_year
        & ~e.pages_apart
    )
    close_enough = close_enough | reworded
    return e.doi_same & _no_conflict(e) & e.authors_at_least(0.5, True) & close_enough


def _same_doi_and_locator(e: Evidence) -> np.ndarray:
    # the DOI and the page both agree: a translated or rewritten title of one article
    located = (e.p.pages == PAGES_SAME) & ~e.volume_differs
    return e.doi_same & located & e.authors_at_least(0.75, False) & (e.year <= 1) & ~e.kind_differs


def _same_doi_same_title(e: Evidence) -> np.ndarray:
    # the author list of one record is garbled; DOI, title and pages agree
    return e.doi_same & (e.title >= 0.99) & (e.p.pages == PAGES_SAME) & _no_conflict(e)


def _same_arxiv(e: Evidence) -> np.ndarray:
    return e.arxiv_same & ((e.title >= 0.8) | e.p.title_contained) & ~e.kind_differs


def _cochrane_versions(e: Evidence) -> np.ndarray:
    """Versions of one Cochrane review (same CD number): the same title, or close in time."""
    same_review = e._f("cochrane") == SAME
    close = (e.year <= 2) & (e.year >= 0) & e.authors_at_least(0.5, False)
    return same_review & ~e.kind_differs & ((e.title >= 0.99) | close)


def _title_authors(e: Evidence) -> np.ndarray:
    """Same title and authors, the journal agreeing, nothing in the locators against it.

    A year apart needs the journal to agree (not only to be unknown): a conference paper
    and its journal version a year later share title and authors.
    """
    journal_known_same = np.nan_to_num(e.p.journal_sim, nan=0.0) >= 0.75
    return (
        ~e.doi_differs
        & e.title_high
        & e.authors_at_least(e.cfg.author_match, True)
        & e.journal_ok
        & ((e.year <= 0) | ((e.year == 1) & (journal_known_same | (e._f("volume") == SAME))))
        & _no_conflict(e)
        & ~(e.issue_differs & (e.p.pages != PAGES_SAME))
        & ~e.pages_apart
        & ~e.volume_differs
        & ~e.venue_class_conflict
        & ~e.one_preprint
    )


def _same_locator(e: Evidence) -> np.ndarray:
    """Title, authors, year, volume, issue and pages agree; the journal's name may not
    (transliterated, translated), nor the DOI (a data error)."""
    # first and last page agree: a title a word apart ('strategies for' / 'in') is the same
    close = e.title_high | ((e.title >= 0.9) & e.authors_at_least(0.9, False) & e.journal_ok)
    return (
        close
        & e.authors_at_least(0.75, False)
        & e.same_year
        & e.pages_same
        & ~e.volume_differs
        & ~e.issue_differs
        & _no_conflict(e)
        & ~e.one_preprint
    )


def _translated(e: Evidence) -> np.ndarray:
    """A translated title: the same journal, volume, issue and pages, a similar title."""
    return (
        e.journal_same
        & (e._f("volume") == SAME)
        & e.pages_same
        & ~e.issue_differs
        & ~e.p.flags["meeting_either"]
        & e.same_year
        & e.authors_at_least(0.75, False)
        & ~e.kind_differs
        & (e._f("cochrane") != DIFFERENT)
        & (e.title >= 0.85)
    )


def _same_article_locator(e: Evidence) -> np.ndarray:
    """Journal, volume, issue, first and last page, year and authors all agree: one article,
    its title translated or reworded by one database ('Nitrates as antiplatelet agents' /
    'Nitrates as thrombocyte function inhibitors', Z Kardiol 83(7):463-473, 1994)."""
    return (
        e.journal_same
        & (e._f("volume") == SAME)
        & (e._f("issue") == SAME)
        & e.pages_same
        & e.same_year
        & e.authors_at_least(0.75, False)
        & ~e.kind_differs
        & (e._f("cochrane") != DIFFERENT)
        & ~e.p.flags["meeting_either"]
        & (e.title >= e.cfg.locator_title_floor)
    )


def _abstract_given_twice(e: Evidence) -> np.ndarray:
    """One meeting abstract printed twice in a supplement (two sessions): title, the whole
    author list, journal and year agree, the pages are apart (not following each other)."""
    both = (e.p.flags["meeting_either"] & ~e.p.flags["meeting_mismatch"]) | (
        e.p.flags["supplement_either"] & ~e.p.flags["supplement_mismatch"]
    )
    return (
        both
        & (e.title >= 0.99)
        & e.authors_at_least(0.9, False)
        & e.p.flags["same_author_count"]
        & e.journal_same
        & e.same_year
        & (e.p.pages == PAGES_APART)
        & _no_conflict(e)
        & ~e.volume_differs
    )


def _same_issue(e: Evidence) -> np.ndarray:
    """The same title, authors, journal, volume and issue: pages that disagree are a data
    error, unless they follow each other (two articles printed one after the other)."""
    return (
        (e.title >= 0.99)
        & e.authors_at_least(0.9, False)
        & e.journal_same
        & (e._f("volume") == SAME)
        & (e._f("issue") == SAME)
        & e.same_year
        & ~e.p.flags["meeting_either"]
        & ~e.doi_differs
        & _no_conflict(e)
        & (e.p.pages != PAGES_ADJACENT)
    )


def _updated_review(e: Evidence) -> np.ndarray:
    """A review republished under its title in later years (BMJ Clinical Evidence, living
    reviews): same title, authors and journal, no locator or DOI against it."""
    return (
        (e.title >= 0.99)
        & e.authors_at_least(0.75, False)
        & e.journal_same
        & (e.year >= 2)
        & _no_conflict(e)
        & ~e.volume_differs
        & np.isin(e.p.pages, (PAGES_UNKNOWN, PAGES_SAME))
        & ~e.p.flags["meeting_either"]
        & ~e.doi_differs
        & ~e.one_preprint
    )


def _same_url(e: Evidence) -> np.ndarray:
    # the same landing page and the title (or a cut title's visible part): what decides
    # between a cut title's two candidates ('X…' = 'X Y' or 'X Z'?)
    return (e._f("url") == SAME) & (e.title >= e.cfg.title_duplicate) & _no_conflict(e)


def _preprint_version(e: Evidence) -> np.ndarray:
    """A preprint and its published version: title and authors (or, without authors, a long
    title and close years)."""
    close = (e.year <= e.cfg.max_preprint_gap) & (e.year >= 0)
    by_authors = e.title_high & e.authors_at_least(e.cfg.author_match, False) & close
    no_authors = np.isnan(e.authors) & (e.title >= 0.98) & e.long_title & (e.year <= 1)
    return (e.one_preprint & (by_authors | no_authors) & _no_conflict(e) & ~e.doi_differs) | (
        e.one_preprint & e.arxiv_same
    )


def _model(e: Evidence) -> np.ndarray:
    """The Fellegi-Sunter model is sure (see fellegi_sunter.py) and nothing argues against."""
    return (
        e.model_at_least(e.cfg.model_duplicate)
        & (e.title >= 0.85)
        & e.authors_at_least(0.5, True)
        & ((e.year <= 0) | (np.nan_to_num(e.p.journal_sim, nan=0.0) >= 0.75))
        & _no_conflict(e)
        & ~e.pages_apart
        & ~e.doi_differs
        & ~e.one_preprint
        & ~e.venue_class_conflict
    )


def _authors_differ(e: Evidence) -> np.ndarray:
    return np.where(np.isnan(e.authors), False, e.authors < e.cfg.author_conflict)


RULES: tuple[Rule, ...] = (
    # ------------------------------------------------------------------ duplicates
    Rule("same-doi", DUPLICATE, _same_doi),
    Rule("same-doi+pages", DUPLICATE, _same_doi_and_locator),
    Rule("same-doi+title", DUPLICATE, _same_doi_same_title),
    Rule("cochrane-review-versions", DUPLICATE, _cochrane_versions),
    Rule("same-arxiv-id", DUPLICATE, lambda e: _same_arxiv(e) & ~e.one_preprint),
    Rule("same-url+title", DUPLICATE, _same_url),
    Rule("preprint-version", VERSION, _preprint_version),
    Rule("title+authors", DUPLICATE, _title_authors),
    Rule("title+authors+locator", DUPLICATE, _same_locator),
    Rule("translated-title+locator", DUPLICATE, _translated),
    Rule("title+authors+issue", DUPLICATE, _same_issue),
    Rule("same-article-locator", DUPLICATE, _same_article_locator),
    Rule("abstract-given-twice", DUPLICATE, _abstract_given_twice),
    Rule("review-republished", DUPLICATE, _updated_review),
    Rule("model", DUPLICATE, _model),
    # ------------------------------------------------------------------ evidence of different works
    Rule(
        "publication-kind-differs",
        DISTINCT,
        lambda e: e.kind_differs,
        "an erratum, reply, comment or protocol and the work it names",
        True,
    ),
    Rule(
        "different-cochrane-review",
        DISTINCT,
        lambda e: e._f("cochrane") == DIFFERENT,
        "two Cochrane reviews",
        True,
    ),
    Rule(
        "different-arxiv-id",
        DISTINCT,
        lambda e: e._f("arxiv") == DIFFERENT,
        "",
        True,
    ),
    Rule(
        "title-numbers-differ",
        DISTINCT,
        lambda e: (e._f("numbers_differ") == 1) & (e.title >= e.cfg.title_maybe),
        "the titles differ in a number ('Part 1' / 'Part 2')",
        True,
    ),
    Rule(
        "title-word-differs",
        DISTINCT,
        lambda e: e.p.word_changed & (e.title >= e.cfg.title_maybe),
        "a word of the title was replaced",
        True,
    ),
    Rule(
        "meeting-abstract-vs-article",
        DISTINCT,
        lambda e: e.meeting_vs_article & (e.title >= e.cfg.title_maybe),
        "a meeting abstract and a journal article with its title",
        True,
    ),
    Rule(
        "pages-apart",
        DISTINCT,
        lambda e: e.pages_apart & (e.title >= e.cfg.title_maybe),
        "the same title on other pages (printed one after the other, or another article)",
        True,
    ),
    Rule(
        "different-doi",
        MAYBE,
        lambda e: e.doi_differs & (e.title >= e.cfg.title_duplicate) & ~_authors_differ(e),
        "records with different DOIs are never merged automatically (a conference paper "
        "and its journal extension? two publishers?)",
        True,
    ),
    Rule("different-doi", DISTINCT, lambda e: e.doi_differs, "", True),
    Rule(
        "journal-vs-conference",
        MAYBE,
        lambda e: e.venue_class_conflict & e.title_high,
        "same title in a journal and a conference: an extended version?",
        True,
    ),
    Rule(
        "authors-differ",
        MAYBE,
        lambda e: _authors_differ(e) & (e.title >= 0.99),
        "same title, different authors",
        True,
    ),
    Rule("authors-differ", DISTINCT, _authors_differ, "", True),
    Rule(
        "volume-differs",
        DISTINCT,
        lambda e: e.volume_differs & (e.title >= e.cfg.title_maybe),
        "",
        True,
    ),
    Rule(
        "year-differs",
        MAYBE,
        lambda e: e.title_high & (e.year >= 2),
        "same title and authors, years apart (an update? a reprint?)",
        True,
    ),
    # ------------------------------------------------------------------ uncertain
    Rule("title+authors(preprint)", MAYBE, lambda e: e.one_preprint & e.title_high),
    Rule("similar-title", MAYBE, lambda e: e.title >= e.cfg.title_maybe),
    Rule(
        "same-doi-different-title",
        MAYBE,
        lambda e: e.doi_same,
        "same DOI but different titles: a data error in one export?",
    ),
    Rule("title", DISTINCT, lambda e: np.ones(len(e.p), dtype=bool)),
)

CONFLICT_RULES = frozenset(r.name for r in RULES if r.conflict)


def label_pairs(e: Evidence) -> tuple[np.ndarray, np.ndarray]:
    """(label code, rule index into RULES) of every pair: the first rule that holds."""
    m = len(e.p)
    rule = np.full(m, -1, dtype=np.int16)
    for k, r in enumerate(RULES):
        open_ = rule < 0
        if not open_.any():
            break
        hit = open_ & np.asarray(r.when(e), dtype=bool)
        rule[hit] = k
    labels = np.array([r.label for r in RULES], dtype=np.int8)[rule]
    return labels, rule
