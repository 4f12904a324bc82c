"""The claim view's two combinations across checks: Holm over a claim's checks in every spec,
and the proxy verdict over a claim's readings (slr.reproduce.results.claim_view)."""

from __future__ import annotations

import pandas as pd

from slr.reproduce.results.claim_view import AS_ENCODED, claim_wide_holm, proxy_by_reading


def _row(spec, claim, verdict, p_yes, p_no, *, tested=True, reading=AS_ENCODED, proxy=True):
    return {"spec": spec, "claim": claim, "proxy": proxy, "part_of": None, "reading": reading,
            "verdict": verdict, "reason": "stored", "tested": tested,
            "p_supported": p_yes, "p_not_supported": p_no}  # fmt: skip


def test_holm_runs_over_the_claims_checks_in_every_spec():
    """Two checks of one claim in two specs, each supported at p = 0.03 in its own spec: over
    the family of 2, Holm gives 0.06 for both, so neither is supported any more; a check of
    another claim, an untested check and a paper-scale check stay out of the family."""
    frame = pd.DataFrame([
        _row("a", "C", "supported", 0.03, 0.9),
        _row("b", "C", "supported", 0.03, 0.9),
        _row("b", "C", "uninformative at this scale", None, None, tested=False),
        _row("b", "C", "supported", 0.01, 0.9, proxy=False),
        _row("a", "D", "supported", 0.03, 0.9),
    ])  # fmt: skip
    out = claim_wide_holm(frame)
    assert list(out["spec_verdict"]) == list(frame["verdict"])
    assert list(out["claim_family"]) == [2, 2, None, 1, 1]
    assert abs(out.loc[0, "p_holm_claim"] - 0.06) < 1e-12
    assert list(out["verdict"]) == [
        "inconclusive at this scale",
        "inconclusive at this scale",
        "uninformative at this scale",
        "supported",
        "supported",
    ]
    assert "Holm over the claim's 2 tested checks in every spec" in out.loc[0, "reason"]
    assert out.loc[4, "reason"] == "stored"  # a family of one: nothing to add


def test_holm_keeps_a_contrary_verdict_that_survives_the_larger_family():
    frame = pd.DataFrame([
        _row("a", "C", "not supported", 0.99, 0.001),
        _row("b", "C", "inconclusive at this scale", 0.4, 0.3),
    ])  # fmt: skip
    out = claim_wide_holm(frame)
    assert list(out["verdict"]) == ["not supported", "inconclusive at this scale"]


def _proxies(*rows):
    return pd.DataFrame([{"part_of": None, **r} for r in rows])


def test_a_claim_is_supported_when_one_reading_is_and_the_reading_is_named():
    """Checks naming no reading hold under every reading: 'head trained' = common + its own."""
    proxies = _proxies(
        {"reading": AS_ENCODED, "verdict": "supported"},
        {"reading": "head frozen", "verdict": "not supported"},
        {"reading": "head trained", "verdict": "supported"},
    )
    verdict, deciding, text = proxy_by_reading(proxies, ["head frozen", "head trained", "other"])
    assert (verdict, deciding) == ("supported", "head trained")
    assert "head frozen: not supported (2 checks, 1 of them common to every reading)" in text
    assert "other: no check of its own" in text


def test_not_supported_only_when_no_reading_matches():
    one_open = _proxies(
        {"reading": "a", "verdict": "not supported"},
        {"reading": "b", "verdict": "inconclusive at this scale"},
    )
    assert proxy_by_reading(one_open, ["a", "b"])[0] == "inconclusive at this scale"
    none_match = _proxies(
        {"reading": "a", "verdict": "not supported"},
        {"reading": "b", "verdict": "not supported"},
    )
    assert proxy_by_reading(none_match, ["a", "b"])[:2] == ("not supported", None)
    # a common check that fails fails every reading
    common = _proxies(
        {"reading": AS_ENCODED, "verdict": "not supported"},
        {"reading": "a", "verdict": "supported"},
    )
    assert proxy_by_reading(common, ["a"])[0] == "not supported"


def test_uninformative_readings_and_composite_parts():
    """Every reading uninformative: uninformative; a composite's parts count through its row."""
    proxies = _proxies(
        {"reading": AS_ENCODED, "verdict": "uninformative at this scale"},
        {"reading": AS_ENCODED, "verdict": "supported", "part_of": "best"},
    )
    assert proxy_by_reading(proxies, [])[0] == "uninformative at this scale"
    assert proxy_by_reading(pd.DataFrame(), []) == ("", None, "")


def test_a_verdict_judged_before_floors_decides_nothing():
    proxies = _proxies(
        {"reading": AS_ENCODED, "verdict": "supported", "verdict_of": "proxy verdict, judged "
         "before floors (t-interval over seeds, no floors): re-run"},
    )  # fmt: skip
    assert proxy_by_reading(proxies, [])[0] == "inconclusive at this scale"
