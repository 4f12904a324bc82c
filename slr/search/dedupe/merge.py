"""Merge a cluster of records into one work: the best value of each field, all member ids."""

from __future__ import annotations

from collections import Counter

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
    table the keys were made with, default the bundled one)."""
    if len(members) == 1:
        return _single(members[0], keys[0])
    published = [r for r, k in zip(members, keys, strict=True) if not k.preprint]
    pool = published or members
    pool_ids = {id(r) for r in pool}
    sources: dict[str, str] = {}

    def pick(name: str, candidates: list[tuple[object, Record]]) -> object:
        if not candidates:
            return None
        value, rec = candidates[0]
        sources[name] = rec.record_id
        return value

    def title_rank(r: Record) -> tuple[int, int, int, int]:
        return (
            int(not r.title_truncated),
            int(_has_mixed_case(r.title)),
            int(id(r) in pool_ids),
            len(r.title),
        )

    best_title = max(members, key=title_rank)
    sources["title"] = best_title.record_id

    def authors_rank(r: Record) -> tuple[int, int, int]:
        return (int(not r.authors_truncated), len(r.authors), sum(len(a) for a in r.authors))

    with_authors = [r for r in members if r.authors]
    authors: list[str] = []
    if with_authors:
        best = max(with_authors, key=authors_rank)
        authors = best.authors
        sources["authors"] = best.record_id

    years = Counter(r.year for r in pool if r.year is not None)
    year = None
    if years:
        year = min(y for y, c in years.items() if c == max(years.values()))
        sources["year"] = next(r.record_id for r in pool if r.year == year)

    canon = (venues or VenueTable.bundled()).canonical_names()

    def venue_rank(r: Record) -> tuple[int, int, int, int]:
        v = r.venue or ""
        return (
            int(id(r) in pool_ids),
            int(not r.extra.get("venue_truncated")),
            int(v in canon),
            len(v),
        )

    with_venue = [r for r in members if r.venue]
    venue = None
    if with_venue:
        best_v = max(with_venue, key=venue_rank)
        venue = best_v.venue
        sources["venue"] = best_v.record_id

    dois = [k.doi for k in keys if k.doi]
    doi_counts = Counter(dois)
    doi = doi_counts.most_common(1)[0][0] if dois else None
    if doi:
        sources["doi"] = next(
            r.record_id for r, k in zip(members, keys, strict=True) if k.doi == doi
        )
    arxiv = next((k.arxiv for k in keys if k.arxiv), None)

    def abstract_rank(r: Record) -> tuple[int, int]:
        return (int(not r.extra.get("abstract_truncated")), len(r.abstract or ""))

    with_abstract = [r for r in members if r.abstract]
    abstract = None
    if with_abstract:
        best_a = max(with_abstract, key=abstract_rank)
        abstract = best_a.abstract
        sources["abstract"] = best_a.record_id

    ordered = pool + [r for r in members if id(r) not in pool_ids]
    simple: dict[str, object] = {}
    for name in ("url", "volume", "number", "pages", "publisher"):
        simple[name] = pick(name, [(getattr(r, name), r) for r in ordered if getattr(r, name)])
    entry_types = [r.entry_type for r in pool if r.entry_type != "misc"]
    keywords: list[str] = []
    for r in members:
        for kw in r.keywords:
            if kw not in keywords:
                keywords.append(kw)
    return Work(
        work_id=work_id,
        title=best_title.title,
        authors=authors,
        year=year,
        venue=venue,
        entry_type=Counter(entry_types).most_common(1)[0][0] if entry_types else "misc",
        doi=doi,
        arxiv_id=arxiv,
        abstract=abstract,
        keywords=keywords,
        record_ids=[r.record_id for r in members],
        preprint_ids=[r.record_id for r, k in zip(members, keys, strict=True) if k.preprint],
        other_dois=sorted(set(dois) - {doi}) if doi else [],
        sources=sorted({r.provenance.source for r in members}),
        provenance=[r.provenance.location() for r in members],
        field_sources=sources,
        **simple,  # type: ignore[arg-type]
    )
