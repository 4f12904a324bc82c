import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from slr.build import build_review
from slr.figures.base import registry


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("b") / "build"
    build_review(out, quiet=True)
    return out


def test_build_writes_every_figure_table_and_the_report(built: Path):
    html = (built / "report.html").read_text(encoding="utf-8")
    for name in registry():
        for ext in ("png", "svg", "csv"):
            assert (built / "figures" / f"{name}.{ext}").exists(), (name, ext)
        assert f'data-figure="{name}"' in html
    for section in (
        "Corpus",
        "Taxonomy",
        "Figures",
        "Agreement between coding passes",
        "Data quality",
    ):
        assert f">{section}</h2>" in html
    assert 'src="http' not in html and "<script src" not in html  # self-contained
    assert (built / "tables" / "agreement_summary.csv").exists()


def test_report_lists_open_findings_and_decisions(built: Path, review):
    html = (built / "report.html").read_text(encoding="utf-8")
    n_open = int((review.findings["status"] == "open").sum())
    assert len(re.findall(r'<tr class="open">', html)) == n_open
    assert "R01" in html and "GTX 3090" in html


def test_failed_build_leaves_previous_build_intact(built: Path, monkeypatch, tmp_path: Path):
    out = tmp_path / "build"
    shutil.copytree(built, out)
    before = (out / "report.html").read_bytes()
    spec = registry()["venues"]

    def boom(review):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(registry(), "venues", spec.__class__(**{**spec.__dict__, "compute": boom}))
    with pytest.raises(RuntimeError, match="disk on fire"):
        build_review(out, quiet=True)
    assert (out / "report.html").read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["build"]  # no temporary folder left behind


def test_cli_reports_a_broken_corpus_without_traceback(data_copy: Path, root: Path):
    codings = data_copy / "corpus" / "codings.csv"
    codings.write_text(codings.read_text().replace(",Prompt Tuning,", ",Prompt Tunning,", 1))
    env = {**os.environ, "SLR_ROOT": str(data_copy)}
    proc = subprocess.run(
        [sys.executable, "-m", "slr.cli.main", "build", "--out", str(data_copy / "b")],
        capture_output=True,
        text=True,
        env=env,
        cwd=data_copy,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "corpus/codings.csv:" in proc.stderr and "did you mean 'Prompt Tuning'" in proc.stderr
    assert not (data_copy / "b").exists()
