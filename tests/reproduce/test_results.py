"""Typed results: schema-1 files still load (with a warning) and migrate; one results frame."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from slr.reproduce.results import MeasureResult, TrainResult, load_results, results_frame
from slr.reproduce.results.frames import effectiveness_frame, verdicts_frame
from slr.reproduce.results.store import migrate, upgrade

ROOT = Path(__file__).resolve().parents[2]
LEGACY = Path(__file__).parent / "data" / "results-schema-1"  # see SOURCE.md there


def _legacy_root(tmp_path: Path) -> Path:
    """A repository whose results are as schema 1 laid them out."""
    results = tmp_path / "reproductions" / "results"
    (results / "runs").mkdir(parents=True)
    (results / "effectiveness").mkdir()
    shutil.copy(LEGACY / "cpu-tiny-llama-lora.json", results / "runs")
    shutil.copy(LEGACY / "defect-lora-vs-full-minilm.json", results / "effectiveness")
    return tmp_path


def test_committed_results_are_schema_2_and_round_trip():
    for path in sorted((ROOT / "reproductions/results/runs").glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        doc, old = upgrade(raw)
        assert not old and raw["schema"] == 2, path  # migrated (slr reproduce migrate)
        [result] = [r for r in load_results(ROOT) if r.spec == path.stem]
        assert result.model_dump(mode="json") == raw  # nothing lost, nothing added
    assert not (ROOT / "reproductions/results/effectiveness").exists()


def test_schema_1_results_load_with_a_warning(tmp_path):
    root = _legacy_root(tmp_path)
    with pytest.warns(UserWarning, match=r"\(schema 1\); run `slr reproduce migrate`"):
        results = {r.spec: r for r in load_results(root)}
    measured, trained = results["cpu-tiny-llama-lora"], results["defect-lora-vs-full-minilm"]
    assert isinstance(measured, MeasureResult) and isinstance(trained, TrainResult)
    old = json.loads((LEGACY / "defect-lora-vs-full-minilm.json").read_text(encoding="utf-8"))
    assert trained.spec_hash == old["manifest"]["spec_hash"]  # moved up from the manifest
    assert [c.verdict for c in trained.checks] == [c["verdict"] for c in old["checks"]]
    assert measured.comparison.within_tolerance is True  # as the file says


def test_migrate_rewrites_in_place_of_the_old_files_and_keeps_everything(tmp_path):
    root = _legacy_root(tmp_path)
    runs = root / "reproductions" / "results" / "runs"
    moved = migrate(root)
    assert sorted(new.name for _, new in moved) == [
        "cpu-tiny-llama-lora.json",
        "defect-lora-vs-full-minilm.json",
    ]
    assert not (root / "reproductions/results/effectiveness").exists()
    for name in ("cpu-tiny-llama-lora", "defect-lora-vs-full-minilm"):
        new = json.loads((runs / f"{name}.json").read_text(encoding="utf-8"))
        old = json.loads((LEGACY / f"{name}.json").read_text(encoding="utf-8"))
        assert new["schema"] == 2 and new["spec"] == name
        renamed = {"name", "spec_id", "schema"}
        assert {k: v for k, v in old.items() if k not in renamed}.items() <= new.items()
    assert migrate(root) == []  # nothing left to migrate


def test_unknown_schema_and_broken_files_are_skipped_with_a_warning(tmp_path):
    runs = tmp_path / "reproductions" / "results" / "runs"
    runs.mkdir(parents=True)
    (runs / "future.json").write_text(json.dumps({"schema": 99}), encoding="utf-8")
    (runs / "cut.json").write_text('{"schema": 2, "kind": "train"', encoding="utf-8")
    with pytest.warns(UserWarning) as caught:
        assert load_results(tmp_path) == []
    text = " ".join(str(w.message) for w in caught)
    assert "unknown result schema 99" in text and "cut.json: unreadable result" in text


def test_one_frame_over_both_kinds_of_verdict():
    frame = results_frame(ROOT)
    efficiency = verdicts_frame(ROOT)
    effectiveness = effectiveness_frame(ROOT)
    assert len(frame) == len(efficiency) + len(effectiveness)
    assert list(frame.columns[:2]) == ["kind", "claim"]
    by_kind = frame.groupby("kind")["claim"].apply(list).to_dict()
    assert by_kind["efficiency"] == list(efficiency["claim"])
    assert by_kind["effectiveness"] == list(effectiveness["claim"])
    # the verdict vocabularies stay apart
    assert set(frame.loc[frame.kind == "efficiency", "verdict"]) <= {
        "holds",
        "does not hold",
        "cannot be checked",
    }


def test_the_frames_read_without_torch():
    code = (
        "import sys\n"
        "from slr.reproduce.results import results_frame\n"
        "from slr.reproduce.train import effectiveness_frame\n"
        f"print(len(results_frame({str(ROOT)!r})), len(effectiveness_frame({str(ROOT)!r})))\n"
        "print('torch' in sys.modules, 'transformers' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False False"
