"""Deduplicate search records: blocking, field comparisons, named rules, a Fellegi-Sunter model,
constrained clusters, merged works.

Steps (each leaves an auditable trail in :class:`DedupeResult`):

1. **Keys.** Each record's fields in the form deduplication compares (:mod:`.keys`,
   :mod:`.fields`): titles without language tags, author name words from lists a database ran
   together, journal abbreviations, volume / issue / pages repaired, DOIs and their families.
2. **Candidate pairs** (:mod:`.blocking`): records sharing an identifier, title words, first
   author + year, year + volume + first page, or the start of the abstract.
3. **Comparisons** (:mod:`.features`): title, author, journal and abstract similarities and the
   agreement of year, volume, issue, pages, DOI, as arrays.
4. **Rules** (:mod:`.rules`): the first named rule that holds labels the pair ``duplicate``,
   ``version`` (a preprint and its published version), ``maybe`` (the review file) or
   ``distinct``; evidence of different works makes the pair a cannot-link. A Fellegi-Sunter
   model (:mod:`.fellegi_sunter`, m/u by EM) adds the matches it is sure of and ranks the
   review file by its uncertainty.
5. **Decisions** (``record_id_a,record_id_b,decision``) override the rules.
6. **Clusters** (:mod:`.clustering`): connected components of the matches, rebuilt strongest
   edge first where a component holds a cannot-link; skipped edges go to review.
7. **Merge** (:mod:`.merge`): one :class:`Work` per cluster, the best value of each field.

Records that cannot be compared (no title) stay clusters of their own, with the reason.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from slr.search.dedupe.blocking import candidate_pairs
from slr.search.dedupe.clustering import cluster_records
from slr.search.dedupe.decisions import PairDecision, read_dedupe_decisions
from slr.search.dedupe.evidence import Evidence
from slr.search.dedupe.features import (
    KeyTable,
    PairTable,
    compare_pairs,
    evidence_mask,
    title_similarity,
)
from slr.search.dedupe.fellegi_sunter import FellegiSunter, comparison_levels, estimate
from slr.search.dedupe.keys import MatchKeys, match_keys
from slr.search.dedupe.merge import merge_cluster
from slr.search.dedupe.models import DedupeConfig, DedupeResult, Label, PairResult, Work
from slr.search.dedupe.rules import (
    CONFLICT_RULES,
    DISTINCT,
    DUPLICATE,
    LABELS,
    MAYBE,
    RULES,
    VERSION,
    label_pairs,
)
from slr.search.progress import ProgressCallback, report
from slr.search.records import Record
from slr.search.venues import VenueTable

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

# how strongly a rule's match holds a cluster together (clustering adds edges strongest first)
_RULE_STRENGTH = {
    "same-doi": 3.0,
    "same-doi+pages": 3.0,
    "same-doi+title": 3.0,
    "same-arxiv-id": 2.5,
    "same-url+title": 2.0,
    "cochrane-review-versions": 2.0,
}
_DECISION = -2  # rule index of a pair a person decided


def dedupe(
    records: Sequence[Record],
    *,
    decisions: Sequence[PairDecision] | str | Path | None = None,
    config: DedupeConfig | None = None,
    progress: ProgressCallback | None = None,
    names: Mapping[str, str] | None = None,
    venues: VenueTable | None = None,
) -> DedupeResult:
    """Cluster duplicate records and merge each cluster into a :class:`Work`.

    ``names`` maps record ids to the names the user's exports give the records (see
    :mod:`slr.search.dedupe.naming`); the output files use them, and a decisions file may
    name records either way. ``venues`` says which venue spellings are one venue (default:
    the bundled table; a review passes its own, :func:`slr.search.venues.review_venues`).
    """
    with _without_cycle_collector():
        return _dedupe(records, decisions, config, progress, names, venues or VenueTable.bundled())


@contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """Python's cycle collector off while the keys and pairs are built, as it was after.

    Those stages allocate millions of small objects without cycles; each collection walks
    every live object again. Measured on 100k records of ``benchmarks/_scale_data.py``: CPU
    of the keys 12.6 -> 10.3 s, of blocking 6.9 -> 1.7 s, peak memory unchanged.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _dedupe(
    records: Sequence[Record],
    decisions: Sequence[PairDecision] | str | Path | None,
    config: DedupeConfig | None,
    progress: ProgressCallback | None,
    names: Mapping[str, str] | None,
    venues: VenueTable,
) -> DedupeResult:
    cfg = config or DedupeConfig()
    records = list(records)
    n = len(records)
    index = {r.record_id: i for i, r in enumerate(records)}
    if len(index) != n:
        dup = [rid for rid, c in Counter(r.record_id for r in records).items() if c > 1][:5]
        raise ValueError(f"record ids must be unique; repeated: {dup}")
    names = dict(names or {})
    if isinstance(decisions, str | Path):
        by_name = {names.get(r.record_id, r.record_id): r.record_id for r in records}
        decisions = [
            _resolve(d, by_name)
            for d in read_dedupe_decisions(decisions, known_ids={*index, *by_name})
        ]
    decided = {frozenset((d.record_id_a, d.record_id_b)): d for d in decisions or []}

    keys = _keys(records, progress, venues)
    table = KeyTable.build(keys)
    pairs = candidate_pairs(keys, cfg, lambda d, t: report(progress, "dedupe: blocking", d, t))
    total_candidates = len(pairs)
    pairs = _with_decided(pairs, decided, index)
    tsim = title_similarity(table, pairs, cfg.workers)
    keep = evidence_mask(table, pairs, tsim) | _decided_mask(pairs, decided, index)
    pt = compare_pairs(
        table,
        pairs[keep],
        tsim[keep],
        cfg.workers,
        lambda d, t: report(progress, "dedupe: scoring", d, t),
    )
    model, probability = _model(pt, cfg)
    labels, rule = label_pairs(Evidence(pt, cfg, probability))
    applied = _apply_decisions(pt, labels, rule, decided, index, records)

    edge = np.isin(labels, (DUPLICATE, VERSION))
    conflict_rule = np.array([r.conflict for r in RULES] + [False, False], dtype=bool)
    cannot = np.isin(labels, (MAYBE, DISTINCT)) & conflict_rule[rule]
    cannot |= (rule == _DECISION) & (labels == DISTINCT)
    strength = _strength(pt, rule, probability)
    e_idx = np.flatnonzero(edge)
    report(progress, "dedupe: clustering", 0, len(e_idx))  # counted in matched pairs
    cluster, skipped_edges = cluster_records(
        n,
        pt.i[e_idx],
        pt.j[e_idx],
        strength[e_idx],
        pt.i[cannot],
        pt.j[cannot],
        lambda d, t: report(progress, "dedupe: clusters with cannot-links", d, t),
    )
    report(progress, "dedupe: clustering", len(e_idx), len(e_idx))

    def result(x: int, label: Label | None = None, note: str | None = None) -> PairResult:
        return _pair_result(pt, x, rule[x], LABELS[labels[x]], records, probability, label, note)

    skipped_pairs: dict[int, PairResult] = {}
    for e, a, b, kind in skipped_edges:
        x = int(e_idx[e])
        why = "would join" if kind == 0 else "matches records that are different works:"
        skipped_pairs[x] = result(
            x, "maybe", f"{why} {records[a].record_id} and {records[b].record_id}"
        )
    pairs_out = [
        skipped_pairs.get(x) or result(x) for x in np.flatnonzero(labels != DISTINCT).tolist()
    ]
    maybe = np.flatnonzero((labels == MAYBE) & (cluster[pt.i] != cluster[pt.j])).tolist()
    review = [result(x) for x in maybe if x not in skipped_pairs] + list(skipped_pairs.values())
    review.sort(key=lambda p: (-p.uncertainty, -p.title_sim, p.record_id_a, p.record_id_b))
    cluster_of = {
        records[i].record_id: records[c].record_id for i, c in enumerate(cluster.tolist())
    }
    alone = {
        records[i].record_id: _why_alone(records[i]) for i, k in enumerate(keys) if not k.comparable
    }
    return DedupeResult(
        records=records,
        cluster_of=cluster_of,
        merge=lambda: _merge(records, keys, cluster, progress, venues),
        pairs=pairs_out,
        review=review,
        decisions_applied=applied,
        candidates=total_candidates,
        config=cfg,
        alone=alone,
        names=names,
        model=model,
    )


def _keys(
    records: list[Record], progress: ProgressCallback | None, venues: VenueTable
) -> list[MatchKeys]:
    n = len(records)
    step = max(1, n // 100)
    keys: list[MatchKeys] = []
    for i, r in enumerate(records):
        keys.append(match_keys(r, venues))
        if i % step == 0:
            report(progress, "dedupe: keys", i, n)
    report(progress, "dedupe: keys", n, n)
    return keys


def _resolve(d: PairDecision, by_name: dict[str, str]) -> PairDecision:
    """A decision naming records by the export's ids, with the internal record ids."""
    from dataclasses import replace

    return replace(
        d,
        record_id_a=by_name.get(d.record_id_a, d.record_id_a),
        record_id_b=by_name.get(d.record_id_b, d.record_id_b),
    )


def _pair_codes(pairs: np.ndarray, n: int) -> np.ndarray:
    return pairs[:, 0] * max(n, 1) + pairs[:, 1]


def _with_decided(
    pairs: np.ndarray, decided: dict[frozenset[str], PairDecision], index: dict[str, int]
) -> np.ndarray:
    """The candidate pairs plus the decided pairs the blocking did not propose."""
    if not decided:
        return pairs
    extra = np.array(
        [sorted((index[d.record_id_a], index[d.record_id_b])) for d in decided.values()],
        dtype=np.int64,
    ).reshape(-1, 2)
    n = len(index)
    both = np.concatenate([pairs, extra])
    codes = np.unique(_pair_codes(both, n))
    return np.stack([codes // n, codes % n], axis=1)


def _decided_mask(
    pairs: np.ndarray, decided: dict[frozenset[str], PairDecision], index: dict[str, int]
) -> np.ndarray:
    if not decided:
        return np.zeros(len(pairs), dtype=bool)
    n = len(index)
    want = [
        min(index[d.record_id_a], index[d.record_id_b]) * n
        + max(index[d.record_id_a], index[d.record_id_b])
        for d in decided.values()
    ]
    return np.isin(_pair_codes(pairs, n), np.array(want, dtype=np.int64))


def _model(pt: PairTable, cfg: DedupeConfig) -> tuple[FellegiSunter | None, np.ndarray | None]:
    """The Fellegi-Sunter model of the pairs and each pair's match probability (when there
    are enough pairs for EM to say something)."""
    if not cfg.use_model or len(pt) < 200:
        return None, None
    levels = comparison_levels(pt)
    model = estimate(levels)
    return model, model.probability(levels)


def _apply_decisions(
    pt: PairTable,
    labels: np.ndarray,
    rule: np.ndarray,
    decided: dict[frozenset[str], PairDecision],
    index: dict[str, int],
    records: list[Record],
) -> int:
    if not decided:
        return 0
    where = {(int(a), int(b)): x for x, (a, b) in enumerate(zip(pt.i, pt.j, strict=True))}
    applied = 0
    for d in decided.values():
        a, b = sorted((index[d.record_id_a], index[d.record_id_b]))
        x = where[(a, b)]
        labels[x] = DUPLICATE if d.decision == "duplicate" else DISTINCT
        rule[x] = _DECISION
        applied += 1
    return applied


def _strength(pt: PairTable, rule: np.ndarray, probability: np.ndarray | None) -> np.ndarray:
    """Edge order for clustering: decisions, shared identifiers, then the closest year, the
    model, the title and the authors (a preprint joins the paper of its year, not the later
    journal extension)."""
    by_rule = np.array([_RULE_STRENGTH.get(r.name, 1.0) for r in RULES] + [9.0, 9.0])
    years = np.where(pt.year_diff < 0, 0.5, np.minimum(pt.year_diff, 9))
    s = 100.0 * by_rule[rule] - 5.0 * years + np.round(np.nan_to_num(pt.title_sim), 3)
    s += 0.001 * np.nan_to_num(pt.author_sim)
    if probability is not None:
        s += 0.5 * probability
    return s


def _pair_result(
    pt: PairTable,
    x: int,
    rule_index: int,
    label: Label,
    records: list[Record],
    probability: np.ndarray | None,
    override_label: Label | None = None,
    note: str | None = None,
) -> PairResult:
    a, b = records[int(pt.i[x])], records[int(pt.j[x])]
    if rule_index == _DECISION:
        name, rule_note, by = "decision", "decided in the decisions file", "decision"
    else:
        r = RULES[rule_index]
        name, rule_note, by = r.name, r.note, "rules"
    doi_code = pt.fields["doi"][x]
    doi = (
        ("same" if doi_code == 1 else "different")
        if doi_code
        else ("one-missing" if (a.doi or b.doi) else "missing")
    )
    asim, jsim = pt.author_sim[x], pt.journal_sim[x]
    return PairResult(
        a.record_id,
        b.record_id,
        override_label or label,
        name,
        float(np.nan_to_num(pt.title_sim[x])),
        None if np.isnan(asim) else float(asim),
        None if pt.year_diff[x] < 0 else int(pt.year_diff[x]),
        None if np.isnan(jsim) else float(jsim),
        doi,
        note if note is not None else rule_note,
        by,
        None if probability is None else float(probability[x]),
    )


def _merge(
    records: list[Record],
    keys: list[MatchKeys],
    cluster: np.ndarray,
    progress: ProgressCallback | None,
    venues: VenueTable,
) -> list[Work]:
    """One work per cluster, named by its first member (the cluster label is its smallest
    record index)."""
    groups: dict[int, list[int]] = {}
    for i, c in enumerate(cluster.tolist()):
        groups.setdefault(c, []).append(i)
    works: list[Work] = []
    total = len(groups)
    step = max(1, total // 100)
    for k, members in enumerate(groups.values()):
        if k % step == 0:
            report(progress, "dedupe: merge", k, total)
        work_id = records[members[0]].record_id
        works.append(
            merge_cluster(
                [records[i] for i in members], [keys[i] for i in members], work_id, venues
            )
        )
    report(progress, "dedupe: merge", total, total)
    return works


def _why_alone(rec: Record) -> str:
    rejected = rec.extra.get("rejected_by_ingest")
    if rejected:
        return f"not compared: {rejected}"
    if not rec.title.strip():
        return "not compared: the record has no title"
    return f"not compared: the title {rec.title!r} has no words to compare"


def dedupe_report(result: DedupeResult) -> dict[str, int]:
    """Counts for summaries: records, works, duplicates removed, pairs per label."""
    labels = Counter(p.label for p in result.pairs)
    return {
        "records": len(result.records),
        "works": result.clusters,
        "duplicates_removed": result.duplicates_removed,
        "versions_linked": result.versions_linked,
        "duplicate_pairs": labels.get("duplicate", 0),
        "version_pairs": labels.get("version", 0),
        "pairs_to_review": len(result.review),
        "decisions_applied": result.decisions_applied,
        "not_compared": len(result.alone),
    }
