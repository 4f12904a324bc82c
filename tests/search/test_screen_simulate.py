"""Labelled sets (ASReview and SYNERGY layouts), ASReview's priors, the metrics, simulation."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from slr.errors import ValidationError
from slr.search.screen import asreview_priors, load_labelled_set, simulate_screening
from slr.search.screen.metrics import OrderMetrics, records_to_recall

from .conftest import DATA, REPO

CUT = DATA / "screening" / "kitchenham_cut.csv"  # 200 real records, 10 relevant (SOURCE.md)


def test_asreview_layout():
    data = load_labelled_set(CUT)
    assert len(data.records) == 200 and data.n_relevant == 10  # SOURCE.md of the fixture
    assert data.id_column == "record_id" and len(set(data.record_ids)) == 200
    assert data.records[0].title and data.label_column == "label_included"


def test_synergy_layout_and_abstract_screening_label(tmp_path):
    rows = pd.read_csv(CUT, dtype=str, keep_default_na=False)
    synergy = pd.DataFrame(
        {
            "openalex_id": "W" + rows["record_id"],  # ids of the SYNERGY layout's shape
            "doi": "",  # SYNERGY leaves doi empty where OpenAlex has none
            "title": rows["title"],
            "abstract": rows["abstract"],
            "label_included": rows["label_included"],
            "label_abstract_screening": "1",
        }
    )
    synergy.loc[5, "label_abstract_screening"] = "0"
    path = tmp_path / "Synergy_like.csv"
    synergy.to_csv(path, index=False)
    data = load_labelled_set(path)
    assert data.id_column == "openalex_id" and data.record_ids[0] == "W" + rows["record_id"][0]
    assert data.n_relevant == 10
    screening = load_labelled_set(path, label="label_abstract_screening")
    assert screening.n_relevant == 199 and screening.label_column == "label_abstract_screening"


def _write(tmp_path, rows, header=("record_id", "title", "abstract", "label_included")):
    path = tmp_path / "labelled.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_every_bad_row_is_reported_before_training(tmp_path):
    path = _write(
        tmp_path,
        [
            (1, "A study of A", "", "1"),
            (2, "A study of B", "", "2"),  # line 3: not 0/1
            (3, "", "", "0"),  # line 4: no text
            (4, "A study of D", "", "yes"),  # line 5: not 0/1
            (4, "A study of E", "", "0"),  # line 6: repeats record_id 4
            (6, "A study of F", "", ""),  # line 7: no label
        ],
    )
    with pytest.raises(ValidationError) as info:
        load_labelled_set(path)
    lines = sorted(p.line for p in info.value.problems)
    assert lines == [3, 4, 5, 6, 7]
    text = str(info.value)
    assert "label '2' is not 0 or 1" in text and "label 'yes' is not 0 or 1" in text
    assert "neither title nor abstract" in text and "repeats row 5" in text


@pytest.mark.parametrize(
    ("labels", "message"),
    [("0000", "no relevant record"), ("1111", "only relevant records")],
)
def test_one_class_sets_are_refused(tmp_path, labels, message):
    path = _write(tmp_path, [(i, f"paper {i}", "", x) for i, x in enumerate(labels)])
    with pytest.raises(ValidationError, match=message):
        load_labelled_set(path)


def test_missing_columns_name_the_fix(tmp_path):
    path = _write(tmp_path, [(1, "paper", "", "1")], header=("id", "title", "abstract", "incl"))
    with pytest.raises(ValidationError, match="no label column") as info:
        load_labelled_set(path)
    assert "--label COLUMN" in str(info.value)


def test_priors_are_drawn_as_asreview_draws_them():
    data = load_labelled_set(REPO / "corpus/screening/kitchenham_2010/Kitchenham_2010.csv")
    # benchmarks/asreview_anchor.py under asreview 3.0.8 (`asreview simulate --n-prior-included 1
    # --n-prior-excluded 1 --prior-seed S`) screened these rows first: seed 1 [3, 875],
    # seed 2 [41, 1601], seed 5 [42, 513]
    assert asreview_priors(data.labels, 1) == [3, 875]
    assert asreview_priors(data.labels, 2) == [41, 1601]
    assert asreview_priors(data.labels, 5) == [42, 513]


def test_metrics_by_hand():
    # 10 records, 3 relevant, 2 priors ([1, 0]) first
    order = np.array([1, 0, 1, 0, 0, 0, 0, 0, 0, 1])
    m = OrderMetrics.of(order, n_prior=2)
    assert m.records_to_95 == 10 and m.records_to_100 == 10  # ceil(0.95 * 3) = 3 relevant
    assert m.wss95 == pytest.approx(-0.05)  # (10 - 10) / 10 - 0.05
    assert m.recall_10 == pytest.approx(1 / 3)  # first record
    assert m.recall_25 == pytest.approx(1 / 3)  # first 2 records (floor of 2.5)
    assert m.atd == pytest.approx(0.45)  # after the priors found at 1 and 8: 4.5 / 10
    assert records_to_recall(order, 0.5) == 3  # ceil(1.5) = 2 relevant


def test_simulation_writes_one_full_ranking_per_seed(tmp_path):
    data = load_labelled_set(CUT)
    result = simulate_screening(data, seeds=[1, 2])
    for run in result.runs:
        assert sorted(run.order) == list(range(200))  # every record ranked once
        assert list(run.order[:2]) == run.prior
    # prioritised screening beats random order on this cut (10 relevant of 200): over the two
    # seeds WSS@95 must be well above random order's
    assert np.mean(result.wss95) > np.mean(result.wss95_random) + 0.2
    paths = result.write_rankings(tmp_path)
    ranking = pd.read_csv(paths[0], dtype={"record_id": str})
    assert list(ranking.columns) == ["rank", "record_id", "label_included", "prior"]
    assert len(ranking) == 200 and ranking["prior"].sum() == 2
    assert ranking["label_included"].sum() == 10
    summary = result.summary()
    assert {"wss95", "wss100", "recall_at_10pct", "recall_at_25pct", "atd"} <= set(summary)


def test_batch_grows_with_the_records_screened_up_to_the_cap():
    from slr.search.screen.model import MODELS

    fast, capped = MODELS["svm-fast"], MODELS["svm-cap10"]
    # svm-fast: query size 1, growth 5 % of the records screened (int(0.05 * n))
    assert [fast.batch(n) for n in (2, 39, 40, 400)] == [1, 1, 2, 20]
    # svm-cap10: the same growth, never more than 10 records between retrainings
    assert [capped.batch(n) for n in (2, 40, 199, 200, 400, 4000)] == [1, 2, 9, 10, 10, 10]


def test_gated_ensemble_falls_back_to_the_svm_without_held_out_includes():
    from slr.search.screen.features import build_features
    from slr.search.screen.model import MODELS

    data = load_labelled_set(CUT)
    X = build_features(data.records, MODELS["svm|nb"].features)
    y = data.labels
    rel, irr = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    # training rows in screening order: 5 includes and 45 excludes, the latest 10 all excludes,
    # so the held-out tenth has one class and the gate keeps the SVM alone
    train = np.concatenate([rel[:5], irr[:35], irr[35:45]])
    pool = np.setdiff1d(np.arange(len(y)), train)
    gated = MODELS["svm|nb"].scores(X[train], y[train], X[pool], seed=1)
    alone = MODELS["svm-fast"].scores(X[train], y[train], X[pool], seed=1)
    assert np.allclose(gated, alone)
    # with includes in the held-out part the gate may average: scores stay one per pool record
    train = np.concatenate([rel[:3], irr[:40], rel[3:5], irr[40:45]])
    mixed = MODELS["svm|nb"].scores(X[train], y[train], X[pool], seed=1)
    assert mixed.shape == (len(pool),) and np.isfinite(mixed).all()


def test_warm_up_retrains_after_every_record_for_the_first_share_of_the_set():
    from slr.search.screen.model import MODELS

    warm = MODELS["svm-warm20"]
    # svm-warm20: one record a batch while fewer than 20 % of the 1,000 records are screened,
    # then svm-fast's 5 % growth (int(0.05 * 200) = 10)
    assert [warm.batch(n, 1000) for n in (40, 199, 200, 400)] == [1, 1, 10, 20]
    assert warm.batch(400) == 20  # without the set's size: no warm-up
