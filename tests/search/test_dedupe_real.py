"""Deduplication of real search-export records, one failure class at a time.

The fixture ``data/dedupe_real/`` (458 records, 135 labelled clusters) is cut from the labelled
LDD sets of ``shared/data/dedupe`` (srsr, depression; MIT licence, see that folder's SOURCE.md
and ``dedupe_real_fixture.py``, which writes it). Expected counts are what ``slr dedupe`` gives
on it, measured when the fixture was cut; ``slr dedupe`` at main made 7 false pairs and missed
179 of its first 573 true pairs (the first 128 clusters; 7 were added with later rules).
"""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict

import pytest

from slr.search.dedupe import dedupe
from slr.search.dedupe.naming import record_names
from slr.search.ingest import ingest_file

from . import dedupe_real_fixture
from .conftest import DATA, REPO

FIXTURE = DATA / "dedupe_real"


def _pairs(assign: dict[str, str]) -> set[tuple[str, str]]:
    groups = defaultdict(list)
    for rid, cluster in assign.items():
        groups[cluster].append(rid)
    return {p for g in groups.values() for p in itertools.combinations(sorted(g), 2)}


@pytest.fixture(scope="module")
def run():
    records = ingest_file(FIXTURE / "records.csv").records
    names = record_names(records).names
    result = dedupe(records, names=names)
    clusters = {names[k]: names[v] for k, v in result.cluster_of.items()}
    gold = {x: x for x in clusters}
    with (FIXTURE / "clusters.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            group = row["merged_ids"].split(";")
            for x in group:
                gold[x] = group[0]
    return records, result, clusters, gold


@pytest.mark.slow
def test_fixture_is_what_the_builder_writes():
    try:
        from slr.paths import shared_data_dir

        shared = shared_data_dir(REPO)
    except Exception:
        pytest.skip("shared/data not available")
    if not (shared / "dedupe").is_dir():
        pytest.skip("shared/data/dedupe not available")
    records, clusters = dedupe_real_fixture.build(shared)
    assert (FIXTURE / "records.csv").read_text(encoding="utf-8") == records
    assert (FIXTURE / "clusters.csv").read_text(encoding="utf-8") == clusters


def test_no_false_merge_and_recall(run):
    _, _, clusters, gold = run
    true, predicted = _pairs(gold), _pairs(clusters)
    assert len(true) == 586  # the fixture's labelled pairs (clusters.csv)
    assert predicted - true == set()  # a false merge removes a paper from the review
    # measured 550 of 586 with the last rules (533 of the first 573 when the fixture was cut;
    # main: 394 of 573, with 7 false pairs)
    assert len(true & predicted) >= 547


# (class, pairs merged as measured when the fixture was cut): the labels of each class's pairs
# say 'duplicate' for every pair (the first group) or for none (the second)
_MERGED = {
    "run-together-authors": 12,  # 'Slavin S. A.Lin S. J.' / 'Slavin S.; Lin S.'
    "journal-abbreviation": 12,  # 'Plast Reconstr Surg' / 'Plastic and Reconstructive Surgery'
    "spreadsheet-pages": 12,  # '01-Feb' for '1-2'
    "cochrane-update": 6,  # CD numbers shared across review versions
    "embase-locator-in-journal": 5,  # 'Synapse.62 (2) ()(pp 128-136) 2008.' as the journal
    "doi-typo": 9,  # 'j.dental' / 'j.clental'; DOIs of two publishers for one article
    "republished-review": 8,  # BMJ Clinical Evidence and Cochrane updates under one title
    "translated-title": 7,  # '... GERMAN', '[...]': the rest is left to review
    # each pair below was missed before its rule (measured on the whole srsr set)
    "abstract-printed-twice": 2,  # one meeting abstract in two sessions, a DOI each
    "wos-correction-notice": 2,  # 'Title (VOL 221 PG 92 2014)' / 'Corrigendum to ...'
    "compound-surname": 1,  # 'NEGROVILAR' / 'Negro-Vilar'
    "same-doi-reworded-title": 1,  # "oxytocin's effects on" / 'the effects of oxytocin on'
    "same-pages-title-a-word-apart": 1,  # 'strategies for' / 'strategies in', pages 521-527
}
_KEPT_APART = (
    "erratum-comment-reply",
    "meeting-abstract-vs-article",
    "different-cochrane-review",
    "adjacent-pages",
    "shared-supplement-doi",
    "same-title-other-journal",
    "title-number-differs",
)


@pytest.mark.parametrize("kind", sorted(_MERGED))
def test_duplicates_of_each_class_are_merged(run, kind):
    _, _, clusters, gold = run
    pairs = [(f"{s}-{a}", f"{s}-{b}") for s, a, b in dedupe_real_fixture.PAIRS[kind]]
    assert all(gold[a] == gold[b] for a, b in pairs)  # labelled duplicates, every one
    merged = sum(clusters[a] == clusters[b] for a, b in pairs)
    assert merged >= _MERGED[kind]


@pytest.mark.parametrize("kind", _KEPT_APART)
def test_different_works_of_each_class_stay_apart(run, kind):
    _, _, clusters, gold = run
    pairs = [(f"{s}-{a}", f"{s}-{b}") for s, a, b in dedupe_real_fixture.PAIRS[kind]]
    assert pairs and all(gold[a] != gold[b] for a, b in pairs)  # labelled different works
    assert all(clusters[a] != clusters[b] for a, b in pairs)


def test_clusters_file_names_records_by_their_ids(run, tmp_path):
    records, result, _, _ = run
    out = tmp_path / "clusters.csv"
    result.write_clusters(out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == len(records)
    exported = {r["ID"] for r in csv.DictReader((FIXTURE / "records.csv").open(encoding="utf-8"))}
    assert {r["record_id"] for r in rows} == exported
    assert {r["cluster_id"] for r in rows} <= exported


def test_review_is_ranked_by_uncertainty(run, tmp_path):
    _, result, _, _ = run
    assert result.review  # measured 9 uncertain pairs on the fixture
    u = [p.uncertainty for p in result.review]
    assert u == sorted(u, reverse=True)
    out = tmp_path / "review.csv"
    result.write_review(out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["rank"] for r in rows] == [str(k) for k in range(1, len(rows) + 1)]
    assert rows[0]["title_a"] and rows[0]["title_b"] and "pages_a" in rows[0]


def test_progress_moves_on_every_long_stage():
    records = ingest_file(FIXTURE / "records.csv").records
    events: dict[str, list[tuple[int, int]]] = defaultdict(list)
    dedupe(records, progress=lambda task, done, total: events[task].append((done, total)))
    for stage in ("keys", "blocking", "scoring"):
        seen = events[f"dedupe: {stage}"]
        # measured on the fixture: 116, 103 and 104 reports; each ends at its total
        assert len(seen) > 10, stage
        assert seen[-1][0] == seen[-1][1] > 0
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)  # never moves back
    assert events["dedupe: keys"][-1][1] == len(records)
    clustering = events["dedupe: clustering"]
    assert clustering[0][0] == 0 and clustering[-1][0] == clustering[-1][1] > 0  # matched pairs


def test_cycle_collector_is_left_as_it_was():
    import gc

    records = ingest_file(FIXTURE / "records.csv").records[:40]
    assert gc.isenabled()
    dedupe(records)
    assert gc.isenabled()  # on again after
    gc.disable()
    try:
        dedupe(records)
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
