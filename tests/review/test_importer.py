import csv
import shutil
from pathlib import Path

import pytest

from slr.corpus.importer import import_corpus
from slr.errors import ValidationError

TABLES = ("papers.csv", "codings.csv", "codings_early.csv", "findings.csv")


def test_import_reproduces_the_committed_corpus(shared: Path, root: Path, tmp_path: Path):
    result = import_corpus(shared, tmp_path, decisions_path=root / "corpus" / "decisions.yaml")
    for name in TABLES:
        assert (tmp_path / name).read_text() == (root / "corpus" / name).read_text(), name
    # every record of both coding passes is accounted for
    with (shared / "detail_study_v3.csv").open(newline="", encoding="utf-8") as fh:
        assert len(result.codings) == len(list(csv.DictReader(fh)))
    with (shared / "peft_se_benchmark_metadata.csv").open(newline="", encoding="utf-8") as fh:
        assert len(result.early) == len(list(csv.DictReader(fh)))
    included = [p for p in result.papers if p.included]
    assert len(included) == 28  # rows of the table in final_paper_selection.md (its prose says 27)


def test_qualifiers_combinations_and_mappings_are_applied(root: Path):
    from slr.corpus.load import load_corpus

    corpus = load_corpus(root / "corpus")
    by_id = {c.coding_id: c for c in corpus.codings}
    assert by_id["P10-CG"].methods == ["LoRA", "QLoRA"]  # "LoRA, QLoRA (MFT-5Tasks)"
    assert by_id["P36-CCD"].methods == ["L-Adapter + T-Adapter"]  # a combination stays one use
    assert by_id["P28-CCD"].methods == ["L-Adapter", "T-Adapter"]  # a list is two uses
    assert by_id["P21"].models == ["Transformer (custom)"] and "T01" in by_id["P21"].decisions
    assert "LLaMA-65B" in by_id["P10-CG"].models  # 'QLoRA: LLaMA-65B' reads the label as a method
    early = {e.coding_id: e for e in corpus.early}
    assert early["P26-CCD"].gpus == ["4x NVIDIA RTX 3090"]  # 'GTX 3090' via term mapping T03
    assert early["P18"].gpus == ["3x NVIDIA RTX 3090 Ti"]  # not RTX 3090


def _shared_copy(shared: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "shared"
    shutil.copytree(shared, dst)
    return dst


def test_unknown_term_names_file_line_and_closest_terms(shared: Path, root: Path, tmp_path: Path):
    src = _shared_copy(shared, tmp_path)
    path = src / "detail_study_v3.csv"
    data = path.read_bytes().replace(
        b"P3,ASE,2024,Automated Program Repair,LoRA,",
        b"P3,ASE,2024,Automated Program Repair,LoRRA,",
    )
    path.write_bytes(data)
    line = (
        data.split(b"\n").index(next(ln for ln in data.split(b"\n") if ln.startswith(b"P3,"))) + 1
    )
    with pytest.raises(ValidationError) as err:
        import_corpus(src, tmp_path / "out", decisions_path=root / "corpus" / "decisions.yaml")
    msg = str(err.value)
    assert f"detail_study_v3.csv:{line}: unknown PEFT method 'LoRRA' in row P3" in msg
    assert "did you mean 'LoRA'" in msg
    assert not (tmp_path / "out" / "codings.csv").exists()  # nothing half-written


def test_stale_and_unused_decisions_are_errors(shared: Path, root: Path, tmp_path: Path):
    dec = tmp_path / "decisions.yaml"
    text = (root / "corpus" / "decisions.yaml").read_text()
    text = text.replace(
        "values: {detail_study_v3.csv: 2022, peft_se_benchmark_metadata.csv: 2023}",
        "values: {detail_study_v3.csv: 2021, peft_se_benchmark_metadata.csv: 2023}",
    )
    text = text.replace(
        "overrides:\n",
        "overrides:\n  - id: O99\n    coding: P999\n    field: task\n"
        "    value: Code Search\n    rationale: a decision about nothing at all\n",
    )
    dec.write_text(text)
    with pytest.raises(ValidationError) as err:
        import_corpus(shared, tmp_path / "out", decisions_path=dec)
    msg = str(err.value)
    assert "reconciliation R02 is stale" in msg
    assert "override O99: no v3 coding 'P999'" in msg


def test_without_a_decision_a_disagreement_stays_open(shared: Path, root: Path, tmp_path: Path):
    dec = tmp_path / "decisions.yaml"
    text = (root / "corpus" / "decisions.yaml").read_text()
    start = text.index("  - id: R02")
    end = text.index("  - id: R03")
    dec.write_text(text[:start] + text[end:])
    result = import_corpus(shared, tmp_path / "out", decisions_path=dec, write=False)
    p21 = [f for f in result.findings if f.paper_id == "P21" and f.field == "year"]
    assert len(p21) == 1 and p21[0].status == "open"
    assert next(p for p in result.papers if p.paper_id == "P21").year == 2022  # v3 is canonical


def test_vendored_artifacts_are_verbatim(root: Path):
    from slr.corpus.vendor import check_sources

    assert not check_sources(root / "corpus" / "sources")
    raw = (root / "corpus" / "sources" / "detail_study_v3.csv").read_bytes()
    assert b"\r\n" in raw  # git kept the CRLF records (see .gitattributes)


def test_vendored_artifacts_equal_the_workplace_copy(root: Path):
    from conftest import WORKPLACE_SHARED

    if WORKPLACE_SHARED is None:
        pytest.skip("no ../shared/data/slr-peft next to this checkout")
    from slr.corpus.vendor import ARTIFACTS

    for name in ARTIFACTS:
        assert (root / "corpus" / "sources" / name).read_bytes() == (
            WORKPLACE_SHARED / name
        ).read_bytes(), name


def test_an_edited_vendored_artifact_is_detected(tmp_path: Path, root: Path):
    from slr.corpus.vendor import check_sources

    dst = tmp_path / "sources"
    shutil.copytree(root / "corpus" / "sources", dst)
    p = dst / "final_paper_selection.md"
    p.write_text(p.read_text().replace("27 papers", "28 papers"))
    report = check_sources(dst)
    assert len(report) == 1 and "was edited" in str(report.problems[0])
