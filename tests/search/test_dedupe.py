"""Deduplication on a labelled set built from the review's real records (see dedupe_labelled.py).

Pairwise metrics: a pair of records is a true pair when both have the same gold cluster, and a
predicted pair when dedupe puts both in the same cluster.
"""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict

import pytest

from slr.errors import ValidationError
from slr.search.dedupe import dedupe, read_dedupe_decisions
from slr.search.ingest import ingest_file

from . import dedupe_labelled
from .conftest import DATA, POP_EXPORT, REPO

LABELLED = DATA / "dedupe_labelled.csv"


def _labelled():
    pop = ingest_file(POP_EXPORT, id_prefix="gs").records
    lab = ingest_file(LABELLED, id_prefix="lab").records
    gold = {r.record_id: dedupe_labelled.SAME_PAPER.get(r.record_id, r.record_id) for r in pop}
    gold.update({r.record_id: r.extra["gold_cluster"] for r in lab})
    return pop + lab, gold


def _pairs(assign):
    groups = defaultdict(list)
    for rid, cluster in assign.items():
        groups[cluster].append(rid)
    return {frozenset(p) for g in groups.values() for p in itertools.combinations(sorted(g), 2)}


@pytest.fixture(scope="module")
def labelled_run():
    records, gold = _labelled()
    return records, gold, dedupe(records)


def test_labelled_set_is_what_the_builder_writes():
    try:
        from slr.paths import shared_data_dir

        shared = shared_data_dir(REPO)
    except Exception:
        pytest.skip("shared/data not available")
    assert dedupe_labelled.build(REPO, shared) == LABELLED.read_text(encoding="utf-8")


def test_precision_recall_on_the_labelled_set(labelled_run, capsys):
    records, gold, result = labelled_run
    true, predicted = _pairs(gold), _pairs(result.cluster_of)
    tp, fp, fn = len(true & predicted), len(predicted - true), len(true - predicted)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    with capsys.disabled():
        print(
            f"\ndedupe on {len(records)} labelled records, {len(true)} true pairs: "
            f"precision {precision:.4f} recall {recall:.4f} F1 {f1:.4f} (fp {fp}, fn {fn})"
        )
    assert fp == 0  # the goal: no false merge at all
    # A missed pair may only involve a title cut with '…' whose visible part matches two
    # different works (the base and a look-alike) with nothing else to tell them apart: such
    # pairs go to review (below). Where the cut record shares its landing-page URL with one of
    # them, that decides (test_same_url_decides_a_cut_title below).
    by_id = {r.record_id: r for r in records}
    undecidable = {p for p in true - predicted if any(by_id[r].title_truncated for r in p)}
    assert true - predicted == undecidable
    decidable = true - undecidable
    assert len(decidable & predicted) == len(decidable)  # recall 1.0 on decidable pairs
    # measured 1.000 (472/472); 0.983 (464/472) before landing-page URLs counted as evidence
    assert recall >= 0.99


def test_missed_and_uncertain_pairs_are_in_the_review(labelled_run):
    records, gold, result = labelled_run
    missed = _pairs(gold) - _pairs(result.cluster_of)
    in_review = {frozenset((p.record_id_a, p.record_id_b)) for p in result.review}
    reviewed_records = set().union(*in_review)
    for pair in missed:
        assert pair & reviewed_records, f"{sorted(pair)} missed without a review entry"
    for p in result.review:
        assert result.cluster_of[p.record_id_a] != result.cluster_of[p.record_id_b]


def test_different_dois_are_never_merged(labelled_run):
    _, _, result = labelled_run
    for work in result.works:
        assert not work.other_dois, work.work_id


def test_preprints_are_linked_to_published_versions(labelled_run):
    records, gold, result = labelled_run
    by_id = {r.record_id: r for r in records}
    versions = [r for r in records if r.extra.get("variant") == "arxiv-version"]
    assert versions
    linked = 0
    for rec in versions:
        work = next(w for w in result.works if rec.record_id in w.record_ids)
        if len(work.record_ids) > 1:
            linked += 1
            assert rec.record_id in work.preprint_ids
            # the merged work takes its venue and year from the published version
            published = [by_id[i] for i in work.record_ids if i not in work.preprint_ids]
            assert work.year in {p.year for p in published}
    assert linked == len(versions)
    assert result.versions_linked >= linked


def test_merged_work_keeps_best_values_and_all_member_ids(labelled_run):
    records, _, result = labelled_run
    work = next(w for w in result.works if "gs:19" in w.record_ids)  # P9 in the review
    # Google Scholar's lower-case title loses to a properly cased copy
    assert work.title != work.title.lower()
    assert work.field_sources["title"] != "gs:19"
    assert work.doi == "10.1145/3540250.3558959"
    assert len(work.record_ids) >= 3 and "gs:19" in work.record_ids
    assert work.provenance[0].endswith(":20")  # gs:19 is on line 20 of the export


def test_clusters_file_has_one_row_per_record(labelled_run, tmp_path):
    records, _, result = labelled_run
    out = tmp_path / "clusters.csv"
    result.write_clusters(out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["record_id", "cluster_id", "note"]
    assert [r["record_id"] for r in rows] == [r.record_id for r in records]
    assert {r["cluster_id"] for r in rows} == {w.work_id for w in result.works}


def test_decisions_file_overrides_the_rules(labelled_run, tmp_path):
    records, _, result = labelled_run
    maybe = result.review[0]
    dup = next(p for p in result.pairs if p.label == "duplicate")
    review = tmp_path / "review.csv"
    result.write_review(review)
    rows = list(csv.DictReader(review.open(encoding="utf-8")))
    assert rows[0]["decision"] == "" and rows[0]["title_a"]
    decisions = tmp_path / "decisions.csv"
    with decisions.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id_a", "record_id_b", "decision"])
        w.writerow([maybe.record_id_a, maybe.record_id_b, "duplicate"])
        w.writerow([dup.record_id_a, dup.record_id_b, "not duplicate"])
    again = dedupe(records, decisions=decisions)
    assert again.cluster_of[maybe.record_id_a] == again.cluster_of[maybe.record_id_b]
    assert again.cluster_of[dup.record_id_a] != again.cluster_of[dup.record_id_b]
    assert again.decisions_applied == 2


def test_bad_decisions_file_names_file_and_line(tmp_path):
    path = tmp_path / "decisions.csv"
    path.write_text(
        "record_id_a,record_id_b,decision\na:1,a:2,duplicate\na:1,zz:9,maybe\n", encoding="utf-8"
    )
    with pytest.raises(ValidationError) as info:
        read_dedupe_decisions(path, known_ids={"a:1", "a:2", "a:3"})
    text = str(info.value)
    assert "decisions.csv:3" in text and "unknown decision 'maybe'" in text
    assert "unknown record id 'zz:9'" in text


def test_dedupe_of_the_bundled_search_finds_no_duplicates():
    # Google Scholar groups versions itself: its 65 results hold no duplicate pair.
    records = ingest_file(POP_EXPORT, id_prefix="gs").records
    result = dedupe(records)
    assert len(result.works) == 65 and result.duplicates_removed == 0


def test_generated_set_with_known_duplicates():
    # the benchmark's generator at a test-sized scale (benchmarks/bench_dedupe.py runs 1k-100k)
    from slr.search.synthetic import generate_records

    data = generate_records(2000, seed=7)
    result = dedupe(data.records)
    true, predicted = _pairs(data.gold), _pairs(result.cluster_of)
    assert data.true_pairs == len(true) > 300
    assert not predicted - true  # no false merge
    assert len(true & predicted) / len(true) >= 0.99
    assert result.candidates < 10 * len(data.records)  # blocking, not all pairs


_CUT_CASE = """ID,ENTRYTYPE,author,title,year,journal,url
a,article,Lemic F and Famaey J,Location-based discovery and vertical handover in heterogeneous low-power networks,2019,IEEE Internet of Things,https://ieeexplore.ieee.org/abstract/document/8804217/
b,article,Lemic F and Famaey J,"Location-based discovery and vertical handover in heterogeneous low-power networks, Part 2",2019,IEEE Internet of Things,
c,article,Lemic F and Famaey J,location-based discovery and vertical handover in heterogeneous …,2019,IEEE Internet of Things,{url}
"""


@pytest.mark.parametrize(
    "url,decided",
    [
        ("https://www.ieeexplore.ieee.org/abstract/document/8804217", True),
        ("", False),  # nothing tells 'a' from 'b': to review, merged with neither
        ("https://ieeexplore.ieee.org/", False),  # a bare host names no page
    ],
)
def test_same_url_decides_a_cut_title(tmp_path, url, decided):
    path = tmp_path / "cut.csv"
    path.write_text(_CUT_CASE.format(url=url), encoding="utf-8")
    records = ingest_file(path, id_prefix="x").records
    result = dedupe(records)
    c = result.cluster_of
    assert c["x:1"] != c["x:2"]  # 'Part 2' is another work either way
    assert (c["x:3"] == c["x:1"]) is decided
    assert c["x:3"] != c["x:2"]
    in_review = {frozenset((p.record_id_a, p.record_id_b)) for p in result.review}
    assert frozenset(("x:3", "x:2")) in in_review
    if decided:
        rule = next(
            p.rule for p in result.pairs if {p.record_id_a, p.record_id_b} == {"x:1", "x:3"}
        )
        assert rule == "same-url+title"
