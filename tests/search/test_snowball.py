"""Snowballing: records from an included paper's references enter the same pipeline."""

from __future__ import annotations

import shutil

import pytest

from slr.errors import ConfigError
from slr.search.prisma import compute_prisma
from slr.search.project import add_snowball_source, included_papers, run_search
from slr.search.screen import LogEntry
from slr.search.snowball import snowball

from .conftest import BUNDLED, EXPORTS


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "search"
    shutil.copytree(BUNDLED, folder)
    return folder


def test_backward_snowballing_enters_the_pipeline(project, tmp_path):
    refs = tmp_path / "p9_references.bib"
    shutil.copy(EXPORTS / "bibtex.bib", refs)
    add_snowball_source(project, refs, seed="gs:19", direction="backward")  # gs:19 is P9
    run = run_search(project)
    snowballed = run.snowballed.records
    assert len(snowballed) == 3
    assert {r.provenance.via for r in snowballed} == {"backward:gs:19"}
    assert {r.provenance.source for r in snowballed} == {"citation_searching:backward"}
    frame = compute_prisma(run)
    other = frame[frame["arm"] == "other"]
    identified = other[other["box"] == "records_identified"]
    assert identified["source"].tolist() == ["citation searching (backward)"]
    assert identified["count"].tolist() == [3]
    # screen one snowballed record in: it becomes an included paper with its provenance
    rid = snowballed[0].record_id
    run.log.append(
        [
            LogEntry("title_abstract", rid, "include", ("IN-FS",), "ana"),
            LogEntry("full_text", rid, "include", ("IN-FS",), "ana"),
        ]
    )
    papers = list(included_papers(folder=project))
    found = [p for p in papers if rid in p["record_ids"]]
    assert found and found[0]["provenance"][0]["via"] == "backward:gs:19"
    assert len(papers) == 3


def test_snowballing_starts_from_included_papers(project, tmp_path):
    refs = tmp_path / "refs.ris"
    shutil.copy(EXPORTS / "ris.ris", refs)
    before = (project / "search.yaml").read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match="is not a record of an included work"):
        add_snowball_source(project, refs, seed="gs:2", direction="forward")
    assert (project / "search.yaml").read_text(encoding="utf-8") == before
    assert not (project / "snowball").exists()


def test_snowball_api_sets_provenance(tmp_path):
    result = snowball(EXPORTS / "ris.ris", seed="gs:1", direction="forward")
    assert all(r.provenance.via == "forward:gs:1" for r in result.records)
    assert all(r.record_id.startswith("fris:") for r in result.records)
    with pytest.raises(ConfigError):
        snowball(EXPORTS / "ris.ris", seed="gs:1", direction="sideways")  # type: ignore[arg-type]
