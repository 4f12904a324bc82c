"""Merge a cluster of records into one work: the best value of each field, all member ids."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from slr.search.dedupe.keys import MatchKeys
from slr.search.dedupe.models import Work
from slr.search.records import Record
from slr.search.venues import VenueTable


def _has_mixed_case(text: str) -> bool:
    return text != text.lower() and text != text.upper()


def _single(rec: Record, k: MatchKeys) -> Work:
    """A work of one record: its values as they are (the common case, kept fast)."""
    rid = rec.record_id
    present = (
        "title",
        "authors",
        "year",
        "venue",
        "doi",
        "abstract",
        "url",
        "volume",
        "number",
        "pages",
        "publisher",
    )
    return Work.model_construct(
        work_id=rid,
        other_dois=[],
        title=rec.title,
        authors=rec.authors,
        year=rec.year,
        venue=rec.venue,
        entry_type=rec.entry_type,
        doi=k.doi,
        arxiv_id=k.arxiv,
        url=rec.url,
        abstract=rec.abstract,
        volume=rec.volume,
        number=rec.number,
        pages=rec.pages,
        publisher=rec.publisher,
        keywords=rec.keywords,
        record_ids=[rid],
        preprint_ids=[rid] if k.preprint else [],
        sources=[rec.provenance.source],
        provenance=[rec.provenance.location()],
        field_sources={f: rid for f in present if getattr(rec, f, None)},
    )


def merge_cluster(
    members: list[Record],
    keys: list[MatchKeys],
    work_id: str,
    venues: VenueTable | None = None,
) -> Work:
    """One work of a cluster; a venue the table knows by name is preferred (``venues``: the
    table the keys were made with, default the bundled one). ``field_sources`` names the record
    each field was taken from."""
    if len(members) == 1:
        return _single(members[0], keys[0])
    published = [r for r, k in zip(members, keys, strict=True) if not k.preprint]
    pool = published or members
    pool_ids = {id(r) for r in pool}
    sources: dict[str, str] = {}
    canon = (venues or VenueTable.bundled()).canonical_names()

    def title_rank(r: Record) -> tuple[int, int, int, int]:
        return (
            int(not r.title_truncated),
            int(_has_mixed_case(r.title)),
            int(id(r) in pool_ids),
            len(r.title),
        )

    def venue_rank(r: Record) -> tuple[int, int, int, int]:
        v = r.venue or ""
        return (
            int(id(r) in pool_ids),
            int(not r.extra.get("venue_truncated")),
            int(v in canon),
            len(v),
        )

    # fields in this order (the order of field_sources in the outputs)
    best_title = max(members, key=title_rank)
    sources["title"] = best_title.record_id
    best_authors = _best(members, "authors", _authors_rank, sources)
    year = _year(pool, sources)
    best_venue = _best(members, "venue", venue_rank, sources)
    dois = [k.doi for k in keys if k.doi]
    doi = _doi(members, keys, dois, sources)
    best_abstract = _best(members, "abstract", _abstract_rank, sources)
    ordered = pool + [r for r in members if id(r) not in pool_ids]
    simple: dict[str, object] = {}
    for name in ("url", "volume", "number", "pages", "publisher"):
        first = next((r for r in ordered if getattr(r, name)), None)
        simple[name] = getattr(first, name) if first is not None else None
        if first is not None:
            sources[name] = first.record_id
    entry_types = [r.entry_type for r in pool if r.entry_type != "misc"]
    keywords: list[str] = []
    for r in members:
        for kw in r.keywords:
            if kw not in keywords:
                keywords.append(kw)
    return Work(
        work_id=work_id,
        title=best_title.title,
        authors=best_authors.authors if best_authors is not None else [],
        year=year,
        venue=best_venue.venue if best_venue is not None else None,
        entry_type=Counter(entry_types).most_common(1)[0][0] if entry_types else "misc",
        doi=doi,
        arxiv_id=next((k.arxiv for k in keys if k.arxiv), None),
        abstract=best_abstract.abstract if best_abstract is not None else None,
        keywords=keywords,
        record_ids=[r.record_id for r in members],
        preprint_ids=[r.record_id for r, k in zip(members, keys, strict=True) if k.preprint],
        other_dois=sorted(set(dois) - {doi}) if doi else [],
        sources=sorted({r.provenance.source for r in members}),
        provenance=[r.provenance.location() for r in members],
        field_sources=sources,
        **simple,  # type: ignore[arg-type]
    )


def _best(
    members: list[Record], name: str, rank: Callable[[Record], Any], sources: dict[str, str]
) -> Record | None:
    """The member with the highest ``rank`` among those that have field ``name``."""
    having = [r for r in members if getattr(r, name)]
    if not having:
        return None
    best = max(having, key=rank)
    sources[name] = best.record_id
    return best


def _authors_rank(r: Record) -> tuple[int, int, int]:
    return (int(not r.authors_truncated), len(r.authors), sum(len(a) for a in r.authors))


def _abstract_rank(r: Record) -> tuple[int, int]:
    return (int(not r.extra.get("abstract_truncated")), len(r.abstract or ""))


def _year(pool: list[Record], sources: dict[str, str]) -> int | None:
    """The most frequent year of the published records (the earliest of a tie)."""
    years = Counter(r.year for r in pool if r.year is not None)
    if not years:
        return None
    year = min(y for y, c in years.items() if c == max(years.values()))
    sources["year"] = next(r.record_id for r in pool if r.year == year)
    return year


def _doi(
    members: list[Record], keys: list[MatchKeys], dois: list[str], sources: dict[str, str]
) -> str | None:
    """The most frequent DOI of the cluster."""
    if not dois:
        return None
    doi = Counter(dois).most_common(1)[0][0]
    sources["doi"] = next(r.record_id for r, k in zip(members, keys, strict=True) if k.doi == doi)
    return doi
