"""YAML files people write go through one located loader and are validated whole (slr.validation.
load_document): duplicate keys refused, unknown keys refused, every problem with its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from slr.corpus.decisions import load_decisions
from slr.errors import InputFormatError, ValidationError
from slr.search.project import SearchProject

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def search_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "search.yaml"
    shutil.copyfile(ROOT / "corpus" / "search" / "search.yaml", path)
    return path


def _line_of(path: Path, text: str) -> int:
    return next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if text in ln)


def test_a_duplicate_key_is_refused_with_its_line(search_yaml: Path):
    text = search_yaml.read_text()
    search_yaml.write_text(
        text.replace("criteria: criteria.yaml", "criteria: a.yaml\ncriteria: b.yaml")
    )
    with pytest.raises(InputFormatError) as err:
        SearchProject.load(search_yaml)
    line = _line_of(search_yaml, "criteria: b.yaml")
    assert f"search.yaml:{line}:" in str(err.value) and "duplicate key 'criteria'" in str(err.value)


def test_unknown_keys_are_refused_each_with_the_line_of_its_mapping(search_yaml: Path):
    text = search_yaml.read_text()
    text = text.replace("  format: pop_csv", "  format: pop_csv\n  databse: scholar")
    text = text.replace("snowball: []", "snowbal: []")
    search_yaml.write_text(text)
    with pytest.raises(ValidationError) as err:
        SearchProject.load(search_yaml)
    lines = {p.message.split("'")[1]: p.line for p in err.value.problems}
    # the top-level key is on the document's first mapping line (line 2: 'review:'); the nested
    # one on the line where its source's mapping starts ('- file: ...')
    assert lines == {"snowbal": 2, "sources.0.databse": _line_of(search_yaml, "- file: exports/")}
    assert "allowed keys are: date, file, format, id_prefix, note, query, sha256, source" in str(
        err.value
    )  # the keys of a source entry, not of the whole file


def test_a_missing_required_key_and_a_bad_value_are_reported_together(search_yaml: Path):
    text = search_yaml.read_text().replace("  source: google_scholar\n", "")
    search_yaml.write_text(text.replace("snowball: []", "snowball: 3"))
    with pytest.raises(ValidationError) as err:
        SearchProject.load(search_yaml)
    messages = [p.message for p in err.value.problems]
    assert len(messages) == 2
    assert any("missing required key 'sources.0.source'" in m for m in messages)
    assert any("bad value for 'snowball'" in m for m in messages)


def test_decisions_are_validated_whole_with_lines(tmp_path: Path):
    path = tmp_path / "decisions.yaml"
    text = (ROOT / "corpus" / "decisions.yaml").read_text()
    text = text.replace("  - id: T02\n", "  - id: T01\n    colour: red\n", 1)
    path.write_text(text)
    with pytest.raises(ValidationError) as err:
        load_decisions(path)
    problems = {p.message: p.line for p in err.value.problems}
    second_t01 = [i for i, ln in enumerate(text.splitlines(), 1) if ln == "  - id: T01"][1]
    assert problems == {
        "unknown key 'term_mappings.1.colour' in decisions": second_t01,
        f"decision id 'T01' used twice (first at line {_line_of(path, '- id: T01')})": second_t01,
    }


def test_the_committed_files_load(tmp_path: Path):
    project, _ = SearchProject.load(ROOT / "corpus" / "search")
    assert project.sources[0].format == "pop_csv"
    decisions, lines = load_decisions(ROOT / "corpus" / "decisions.yaml")
    assert set(lines) == {d.id for d in decisions.term_mappings + decisions.reconciliations} | {
        d.id for d in decisions.overrides
    }
    assert load_decisions(tmp_path / "absent.yaml")[0].term_mappings == []  # no file: none


def test_criteria_yaml_loads_through_the_located_entry_point(tmp_path: Path):
    """``criteria.yaml`` as the screening code reads it (``Criteria.load``, through
    ``load_document``): a duplicate key refused, the line of an unknown key named."""
    from slr.search.screen import Criteria
    from slr.validation import load_document

    committed = ROOT / "corpus" / "search" / "criteria.yaml"
    criteria = load_document(committed, Criteria, what="screening criteria")
    assert [c.code for c in criteria.criteria] == ["IN-FS", "EX-NFS"]  # the committed file's codes
    assert criteria == Criteria.load(committed)  # the same model as the screening code's reader

    path = tmp_path / "criteria.yaml"
    text = committed.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    kind: exclusion\n", "    kind: exclusion\n    kind: inclusion\n")
    )
    with pytest.raises(InputFormatError) as err:
        Criteria.load(path)
    line = _line_of(path, "kind: exclusion") + 1  # the repeated key, on the line below
    assert f"criteria.yaml:{line}:" in str(err.value) and "duplicate key 'kind'" in str(err.value)

    path.write_text(text.replace("  - code: EX-NFS\n", "  - code: EX-NFS\n    colour: red\n"))
    with pytest.raises(ValidationError) as verr:
        Criteria.load(path)
    assert [(p.message, p.line) for p in verr.value.problems] == [
        ("unknown key 'criteria.1.colour' in screening criteria", _line_of(path, "- code: EX-NFS"))
    ]
