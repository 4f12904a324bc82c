"""Matching keys of one record: every field in the form deduplication compares."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from slr.search.dedupe.fields import (
    author_tokens,
    cochrane_id,
    doi_family,
    journal_form,
    journal_locator,
    pages_form,
    title_form,
    volume_number,
)
from slr.search.normalise import (
    ascii_fold,
    is_arxiv_doi,
    is_preprint_venue,
    url_key,
)
from slr.search.records import Record
from slr.search.venues import VenueTable

_ARXIV_FROM_DOI_RE = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)
_JOURNAL_WORDS = re.compile(r"\b(journal|transactions|letters|magazine|review|surveys)\b", re.I)
_CONFERENCE_WORDS = re.compile(
    r"\b(proceedings|proc|conference|conf|symposium|workshop|meeting|congress)\b", re.I
)
_NON_ALNUM_RE = re.compile(r"[^0-9a-z]+")
_EMBASE_MEETING_RE = re.compile(r"\.\s*conference\s*:", re.I)
_SECTION_LABEL_RE = re.compile(r"^(?:background|introduction|objectives?|purpose|aims?|context)\s+")
_MEETING_PAGES_RE = re.compile(r"^(?:[SAi]\d+|\d+[SA])\b")
_MEETING_FIELD_RE = re.compile(r"meeting|abstract", re.I)


@dataclass(slots=True)
class MatchKeys:
    """What deduplication compares of one record (see :mod:`slr.search.dedupe.fields`)."""

    title: str
    tokens: list[str]
    truncated: bool  # a title cut with '…' (Google Scholar)
    numbers: frozenset[str]
    kinds: frozenset[str]  # publication kinds the title names: erratum, reply, protocol ...
    translated: bool  # a language tag or a bracketed translated title
    authors: tuple[str, ...]  # name words in order, initials dropped
    year: int | None
    venue: str  # venue key (canonical venue names of the VenueTable)
    venue_class: str | None  # journal | conference | preprint | None
    journal: str  # journal words, abbreviation-comparable
    meeting: bool  # a meeting abstract: 'Journal. Conference: ...', 'Meeting Abstracts'
    supplement: bool  # in a supplement: 'Suppl 2', pages 'S12', '339A'
    volume: str
    issue: str
    page_first: str
    page_last: str
    page_single: bool  # a single plain number in the pages field (see PagesForm.single)
    doi: str | None  # publisher DOI (arXiv DOIs are ids of the preprint)
    doi_family: str | None  # the DOI without a version suffix ('.pub3')
    cochrane: str | None  # Cochrane review number (CD...)
    arxiv: str | None
    preprint: bool
    article: bool  # a journal article (not a paper in proceedings, not a preprint)
    abstract: str  # the abstract's first 300 characters, as a key
    url: str | None = None  # landing page (see url_key): evidence, not an identifier
    comparable: bool = True  # False: nothing to compare (no title words): stays alone


def _venue_class(rec: Record, preprint: bool, venues: VenueTable) -> str | None:
    if preprint:
        return "preprint"
    venue = rec.venue or ""
    if not venue or rec.extra.get("venue_truncated"):
        return None
    return venues.kind(venue) or _venue_class_from_words(venue)


@lru_cache(maxsize=200_000)
def _venue_class_from_words(venue: str) -> str | None:
    """The class a venue's own words give it ('Proceedings of ...', '... Journal')."""
    if _CONFERENCE_WORDS.search(venue) and not _EMBASE_MEETING_RE.search(venue):
        return "conference"
    if _JOURNAL_WORDS.search(venue):
        return "journal"
    return None


def abstract_key(text: str | None) -> str:
    if not text:
        return ""
    key = _NON_ALNUM_RE.sub(" ", ascii_fold(text[:400]).casefold()).strip()
    # 'BACKGROUND:', 'Introduction:' and other section labels differ between databases
    key = _SECTION_LABEL_RE.sub("", key)
    return key[:300]


def match_keys(rec: Record, venues: VenueTable | None = None) -> MatchKeys:
    """The keys of one record; ``venues`` names the venues (default: the bundled table)."""
    venues = venues or VenueTable.bundled()
    tf = title_form(rec.title)
    arxiv = rec.arxiv_id
    doi = rec.doi
    if doi and is_arxiv_doi(doi):
        m = _ARXIV_FROM_DOI_RE.match(doi)
        arxiv = arxiv or (m.group(1).lower() if m else None)
        doi = None
    published = bool(doi) or (rec.venue is not None and not is_preprint_venue(rec.venue))
    preprint = not published and (arxiv is not None or is_preprint_venue(rec.venue))
    venue_ok = rec.venue and not rec.extra.get("venue_truncated")
    jf = journal_form(rec.venue)
    vol_text, num_text, pages_text = rec.volume, rec.number, rec.pages
    written_in = journal_locator(rec.venue)  # Embase: 'Synapse.62 (2) ()(pp 128-136) 2008.'
    if written_in is not None:
        vol_text = vol_text or written_in[0]
        num_text = num_text if num_text and "pagings" not in num_text else written_in[1]
        pages_text = pages_text or written_in[2]
    volume, issue, supplement = volume_number(vol_text, num_text, rec.year)
    pages = pages_form(pages_text, rec.year)
    meeting = jf.meeting or bool(_MEETING_FIELD_RE.search(f"{vol_text} {num_text}"))
    venue_class = _venue_class(rec, preprint, venues)
    return MatchKeys(
        title=tf.key,
        tokens=tf.key.split(),
        truncated=rec.title_truncated,
        numbers=tf.numbers,
        kinds=tf.kinds,
        translated=tf.translated,
        authors=author_tokens(rec.authors),
        year=rec.year,
        venue=venues.key(rec.venue) if venue_ok else "",
        venue_class=venue_class,
        journal=jf.key,
        meeting=meeting,
        supplement=supplement or (pages.marked and _meeting_pages(pages_text)),
        volume=volume,
        issue=issue,
        page_first=pages.first,
        page_last=pages.last,
        page_single=pages.single,
        doi=doi,
        doi_family=doi_family(doi),
        cochrane=cochrane_id(doi, rec.pages),
        arxiv=arxiv,
        preprint=preprint,
        article=not preprint and venue_class != "conference" and rec.entry_type == "article",
        abstract=abstract_key(rec.abstract),
        url=url_key(rec.url),
        comparable=_comparable(tf.key, rec.title),
    )


_JUNK_TITLES = frozenset(
    {"#name?", "#value!", "#ref!", "#n/a", "untitled", "no title", "[no title]"}
)


def _comparable(key: str, title: str | None) -> bool:
    """A title that can be compared: letters in it, not a spreadsheet error ('#NAME?')."""
    if not key or not any(c.isalpha() for c in key):
        return False
    return (title or "").strip().casefold() not in _JUNK_TITLES


def _meeting_pages(pages: str | None) -> bool:
    """Pages of an abstract in a meeting supplement: 'S64', '339A', 'A186', 'i151'."""
    text = (pages or "").strip()
    return bool(_MEETING_PAGES_RE.match(text))
