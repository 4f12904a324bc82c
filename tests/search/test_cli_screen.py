"""The screen commands: agreement with overlap, carried duplicates, the stopping rule, simulate."""

from __future__ import annotations

import shutil

import pytest

from slr.cli.main import main

from .conftest import BUNDLED, DATA


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "search"
    shutil.copytree(BUNDLED, folder)
    return folder


def _decide(capsys, project, reviewer, decision, *ids):
    reason = ["--reason", "IN-FS" if decision == "include" else "EX-NFS"]
    code, out, err = run(
        capsys, "screen", "decide", *ids, "-d", decision, "-r", reviewer, *reason,
        "--project", project,
    )  # fmt: skip
    assert code == 0, err
    return out


def test_agreement_states_the_overlap(project, capsys):
    # ana decides gs:2-gs:7, ben gs:5-gs:10: they share gs:5, gs:6, gs:7
    _decide(capsys, project, "ana", "exclude", "gs:2", "gs:3", "gs:4", "gs:5", "gs:6")
    _decide(capsys, project, "ana", "include", "gs:7")
    _decide(capsys, project, "ben", "exclude", "gs:5", "gs:6", "gs:8", "gs:9", "gs:10")
    _decide(capsys, project, "ben", "include", "gs:7")
    code, out, _ = run(capsys, "screen", "agreement", "ana", "ben", "--project", project)
    assert code == 0
    assert "works decided at title_abstract: 9 (ana 6, ben 6)" in out
    assert "decided by two reviewers or more: 3 (33.3% of the decided works)" in out
    # the 3 shared works agree: alpha and AC1 are 1
    assert "Krippendorff's alpha (nominal): 1.000" in out and "Gwet's AC1: 1.000" in out
    code, out, _ = run(capsys, "screen", "kappa", "ana", "ben", "--project", project)
    assert code == 0 and "1.000 on 3 works" in out
    code, _, err = run(capsys, "screen", "agreement", "ana", "cleo", "--project", project)
    assert code == 1 and "no decisions by 'cleo'" in err


def test_carried_decisions_from_a_clusters_file(project, capsys, tmp_path):
    clusters = tmp_path / "clusters.csv"
    clusters.write_text("record_id,cluster_id\ngs:2,c1\ngs:5,c1\n", encoding="utf-8")
    _decide(capsys, project, "ana", "exclude", "gs:2")
    code, out, _ = run(capsys, "screen", "carried", "--clusters", clusters, "--project", project)
    assert code == 0 and "gs:5: exclude by ana, carried from gs:2 (cluster c1" in out


def test_nothing_to_sample_when_every_work_is_decided(project, capsys):
    # the bundled log decides all 65 works (derived from the final selection)
    code, _, err = run(capsys, "screen", "stop", "--project", project)
    assert code == 1 and "every work is decided" in err
    code, _, err = run(capsys, "screen", "sample", "--seed", "2", "--project", project)
    assert code == 1 and "nothing left to sample" in err


def test_stop_after_a_sample(project, capsys):
    # free 30 works from the bundled log's decisions by starting from an empty log
    (project / "screening_log.csv").write_text("", encoding="utf-8")
    _decide(capsys, project, "ana", "include", "gs:1", "gs:2")
    _decide(capsys, project, "ana", "exclude", *[f"gs:{i}" for i in range(3, 20)])
    code, _, err = run(capsys, "screen", "stop", "--project", project)
    assert code == 1 and "no random sample yet" in err and "screen its first" in err
    code, out, _ = run(capsys, "screen", "sample", "--seed", "2", "--project", project)
    assert code == 0 and "the 46 undecided works in random order" in out
    code, _, err = run(capsys, "screen", "sample", "--project", project)
    assert code == 1 and "drawn already" in err
    code, out, _ = run(capsys, "screen", "stop", "--project", project)
    assert code == 0 and "keep screening the draws" in out and "next in the sample" in out


def test_simulate_bad_labels_fail_before_training(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("title,abstract,label_included\nA,x,1\nB,y,maybe\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    code, _, err = run(capsys, "screen", "simulate", bad, "--out", out_dir)
    assert code == 1 and "bad.csv:3: label 'maybe' is not 0 or 1" in err
    assert not out_dir.exists()  # nothing written


def test_simulate_writes_rankings_and_summary(tmp_path, capsys):
    cut = DATA / "screening" / "kitchenham_cut.csv"
    code, out, _ = run(
        capsys, "screen", "simulate", cut, "--seeds", "2", "--out", tmp_path, "--stopping"
    )
    assert (
        code == 0
        and "WSS@95" in out
        and "stopping rule (recall 95 %, confidence 95 %), seed 1" in out
    )
    folder = tmp_path / "kitchenham_cut"
    assert {p.name for p in folder.iterdir()} == {
        "kitchenham_cut_seed1.csv",
        "kitchenham_cut_seed2.csv",
        "summary.csv",
    }
    code, out, _ = run(capsys, "screen", "models")
    assert code == 0 and "(default)" in out.splitlines()[0]
