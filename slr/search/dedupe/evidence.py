"""The evidence the dedupe rules read: named, cached views of a :class:`PairTable` (numpy
boolean arrays), split from :mod:`slr.search.dedupe.rules` (which re-exports it)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from slr.search.dedupe.features import (
    DIFFERENT,
    PAGES_ADJACENT,
    PAGES_APART,
    PAGES_SAME,
    SAME,
    PairTable,
)
from slr.search.dedupe.models import DedupeConfig


@dataclass
class Evidence:
    """Named views of a :class:`PairTable` that the rules read (numpy boolean arrays)."""

    p: PairTable
    cfg: DedupeConfig
    model_probability: np.ndarray | None = None

    def _f(self, name: str) -> np.ndarray:
        return self.p.fields[name]

    @cached_property
    def title(self) -> np.ndarray:
        return np.nan_to_num(self.p.title_sim, nan=0.0)

    @cached_property
    def title_high(self) -> np.ndarray:
        return (self.title >= self.cfg.title_duplicate) | self.p.title_contained

    @cached_property
    def long_title(self) -> np.ndarray:
        return self.p.flags["long_title"]

    @cached_property
    def authors(self) -> np.ndarray:
        """Author overlap; NaN (a list missing) counts as agreeing where a rule says so."""
        return self.p.author_sim

    def authors_at_least(self, x: float, missing: bool) -> np.ndarray:
        return np.where(np.isnan(self.authors), missing, self.authors >= x)

    @cached_property
    def journal_ok(self) -> np.ndarray:
        return np.where(np.isnan(self.p.journal_sim), True, self.p.journal_sim >= 0.75)

    @cached_property
    def journal_same(self) -> np.ndarray:
        return np.nan_to_num(self.p.journal_sim, nan=0.0) >= 0.99

    @cached_property
    def year(self) -> np.ndarray:
        return self.p.year_diff

    @cached_property
    def same_year(self) -> np.ndarray:
        return self.year == 0

    @cached_property
    def doi_same(self) -> np.ndarray:
        return self._f("doi") == SAME

    @cached_property
    def doi_differs(self) -> np.ndarray:
        """Different DOIs that are not one DOI with a typo in it."""
        return (self._f("doi_family") == DIFFERENT) & ~self.p.doi_close

    @cached_property
    def volume_differs(self) -> np.ndarray:
        return self._f("volume") == DIFFERENT

    @cached_property
    def issue_differs(self) -> np.ndarray:
        return self._f("issue") == DIFFERENT

    @cached_property
    def pages_same(self) -> np.ndarray:
        return (self.p.pages == PAGES_SAME) & (self._f("page_last") == SAME)

    @cached_property
    def pages_apart(self) -> np.ndarray:
        return np.isin(self.p.pages, (PAGES_ADJACENT, PAGES_APART))

    @cached_property
    def kind_differs(self) -> np.ndarray:
        return self._f("kinds_differ") == 1

    @cached_property
    def title_conflict(self) -> np.ndarray:
        """A different kind of publication, other numbers, a word replaced, another review."""
        return (
            self.kind_differs
            | (self._f("numbers_differ") == 1)
            | self.p.word_changed
            | (self._f("cochrane") == DIFFERENT)
        )

    @cached_property
    def meeting_vs_article(self) -> np.ndarray:
        return self.p.flags["meeting_vs_article"]

    @cached_property
    def one_preprint(self) -> np.ndarray:
        return self.p.flags["preprint_mismatch"]

    @cached_property
    def arxiv_same(self) -> np.ndarray:
        return self._f("arxiv") == SAME

    @cached_property
    def venue_class_conflict(self) -> np.ndarray:
        """A journal and a conference (classes of the project's venue table)."""
        return self._f("venue_jc") == DIFFERENT

    def model_at_least(self, x: float) -> np.ndarray:
        if self.model_probability is None:
            return np.zeros(len(self.p), dtype=bool)
        return self.model_probability >= x
