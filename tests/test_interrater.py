"""Inter-rater statistics: one implementation each, checked on published and hand-made examples."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from slr.interrater import cohen_kappa, gwet_ac1, krippendorff_alpha, percent_agreement

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers,
# 12 units, nominal data with missing values ('.').
_KRIPPENDORFF_2011 = {
    "A": "1 2 3 3 2 1 4 1 2 . . .",
    "B": "1 2 3 3 2 2 4 1 2 5 . 3",
    "C": ". 3 3 3 2 3 4 2 2 5 1 .",
    "D": "1 2 3 3 2 4 4 1 2 5 1 .",
}


def _units(table: dict[str, str]) -> dict[str, list[str]]:
    units: dict[str, list[str]] = {}
    for values in table.values():
        for i, x in enumerate(values.split()):
            units.setdefault(str(i), [])
            if x != ".":
                units[str(i)].append(x)
    return units


def test_krippendorff_alpha_matches_the_published_example():
    # the paper gives alpha = 0.743 (nominal); the krippendorff package 0.9.0 gives 0.7434210526
    assert krippendorff_alpha(_units(_KRIPPENDORFF_2011)) == pytest.approx(0.7434210526)


def test_gwet_ac1_with_missing_ratings():
    # irrCAC 0.4.4 (Gwet's package), CAC(table).gwet() on the same table: pa 0.81818,
    # pe 0.19032, AC1 0.77544
    units = _units(_KRIPPENDORFF_2011)
    assert percent_agreement(units) == pytest.approx(0.8181818)
    assert gwet_ac1(units) == pytest.approx(0.77544, abs=1e-5)


def test_ac1_does_not_collapse_when_nearly_everything_is_excluded():
    # 100 works, two reviewers, 98 both exclude, 1 both include, 1 disagreement.
    a = ["exclude"] * 98 + ["include", "include"]
    b = ["exclude"] * 98 + ["include", "exclude"]
    units = {str(i): [x, y] for i, (x, y) in enumerate(zip(a, b, strict=True))}
    # by hand: p_a = 0.99; pi_include = (2 + 1) / 200 = 0.015, p_e = 2 * 0.015 * 0.985 = 0.02955;
    # AC1 = (0.99 - 0.02955) / (1 - 0.02955) = 0.98970
    assert gwet_ac1(units) == pytest.approx(0.98970, abs=1e-5)
    # kappa: p_e = 0.98 * 0.99 + 0.02 * 0.01 = 0.9704; (0.99 - 0.9704) / 0.0296 = 0.66216
    assert cohen_kappa(a, b) == pytest.approx(0.66216, abs=1e-5)


def test_degenerate_input_is_undefined_not_perfect():
    assert cohen_kappa(["exclude"] * 5, ["exclude"] * 5) is None
    assert krippendorff_alpha({"w1": ["exclude", "exclude"], "w2": ["exclude"]}) is None
    assert gwet_ac1({"w1": ["exclude"]}) is None  # nobody rated a work twice
    assert cohen_kappa(["a"], ["b"]) is None  # one unit


def test_units_rated_once_do_not_count_for_alpha():
    pairs = {"w1": ["include", "include"], "w2": ["exclude", "exclude"], "w3": ["include"]}
    assert krippendorff_alpha(pairs) == pytest.approx(1.0)
    assert krippendorff_alpha({**pairs, "w4": ["exclude"]}) == pytest.approx(1.0)


@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("abc")), min_size=2, max_size=40))
def test_kappa_is_sklearn_kappa(pairs):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    ours = cohen_kappa(a, b)
    if ours is None:
        assert len(set(a) | set(b)) == 1 or len(set(a)) == len(set(b)) == 1
    else:
        assert ours == pytest.approx(cohen_kappa_score(a, b))
