"""Comparison of candidate pairs, field by field, as arrays (one row per pair).

String similarities of titles and abstracts run in rapidfuzz's C++ (``process.cpdist``); the
fields with few distinct values (DOI, volume, pages, journal ...) are compared as integer codes
with numpy; only the author lists and the journal names need Python, the journals once per
distinct pair of names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel

from slr.search.dedupe.fields import author_overlap, journals_agree, title_numbers, word_changed
from slr.search.dedupe.keys import MatchKeys

# comparison outcomes of a field
MISSING, SAME, DIFFERENT = 0, 1, 2
# how two page ranges relate
PAGES_UNKNOWN, PAGES_SAME, PAGES_OVERLAP, PAGES_ADJACENT, PAGES_APART, PAGES_SOFT = range(6)


def _page_number(text: str) -> int:
    return int(text[-12:]) if text else -1


def _codes(values: list[object]) -> np.ndarray:
    """Integer code per value; 0 for a missing value (None, '', empty set)."""
    table: dict[object, int] = {}
    out = np.zeros(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        if v:
            out[i] = table.setdefault(v, len(table) + 1)
    return out


@dataclass
class KeyTable:
    """The matching keys of all records as columns."""

    keys: list[MatchKeys]
    title: list[str]
    abstract: list[str]
    year: np.ndarray
    codes: dict[str, np.ndarray]
    flags: dict[str, np.ndarray]
    page_first: np.ndarray  # -1 when unknown
    page_last: np.ndarray  # the first page when the record gives one page

    @cached_property
    def squeezed(self) -> np.ndarray:
        """Code of each title without its spaces (0 for no title)."""
        return _codes([t.replace(" ", "") for t in self.title])

    @cached_property
    def author_count(self) -> np.ndarray:
        return np.array([len(k.authors) for k in self.keys], dtype=np.int64)

    @property
    def title_length(self) -> np.ndarray:
        return np.array([len(t) for t in self.title], dtype=np.int64)

    @classmethod
    def build(cls, keys: list[MatchKeys]) -> KeyTable:
        def col(name: str) -> list[object]:
            return [getattr(k, name) for k in keys]

        codes = {
            name: _codes(col(name))
            for name in (
                "doi",
                "doi_family",
                "cochrane",
                "arxiv",
                "url",
                "volume",
                "issue",
                "page_first",
                "page_last",
                "journal",
                "kinds",
                "numbers",
                "venue_class",
                "venue",
            )
        }
        codes["venue_jc"] = _codes(
            [k.venue_class if k.venue_class in ("journal", "conference") else None for k in keys]
        )
        codes["locator"] = _codes(
            [(k.year, k.volume, k.page_first) if k.page_first and k.volume else None for k in keys]
        )
        flags = {
            name: np.array(col(name), dtype=bool)
            for name in (
                "truncated",
                "translated",
                "meeting",
                "supplement",
                "preprint",
                "article",
                "page_single",
                "comparable",
            )
        }
        year = np.array([k.year if k.year is not None else -1 for k in keys], dtype=np.int64)
        first = np.array([_page_number(k.page_first) for k in keys], dtype=np.int64)
        last = np.array([_page_number(k.page_last) for k in keys], dtype=np.int64)
        last = np.where(last < 0, first, last)
        return cls(
            keys,
            [str(t) for t in col("title")],
            [str(t) for t in col("abstract")],
            year,
            codes,
            flags,
            first,
            last,
        )


def page_relation(table: KeyTable, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """PAGES_* code per pair: the same first page, overlapping ranges (a typo in one), ranges
    that follow each other (two articles printed one after the other), ranges apart, or
    'soft' when one side is a lone plain number (often not a page: '14' for '959-964')."""
    fa, la, fb, lb = (
        table.page_first[i],
        table.page_last[i],
        table.page_first[j],
        table.page_last[j],
    )
    out = np.full(len(i), PAGES_APART, dtype=np.int8)
    out[(fa <= lb) & (fb <= la)] = PAGES_OVERLAP
    out[(np.abs(la + 1 - fb) <= 1) | (np.abs(lb + 1 - fa) <= 1)] = PAGES_ADJACENT
    single = table.flags["page_single"]
    out[single[i] != single[j]] = PAGES_SOFT
    out[fa == fb] = PAGES_SAME
    out[(fa < 0) | (fb < 0)] = PAGES_UNKNOWN
    return out


def compare_codes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MISSING where either is missing, else SAME or DIFFERENT (int8)."""
    out = np.where(a == b, SAME, DIFFERENT).astype(np.int8)
    out[(a == 0) | (b == 0)] = MISSING
    return out


def _similarity(strings: list[str], i: np.ndarray, j: np.ndarray, workers: int) -> np.ndarray:
    """Indel similarity (0..1) of strings[i] and strings[j]; NaN where either is empty."""
    if len(i) == 0:
        return np.zeros(0, dtype=np.float32)
    left = [strings[x] for x in i]
    right = [strings[x] for x in j]
    sim = process.cpdist(
        left, right, scorer=Indel.normalized_similarity, workers=workers, dtype=np.float32
    )
    empty = np.array([not a or not b for a, b in zip(left, right, strict=True)])
    sim[empty] = np.nan
    return sim


def title_similarity(table: KeyTable, pairs: np.ndarray, workers: int = -1) -> np.ndarray:
    """Title similarity of each pair; a title cut with '…' (Google Scholar) is compared with
    as much of the other title."""
    sim = _similarity(table.title, pairs[:, 0], pairs[:, 1], workers)
    # the same words with spaces lost or added ('stemcell' / 'stem cell') are the same title
    unsure = np.flatnonzero(sim < 1.0)
    squeezed = table.squeezed
    same = squeezed[pairs[unsure, 0]] == squeezed[pairs[unsure, 1]]
    sim[unsure[same & (squeezed[pairs[unsure, 0]] != 0)]] = 1.0
    cut = table.flags["truncated"]
    for x in np.flatnonzero(cut[pairs[:, 0]] | cut[pairs[:, 1]]).tolist():
        a, b = table.keys[pairs[x, 0]], table.keys[pairs[x, 1]]
        short, long_ = (a, b) if len(a.title) <= len(b.title) else (b, a)
        if short.truncated and len(short.title) >= 30:
            sim[x] = Indel.normalized_similarity(short.title, long_.title[: len(short.title)])
    return sim


@dataclass
class PairTable:
    """Field comparisons of candidate pairs (one row per pair; see :func:`compare_pairs`)."""

    i: np.ndarray
    j: np.ndarray
    title_sim: np.ndarray  # Indel similarity of the title keys
    title_contained: np.ndarray  # one title is the beginning of the other (a subtitle dropped)
    abstract_sim: np.ndarray  # NaN when either abstract is missing
    author_sim: np.ndarray  # share of the shorter author list found in the other; NaN missing
    first_author: np.ndarray  # MISSING / SAME / DIFFERENT
    journal_sim: np.ndarray  # 1.0 = same journal or its abbreviation; NaN missing
    year_diff: np.ndarray  # -1 when either is missing
    pages: np.ndarray  # PAGES_* (see page_relation)
    doi_close: np.ndarray  # two DOIs that differ by a typo (similarity >= 0.9)
    word_changed: np.ndarray  # a content word of one title replaced by another word
    fields: dict[str, np.ndarray]  # MISSING / SAME / DIFFERENT per coded field
    flags: dict[str, np.ndarray]  # per pair booleans (either / mismatch of record flags)

    def __len__(self) -> int:
        return len(self.i)

    def take(self, mask: np.ndarray) -> PairTable:
        return PairTable(
            self.i[mask],
            self.j[mask],
            self.title_sim[mask],
            self.title_contained[mask],
            self.abstract_sim[mask],
            self.author_sim[mask],
            self.first_author[mask],
            self.journal_sim[mask],
            self.year_diff[mask],
            self.pages[mask],
            self.doi_close[mask],
            self.word_changed[mask],
            {k: v[mask] for k, v in self.fields.items()},
            {k: v[mask] for k, v in self.flags.items()},
        )


def evidence_mask(table: KeyTable, pairs: np.ndarray, title_sim: np.ndarray) -> np.ndarray:
    """Pairs worth comparing in full: similar titles, or a shared identifier or locator."""
    i, j = pairs[:, 0], pairs[:, 1]
    keep = np.nan_to_num(title_sim, nan=0.0) >= 0.6
    for name in ("doi_family", "cochrane", "arxiv", "url", "locator"):
        c = table.codes[name]
        keep |= (c[i] == c[j]) & (c[i] != 0)
    return keep


def compare_pairs(  # noqa: C901  - one pass over millions of pairs: helpers per pair cost time
    table: KeyTable,
    pairs: np.ndarray,
    title_sim: np.ndarray,
    workers: int = -1,
    progress: Callable[[int, int], None] | None = None,
) -> PairTable:
    """Compare every field of the pairs (``title_sim`` from :func:`title_similarity`)."""
    i, j = pairs[:, 0], pairs[:, 1]
    m = len(i)
    keys = table.keys
    fields = {name: compare_codes(c[i], c[j]) for name, c in table.codes.items()}
    for name in ("kinds", "numbers"):  # one title names a kind or a number, the other not
        c = table.codes[name]
        fields[f"{name}_differ"] = (c[i] != c[j]).astype(np.int8)
    flags: dict[str, np.ndarray] = {}
    for name, f in table.flags.items():
        flags[f"{name}_either"] = f[i] | f[j]
        flags[f"{name}_mismatch"] = f[i] != f[j]
    # a meeting abstract against a record with the marks of a full article (a DOI or a
    # page range): an abstract and the paper that followed it are different works
    meet = table.flags["meeting"]
    located = (table.codes["doi"] != 0) | (table.page_last > table.page_first)
    lengths = table.title_length
    flags["long_title"] = np.minimum(lengths[i], lengths[j]) >= 40
    na, nb = table.author_count[i], table.author_count[j]
    flags["same_author_count"] = (
        (na > 0) & (nb > 0) & (np.minimum(na, nb) >= 0.75 * np.maximum(na, nb))
    )
    flags["meeting_vs_article"] = (meet[i] & ~meet[j] & located[j]) | (
        meet[j] & ~meet[i] & located[i]
    )
    ya, yb = table.year[i], table.year[j]
    year_diff = np.where((ya < 0) | (yb < 0), -1, np.abs(ya - yb))
    abstract_sim = _similarity(table.abstract, i, j, workers)
    pages = page_relation(table, i, j)
    doi_close = np.zeros(m, dtype=bool)
    changed = np.zeros(m, dtype=bool)
    numbers_differ = fields["numbers_differ"]
    author_sim = np.full(m, np.nan, dtype=np.float32)
    first_author = np.zeros(m, dtype=np.int8)
    contained = np.zeros(m, dtype=bool)
    journal_cache: dict[tuple[int, int], float] = {}
    jcodes = table.codes["journal"]
    journal_sim = np.full(m, np.nan, dtype=np.float32)
    step = max(1, m // 100)
    for x in range(m):
        if progress is not None and x % step == 0:
            progress(x, m)
        ka, kb = keys[i[x]], keys[j[x]]
        if ka.authors and kb.authors:
            author_sim[x] = author_overlap(ka.authors, kb.authors)
            first_author[x] = SAME if _first_same(ka.authors[0], kb.authors) else DIFFERENT
        ca, cb = jcodes[i[x]], jcodes[j[x]]
        if ca and cb and ka.article and kb.article:
            pair = (ca, cb) if ca < cb else (cb, ca)
            sim = journal_cache.get(pair)
            if sim is None:
                sim = journal_cache[pair] = journals_agree(ka.journal, kb.journal)
            journal_sim[x] = sim
        if ka.truncated or kb.truncated:
            # a title cut with '…': compare the words before the cut (the last may be cut)
            short, long_ = (ka, kb) if len(ka.title) <= len(kb.title) else (kb, ka)
            head = long_.tokens[: len(short.tokens) - 1]
            changed[x] = word_changed(short.tokens[:-1], head)
            numbers_differ[x] = title_numbers(short.tokens[:-1]) != title_numbers(head)
        else:
            if title_sim[x] < 0.97:
                contained[x] = _contained(ka.title, kb.title)
            if 0.8 <= title_sim[x] < 1.0:
                changed[x] = word_changed(ka.tokens, kb.tokens)
        if ka.doi and kb.doi and ka.doi_family != kb.doi_family:
            doi_close[x] = _doi_typo(ka.doi, kb.doi)
    if progress is not None:
        progress(m, m)
    return PairTable(
        i,
        j,
        title_sim,
        contained,
        abstract_sim,
        author_sim,
        first_author,
        journal_sim,
        year_diff,
        pages,
        doi_close,
        changed,
        fields,
        flags,
    )


def _doi_typo(a: str, b: str) -> bool:
    """Two DOIs that differ by a typo ('j.dental' / 'j.clental', 'jas.2013' / 'jas2013'), not
    two DOIs of one series that differ in their last number ('bmcl.2011.01.019' / '...016')."""
    if Indel.normalized_similarity(a, b) < 0.9:
        return False
    k = 0
    while k < min(len(a), len(b)) and a[k] == b[k]:
        k += 1
    tail_a, tail_b = a[k:].rstrip(".x"), b[k:].rstrip(".x")
    return not (tail_a.isdigit() and tail_b.isdigit())


def _first_same(first: str, other: tuple[str, ...]) -> bool:
    """The first author of one list is among the first two of the other (a name split)."""
    return first in other[:2] or any(
        len(first) >= 4 and len(o) >= 4 and (o.endswith(first) or first.endswith(o))
        for o in other[:2]
    )


def _contained(a: str, b: str) -> bool:
    """One title is the other's beginning, and long enough to say so (a dropped subtitle)."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 30 and len(long_) > len(short) and long_.startswith(short + " ")
