from pathlib import Path

import pytest

from slr.corpus.load import load_corpus
from slr.errors import ValidationError


def _edit(path: Path, old: str, new: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    for i, ln in enumerate(lines):
        if old in ln:
            lines[i] = ln.replace(old, new, 1)
            path.write_text("\n".join(lines), encoding="utf-8")
            return i + 1
    raise AssertionError(old)


def test_misspelled_and_non_canonical_terms_are_reported_together(data_copy: Path):
    codings = data_copy / "corpus" / "codings.csv"
    l1 = _edit(
        codings, "P5,P5,Code Refinement,Prompt Tuning,", "P5,P5,Code Refinement,Prefx Tuning,"
    )
    l2 = _edit(
        codings,
        "P3,P3,Automated Program Repair,LoRA,CodeLlama-7B",
        "P3,P3,Automated Program Repair,LoRA,Code Llama 7B",
    )
    with pytest.raises(ValidationError) as err:
        load_corpus(data_copy / "corpus")
    msg = str(err.value)
    assert "2 problem(s)" in msg
    assert (
        f"corpus/codings.csv:{l1}: unknown PEFT method 'Prefx Tuning' (column 'methods'); did you mean 'Prefix Tuning'"
        in msg
    )
    assert (
        f"corpus/codings.csv:{l2}: 'Code Llama 7B' is a spelling of base model 'CodeLlama-7B'"
        in msg
    )


def test_unknown_column_and_duplicate_ids(data_copy: Path):
    papers = data_copy / "corpus" / "papers.csv"
    text = papers.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines.append(lines[1])  # P1 again
    papers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"duplicate paper_id 'P1' \(first at line 2\)"):
        load_corpus(data_copy / "corpus")
    papers.write_text(text.replace("paper_id,included", "paper_id,includd", 1), encoding="utf-8")
    with pytest.raises(ValidationError, match="unknown column 'includd'"):
        load_corpus(data_copy / "corpus")


def test_coding_of_an_unknown_paper(data_copy: Path):
    codings = data_copy / "corpus" / "codings.csv"
    _edit(codings, "P3,P3,", "P3,P99,")
    with pytest.raises(ValidationError, match="paper 'P99' is not in papers.csv"):
        load_corpus(data_copy / "corpus")
