"""Duplicates during screening: one paper, one decision, carried to every record of its cluster.

The input is the clusters file of ``slr dedupe --clusters`` (documented CSV: one row per record,
``record_id,cluster_id``; other columns are ignored). A reviewer's latest decision on any record of
a cluster is that reviewer's decision on the paper, so it is carried to the other records of the
cluster: they are never offered for screening again, and the listing below shows each carried
decision with the record it was made on.

Carried decisions are computed, never written into the log, so they are reversible:
* a later decision on any record of the cluster replaces the paper's decision for every record;
* a record that is not the same paper leaves the cluster by marking the pair ``not duplicate`` in
  the dedupe review file (``slr dedupe --decisions``); with the new clusters file its carried
  decision is gone and it is screened on its own.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from slr.errors import ValidationReport, display_path
from slr.search.screen.criteria import Stage
from slr.search.screen.log import LogEntry, ScreeningLog


def read_clusters(path: str | Path) -> dict[str, str]:
    """``record_id -> cluster_id`` from a clusters file; every problem reported at once."""
    from slr.search.encoding import read_text

    path = Path(path)
    text = read_text(path).text
    rows = csv.reader(text.splitlines())
    header = [h.strip() for h in next(rows, [])]
    report = ValidationReport()
    if "record_id" not in header or "cluster_id" not in header:
        report.add(
            path,
            f"header {header} lacks record_id and cluster_id",
            line=1,
            fix="use the clusters file written by `slr dedupe --clusters` (record_id,cluster_id)",
        )
        report.raise_if_any("duplicate clusters")
    rid_col, cid_col = header.index("record_id"), header.index("cluster_id")
    out: dict[str, str] = {}
    for line, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) <= max(rid_col, cid_col):
            report.add(path, f"{len(cells)} fields, header has {len(header)}", line=line)
            continue
        rid, cid = cells[rid_col].strip(), cells[cid_col].strip()
        if not rid or not cid:
            report.add(path, "empty record_id or cluster_id", line=line, fix="fill in both")
        elif rid in out and out[rid] != cid:
            report.add(
                path,
                f"record {rid!r} is in cluster {out[rid]!r} and in {cid!r}",
                line=line,
                fix="a record belongs to one cluster; run `slr dedupe` again",
            )
        else:
            out[rid] = cid
    report.raise_if_any("duplicate clusters")
    return out


@dataclass(frozen=True)
class RecordDecision:
    """The decision that holds for one record: made on it, or carried from its cluster."""

    record_id: str
    cluster_id: str
    reviewer: str
    decision: str
    reasons: tuple[str, ...]
    decided_on: str  # the record the decision was made on
    log_line: int

    @property
    def carried(self) -> bool:
        return self.decided_on != self.record_id


def record_decisions(
    log: ScreeningLog, stage: Stage, clusters: dict[str, str], record_ids: Iterable[str] = ()
) -> list[RecordDecision]:
    """Per record and reviewer, the latest decision about its paper (cluster) at ``stage``.

    Records missing from ``clusters`` form a cluster of their own.
    """
    cluster_of = dict(clusters)
    for rid in record_ids:
        cluster_of.setdefault(rid, rid)
    for e in log.entries:
        cluster_of.setdefault(e.record_id, e.record_id)
    members: dict[str, list[str]] = {}
    for rid, cid in cluster_of.items():
        members.setdefault(cid, []).append(rid)
    latest: dict[tuple[str, str], LogEntry] = {}  # (cluster, reviewer) -> entry
    for e in log.entries:
        if e.stage == stage:
            latest[(cluster_of[e.record_id], e.reviewer)] = e
    out = []
    for (cid, reviewer), e in sorted(latest.items()):
        for rid in sorted(members[cid]):
            out.append(
                RecordDecision(rid, cid, reviewer, e.decision, e.reasons, e.record_id, e.line)
            )
    return out


def carried_lines(decisions: list[RecordDecision], log_path: Path) -> list[str]:
    """Human-readable lines for the carried decisions, with how to reverse them."""
    carried = [d for d in decisions if d.carried]
    lines = [
        f"{d.record_id}: {d.decision} by {d.reviewer}, carried from {d.decided_on} "
        f"(cluster {d.cluster_id}; {display_path(log_path)}:{d.log_line})"
        for d in carried
    ]
    if carried:
        lines.append(
            "to reverse: decide any record of the cluster again (the latest decision holds for "
            "the paper), or mark the pair 'not duplicate' in the dedupe review file and re-run "
            "slr dedupe"
        )
    return lines
