"""The search project (search.yaml): validated on load, exports checked against their checksum."""

from __future__ import annotations

import shutil

import pytest

from slr.errors import ConfigError, ValidationError
from slr.search.project import included_papers, run_search

from .conftest import BUNDLED


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "search"
    shutil.copytree(BUNDLED, folder)
    return folder


def test_changed_export_is_refused(project):
    export = project / "exports" / "google_scholar_pop_2025-03-21.csv"
    export.write_bytes(export.read_bytes().replace(b"delving", b"Delving", 1))
    with pytest.raises(ValidationError, match="differs from the sha256"):
        run_search(project)


def test_unknown_keys_in_search_yaml(project):
    text = (project / "search.yaml").read_text(encoding="utf-8")
    (project / "search.yaml").write_text(
        text.replace("snowball: []", "snowbal: []"), encoding="utf-8"
    )
    with pytest.raises(ValidationError, match="snowbal"):
        run_search(project)


def test_unknown_snowball_seed(project):
    text = (project / "search.yaml").read_text(encoding="utf-8")
    (project / "search.yaml").write_text(
        text.replace(
            "snowball: []",
            "snowball:\n- {file: exports/google_scholar_pop_2025-03-21.csv, direction: backward, "
            "seed: gs:999, id_prefix: bwd}",
        ),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="seed 'gs:999' is not a record id"):
        run_search(project)


def test_included_papers_have_the_keys_the_corpus_needs():
    papers = list(included_papers(folder=BUNDLED))
    keys = {
        "title",
        "authors",
        "year",
        "venue",
        "doi",
        "url",
        "arxiv_id",
        "record_ids",
        "provenance",
    }
    assert papers and all(set(p) == keys for p in papers)
    # gs:19 (P9 of the final selection) carries its DOI; gs:1 (P30) its arXiv id
    by_record = {p["record_ids"][0]: p for p in papers}
    assert by_record["gs:19"]["doi"] == "10.1145/3540250.3558959"
    assert by_record["gs:1"]["arxiv_id"] == "2402.06247"
    assert by_record["gs:1"]["provenance"][0]["line"] == 2
