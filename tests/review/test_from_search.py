"""From search exports to the corpus: the bundled search's included works are corpus papers."""

from pathlib import Path

import pytest

from slr.corpus.from_search import link_included, papers_from_included
from slr.corpus.load import load_corpus
from slr.errors import ValidationReport
from slr.search import included_papers


@pytest.fixture(scope="module")
def works(root: Path):
    return list(included_papers(root))


def test_included_works_of_the_bundled_search_are_corpus_papers(works, root: Path):
    corpus = load_corpus(root / "corpus")
    linked = link_included(works, corpus.papers)
    assert len(linked) == len(works) > 0
    assert linked["paper_id"].notna().all()  # every included record of the sample is one of the 28
    # gs:1 is "Delving into Parameter-Efficient Fine-Tuning in Code Change Learning" (P30)
    assert dict(zip(linked["record_ids"], linked["paper_id"], strict=True))["gs:1"] == "P30"


def test_new_review_gets_papers_with_located_venue_problems(works, review):
    report = ValidationReport()
    papers = papers_from_included(works, review.taxonomy, report=report)
    # Google Scholar cuts the venues ("2024 IEEE International …"): each work is reported, not guessed
    assert papers == [] and len(report) == len(works)
    assert all(p.file.endswith(".csv") and p.line for p in report)
    fixed = papers_from_included(works, review.taxonomy, venues={"gs:1": "SANER", "gs:19": "FSE"})
    assert [p.paper_id for p in fixed] == ["P1", "P2"] and {p.venue for p in fixed} == {
        "SANER",
        "FSE",
    }
    assert all(p.provenance.startswith("search: gs:") for p in fixed)


def test_works_already_in_the_corpus_are_not_added_again(works, review):
    assert papers_from_included(works, review.taxonomy, existing=review.corpus.papers) == []
