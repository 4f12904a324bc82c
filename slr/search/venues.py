"""Venue names: the table that says which spellings name the same venue, built explicitly.

:class:`VenueTable` maps the lookup key of every known spelling (``"ieee trans softw eng"``) to
the venue's canonical name, and canonical names to their kind (journal, conference, preprint).
It is immutable and built on purpose, never changed behind a caller's back:

* ``VenueTable.bundled()``: ``slr/search/data/venues.csv`` (the same table every time);
* ``VenueTable.for_review(root)`` / ``table.with_taxonomy(path)``: that table plus the
  spellings of the review's ``taxonomy/venues.yaml`` (read with the located loader and
  validated: a duplicate key or an unknown field is an error with file and line; a missing
  file leaves the bundled table).

Ingest and deduplication take the table as an argument, so ``slr ingest`` and ``slr search run``
normalise a record the same way when they use the same review's table (:func:`review_venues`).
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict

from slr.search.text import (
    ELLIPSIS_RE,
    LEADING_ELLIPSIS_RE,
    WS_RE,
    ascii_fold,
    clean_text,
    strip_latex,
)
from slr.taxonomy.schema import Venue

_NON_ALNUM_RE = re.compile(r"[^0-9a-z]+")
_VENUE_DROP_RE = re.compile(
    r"\b(?:proceedings|proc|of|the|on|in|and|for|annual|(?:\d+(?:st|nd|rd|th))|"
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"ieee|acm|ieee acm|sigsoft|conference|conf|international|intl|int|symposium|symp|"
    r"companion|volume|vol|part|workshops?)\b"
)
_YEAR_IN_VENUE_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|'\d\d\b")
_PAREN_ACRONYM_RE = re.compile(r"\(([A-Za-z][A-Za-z/\-+]{1,15})(?:\s*'?\d{2,4})?\)")
_CACHE_LIMIT = 200_000  # distinct venue strings remembered per table (then forgotten at once)


class VenuesFile(BaseModel):
    """``taxonomy/venues.yaml``: the review's venues (strict, as the taxonomy loader reads it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    venues: list[Venue]


VenueRow = tuple[str, str, tuple[str, ...]]  # canonical name, kind, synonyms


def venue_lookup_key(text: str) -> str:
    """Lookup key of a venue spelling: ASCII, case-folded, punctuation as single spaces."""
    return _NON_ALNUM_RE.sub(" ", ascii_fold(text).casefold()).strip()


@cache
def bundled_venue_rows() -> tuple[VenueRow, ...]:
    """The rows of ``slr/search/data/venues.csv`` (name, kind, synonyms); read once."""
    rows = []
    with resources.files("slr.search").joinpath("data/venues.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            syn = tuple(s.strip() for s in (row.get("synonyms") or "").split("|") if s.strip())
            rows.append((row["name"].strip(), row["kind"].strip(), syn))
    return tuple(rows)


class VenueTable:
    """Spellings of venues -> canonical names and kinds; immutable, with its own caches."""

    __slots__ = ("_names", "_kinds", "_canonical", "_keys", "_kind_of")

    def __init__(self, names: Mapping[str, str], kinds: Mapping[str, str]) -> None:
        """``names``: lookup key of a spelling -> canonical name; ``kinds``: lookup key of a
        canonical name -> journal | conference | preprint."""
        self._names: Mapping[str, str] = MappingProxyType(dict(names))
        self._kinds: Mapping[str, str] = MappingProxyType(dict(kinds))
        self._canonical = frozenset(self._names.values())
        self._keys: dict[str, str] = {}  # memo of key(); the table itself never changes
        self._kind_of: dict[str, str | None] = {}  # memo of kind()

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def bundled(cls) -> VenueTable:
        """The table of ``slr/search/data/venues.csv`` (one shared, unchanging instance)."""
        return _bundled_table()

    @classmethod
    def for_review(cls, root: Path) -> VenueTable:
        """The bundled table with the review's ``taxonomy/venues.yaml`` under ``root``."""
        return cls.bundled().with_taxonomy(Path(root) / "taxonomy" / "venues.yaml")

    def with_taxonomy(self, path: Path) -> VenueTable:
        """A new table: this one plus the spellings of a ``venues.yaml`` (``name``, ``full_name``,
        ``synonyms`` of each venue). Each venue's spellings map to the canonical name this table
        already gives any of them, else to its ``full_name``, so that both tables agree. A
        missing file gives this table back; a broken one raises with file and line."""
        path = Path(path)
        if not path.is_file():
            return self
        from slr.validation import load_document

        document = load_document(path, VenuesFile, what="venues")
        names = dict(self._names)
        for venue in document.venues:
            spellings = [venue.name, venue.full_name, *venue.synonyms]
            known = next(
                (self._names[k] for k in map(venue_lookup_key, spellings) if k in self._names),
                None,
            )
            canonical = known or venue.full_name or venue.name
            for spelling in spellings:
                if spelling:
                    names[venue_lookup_key(spelling)] = canonical
        return VenueTable(names, self._kinds)

    # -- lookups ----------------------------------------------------------------------------
    def canonical(self, text: str) -> str | None:
        """The canonical name of a spelling, None if the table does not know it."""
        return self._names.get(venue_lookup_key(text))

    def canonical_names(self) -> frozenset[str]:
        """Every canonical name the table maps to."""
        return self._canonical

    def normalise(self, value: object) -> tuple[str | None, bool]:
        """Clean a venue; return (venue, truncated). Expands a known acronym ('TSE') to its name."""
        text = clean_text(value)
        if text is None:
            return None, False
        truncated = bool(ELLIPSIS_RE.search(text)) or text.startswith(("…", "..."))
        text = LEADING_ELLIPSIS_RE.sub("", ELLIPSIS_RE.sub("", strip_latex(text))).strip(" ,.")
        if not text:
            return None, truncated
        canonical = self.canonical(text)
        if canonical is not None and not truncated:
            return canonical, False
        return text, truncated

    def key(self, value: object) -> str:
        """Matching key of a venue: its canonical name if known, else the distinctive words."""
        if not isinstance(value, str):
            return self._key(value)
        found = self._keys.get(value)
        if found is None:
            if len(self._keys) >= _CACHE_LIMIT:
                self._keys.clear()
            found = self._keys[value] = self._key(value)
        return found

    def kind(self, value: object) -> str | None:
        """'journal', 'conference' or 'preprint' when the venue is in the table."""
        text = clean_text(value)
        if text is None:
            return None
        if text not in self._kind_of:
            if len(self._kind_of) >= _CACHE_LIMIT:
                self._kind_of.clear()
            self._kind_of[text] = self._kinds.get(self.key(text))
        return self._kind_of[text]

    def _key(self, value: object) -> str:
        text = clean_text(value)
        if text is None:
            return ""
        text = LEADING_ELLIPSIS_RE.sub("", ELLIPSIS_RE.sub("", text))
        direct = self.canonical(text)
        if direct is None:
            m = _PAREN_ACRONYM_RE.search(text)
            if m:
                direct = self.canonical(m.group(1))
        if direct is not None:
            return venue_lookup_key(direct)
        low = venue_lookup_key(_YEAR_IN_VENUE_RE.sub(" ", text))
        low = _VENUE_DROP_RE.sub(" ", low)
        return WS_RE.sub(" ", low).strip()

    def __repr__(self) -> str:
        return f"VenueTable({len(self._names)} spellings, {len(self._kinds)} kinds)"


@cache
def _bundled_table() -> VenueTable:
    names: dict[str, str] = {}
    for name, _kind, synonyms in bundled_venue_rows():
        names[venue_lookup_key(name)] = name
        for syn in synonyms:
            names[venue_lookup_key(syn)] = name
    kinds = {venue_lookup_key(name): kind for name, kind, _ in bundled_venue_rows()}
    return VenueTable(names, kinds)


def review_venues(start: Path | None = None) -> VenueTable:
    """The venue table of the review around ``start`` (a search folder; default: the working
    directory), found as every ``slr`` command finds the review (``SLR_ROOT``, else the nearest
    folder above with ``taxonomy/`` and ``corpus/``). No review around: the bundled table.

    ``slr search run``, ``slr ingest`` and ``slr dedupe`` all use this, so the same repository
    gives them the same table."""
    from slr.errors import ConfigError
    from slr.paths import project_root

    try:
        root = project_root(start)
    except ConfigError:
        if os.environ.get("SLR_ROOT"):
            raise  # a wrong SLR_ROOT is the user's to fix, not a reason to fall back
        return VenueTable.bundled()
    return VenueTable.for_review(root)
