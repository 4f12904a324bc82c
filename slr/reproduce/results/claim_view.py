"""The results grouped by claim: each claim's own verdict, apart from its proxy verdicts.

A training run at a small scale (``scale.proxy``) gives **proxy verdicts**: they say what a
stand-in of the paper's set-up shows, never what the paper's set-up gives. So a claim's own
verdict is:

* efficiency claims: the verdict of ``slr reproduce verify`` (exact counts and the analytical
  model are the paper's scale), with the reading that decides it;
* effectiveness claims: "cannot be checked here" (with the registry's ``because``) until a check
  of it ran at the paper's scale (``proxy: false``); then the verdicts of those checks.

:func:`claim_verdicts_frame` has one row per claim of ``corpus/claims.yaml``;
:func:`checks_frame` one row per check (and composite) of every training result, with its floors,
interval, corrected p-values and whether it is a proxy verdict. pandas and pydantic only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from slr.reproduce.results.models import TrainResult
from slr.reproduce.results.store import load_result_files, read_verdicts

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
                "arm": f"{c.arm} ({c.arm_method})", "baseline": f"{c.baseline} ({c.baseline_method})",
                "metric": c.metric_key, "relation": f"{c.relation} (tolerance {c.tolerance:g})",
                "arm_mean": c.arm_mean, "baseline_mean": c.baseline_mean, "diff": c.diff_mean,
                "ci_low": c.ci_low, "ci_high": c.ci_high, "items": c.n_items,
                "p_holm": c.p_supported_holm, "floors": _floors_text(c),
                "informative": c.informative, "verdict": c.verdict,
                "verdict_of": _verdict_of(proxy, c), "reason": c.reason,
            })  # fmt: skip
        for comp in result.composites or []:
            rows.append({
                **common, "claim": comp.claim, "check": comp.statement, "part_of": None,
                "arm": "composite of checks " + ", ".join(map(str, comp.checks)),
                "p_holm": comp.p_supported_holm, "verdict": comp.verdict,
                "verdict_of": "proxy verdict" if proxy else "paper-scale verdict",
                "reason": comp.reason,
            })  # fmt: skip
    return pd.DataFrame(rows)


def _own_effectiveness(checks: Any, because: str) -> tuple[str, str]:
    """(verdict, why) of an effectiveness claim from its paper-scale checks, if any."""
    if checks.empty or "proxy" not in checks or checks["proxy"].all():
        return UNCHECKABLE, because
    mine = checks[~checks["proxy"] & checks["part_of"].isna()]
    verdicts = set(mine["verdict"])
    if verdicts == {"supported"}:
        return "supported", "every paper-scale check supports it"
    if "not supported" in verdicts:
        return "not supported", "a paper-scale check does not support it"
    return "inconclusive at this scale", "the paper-scale checks do not decide"


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
        rows.append({
            "claim": c.id, "paper": c.paper, "kind": c.kind, "quote": c.quote, "where": c.where,
            "status": c.status, "verdict": verdict, "why": why, "deciding_reading": deciding,
            "readings": readings, "proxy_checks": len(proxies),
            "proxy_verdicts": _tally(proxies["verdict"]) if len(proxies) else "",
            "artifact": f"{c.artifact.repo}@{c.artifact.commit[:8]}" if c.artifact else "",
        })  # fmt: skip
    return pd.DataFrame(rows)
