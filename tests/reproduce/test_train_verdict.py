"""Verdicts of effectiveness checks: per-item statistics, floors, the paired bootstrap over
seeds x items, Holm and composites, and the results frame for the report."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from slr.evaluate.metrics import get_metric
from slr.reproduce.train.floors import floor_problem, trivial_floors
from slr.reproduce.train.itemstats import item_statistic, score
from slr.reproduce.train.statistics import (
    bootstrap_difference,
    composite_p,
    holm,
    p_values,
    rng_for,
)
from slr.reproduce.train.verdict import (
    INCONCLUSIVE,
    NOT_SUPPORTED,
    SUPPORTED,
    UNINFORMATIVE,
    assess,
    decide,
)

from . import train_specs as S

# Real docstring/function pairs of the standard library (the offline stdlib-docstrings set).
DOCS = [
    ("def add(a, b):\n    return a + b", "Return the sum of a and b."),
    ("def close(self):\n    self._file.close()", "Close the file."),
    ("def emit(self, record):\n    self.records.append(record)", "Emit a record."),
    ("def reset(self):\n    self.count = 0", "Reset the counter to zero."),
]


def _examples():
    return [{"source": src, "target": tgt} for src, tgt in DOCS]


@pytest.mark.parametrize(
    "metric", ["chrf", "bleu", "codexglue_bleu", "rouge_l", "meteor", "exact_match"]
)
def test_item_statistics_sum_to_the_registry_metric(metric):
    preds = ["Return a + b.", "Close the file.", "Emit one record", "reset"]
    examples = _examples()
    stats = item_statistic(metric).stats(preds, examples)
    assert stats.shape[0] == len(preds)
    expected = get_metric(metric)(preds, [e["target"] for e in examples])
    assert score(metric, stats) == pytest.approx(expected, abs=1e-9)


def test_label_and_ranking_statistics_match_the_registry():
    labels = [{"label": v} for v in (1, 1, 0, 0, 0)]
    preds = [1, 0, 0, 1, 0]
    for metric in ("accuracy", "f1"):
        stats = item_statistic(metric).stats(preds, labels)
        assert score(metric, stats) == pytest.approx(get_metric(metric)(preds, [1, 1, 0, 0, 0]))
    scores = np.array([[0.9, 0.1, 0.5], [0.2, 0.2, 0.7], [0.3, 0.8, 0.1]])  # a tie in row 2
    stats = item_statistic("mrr").stats(scores, [{}] * 3)
    assert score("mrr", stats) == pytest.approx(get_metric("mrr")(scores))


def test_floors_by_hand():
    labels = [{"label": v, "source": "x"} for v in (1, 1, 0, 0, 0)]
    splits = {"train": labels, "test": labels}
    acc = trivial_floors("accuracy", "classification", splits)
    assert score("accuracy", acc["majority class"]) == pytest.approx(60.0)  # 3 of 5 are 0
    f1 = trivial_floors("f1", "classification", splits)
    assert score("f1", f1["majority class"]) == 0.0  # predicting 0 finds no positive
    assert score("f1", f1["every item positive"]) == pytest.approx(100 * 2 * 2 / (2 * 2 + 3))
    # random ranking of 3 candidates: E[1/rank] = (1 + 1/2 + 1/3) / 3
    ranking = trivial_floors("mrr", "search", {"train": [{}], "test": [{}] * 3})
    assert score("mrr", ranking["random ranking"]) == pytest.approx(100 * (11 / 6) / 3)
    train = [{"target": t} for t in ("Emit a record.", "Close.", "Emit a record.")]
    gen = trivial_floors("codexglue_bleu", "generation", {"train": train, "test": _examples()})
    # the constant is the most frequent training reference, and it is one test reference
    assert score("codexglue_bleu", gen["constant output"]) > 0
    assert set(gen) == {"constant output", "copy of the input"}


def test_checks_whose_floors_cannot_be_computed_are_refused():
    assert "no test items" in floor_problem("accuracy", [])
    assert "no per-item statistics" in floor_problem("codebleu", [{"target": "x"}])
    assert floor_problem("chrf", [{"target": "x"}]) is None


def _acc(correct, n=10):  # accuracy statistics of n items, the first `correct` right
    return np.array([[1.0]] * correct + [[0.0]] * (n - correct))


def test_bootstrap_of_a_constant_shift_is_that_shift():
    arm = {s: _acc(8) for s in range(5)}
    base = {s: _acc(6) for s in range(5)}
    d = bootstrap_difference("accuracy", arm, base, rng=rng_for("t"), replicates=500)
    assert d.point == pytest.approx(20.0)  # 80 % - 60 %
    # items 7 and 8 differ, so resampled items move d; seeds are identical, so only items do
    assert d.replicates.min() >= 0 and d.interval[0] < 20 < d.interval[1]
    same = bootstrap_difference("accuracy", arm, arm, rng=rng_for("t"), replicates=100)
    assert np.all(same.replicates == 0)


def test_p_values_and_holm_by_hand():
    arm = {s: _acc(10) for s in range(5)}
    base = {s: _acc(0) for s in range(5)}
    d = bootstrap_difference("accuracy", arm, base, rng=rng_for("t"), replicates=999)
    assert np.all(d.replicates == 100.0)  # every item: 1 - 0
    yes, no = p_values("better", 1.0, d)
    assert yes == pytest.approx(1 / 1000) and no == 1.0  # (1 + 0) / (1 + 999)
    # Holm: 0.01 x 3 = 0.03; 0.03 x 2 = 0.06; 0.04 x 1, but never below the step before: 0.06
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    # a composite: supported only as strongly as its weakest part; contrary Bonferroni over 2
    assert composite_p([(0.01, 0.5), (0.02, 0.3)]) == pytest.approx((0.02, 0.6))


def test_verdicts_floors_first_then_the_corrected_tests():
    arm = {s: _acc(90, 100) for s in range(5)}
    base = {s: _acc(70, 100) for s in range(5)}
    low = {"majority class": {s: _acc(50, 100) for s in range(5)}}
    a = assess("accuracy", "better", 0.0, arm, base, low, key="k")
    assert a.informative and a.tested
    verdict, reason = decide(a, "better", 0.0, a.p_supported, a.p_not_supported)
    assert verdict == SUPPORTED and "paired bootstrap" in reason  # 20 points on 100 items
    # a floor as good as the baseline: uninformative, whatever the arms do
    high = {"constant output": {s: _acc(70, 100) for s in range(5)}}
    a = assess("accuracy", "better", 0.0, arm, base, high, key="k")
    verdict, reason = decide(a, "better", 0.0, a.p_supported, a.p_not_supported)
    assert verdict == UNINFORMATIVE and "constant output" in reason
    # fewer than 5 seeds: inconclusive
    few = assess("accuracy", "better", 0.0, {0: arm[0]}, {0: base[0]}, low, key="k")
    assert decide(few, "better", 0.0, None, None)[0] == INCONCLUSIVE
    # 20 points worse: "not worse by more than 1" is not supported
    worse = assess("accuracy", "not_worse", 1.0, base, arm, low, key="k")
    yes, no = worse.p_supported, worse.p_not_supported
    assert decide(worse, "not_worse", 1.0, yes, no)[0] == NOT_SUPPORTED


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
        seeds="[0, 1, 2, 3, 4]",
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
    assert row["arm_mean"] == pytest.approx(sum(values) / 5)
    assert row["n_seeds"] == 5 and row["arm_method"] == "LoRA"
    assert row["baseline_method"] == "Full Fine-Tuning"
    assert row["verdict"] in (SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE, UNINFORMATIVE)
    assert row["verdict"] == doc["checks"][0]["verdict"]
    floors = {f["name"] for f in doc["checks"][0]["floors"]}
    assert floors == {"majority class", "model before tuning"}
    assert {f["name"] for f in doc["checks"][1]["floors"]} == floors | {"every item positive"}
    assert doc["checks"][0]["n_items"] == 8  # the test split of S.defect_task()
    assert math.isfinite(row["arm_trainable_percent"]) and row["proxy"]
    manifest = doc["manifest"]
    for key in ("git", "packages", "device", "seeds", "spec", "created"):
        assert key in manifest
    # the versions actually installed (locks/test.txt or locks/lowest.txt), not a fixed release
    from importlib.metadata import version

    assert manifest["packages"]["torch"] == version("torch")
    assert manifest["packages"]["transformers"] == version("transformers")
    assert manifest["spec"]["arms"][1]["method"] == "LoRA"  # the full spec as written
