"""Shared fixtures of the search-stage tests."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from slr.search.records import Record

HERE = Path(__file__).parent
DATA = HERE / "data"
EXPORTS = DATA / "exports"
GOLDEN = DATA / "golden"
REPO = HERE.parent.parent
BUNDLED = REPO / "corpus" / "search"
POP_EXPORT = BUNDLED / "exports" / "google_scholar_pop_2025-03-21.csv"
UPDATE_GOLDEN = os.environ.get("SLR_UPDATE_GOLDEN") == "1"


def record_as_golden(rec: Record) -> dict:
    """A record as stored in a golden file: the file path reduced to its name."""
    data = json.loads(rec.model_dump_json(exclude_defaults=True))
    data["provenance"]["file"] = Path(data["provenance"]["file"]).name
    return data


def check_golden(name: str, records: list[Record]) -> None:
    """Compare records with ``golden/<name>.jsonl`` (SLR_UPDATE_GOLDEN=1 rewrites it)."""
    path = GOLDEN / f"{name}.jsonl"
    got = [record_as_golden(r) for r in records]
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "".join(json.dumps(g, ensure_ascii=False, sort_keys=True) + "\n" for g in got),
            encoding="utf-8",
        )
    expected = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(got) == len(expected), f"{name}: {len(got)} records, golden has {len(expected)}"
    for g, e in zip(got, expected, strict=True):
        assert g == e, f"{name}: record {e.get('record_id')} differs from the golden file"


@pytest.fixture
def tmp_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path
