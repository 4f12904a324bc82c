"""CodeXGLUE smoothed sentence BLEU-4: hand-computed cases and a cross-check with NLTK.

Expected values are computed by hand from the evaluator's arithmetic (see the module docstring of
slr.evaluate.metrics.codexglue_bleu): per-order precisions p1 = c1/g1, pn = (cn+1)/(gn+1) for n>=2,
score = exp(mean(log pn) + min(0, 1 - (r+1)/(c+1))) x 100.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slr.evaluate.errors import EvaluationError
from slr.evaluate.metrics.codexglue_bleu import (
    codexglue_smoothed_bleu,
    sentence_bleu,
    split_puncts,
    tokenize,
)


def test_split_puncts_and_nist_tokenization():
    assert split_puncts("Returns x[0], else None.") == "Returns x [ 0 ] , else None ."
    # the NIST rule's punctuation class contains '_', so identifiers split at underscores
    assert tokenize("Get foo_bar.") == ["get", "foo", "_", "bar", "."]
    assert tokenize("  MiXeD Case  ") == ["mixed", "case"]


def test_hand_computed_partial_match():
    # tokens: returns the max value .  |  return the maximum value .
    # p1 = 3/5 (the, value, .), p2 = (1+1)/(4+1) (value .), p3 = (0+1)/(3+1), p4 = (0+1)/(2+1)
    # equal lengths -> no brevity penalty
    expected = 100 * (3 / 5 * 2 / 5 * 1 / 4 * 1 / 3) ** 0.25
    got = codexglue_smoothed_bleu(["Returns the max value."], ["Return the maximum value."])
    assert got == pytest.approx(expected, rel=1e-12)
    assert got == pytest.approx(37.606030930863938, rel=1e-12)


def test_identical_sentence_scores_100():
    # all precisions 1 (smoothing adds 1 to equal numerator and denominator), BP = 0
    assert codexglue_smoothed_bleu(["Sort the list in place."], ["sort the list in place ."]) == (
        pytest.approx(100.0, rel=1e-12)
    )


def test_brevity_penalty_uses_plus_one_formula():
    # pred 2 tokens, ref 4: p1 = 2/2, p2 = (1+1)/(1+1), p3 = p4 = (0+1)/(0+1) -> log BLEU 0;
    # penalty = 1 - (4+1)/(2+1) = -2/3
    got = sentence_bleu("the value", ["the value of x"])
    assert got == pytest.approx(math.exp(-2 / 3), rel=1e-12)


def test_empty_prediction_quirk():
    # guess = correct = 0 for every order: log(tiny) - log(tiny) = 0 and log(1) - log(1) = 0,
    # so only the penalty 1 - (r+1)/(0+1) = -r remains: exp(-2) for a 2-token reference
    assert sentence_bleu("", ["two tokens"]) == pytest.approx(math.exp(-2), rel=1e-12)


def test_no_unigram_match_is_practically_zero():
    assert sentence_bleu("alpha beta gamma delta", ["one two three four"]) < 1e-70


def test_multiple_references_clip_to_max_count_and_use_shortest_length():
    # refs "a a b" and "a c": max counts a:2, b:1, c:1 ; shortest ref length 2
    # pred "a a": p1 = 2/2, p2: (a a) in ref1 -> (1+1)/(1+1), p3 = p4 = 1 ; c=2 >= r=2 -> no penalty
    assert sentence_bleu("a a", ["a a b", "a c"]) == pytest.approx(1.0, rel=1e-12)
    # with the longer ref only: penalty 1 - 4/3
    assert sentence_bleu("a a", ["a a b"]) == pytest.approx(math.exp(1 - 4 / 3), rel=1e-12)


def test_average_over_examples():
    one = sentence_bleu("Returns the max value.", ["Return the maximum value."])
    two = sentence_bleu("the value", ["the value of x"])
    got = codexglue_smoothed_bleu(
        ["Returns the max value.", "the value"], [["Return the maximum value."], "the value of x"]
    )
    assert got == pytest.approx(100 * (one + two) / 2, rel=1e-12)


def test_bad_inputs():
    with pytest.raises(EvaluationError, match="2 predictions but 1 references"):
        codexglue_smoothed_bleu(["a", "b"], ["a"])
    with pytest.raises(EvaluationError, match="no predictions"):
        codexglue_smoothed_bleu([], [])


_words = st.lists(
    st.sampled_from(["get", "the", "value", "of", "list", "sort", "x"]), min_size=4, max_size=12
)


@settings(max_examples=60, deadline=None)
@given(hyp=_words, ref=_words)
def test_agrees_with_nltk_method2_where_the_definitions_coincide(hyp, ref):
    """NLTK's smoothing method2 is the same Lin & Och add-one for n >= 2; its brevity penalty
    differs (exp(1 - r/c) vs the +1 form), so compare only where both penalties are 1 (c >= r),
    hypotheses have >= 4 tokens and at least one unigram matches."""
    from nltk.translate.bleu_score import SmoothingFunction
    from nltk.translate.bleu_score import sentence_bleu as nltk_bleu

    if len(hyp) < len(ref) or not set(hyp) & set(ref):
        return
    ours = sentence_bleu(" ".join(hyp), [" ".join(ref)])
    theirs = nltk_bleu([ref], hyp, smoothing_function=SmoothingFunction().method2)
    assert ours == pytest.approx(theirs, rel=1e-9)
