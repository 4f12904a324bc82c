"""The search commands end to end: outputs written, errors reported without a traceback."""

from __future__ import annotations

import csv
import filecmp
import shutil

import pytest

from slr.cli.main import main

from .conftest import BUNDLED, EXPORTS, REPO


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_ingest_and_dedupe(tmp_path, capsys):
    records = tmp_path / "records.jsonl"
    code, out, _ = run(
        capsys,
        "ingest",
        EXPORTS / "scopus.csv",
        EXPORTS / "ris.ris",
        EXPORTS / "wos.txt",
        "-o",
        records,
    )
    assert code == 0 and "7 records read = 7 accepted + 0 rejected" in out
    clusters = tmp_path / "clusters.csv"
    code, out, _ = run(
        capsys,
        "dedupe",
        records,
        "--clusters",
        clusters,
        "--review",
        tmp_path / "review.csv",
        "--works",
        tmp_path / "works.jsonl",
    )
    # scopus.csv and ris.ris share the FSE 2022 paper, ris.ris and wos.txt the EMSE 2024 one
    # (same DOIs): 7 records, 5 works
    assert code == 0 and "7 records -> 5 works (2 duplicates removed" in out
    rows = list(csv.DictReader(clusters.open(encoding="utf-8")))
    assert len(rows) == 7 and len({r["cluster_id"] for r in rows}) == 5


def test_bad_input_gives_one_clear_error(tmp_path, capsys):
    junk = tmp_path / "export.csv"
    junk.write_bytes(b"\x00\x01binary")
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, title={Fine}, year=2020}\n@article{b, title={Cut", encoding="utf-8")
    code, _, err = run(capsys, "ingest", junk, bib, "-o", tmp_path / "r.jsonl")
    assert code == 1 and "export.csv:1: binary data" in err  # 1: a problem in the input
    assert not (tmp_path / "r.jsonl").exists()  # nothing half-written
    code, out, _ = run(capsys, "ingest", bib, "-o", tmp_path / "r.jsonl")
    assert code == 0 and "refs.bib:2: record 2 rejected: BibTeX parse error" in out
    code, _, err = run(capsys, "dedupe", tmp_path / "missing.jsonl", "--clusters", "c.csv")
    assert code == 1 and "missing.jsonl" in err
    code, _, err = run(
        capsys, "ingest", EXPORTS / "ris.ris", "-o", tmp_path / "x.jsonl", "--format", "riss"
    )
    assert code != 0 and "did you mean 'ris'" in err


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "search"
    shutil.copytree(BUNDLED, folder)
    return folder


def test_screening_commands(project, capsys, tmp_path):
    p = ["--project", project]
    code, _, _ = run(
        capsys,
        "screen",
        "decide",
        "gs:2",
        "gs:3",
        "-d",
        "include",
        "-r",
        "ana",
        "--reason",
        "IN-FS",
        *p,
    )
    assert code == 0
    code, _, _ = run(
        capsys, "screen", "decide", "gs:2", "-d", "exclude", "-r", "ben", "--reason", "EX-NFS", *p
    )
    # the bundled log already excludes gs:2 and gs:3 (derived decisions): ana now disagrees
    code, out, _ = run(capsys, "screen", "conflicts", *p)
    assert code == 0 and "gs:2" in out and "2 conflict(s)" in out
    code, out, _ = run(capsys, "screen", "kappa", "ana", "ben", *p)
    assert code == 0 and "on 1 works" in out
    code, out, _ = run(capsys, "screen", "status", *p)
    assert code == 0 and "screening of 65 works" in out
    code, _, err = run(
        capsys, "screen", "decide", "gs:4", "-d", "exclude", "-r", "ana", "--reason", "EC1", *p
    )
    # refused by the criteria (a ValidationError): exit 1, as for a problem in the input
    assert code == 1 and "unknown reason code 'EC1'" in err
    code, out, _ = run(capsys, "screen", "next", "--stage", "ft", *p)
    assert code == 0
    code, out, _ = run(capsys, "prisma", "--out", tmp_path / "prisma", *p)
    assert code == 0 and (tmp_path / "prisma" / "prisma.svg").is_file()
    table = list(csv.DictReader((tmp_path / "prisma" / "prisma.csv").open(encoding="utf-8")))
    conflicts = [r for r in table if r["box"] == "screening_conflicts"]
    assert conflicts and conflicts[0]["count"] == "2"


def test_simulate_command(tmp_path, capsys):
    labelled = tmp_path / "labelled.csv"
    with labelled.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "abstract", "label_included"])
        for i in range(30):
            w.writerow(
                [f"lora adapters fine-tuning code model study {i}", "peft code", 1]
                if i % 6 == 0
                else [f"kidney cohort outcome study {i}", "renal", 0]
            )
    code, out, _ = run(
        capsys, "screen", "simulate", labelled, "--seeds", "2", "--plot", tmp_path / "recall.png",
        "--out", tmp_path / "sim",
    )  # fmt: skip
    assert code == 0 and "WSS@95" in out and (tmp_path / "recall.png").is_file()


def test_import_sample_writes_the_bundled_files(tmp_path, capsys):
    from slr.errors import ConfigError
    from slr.paths import shared_data_dir

    try:
        shared = shared_data_dir(REPO)
    except ConfigError:
        pytest.skip("shared/data not available")
    code, out, _ = run(
        capsys, "search", "import-sample", "--shared", shared, "--dest", tmp_path / "search"
    )
    assert code == 0 and "gs:1=P30" in out
    for name in (
        "search.yaml",
        "criteria.yaml",
        "screening_log.csv",
        "dedupe_decisions.csv",
        "README.md",
        "exports/google_scholar_pop_2025-03-21.csv",
    ):
        assert filecmp.cmp(tmp_path / "search" / name, BUNDLED / name, shallow=False), name


def test_included_papers_command(capsys, tmp_path):
    out_file = tmp_path / "included.jsonl"
    code, out, _ = run(capsys, "search", "included", BUNDLED, "-o", out_file)
    assert code == 0 and "2 included paper(s)" in out
    assert len(out_file.read_text(encoding="utf-8").splitlines()) == 2
