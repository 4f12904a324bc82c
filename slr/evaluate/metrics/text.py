"""Similarity metrics over generated text or code: ROUGE-L, METEOR, chrF, BLEU, exact match.

All are reported in percent (0-100), as the papers report them. Each comes from a maintained
library: ROUGE-L from ``rouge-score`` (Google's reference implementation), METEOR from NLTK
(with WordNet 3.0 found offline, see :mod:`slr.evaluate.metrics.wordnet`), chrF and BLEU from
``sacrebleu`` (corpus-level, its default 13a tokenisation). The CodeXGLUE summarization BLEU lives
in :mod:`slr.evaluate.metrics.codexglue_bleu`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from slr.evaluate.errors import EvaluationError
from slr.evaluate.metrics._inputs import reference_lists
from slr.evaluate.metrics.registry import MetricInput, register_metric
from slr.evaluate.tasks import CODE_GENERATION, CODE_SUMMARIZATION, CODE_TRANSLATION

References = Sequence[str] | Sequence[Sequence[str]]
_WORDS = re.compile(r"[\w]+|[^\s\w]")


@register_metric(
    "rouge_l",
    tasks=(CODE_SUMMARIZATION,),
    inputs=MetricInput.REFERENCES,
    unit="percent",
    source="rouge-score (RougeScorer 'rougeL', F-measure, no stemming; best reference)",
)
def rouge_l(predictions: Sequence[str], references: References) -> float:
    """ROUGE-L F-measure averaged over examples x100 (best over references)."""
    from rouge_score import rouge_scorer

    refs = reference_lists(predictions, references)
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
    total = sum(
        scorer.score_multi(r, p)["rougeL"].fmeasure for p, r in zip(predictions, refs, strict=True)
    )
    return 100.0 * float(total) / len(predictions)


def meteor_tokens(text: str) -> list[str]:
    """Lower-cased words and single punctuation marks (METEOR in NLTK takes tokens)."""
    return _WORDS.findall(text.lower())


@register_metric(
    "meteor",
    tasks=(CODE_SUMMARIZATION,),
    inputs=MetricInput.REFERENCES,
    unit="percent",
    source="nltk.translate.meteor_score (exact, Porter stem and WordNet 3.0 synonym stages)",
)
def meteor(predictions: Sequence[str], references: References) -> float:
    """METEOR (NLTK, alpha=0.9 beta=3 gamma=0.5) averaged over examples x100."""
    from nltk.translate.meteor_score import meteor_score

    from slr.evaluate.metrics.wordnet import wordnet_reader

    refs = reference_lists(predictions, references)
    wordnet = wordnet_reader()
    total = 0.0
    for pred, ref_list in zip(predictions, refs, strict=True):
        total += meteor_score(
            [meteor_tokens(r) for r in ref_list], meteor_tokens(pred), wordnet=wordnet
        )
    return 100.0 * total / len(predictions)


def _reference_streams(predictions: Sequence[str], references: References) -> list[list[str]]:
    """sacrebleu wants one stream per reference position; every example needs as many refs."""
    refs = reference_lists(predictions, references)
    counts = {len(r) for r in refs}
    if len(counts) != 1:
        raise EvaluationError(
            f"sacrebleu metrics need the same number of references per example; got {sorted(counts)}"
        )
    return [list(stream) for stream in zip(*refs, strict=True)]


@register_metric(
    "chrf",
    tasks=(CODE_SUMMARIZATION, CODE_TRANSLATION, CODE_GENERATION),
    inputs=MetricInput.REFERENCES,
    unit="percent",
    source="sacrebleu CHRF (corpus chrF, char order 6, beta 2)",
)
def chrf(predictions: Sequence[str], references: References) -> float:
    """Corpus-level chrF (sacrebleu defaults)."""
    from sacrebleu.metrics import CHRF  # type: ignore[attr-defined,unused-ignore]

    streams = _reference_streams(predictions, references)
    return float(CHRF().corpus_score(list(predictions), streams).score)


@register_metric(
    "bleu",
    tasks=(CODE_TRANSLATION, CODE_GENERATION),
    inputs=MetricInput.REFERENCES,
    unit="percent",
    source="sacrebleu BLEU (corpus BLEU-4, 13a tokenisation, no smoothing of corpus counts)",
)
def bleu(predictions: Sequence[str], references: References) -> float:
    """Corpus-level BLEU-4 (sacrebleu defaults)."""
    from sacrebleu.metrics import BLEU  # type: ignore[attr-defined,unused-ignore]

    streams = _reference_streams(predictions, references)
    return float(BLEU().corpus_score(list(predictions), streams).score)


@register_metric(
    "exact_match",
    tasks=(CODE_GENERATION, CODE_TRANSLATION),
    inputs=MetricInput.REFERENCES,
    unit="percent",
    source="CodeXGLUE convention: whitespace-token sequences equal (pred.split() == ref.split())",
)
def exact_match(predictions: Sequence[str], references: References) -> float:
    """Share of predictions equal to a reference up to whitespace, x100."""
    refs = reference_lists(predictions, references)
    hits = sum(
        any(p.split() == r.split() for r in ref_list)
        for p, ref_list in zip(predictions, refs, strict=True)
    )
    return 100.0 * hits / len(predictions)
