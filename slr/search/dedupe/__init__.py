"""Deduplicate search records: exact identifiers, then fuzzy fields with blocking; clusters; merge.

Steps (each leaves an auditable trail in :class:`DedupeResult`):

1. **Keys.** Each record gets matching keys (title, authors, venue, DOI, arXiv id) from
   :mod:`slr.search.normalise`.
2. **Candidate pairs.** Records sharing a DOI or an arXiv id, plus records sharing a blocking key:
   the first words of the title, the last words of the title, first author + year. A block larger
   than ``max_block`` is searched with a sorted-neighbourhood window, so the number of pairs grows
   near-linearly with the number of records.
3. **Pair rules.** Every candidate pair gets field similarities (rapidfuzz) and one named rule
   (``same-doi``, ``title+authors+year``, ...) with a label: ``duplicate``, ``version`` (a
   preprint and its published version), ``maybe`` (goes to the review file) or ``distinct``.
   Records with different (non-arXiv) DOIs are never labelled duplicate automatically.
4. **Decisions.** A decisions file (``record_id_a,record_id_b,decision`` with ``duplicate`` or
   ``not duplicate``) overrides the rules on the next run.
5. **Clusters.** Duplicate/version pairs are edges of a networkx graph; connected components are
   works. A component that would join two different DOIs (or a pair decided "not duplicate") is
   split by adding edges strongest-first and skipping those that break a constraint; skipped
   edges go to the review file.
6. **Merge.** Each cluster becomes one :class:`Work` with the best value of each field, the field's
   source record, and the ids of all members.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from slr.search.dedupe.blocking import candidate_pairs
from slr.search.dedupe.clustering import cluster_records
from slr.search.dedupe.decisions import PairDecision, read_dedupe_decisions
from slr.search.dedupe.matching import CONFLICT_RULES, MatchKeys, compare_records, match_keys
from slr.search.dedupe.merge import merge_cluster
from slr.search.dedupe.models import DedupeConfig, DedupeResult, Label, PairResult, Work
from slr.search.progress import ProgressCallback, report
from slr.search.records import Record

__all__ = [
    "CONFLICT_RULES",
    "DedupeConfig",
    "DedupeResult",
    "PairDecision",
    "PairResult",
    "Work",
    "dedupe",
    "dedupe_report",
    "read_dedupe_decisions",
]


def dedupe(
    records: Sequence[Record],
    *,
    decisions: Sequence[PairDecision] | str | Path | None = None,
    config: DedupeConfig | None = None,
    progress: ProgressCallback | None = None,
) -> DedupeResult:
    """Cluster duplicate records and merge each cluster into a :class:`Work`."""
    cfg = config or DedupeConfig()
    records = list(records)
    n = len(records)
    index = {r.record_id: i for i, r in enumerate(records)}
    if len(index) != n:
        dup = [rid for rid, c in Counter(r.record_id for r in records).items() if c > 1][:5]
        raise ValueError(f"record ids must be unique; repeated: {dup}")
    if isinstance(decisions, str | Path):
        decisions = read_dedupe_decisions(decisions, known_ids=index)
    decisions = list(decisions or [])
    step = max(1, n // 100)
    keys: list[MatchKeys] = []
    for i, r in enumerate(records):
        keys.append(match_keys(r))
        if i % step == 0:
            report(progress, "dedupe: keys", i, n)
    report(progress, "dedupe: keys", n, n)
    candidates = sorted(candidate_pairs(keys, cfg))
    decided = {frozenset((d.record_id_a, d.record_id_b)): d for d in decisions}
    pairs: list[PairResult] = []
    total = len(candidates)
    step = max(1, total // 100)
    for c, (i, j) in enumerate(candidates):
        if c % step == 0:
            report(progress, "dedupe: compare pairs", c, total)
        pairs.append(compare_records(records[i], records[j], keys[i], keys[j], cfg))
    report(progress, "dedupe: compare pairs", total, total)
    # decisions override the rules
    applied = 0
    final: list[PairResult] = []
    for p in pairs:
        d = decided.pop(frozenset((p.record_id_a, p.record_id_b)), None)
        if d is not None:
            applied += 1
            label: Label = "duplicate" if d.decision == "duplicate" else "distinct"
            final.append(_decided(p, label, d.line))
        elif p.label != "distinct":
            final.append(p)
    for d in decided.values():  # decided pairs the blocking did not propose
        applied += 1
        i, j = index[d.record_id_a], index[d.record_id_b]
        p = compare_records(records[i], records[j], keys[i], keys[j], cfg)
        label = "duplicate" if d.decision == "duplicate" else "distinct"
        final.append(_decided(p, label, d.line))
    edges: list[tuple[int, int, PairResult | None]] = [
        (index[p.record_id_a], index[p.record_id_b], p)
        for p in final
        if p.label in ("duplicate", "version") and p.decided_by == "rules"
    ]
    cannot: dict[tuple[int, int], str] = {}
    for p in pairs:
        if p.rule in CONFLICT_RULES and p.label in ("maybe", "distinct"):
            i, j = sorted((index[p.record_id_a], index[p.record_id_b]))
            cannot[(i, j)] = f"{p.record_id_a} and {p.record_id_b} ({p.rule})"
    for d in decisions:
        i, j = sorted((index[d.record_id_a], index[d.record_id_b]))
        if d.decision == "duplicate":
            edges.append((i, j, None))
            cannot.pop((i, j), None)
        else:
            cannot[(i, j)] = (
                f"{d.record_id_a} and {d.record_id_b}, decided 'not duplicate' "
                f"(decisions file line {d.line})"
            )
    report(progress, "dedupe: clusters", 0, 1)
    clusters, skipped = cluster_records(n, keys, edges, cannot)
    report(progress, "dedupe: clusters", 1, 1)
    cluster_of: dict[str, str] = {}
    works: list[Work] = []
    for c, members in enumerate(clusters):
        if c % max(1, len(clusters) // 100) == 0:
            report(progress, "dedupe: merge", c, len(clusters))
        work_id = records[members[0]].record_id
        for i in members:
            cluster_of[records[i].record_id] = work_id
        works.append(
            merge_cluster([records[i] for i in members], [keys[i] for i in members], work_id)
        )
    report(progress, "dedupe: merge", len(clusters), len(clusters))
    skipped_keys = {frozenset((p.record_id_a, p.record_id_b)) for p in skipped}
    review = [
        p
        for p in final
        if p.label == "maybe" and cluster_of[p.record_id_a] != cluster_of[p.record_id_b]
    ]
    review += skipped
    review_keys: set[frozenset[str]] = set()
    unique_review = []
    for p in review:
        k = frozenset((p.record_id_a, p.record_id_b))
        if k not in review_keys:
            review_keys.add(k)
            unique_review.append(p)
    pairs_out = [p for p in final if frozenset((p.record_id_a, p.record_id_b)) not in skipped_keys]
    pairs_out += skipped
    return DedupeResult(
        records=records,
        cluster_of=cluster_of,
        works=works,
        pairs=pairs_out,
        review=unique_review,
        decisions_applied=applied,
        candidates=len(candidates),
        config=cfg,
    )


def _decided(p: PairResult, label: Label, line: int) -> PairResult:
    """The pair as a person decided it in the decisions file (scores kept for the audit)."""
    return replace(p, label=label, note=f"decisions file line {line}", decided_by="decision")


def dedupe_report(result: DedupeResult) -> dict[str, int]:
    """Counts for summaries: records, works, duplicates removed, pairs per label."""
    labels = Counter(p.label for p in result.pairs)
    return {
        "records": len(result.records),
        "works": len(result.works),
        "duplicates_removed": result.duplicates_removed,
        "versions_linked": result.versions_linked,
        "duplicate_pairs": labels.get("duplicate", 0),
        "version_pairs": labels.get("version", 0),
        "pairs_to_review": len(result.review),
        "decisions_applied": result.decisions_applied,
    }
