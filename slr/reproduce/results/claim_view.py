"""The results grouped by claim: each claim's own verdict, apart from its proxy verdicts.

A training run at a small scale (``scale.proxy``) gives **proxy verdicts**: they say what a
stand-in of the paper's set-up shows, never what the paper's set-up gives. So a claim's own
verdict is:

* efficiency claims: the verdict of ``slr reproduce verify`` (exact counts and the analytical
  model are the paper's scale), with the reading that decides it;
* effectiveness claims: "cannot be checked here" (with the registry's ``because``) until a check
  of it ran at the paper's scale (``proxy: false``); then the verdicts of those checks.

The proxy verdicts of a claim are combined per **reading** (:func:`proxy_by_reading`; a check
names the claim's reading it tests in ``reading:``, a check naming none holds under every
reading): a reading is supported when all its checks are, not supported when one is not; the
claim's proxy verdict is "supported" when some reading is (the first decides), "not supported"
only when every reading is not, "uninformative at this scale" when every reading is, and
"inconclusive at this scale" otherwise.

**Holm across specs.** A claim checked in several specs is one family: the one-sided p-values
of its tested checks (informative, enough seeds; a composite counts once) in every training result
at the same scale are Holm-corrected together (:func:`claim_wide_holm`), and the verdict shown is
the one this correction gives; ``spec_verdict`` keeps the verdict corrected within its spec only.

:func:`claim_verdicts_frame` has one row per claim of ``corpus/claims.yaml``;
:func:`checks_frame` one row per check (and composite) of every training result, with its floors,
interval, corrected p-values and whether it is a proxy verdict. pandas, pydantic and numpy only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from slr.reproduce.results.models import TrainResult
from slr.reproduce.results.store import load_result_files, read_verdicts
from slr.reproduce.train.statistics import ALPHA, MIN_SEEDS, holm
from slr.reproduce.train.verdict import INCONCLUSIVE, NOT_SUPPORTED, SUPPORTED, UNINFORMATIVE
from slr.reproduce.verdicts.readings import AS_ENCODED

UNCHECKABLE = "cannot be checked here"


STALE = "proxy verdict, judged before floors (t-interval over seeds, no floors): re-run"


def _floors_text(check: Any) -> str:
    if check.floors is None:
        return "not computed (result judged before issue 12)"
    return "; ".join(
        f"{f.name} {f.mean:.2f}{'' if f.beaten else ' (not beaten)'}" for f in check.floors
    )


def _verdict_of(proxy: bool, check: Any) -> str:
    if not check.judged_with_floors:
        return STALE if proxy else "paper-scale verdict, judged before floors: re-run"
    return "proxy verdict" if proxy else "paper-scale verdict"


def checks_frame(root: Path | str | None = None) -> Any:
    """One row per check and composite of every training result."""
    import pandas as pd

    path = Path(root) if root is not None else None
    rows: list[dict[str, Any]] = []
    for file, result in load_result_files(path, kind="train"):
        assert isinstance(result, TrainResult)
        proxy = bool(result.scale.proxy)
        common = {"spec": result.spec, "proxy": proxy, "scale": result.scale.description,
                  "seeds": len(result.seeds), "file": str(file)}  # fmt: skip
        for c in result.checks:
            rows.append({
                **common, "claim": c.claim, "check": c.statement, "part_of": c.composite,
                "reading": c.reading or AS_ENCODED,
                "arm": f"{c.arm} ({c.arm_method})", "baseline": f"{c.baseline} ({c.baseline_method})",
                "metric": c.metric_key, "relation": f"{c.relation} (tolerance {c.tolerance:g})",
                "arm_mean": c.arm_mean, "baseline_mean": c.baseline_mean, "diff": c.diff_mean,
                "ci_low": c.ci_low, "ci_high": c.ci_high, "items": c.n_items,
                "p_holm": c.p_supported_holm, "floors": _floors_text(c),
                "informative": c.informative, "verdict": c.verdict,
                "verdict_of": _verdict_of(proxy, c), "reason": c.reason,
                "tested": bool(c.composite is None and c.informative and c.n >= MIN_SEEDS
                               and c.p_supported is not None),
                "p_supported": c.p_supported, "p_not_supported": c.p_not_supported,
            })  # fmt: skip
        for comp in result.composites or []:
            parts = [result.checks[i] for i in comp.checks if i < len(result.checks)]
            rows.append({
                **common, "claim": comp.claim, "check": comp.statement, "part_of": None,
                "reading": next((p.reading for p in parts if p.reading), AS_ENCODED),
                "arm": "composite of checks " + ", ".join(map(str, comp.checks)),
                "p_holm": comp.p_supported_holm, "verdict": comp.verdict,
                "verdict_of": "proxy verdict" if proxy else "paper-scale verdict",
                "reason": comp.reason, "tested": comp.p_supported is not None,
                "p_supported": comp.p_supported, "p_not_supported": comp.p_not_supported,
            })  # fmt: skip
    return claim_wide_holm(pd.DataFrame(rows))


def claim_wide_holm(frame: Any) -> Any:
    """Holm over every tested check of a claim in every training result at the same scale.

    Adds ``spec_verdict`` (the stored verdict, Holm within its spec), ``claim_family`` (the size
    of the claim's family across specs), ``p_holm_claim`` / ``p_not_holm_claim`` (corrected over
    it); a tested check's ``verdict`` becomes the one the claim-wide correction gives. Holm over
    a larger family is never less strict, so a verdict can only move towards "inconclusive".
    """
    if frame.empty:
        return frame
    out = frame.copy()
    out["spec_verdict"] = out["verdict"]
    out["claim_family"] = None
    out["p_holm_claim"] = None
    out["p_not_holm_claim"] = None
    tested = out[out["tested"]]
    for _, group in tested.groupby(["claim", "proxy"], sort=False):
        yes = holm([float(p) for p in group["p_supported"]])
        no = holm([float(p) for p in group["p_not_supported"]])
        for (idx, row), y, n in zip(group.iterrows(), yes, no, strict=True):
            verdict = SUPPORTED if y < ALPHA else NOT_SUPPORTED if n < ALPHA else INCONCLUSIVE
            out.at[idx, "claim_family"] = len(group)
            out.at[idx, "p_holm_claim"] = y
            out.at[idx, "p_not_holm_claim"] = n
            out.at[idx, "verdict"] = verdict
            if len(group) > 1:
                out.at[idx, "reason"] = (
                    f"{row['reason']}; Holm over the claim's {len(group)} tested checks in every "
                    f"spec: p = {y:.3f} supported / {n:.3f} not -> {verdict}"
                )
    return out


def _own_effectiveness(checks: Any, because: str) -> tuple[str, str]:
    """(verdict, why) of an effectiveness claim from its paper-scale checks, if any."""
    if checks.empty or "proxy" not in checks or checks["proxy"].all():
        return UNCHECKABLE, because
    mine = checks[~checks["proxy"] & checks["part_of"].isna()]
    verdict = _combine(list(mine["verdict"]))
    why: dict[str, str] = {
        SUPPORTED: "every paper-scale check supports it",
        NOT_SUPPORTED: "a paper-scale check does not support it",
        UNINFORMATIVE: "no paper-scale check's baseline beats its floors",
    }
    return verdict, why.get(verdict, "the paper-scale checks do not decide")


def _combine(verdicts: list[str]) -> str:
    """The verdict of the checks of one reading, read as one statement (all must hold)."""
    if set(verdicts) == {SUPPORTED}:
        return SUPPORTED
    if NOT_SUPPORTED in verdicts:
        return NOT_SUPPORTED
    if set(verdicts) == {UNINFORMATIVE}:
        return UNINFORMATIVE
    return INCONCLUSIVE


def proxy_by_reading(proxies: Any, readings: list[str]) -> tuple[str, str | None, str]:
    """(proxy verdict, deciding reading, 'reading: verdict (n checks)'; ...) of one claim.

    ``proxies``: the claim's proxy rows of :func:`checks_frame`; parts of a composite count
    through their composite's row. A check naming no reading holds under every reading; one
    naming a reading only under it. Without named readings the one reading is "as encoded".
    ``readings``: the claim's documented reading names; one that no check names is listed as
    "no check of its own" and decides nothing.
    """
    if proxies is None or proxies.empty:
        return "", None, ""
    rows = proxies[proxies["part_of"].isna()].copy()
    if "verdict_of" in rows:  # a verdict judged before floors decides nothing
        stale = rows["verdict_of"].fillna("").str.contains("before floors")
        rows.loc[stale, "verdict"] = INCONCLUSIVE
    common = rows[rows["reading"] == AS_ENCODED]
    named = [n for n in dict.fromkeys(rows["reading"]) if n != AS_ENCODED]
    per: dict[str, tuple[str, int]] = {}
    for name in named or [AS_ENCODED]:
        mine = rows[(rows["reading"] == name) | (rows["reading"] == AS_ENCODED)]
        per[name] = (_combine(list(mine["verdict"])), len(mine))
    text = "; ".join(f"{n}: {v} ({k} check{'s' * (k != 1)}"
                     f"{f', {len(common)} of them common to every reading' if named and len(common) else ''})"
                     for n, (v, k) in per.items())  # fmt: skip
    text += "".join(f"; {n}: no check of its own" for n in readings if n not in per)
    verdicts = [v for v, _ in per.values()]
    deciding = next((n for n, (v, _) in per.items() if v == SUPPORTED), None)
    if deciding is not None:
        return SUPPORTED, deciding, text
    if all(v == NOT_SUPPORTED for v in verdicts):
        return NOT_SUPPORTED, None, text
    if all(v == UNINFORMATIVE for v in verdicts):
        return UNINFORMATIVE, None, text
    return INCONCLUSIVE, None, text


def _tally(values: Any) -> str:
    """'2 supported, 1 not supported': most frequent first, ties by name (hash-seed free)."""
    counts = sorted(values.value_counts().items(), key=lambda kv: (-kv[1], str(kv[0])))
    return ", ".join(f"{n} {v}" for v, n in counts)


def claim_verdicts_frame(root: Path | str | None = None) -> Any:
    """One row per claim: its status, its own verdict (and deciding reading), its proxies."""
    import pandas as pd

    from slr.reproduce.claims import load_claims

    path = Path(root) if root is not None else None
    stored = read_verdicts(path)
    efficiency = {v.claim: v for v in stored.verdicts} if stored is not None else {}
    checks = checks_frame(path)
    rows = []
    for c in load_claims(path):
        verdict: str
        mine = checks[checks["claim"] == c.id] if not checks.empty else checks
        proxies = mine[mine["proxy"]] if not mine.empty else mine
        if c.kind == "efficiency" and c.id in efficiency:
            v = efficiency[c.id]
            verdict, why, deciding = str(v.verdict), v.reason, v.deciding_reading
            readings = "; ".join(f"{r.name}: {r.verdict}" for r in v.readings)
        elif c.kind == "efficiency":
            verdict, why, deciding, readings = UNCHECKABLE, "not verified yet", None, ""
        else:
            verdict, why = _own_effectiveness(mine, c.because)
            deciding, readings = None, "; ".join(r.name for r in c.readings)
        if verdict == "cannot be checked":
            verdict = UNCHECKABLE
        proxy, proxy_reading, by_reading = proxy_by_reading(proxies, [r.name for r in c.readings])
        rows.append({
            "claim": c.id, "paper": c.paper, "kind": c.kind, "quote": c.quote, "where": c.where,
            "status": c.status, "verdict": verdict, "why": why, "deciding_reading": deciding,
            "readings": readings, "proxy_checks": len(proxies), "proxy_verdict": proxy,
            "proxy_deciding_reading": proxy_reading, "proxy_readings": by_reading,
            "proxy_verdicts": _tally(proxies["verdict"]) if len(proxies) else "",
            "artifact": f"{c.artifact.repo}@{c.artifact.commit[:8]}" if c.artifact else "",
        })  # fmt: skip
    return pd.DataFrame(rows)
