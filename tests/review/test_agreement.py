from sklearn.metrics import cohen_kappa_score

from slr.agreement import coding_agreement


def test_agreement_on_the_corpus(review):
    a = coding_agreement(review)
    s = a.summary.set_index("field")
    assert set(s.index) == {
        "venue",
        "year",
        "tasks",
        "task",
        "methods",
        "models",
        "architectures",
        "datasets",
    }
    assert (s["agree"] <= s["n"]).all()
    d = a.disagreements
    venue = d[(d["field"] == "venue")]
    assert list(venue["id"]) == ["P36"]  # final/earlier say arXiv, v3 says ICSE
    task = d[d["field"] == "task"].set_index("id")
    assert (
        task.loc["P5", "earlier"] == "Automated Program Repair"
        and task.loc["P5", "canonical"] == "Code Refinement"
    )
    # rows coded by one pass only: e.g. P10's per-task rows exist only in v3
    assert "P10-CG" in set(a.unmatched["id"])


def test_kappa_is_sklearn_kappa_over_matched_rows(review):
    a = coding_agreement(review)
    rows = sorted(
        {c.coding_id for c in review.corpus.codings} & {e.coding_id for e in review.corpus.early}
    )
    v3 = {c.coding_id: c.task for c in review.corpus.codings}
    early = {e.coding_id: e.task for e in review.corpus.early}
    expected = cohen_kappa_score([v3[r] for r in rows], [early[r] for r in rows])
    got = a.summary.set_index("field").loc["task", "kappa"]
    assert abs(got - expected) < 1e-12
    assert a.summary.set_index("field").loc["task", "n"] == len(rows)
