"""Decisions carried across a cluster of duplicates (the clusters file of `slr dedupe`)."""

from __future__ import annotations

import pytest

from slr.errors import ValidationError
from slr.search.screen import LogEntry, ScreeningLog
from slr.search.screen.duplicates import carried_lines, read_clusters, record_decisions


def test_clusters_file_is_validated(tmp_path):
    path = tmp_path / "clusters.csv"
    path.write_text("record_id,cluster_id\nr:1,c1\nr:2,c1\nr:1,c2\n,c3\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_clusters(path)
    assert sorted(p.line for p in info.value.problems) == [4, 5]
    path.write_text("id,cluster\nr:1,c1\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="slr dedupe --clusters"):
        read_clusters(path)


def test_a_decision_is_carried_to_the_cluster_and_reversible(tmp_path):
    clusters = tmp_path / "clusters.csv"
    # extra columns are ignored: only the documented record_id,cluster_id are read
    clusters.write_text(
        "record_id,cluster_id,note\nr:1,c1,x\nr:2,c1,x\nr:3,c1,x\nr:4,c4,x\n", encoding="utf-8"
    )
    cluster_of = read_clusters(clusters)
    log = ScreeningLog.load(tmp_path / "log.csv", create=True)
    log.append(LogEntry("title_abstract", "r:2", "exclude", ("EC1",), "ana"))
    rows = record_decisions(log, "title_abstract", cluster_of)
    by_record = {r.record_id: r for r in rows}
    assert set(by_record) == {"r:1", "r:2", "r:3"}  # r:4 is another paper, undecided
    assert by_record["r:1"].carried and by_record["r:1"].decided_on == "r:2"
    assert not by_record["r:2"].carried
    lines = carried_lines(rows, log.path)
    assert lines[0].startswith("r:1: exclude by ana, carried from r:2 (cluster c1; ")
    assert "to reverse" in lines[-1]
    # a later decision on another record of the paper replaces it for every record
    log.append(LogEntry("title_abstract", "r:3", "include", (), "ana"))
    again = {r.record_id: r for r in record_decisions(log, "title_abstract", cluster_of)}
    assert {r.decision for r in again.values()} == {"include"}
    # a record taken out of the cluster (a 'not duplicate' decision in dedupe) keeps nothing
    split = {**cluster_of, "r:1": "c1b"}
    assert "r:1" not in {r.record_id for r in record_decisions(log, "title_abstract", split)}
    # another reviewer's decision is carried for that reviewer only
    log.append(LogEntry("title_abstract", "r:1", "exclude", ("EC1",), "ben"))
    ben = [r for r in record_decisions(log, "title_abstract", cluster_of) if r.reviewer == "ben"]
    assert {r.record_id for r in ben} == {"r:1", "r:2", "r:3"}
