import csv
import re
from pathlib import Path

import pytest

from slr.errors import ConfigError


def test_frames_have_one_row_per_unit(review, root: Path):
    with (root / "corpus" / "codings.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(review.codings) == len(rows)
    assert len(review.methods) == sum(len([m for m in r["methods"].split("; ") if m]) for r in rows)
    assert review.papers["included"].sum() == 28
    assert set(review.methods.columns) >= {
        "paper_id",
        "task",
        "task_type",
        "method",
        "family",
        "year",
        "venue",
    }


def test_taxonomy_queries(review):
    lora = review.query(method="LoRA")
    assert {"LoRA", "QLoRA", "AdaLoRA", "FF-LoRA", "FF-LoRA + Adapter"} <= set(lora["method"])
    exact = review.query(method="LoRA", include_variants=False)
    assert set(exact["method"]) == {"LoRA"}
    ng = review.query(task_type="non-generative")
    assert set(ng["task"]) <= set(review.taxonomy.tasks_of_type("non-generative"))
    assert len(ng) + len(review.query(task_type="generative")) == len(review.methods)


def test_filters_combine_and_accept_synonyms(review):
    sub = review.query(family="additive", task="Clone Detection", year=[2022, 2023])
    assert len(sub) > 0
    assert set(sub["family"]) == {"additive"} and set(sub["task"]) == {"Code Clone Detection"}
    assert set(sub["year"]) <= {2022, 2023}
    enc = review.query(architecture="Encoder", model="CodeBERT")
    assert set(enc["architecture"]) == {"encoder-only"} and set(enc["model"]) == {"CodeBERT"}


def test_crosstab_counts_add_up(review):
    ct = review.crosstab("family", "task_type")
    assert ct.to_numpy().sum() == len(review.methods)


def test_unknown_filter_and_term(review):
    with pytest.raises(ConfigError, match="unknown filter"):
        review.query(flavour="LoRA")
    with pytest.raises(ConfigError, match="did you mean 'LoRA'"):
        review.query(method="LoRAA")


def test_graph(review):
    g = review.graph()
    kinds = {d["kind"] for _, d in g.nodes(data=True)}
    assert kinds == {"paper", "method", "task", "model", "dataset"}
    assert g.has_edge(("paper", "P37"), ("method", "QLoRA"))
    papers = [n for n, d in g.nodes(data=True) if d["kind"] == "paper"]
    assert len(papers) == 28


def test_summary_mentions_counts(review):
    assert re.search(r"28 included papers \(27 coded\)", review.summary())


def test_crosstab_by_architecture_explodes_only_architectures(review):
    ct = review.crosstab("family", "architecture")
    # one count per method use x coded architecture, not multiplied by the number of models
    assert ct.to_numpy().sum() == sum(len(a) for a in review.methods["architectures"])
    fig_frame = (
        __import__("slr.figures.base", fromlist=["registry"])
        .registry()["family-architecture"]
        .compute(review)
    )
    assert fig_frame["count"].sum() == ct.to_numpy().sum()


def test_load_refuses_a_path_that_holds_no_review(tmp_path):
    from slr.review import Review

    with pytest.raises(ConfigError, match=r"no review there .*does not exist"):
        Review.load("/nonexistent")
    (tmp_path / "corpus").mkdir()
    with pytest.raises(ConfigError, match="has no taxonomy/"):
        Review.load(tmp_path)


def test_query_takes_abbreviations_and_numbers_as_strings(review):
    # CSum is Code Summarization's abbreviation in taxonomy/se_tasks.yaml
    assert review.query(task="CSum").equals(review.query(task="Code Summarization"))
    assert review.query(year="2023").equals(review.query(year=2023))
    assert len(review.query(year="2023")) > 0
    mixed = review.query(task=["CSum", "Code Generation"], year=[2023, "2024"])
    assert set(mixed["task"]) <= {"Code Summarization", "Code Generation"}
    assert set(mixed["year"]) <= {2023, 2024}


def test_query_refuses_what_matches_nothing_with_the_known_values(review):
    # the corpus spans 2022-2025 (corpus/papers.csv)
    with pytest.raises(ConfigError, match=r"no method use has year 1999; .*2022, 2023, 2024, 2025"):
        review.query(year=1999)
    with pytest.raises(ConfigError, match=r"no method use has paper 'P99'; .*P1, P3, P4"):
        review.query(paper="P99")
    with pytest.raises(ConfigError, match="is not a number"):
        review.query(year="last year")
