"""Verdicts from per-seed values, metric floors, and the results frame for the report."""

from __future__ import annotations

import json
import math

import pytest

from slr.reproduce.train.verdict import (
    INCONCLUSIVE,
    NOT_SUPPORTED,
    SUPPORTED,
    judge,
    metric_floor,
    t_interval,
)

from . import train_specs as S

# diffs 1, 2, 3: mean 2, sd 1; t(0.975, 2) = 4.302653 (scipy.stats.t.ppf; standard t tables)
# half-width 4.302653 / sqrt(3) = 2.484138 -> 95% interval (-0.484138, 4.484138)
ARM = {0: 11.0, 1: 12.0, 2: 13.0}
BASE = {0: 10.0, 1: 10.0, 2: 10.0}


def test_t_interval_by_hand():
    lo, hi = t_interval([1.0, 2.0, 3.0])
    assert lo == pytest.approx(-0.484138, abs=1e-6)
    assert hi == pytest.approx(4.484138, abs=1e-6)


@pytest.mark.parametrize(
    ("relation", "tolerance", "verdict"),
    [
        ("comparable", 5.0, SUPPORTED),  # (-0.48, 4.48) inside +-5
        ("comparable", 4.0, INCONCLUSIVE),  # crosses +4
        ("not_worse", 0.5, SUPPORTED),  # lower end -0.48 >= -0.5
        ("not_worse", 0.4, INCONCLUSIVE),  # lower end below -0.4, upper above
        ("better", 0.0, INCONCLUSIVE),  # interval contains 0
        ("worse", 0.0, INCONCLUSIVE),  # lower end < 0 but upper > 0
    ],
)
def test_relations(relation, tolerance, verdict):
    j = judge(relation, tolerance, ARM, BASE)
    assert j.verdict == verdict, j.reason
    assert j.diff_mean == pytest.approx(2.0)
    assert j.n == 3


def test_clear_cases():
    worse = {0: 5.0, 1: 6.0, 2: 5.5}  # d = -5, -4, -4.5: interval (-5.74, -3.26)
    assert judge("worse", 1.0, worse, BASE).verdict == SUPPORTED
    assert judge("not_worse", 1.0, worse, BASE).verdict == NOT_SUPPORTED
    assert judge("better", 0.0, worse, BASE).verdict == NOT_SUPPORTED
    assert judge("comparable", 1.0, worse, BASE).verdict == NOT_SUPPORTED
    assert judge("worse", 0.0, ARM, BASE).verdict == INCONCLUSIVE


def test_too_few_seeds_and_a_baseline_at_the_floor_are_inconclusive():
    j = judge("not_worse", 5.0, {0: 11.0, 1: 12.0}, {0: 10.0, 1: 10.0})
    assert j.verdict == INCONCLUSIVE and "fewer than 3 seeds" in j.reason
    j = judge("not_worse", 5.0, ARM, {0: 50.0, 1: 51.0, 2: 49.0}, floor=50.0)
    assert j.verdict == INCONCLUSIVE and "does not beat the floor" in j.reason
    # only seeds both arms ran are paired
    assert judge("not_worse", 5.0, {**ARM, 7: 0.0}, BASE).n == 3


def test_metric_floors_by_hand():
    labels = [{"label": v} for v in (1, 1, 0, 0, 0)]
    assert metric_floor("accuracy", labels) == pytest.approx(60.0)  # majority class 3/5
    assert metric_floor("f1", labels) == pytest.approx(100 * 2 * 0.4 / 1.4)  # all-positive
    # random ranking of 3 candidates: E[1/rank] = (1 + 1/2 + 1/3) / 3
    assert metric_floor("mrr", [{}] * 3) == pytest.approx(100 * (11 / 6) / 3)
    assert metric_floor("codexglue_bleu", labels) is None


@pytest.mark.slow
def test_results_frame_one_row_per_check(tmp_path):
    from slr.reproduce import RunOptions, run
    from slr.reproduce.results import effectiveness_frame
    from slr.reproduce.results.frames import EFFECTIVENESS_COLUMNS as COLUMNS

    root = tmp_path / "repo"
    (root / "taxonomy").mkdir(parents=True)
    (root / "corpus").mkdir()
    results = root / "reproductions" / "results" / "runs"
    checks = (
        "checks:\n"
        "  - {claim: C1, arm: lora, baseline: full, metric: accuracy, relation: not_worse,\n"
        "     tolerance: 100, note: 'claim source: test'}\n"
        "  - {claim: C2, arm: lora, baseline: full, metric: f1, relation: better,\n"
        "     note: 'claim source: test'}\n"
    )
    text = S.spec_text(
        "{architecture: CodeBERT, tiny: true}",
        S.defect_task(),
        "  - {name: full, method: Full Fine-Tuning}\n"
        "  - {name: lora, method: LoRA, params: {r: 2}}\n",
        seeds="[0, 1, 2]",
        checks=checks,
    )
    doc = run(
        S.write(tmp_path, "frame", text), RunOptions(workdir=tmp_path / "runs", results_dir=results)
    ).model_dump(mode="json")
    (results / "old.json").write_text(json.dumps({"schema": 99}), encoding="utf-8")
    with pytest.warns(UserWarning, match="unknown result schema 99"):
        frame = effectiveness_frame(root)
    assert list(frame.columns) == COLUMNS
    assert list(frame["claim"]) == ["C1", "C2"]
    row = frame.iloc[0]
    lora = next(a for a in doc["arms"] if a["name"] == "lora")
    values = lora["summary"]["defect-detection:accuracy"]["values"]
    assert row["arm_mean"] == pytest.approx(sum(values) / 3)
    assert row["n_seeds"] == 3 and row["arm_method"] == "LoRA"
    assert row["baseline_method"] == "Full Fine-Tuning"
    assert row["verdict"] in (SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE)
    assert row["verdict"] == doc["checks"][0]["verdict"]
    assert math.isfinite(row["arm_trainable_percent"]) and row["proxy"]
    manifest = doc["manifest"]
    for key in ("git", "packages", "device", "seeds", "spec", "created"):
        assert key in manifest
    # the versions actually installed (locks/test.txt or locks/lowest.txt), not a fixed release
    from importlib.metadata import version

    assert manifest["packages"]["torch"] == version("torch")
    assert manifest["packages"]["transformers"] == version("transformers")
    assert manifest["spec"]["arms"][1]["method"] == "LoRA"  # the full spec as written
