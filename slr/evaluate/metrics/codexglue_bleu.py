"""Smoothed sentence-level BLEU-4 exactly as CodeXGLUE's code-summarization evaluator computes it.

CodeXGLUE (``Code-Text/code-to-text/evaluator/evaluator.py``, identical to ``code/bleu.py``) scores
code summarization with an adaptation of the MOSES ``bleu.py`` script. Its numbers are *not*
comparable with sacreBLEU or NLTK corpus BLEU, so this module re-implements that script's
arithmetic step by step (it is not a copy of it):

1. each prediction and reference is stripped, lower-cased and split by ``splitPuncts``
   (``re.findall(r"[\\w]+|[^\\s\\w]")``, tokens joined by spaces);
2. the result goes through the NIST-style ``normalize`` of the MOSES script: wrap in spaces,
   lower-case, put spaces around the ASCII punctuation class ``{-~ [-` space-& (-+ :-@ /``
   (this class contains ``_``, so ``foo_bar`` becomes three tokens), split ``.``/``,`` unless
   next to a digit, split a ``-`` after a digit; then split on whitespace;
3. per example: clipped n-gram matches for n = 1..4 against the per-n-gram maximum count over the
   references; the effective reference length is the *shortest* reference;
4. log BLEU = mean over n of ``log(correct_n + s + tiny) - log(guess_n + s + tiny)`` with add-one
   smoothing ``s = 1`` for n >= 2 only and ``tiny = sys.float_info.min``;
5. brevity penalty (in log space) ``min(0, 1 - (reflen + 1) / (testlen + 1))``;
6. the score is ``exp(log BLEU + penalty)`` per example, averaged over examples and times 100.

Quirks kept on purpose because they change numbers: an empty prediction scores
``100 * exp(-reflen)`` (unigram term ``log(tiny) - log(tiny) = 0``), and a prediction with no
unigram match scores about ``exp(-708 / 4)``, i.e. 0 for practical purposes.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Sequence

from slr.evaluate.metrics._inputs import reference_lists
from slr.evaluate.metrics.registry import MetricInput, register_metric
from slr.evaluate.tasks import CODE_SUMMARIZATION

MAX_ORDER = 4

_SPLIT_PUNCTS = re.compile(r"[\w]+|[^\s\w]")
# The MOSES/NIST language-dependent normalisation rules, in order.
_NIST_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),
    (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),
    (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),
)
_TINY = sys.float_info.min


def split_puncts(text: str) -> str:
    """CodeXGLUE's ``splitPuncts``: words and single punctuation characters, space-joined."""
    return " ".join(_SPLIT_PUNCTS.findall(text))


def tokenize(text: str) -> list[str]:
    """Tokens exactly as the evaluator sees them (steps 1 and 2 of the module docstring)."""
    s = f" {split_puncts(text.strip().lower())} ".lower()
    for pattern, repl in _NIST_RULES:
        s = pattern.sub(repl, s)
    return s.split()


def _ngrams(tokens: Sequence[str], max_order: int = MAX_ORDER) -> Counter[tuple[str, ...]]:
    counts: Counter[tuple[str, ...]] = Counter()
    for n in range(1, max_order + 1):
        for i in range(len(tokens) - n + 1):
            counts[tuple(tokens[i : i + n])] += 1
    return counts


def sentence_bleu(prediction: str, references: Sequence[str]) -> float:
    """Smoothed BLEU-4 of one prediction in [0, 1] (CodeXGLUE arithmetic, not times 100)."""
    if not references:
        raise ValueError("sentence_bleu needs at least one reference")
    ref_tokens = [tokenize(r) for r in references]
    max_ref_counts: Counter[tuple[str, ...]] = Counter()
    for ref in ref_tokens:
        for gram, count in _ngrams(ref).items():
            max_ref_counts[gram] = max(max_ref_counts[gram], count)
    test = tokenize(prediction)
    test_counts = _ngrams(test)
    correct = [0] * MAX_ORDER
    for gram, count in test_counts.items():
        correct[len(gram) - 1] += min(max_ref_counts.get(gram, 0), count)
    guess = [max(len(test) - n + 1, 0) for n in range(1, MAX_ORDER + 1)]
    log_bleu = 0.0
    for k in range(MAX_ORDER):
        smooth = 1 if k > 0 else 0
        log_bleu += math.log(correct[k] + smooth + _TINY) - math.log(guess[k] + smooth + _TINY)
    log_bleu /= MAX_ORDER
    reflen = min(len(r) for r in ref_tokens)
    brevity = min(0.0, 1.0 - (reflen + 1) / (len(test) + 1))
    return math.exp(log_bleu + brevity)


@register_metric(
    "codexglue_bleu",
    tasks=(CODE_SUMMARIZATION,),
    inputs=MetricInput.REFERENCES,
    unit="percent",
    source="re-implementation of CodeXGLUE Code-Text/code-to-text/evaluator/evaluator.py",
)
def codexglue_smoothed_bleu(
    predictions: Sequence[str], references: Sequence[str] | Sequence[Sequence[str]]
) -> float:
    """Smoothed sentence-level BLEU-4 averaged over examples x100, as CodeXGLUE reports it.

    ``references[i]`` is one reference string or a list of references for ``predictions[i]``.
    """
    refs = reference_lists(predictions, references)
    total = sum(sentence_bleu(p, r) for p, r in zip(predictions, refs, strict=True))
    return 100.0 * total / len(predictions)
