"""Included works of a search (``slr.search.included_papers``) into corpus papers.

``link_included`` matches each included work to a paper already in the corpus (DOI, arXiv id, or
a near-identical title); ``papers_from_included`` turns the works that are not in the corpus yet
into new :class:`~slr.corpus.schema.Paper` records. A venue the taxonomy does not know (Google
Scholar cuts venues: "2024 IEEE International …") is a problem naming the record's file and line
and the closest venues; pass the reviewer's reading in ``venues`` (record id -> venue).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from rapidfuzz import fuzz

from slr.corpus.schema import Paper
from slr.errors import ValidationReport
from slr.taxonomy import Taxonomy

_NON_WORD = re.compile(r"[^\w]+")


def _title_key(title: str) -> str:
    return _NON_WORD.sub(" ", title.casefold()).strip()


def link_included(
    works: Iterable[Mapping[str, Any]], papers: Iterable[Paper], *, min_title: float = 95.0
) -> pd.DataFrame:
    """One row per included work: its record ids, and the corpus paper it is (or None), and how."""
    papers = list(papers)
    by_doi = {p.doi.lower(): p.paper_id for p in papers if p.doi}
    rows = []
    for w in works:
        pid, how, score = None, "not in the corpus", None
        doi = (w.get("doi") or "").lower()
        arxiv = w.get("arxiv_id") or ""
        if doi and doi in by_doi:
            pid, how = by_doi[doi], "doi"
        elif arxiv and (hits := [p.paper_id for p in papers if arxiv in p.url]):
            pid, how = hits[0], "arxiv id"
        else:
            best = max(
                papers,
                key=lambda p: fuzz.ratio(_title_key(p.title), _title_key(w["title"])),
                default=None,
            )
            if best is not None:
                score = fuzz.ratio(_title_key(best.title), _title_key(w["title"]))
                if score >= min_title:
                    pid, how = best.paper_id, "title"
        rows.append(
            {
                "record_ids": "; ".join(w.get("record_ids", [])),
                "title": w["title"],
                "paper_id": pid,
                "matched_by": how,
                "title_similarity": score,
            }
        )
    return pd.DataFrame(
        rows, columns=["record_ids", "title", "paper_id", "matched_by", "title_similarity"]
    )


def papers_from_included(
    works: Iterable[Mapping[str, Any]],
    taxonomy: Taxonomy,
    *,
    existing: Iterable[Paper] = (),
    venues: Mapping[str, str] | None = None,
    report: ValidationReport | None = None,
) -> list[Paper]:
    """New corpus papers (IDs after the existing ones) for works not already in the corpus."""
    existing = list(existing)
    report = report if report is not None else ValidationReport()
    venues = dict(venues or {})
    linked = link_included(list(works), existing) if existing else None
    next_id = max((int(p.paper_id[1:]) for p in existing), default=0) + 1
    out: list[Paper] = []
    for i, w in enumerate(works):
        if linked is not None and linked.iloc[i]["paper_id"] is not None:
            continue
        rid = (w.get("record_ids") or ["?"])[0]
        prov = (w.get("provenance") or [{}])[0]
        raw_venue = venues.get(rid) or w.get("venue") or ""
        venue = taxonomy.vocab["venues"].resolve(raw_venue) if raw_venue else None
        if venue is None and (w.get("arxiv_id") and not raw_venue):
            venue = "arXiv"
        if venue is None:
            msg, fix = taxonomy.vocab["venues"].unknown_message(raw_venue or "(none)")
            report.add(
                prov.get("file", rid),
                f"{msg} for included record {rid}",
                line=prov.get("line"),
                fix=f"{fix} Pass the venue for {rid} (venues={{'{rid}': ...}}) or add it to taxonomy/venues.yaml",
            )
            continue
        out.append(
            Paper(
                paper_id=f"P{next_id}",
                included=True,
                title=w["title"],
                venue=venue,
                year=w.get("year"),
                url=w.get("url") or "",
                doi=w.get("doi") or "",
                provenance="search: "
                + "; ".join(
                    f"{p.get('record_id')}={p.get('file')}:{p.get('line')}"
                    for p in w.get("provenance", [])
                ),
            )
        )
        next_id += 1
    return out
