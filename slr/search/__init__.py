"""From search exports to included papers: ingest, normalise, deduplicate, screen, PRISMA 2020.

The stages and their hand-offs::

    exports (BibTeX, RIS, CSV of Scopus/IEEE/ACM/WoS/Publish or Perish, arXiv)
      -> ingest()               records (Record, with provenance; every record accounted for)
      -> dedupe()               clusters (record_id -> cluster_id), pairs with rule and scores,
                                uncertain pairs for review, merged works
      -> ScreeningLog           decisions per stage with reason codes and reviewer (append-only)
      -> compute_prisma()       PRISMA 2020 counts from the data; plot_prisma() draws them
      -> included_papers()      included works as plain dicts for the review's corpus

Names resolve lazily, so ``import slr.search`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Record": "slr.search.records",
    "Provenance": "slr.search.records",
    "IngestResult": "slr.search.records",
    "read_records": "slr.search.records",
    "write_records": "slr.search.records",
    "ingest": "slr.search.ingest",
    "ingest_file": "slr.search.ingest",
    "VenueTable": "slr.search.venues",
    "review_venues": "slr.search.venues",
    "source_formats": "slr.search.sources",
    "DedupeConfig": "slr.search.dedupe",
    "DedupeResult": "slr.search.dedupe",
    "dedupe": "slr.search.dedupe",
    "read_dedupe_decisions": "slr.search.dedupe",
    "Criteria": "slr.search.screen",
    "ScreeningLog": "slr.search.screen",
    "cohen_kappa": "slr.search.screen",
    "rank_for_screening": "slr.search.screen",
    "simulate_screening": "slr.search.screen",
    "compute_prisma": "slr.search.prisma",
    "plot_prisma": "slr.search.prisma_diagram",
    "prisma_for_bundled_review": "slr.search.prisma",
    "snowball": "slr.search.snowball",
    "SearchProject": "slr.search.project",
    "run_search": "slr.search.project",
    "included_papers": "slr.search.project",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'slr.search' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return __all__
