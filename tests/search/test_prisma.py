"""PRISMA 2020: every count comes from the pipeline's data; the diagram draws the table."""

from __future__ import annotations

import csv
import shutil

import pytest

from slr.figures.base import setup_matplotlib, write_figure
from slr.search.prisma import compute_prisma, prisma_for_bundled_review
from slr.search.prisma_diagram import plot_prisma
from slr.search.project import run_search
from slr.search.screen import LogEntry

from .conftest import BUNDLED, EXPORTS, POP_EXPORT, REPO


def _count(frame, box, reason="", arm="databases"):
    sel = frame[(frame["arm"] == arm) & (frame["box"] == box) & (frame["reason"] == reason)]
    return int(sel["count"].sum())


def test_bundled_review_counts_come_from_the_files():
    frame = prisma_for_bundled_review(REPO)
    with POP_EXPORT.open(encoding="utf-8", newline="") as fh:
        exported = sum(1 for _ in csv.DictReader(fh))
    with (BUNDLED / "screening_log.csv").open(encoding="utf-8", newline="") as fh:
        log = list(csv.DictReader(fh))
    excluded = sum(1 for r in log if r["stage"] == "title_abstract" and r["decision"] == "exclude")
    included = sum(1 for r in log if r["stage"] == "full_text" and r["decision"] == "include")
    assert _count(frame, "records_identified") == exported
    assert _count(frame, "records_screened") == exported  # no duplicates in the sample
    assert _count(frame, "records_excluded") == excluded
    assert (
        _count(frame, "records_excluded", "Not in the final selection (reason not published)")
        == excluded
    )
    assert _count(frame, "studies_included") == included
    assert list(frame.columns) == ["arm", "stage", "box", "reason", "source", "count"]


@pytest.fixture
def project(tmp_path):
    """A search project over three exports that share papers (duplicates across databases)."""
    folder = tmp_path / "search"
    (folder / "exports").mkdir(parents=True)
    for name in ("scopus.csv", "ris.ris", "wos.txt"):
        shutil.copy(EXPORTS / name, folder / "exports" / name)
    (folder / "exports" / "broken.bib").write_text(
        "@article{ok, title={A readable paper on adapters}, year=2020}\n"
        "@article{bad, title={Unbalanced {brace}, year=2021,\n",
        encoding="utf-8",
    )
    (folder / "search.yaml").write_text(
        "sources:\n"
        "  - {file: exports/scopus.csv, source: scopus}\n"
        "  - {file: exports/ris.ris, source: acm_dl}\n"
        "  - {file: exports/wos.txt, source: web_of_science}\n"
        "  - {file: exports/broken.bib, source: dblp}\n",
        encoding="utf-8",
    )
    (folder / "criteria.yaml").write_text(
        "criteria:\n"
        "  - {code: IC1, kind: inclusion, label: PEFT on code models}\n"
        "  - {code: EC1, kind: exclusion, label: Not about PEFT}\n"
        "  - {code: EC2, kind: exclusion, label: Not a code model}\n",
        encoding="utf-8",
    )
    return folder


def test_counts_follow_the_decisions(project):
    run = run_search(project)
    # scopus 3 + ris 2 + wos 2 accepted, broken.bib: 1 accepted and 1 rejected
    assert run.ingested.read == 9 and len(run.ingested.rejections) == 1
    works = {w.work_id: w for w in run.works}
    frame = compute_prisma(run)
    assert _count(frame, "records_identified") == 9
    assert _count(frame, "unreadable_removed") == 1
    assert _count(frame, "duplicates_removed") == 8 - len(works)
    assert _count(frame, "records_awaiting_screening") == len(works)
    # screen: two reviewers, one conflict, then full texts
    ids = sorted(works)
    log = run.log
    log.append(
        [
            LogEntry("title_abstract", ids[0], "include", ("IC1",), "ana"),
            LogEntry("title_abstract", ids[1], "exclude", ("EC1",), "ana"),
            LogEntry("title_abstract", ids[2], "exclude", ("EC2", "EC1"), "ana"),
            LogEntry("title_abstract", ids[3], "include", ("IC1",), "ana"),
            LogEntry("title_abstract", ids[3], "exclude", ("EC1",), "ben"),
            LogEntry("full_text", ids[0], "not_retrieved", (), "ana"),
        ]
    )
    frame = compute_prisma(run_search(project))
    assert _count(frame, "records_excluded") == 2
    assert _count(frame, "records_excluded", "Not about PEFT") == 1
    assert _count(frame, "records_excluded", "Not a code model") == 1  # first reason counts
    assert _count(frame, "screening_conflicts") == 1
    assert _count(frame, "reports_sought") == 1
    assert _count(frame, "reports_not_retrieved") == 1
    assert _count(frame, "studies_included") == 0


def test_diagram_is_drawn_from_the_table(project, tmp_path):
    run = run_search(project)
    frame = compute_prisma(run)
    fig = plot_prisma(frame)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert f"Records screened (n = {_count(frame, 'records_screened')})" in texts
    assert "Web Of Science (n = 2)" in texts
    setup_matplotlib()
    paths = write_figure("prisma", frame, plot_prisma, tmp_path / "out")  # the one renderer
    assert sorted(paths) == ["csv", "png", "svg"]
    assert paths["png"].stat().st_size > 1000 and paths["svg"].stat().st_size > 1000
    assert "Records identified from" in paths["svg"].read_text(encoding="utf-8")
