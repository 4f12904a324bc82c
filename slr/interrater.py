"""Inter-rater agreement statistics: Cohen's kappa, Krippendorff's alpha, Gwet's AC1.

One implementation of each, used by the coding agreement (:mod:`slr.agreement`) and by screening
(:mod:`slr.search.screen.agreement`). Ratings are nominal labels. ``ratings`` maps each unit (a
work, a coding row) to the labels its raters gave, one per rater; a rater who did not see a unit
simply has no label there, so the statistics stay valid when raters saw overlapping but
different subsets (as prioritised screening produces).

* Cohen's kappa (Cohen 1960): two raters, units both rated; ``(p_o - p_e) / (1 - p_e)`` with
  chance agreement from each rater's own marginals.
* Krippendorff's alpha, nominal (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"):
  ``1 - D_o / D_e`` from the coincidence matrix of all pairable values; any number of raters,
  missing values allowed, units with a single value are not pairable and are left out.
* Gwet's AC1 (Gwet 2008, Br. J. Math. Stat. Psychol. 61:29-48; 2014, Handbook of inter-rater
  reliability, ch. 4 for missing ratings): chance agreement ``sum_k pi_k (1 - pi_k) / (q - 1)``,
  which stays small when nearly every unit falls in one category, where kappa and alpha collapse.

Each returns ``None`` where the statistic is undefined (fewer than two pairable units' values, a
single category in use): a number would be a made-up value.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

Ratings = Mapping[str, Sequence[str]]


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two raters' labels on the same units (None when undefined).

    Undefined: fewer than two units, or a single label used by both raters (then chance
    agreement is 1). The tests check it equals scikit-learn's ``cohen_kappa_score``.
    """
    if len(a) != len(b):
        raise ValueError("both raters need a label for every unit")
    n = len(a)
    labels = sorted(set(a) | set(b))  # a fixed order: the float sum must not vary by hash seed
    if n < 2 or len(labels) < 2:
        return None
    p_o = sum(x == y for x, y in zip(a, b, strict=True)) / n
    count_a, count_b = Counter(a), Counter(b)
    p_e = math.fsum((count_a[lab] / n) * (count_b[lab] / n) for lab in labels)
    if p_e == 1.0:
        return None
    return (p_o - p_e) / (1 - p_e)


def krippendorff_alpha(ratings: Ratings) -> float | None:
    """Krippendorff's alpha for nominal labels, with missing ratings allowed."""
    pairable = [Counter(values) for values in ratings.values() if len(values) >= 2]
    coincidence: defaultdict[tuple[str, str], float] = defaultdict(float)
    for counts in pairable:
        m = sum(counts.values())
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                coincidence[(c, k)] += pairs / (m - 1)
    totals: defaultdict[str, float] = defaultdict(float)
    for (c, _k), value in coincidence.items():
        totals[c] += value
    n = sum(totals.values())
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if n < 2 or expected == 0:
        return None
    observed = sum(v for (c, k), v in coincidence.items() if c != k)
    return 1 - (n - 1) * observed / expected


def gwet_ac1(ratings: Ratings, categories: Sequence[str] | None = None) -> float | None:
    """Gwet's AC1 for nominal labels, with missing ratings allowed.

    ``categories`` is the rating scale (its size ``q`` enters the chance agreement); by default
    the labels in use. Undefined with fewer than two categories or no unit rated twice.
    """
    rated = [Counter(values) for values in ratings.values() if len(values) >= 1]
    scale = list(categories) if categories is not None else sorted({c for r in rated for c in r})
    q = len(scale)
    pairable = [r for r in rated if sum(r.values()) >= 2]
    if q < 2 or not pairable:
        return None
    p_a = 0.0
    for counts in pairable:
        m = sum(counts.values())
        p_a += sum(n_k * (n_k - 1) for n_k in counts.values()) / (m * (m - 1))
    p_a /= len(pairable)
    pi = {k: sum(r[k] / sum(r.values()) for r in rated) / len(rated) for k in scale}
    p_e = sum(p * (1 - p) for p in pi.values()) / (q - 1)
    if p_e == 1.0:
        return None
    return (p_a - p_e) / (1 - p_e)


def percent_agreement(ratings: Ratings) -> float | None:
    """Share of agreeing pairs of labels among units rated at least twice."""
    agree = pairs = 0.0
    for values in ratings.values():
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        agree += sum(n * (n - 1) for n in counts.values()) / (m * (m - 1))
        pairs += 1
    return agree / pairs if pairs else None
