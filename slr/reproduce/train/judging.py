"""From the finished jobs of a training spec to its checks' and composites' verdicts.

Per check: the per-item statistics of both arms per seed, the floors on the same items (the
trivial outputs of :mod:`~slr.reproduce.train.floors` and the untuned model per seed), the
assessment (:func:`~slr.reproduce.train.verdict.assess`); then, per claim, the Holm correction
over its tested checks (a composite statement counts once, its parts not separately), and the
verdicts (:func:`~slr.reproduce.train.verdict.decide`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from slr.reproduce.results.models import CheckResult, CompositeResult, FloorResult
from slr.reproduce.specs import CheckSpec, split_metric_key
from slr.reproduce.train.floors import UNTUNED, describe_constant, trivial_floors
from slr.reproduce.train.preflight import Preflight
from slr.reproduce.train.statistics import ALPHA, MIN_SEEDS, composite_p, holm
from slr.reproduce.train.verdict import (
    INCONCLUSIVE,
    NOT_SUPPORTED,
    SUPPORTED,
    UNINFORMATIVE,
    Assessment,
    assess,
    decide,
    mean_std,
)

PerArm = dict[str, dict[int, dict[str, Any]]]  # arm -> seed -> {"metrics", "item_stats"}


def per_arm(results: list[dict[str, Any]]) -> PerArm:
    """arm -> seed -> merged metrics and per-item statistics of its jobs."""
    out: PerArm = {}
    for r in results:
        slot = out.setdefault(r["arm"], {}).setdefault(r["seed"], {"metrics": {}, "stats": {}})
        slot["metrics"].update(r["metrics"])
        slot["stats"].update(r.get("item_stats", {}))
    return out


@dataclass
class _Member:
    """A member of a claim's Holm family: one check, or one composite."""

    key: str
    p_supported: float
    p_not_supported: float


def _stats(arm: dict[int, dict[str, Any]], key: str) -> dict[int, np.ndarray]:
    return {s: np.asarray(v["stats"][key]) for s, v in arm.items() if key in v["stats"]}


def _floors(
    pf: Preflight, task_key: str, metric: str, seeds: list[int], untuned: dict[Any, Any]
) -> dict[str, dict[int, np.ndarray]]:
    data = pf.data[task_key]
    fixed = trivial_floors(metric, data.kind, data.splits)
    floors = {name: {s: stats for s in seeds} for name, stats in fixed.items()}
    key = f"{task_key}:{metric}"
    model = {
        s: np.asarray(untuned[(task_key, s)]["item_stats"][key])
        for s in seeds
        if (task_key, s) in untuned
    }
    if model:
        floors[UNTUNED] = model
    return floors


def judge_checks(
    pf: Preflight, results: list[dict[str, Any]], untuned: dict[Any, Any]
) -> tuple[list[CheckResult], list[CompositeResult]]:
    """Every check's and composite's result, Holm-corrected per claim."""
    arms = per_arm(results)
    spec = pf.spec
    assessed: list[tuple[CheckSpec, str, Assessment]] = []
    for i, check in enumerate(spec.checks):
        task_key, metric = split_metric_key(check.metric, spec)
        key = f"{task_key}:{metric}"
        a_stats = _stats(arms.get(check.arm, {}), key)
        b_stats = _stats(arms.get(check.baseline, {}), key)
        seeds = sorted(set(a_stats) & set(b_stats))
        floors = _floors(pf, task_key, metric, seeds, untuned)
        a = assess(
            metric,
            check.relation,
            check.tolerance,
            a_stats,
            b_stats,
            floors,
            key=f"{pf.loaded.name}|{i}|{check.arm}|{check.baseline}|{key}",
        )
        assessed.append((check, key, a))
    corrected = _corrected(spec, assessed)
    checks = [
        _check_result(pf, i, check, key, a, arms, corrected)
        for i, (check, key, a) in enumerate(assessed)
    ]
    composites = [_composite_result(spec, c.name, assessed, corrected) for c in spec.composites]
    return checks, composites


def _members(
    spec: Any, assessed: list[tuple[CheckSpec, str, Assessment]]
) -> dict[str, list[_Member]]:
    """claim -> its Holm family (tested checks outside composites, and composites)."""
    family: dict[str, list[_Member]] = {}
    for i, (check, _, a) in enumerate(assessed):
        if check.composite is None and a.tested:
            assert a.p_supported is not None and a.p_not_supported is not None
            family.setdefault(check.claim, []).append(
                _Member(f"check:{i}", a.p_supported, a.p_not_supported)
            )
    for comp in spec.composites:
        parts = [(c, a) for c, _, a in assessed if c.composite == comp.name]
        if parts and all(a.tested for _, a in parts):
            p = composite_p([(a.p_supported, a.p_not_supported) for _, a in parts])  # type: ignore[misc]
            family.setdefault(parts[0][0].claim, []).append(_Member(f"composite:{comp.name}", *p))
    return family


def _corrected(
    spec: Any, assessed: list[tuple[CheckSpec, str, Assessment]]
) -> dict[str, tuple[float, float, float, float, int]]:
    """member key -> (p supported, p not supported, both Holm-corrected, family size)."""
    out = {}
    for members in _members(spec, assessed).values():
        yes = holm([m.p_supported for m in members])
        no = holm([m.p_not_supported for m in members])
        for m, y, n in zip(members, yes, no, strict=True):
            out[m.key] = (m.p_supported, m.p_not_supported, y, n, len(members))
    return out


def _check_result(
    pf: Preflight,
    i: int,
    check: CheckSpec,
    key: str,
    a: Assessment,
    arms: PerArm,
    corrected: dict[str, tuple[float, float, float, float, int]],
) -> CheckResult:
    member = corrected.get(f"check:{i}")
    if check.composite is not None:  # a part: its own (uncorrected) p-values, for reading
        p_yes, p_no, family = a.p_supported, a.p_not_supported, None
    elif member is not None:
        _, _, p_yes, p_no, family = member
    else:
        p_yes = p_no = family = None
    verdict, reason = decide(a, check.relation, check.tolerance, p_yes, p_no)
    if check.composite is not None and verdict not in (UNINFORMATIVE, INCONCLUSIVE):
        reason += f" (uncorrected: a part of composite '{check.composite}', judged as one)"
    a_vals = [m["metrics"][key] for m in arms.get(check.arm, {}).values() if key in m["metrics"]]
    b_vals = [
        m["metrics"][key] for m in arms.get(check.baseline, {}).values() if key in m["metrics"]
    ]
    a_mean, a_std = mean_std(a_vals) if a_vals else (None, None)
    b_mean, b_std = mean_std(b_vals) if b_vals else (None, None)
    diffs = _paired(arms, check, key)
    arm_counts = pf.arms[check.arm].counts
    task_key = key.partition(":")[0]
    data = pf.data[task_key]
    return CheckResult(
        **check.model_dump(exclude={"composite"}),
        composite=check.composite,
        claim_source=pf.claims.get(check.claim),
        metric_key=key,
        arm_method=pf.arms[check.arm].method.method,
        baseline_method=pf.arms[check.baseline].method.method,
        arm_mean=a_mean,
        arm_std=a_std,
        baseline_mean=b_mean,
        baseline_std=b_std,
        floor=max((f.mean for f in a.floors), default=None),
        arm_trainable_percent_of_base=float(
            arm_counts[next(iter(arm_counts))]["method_trainable_percent_of_base"]
        ),
        verdict=verdict,
        reason=reason,
        n=a.seeds,
        diff_mean=a.diff,
        diff_std=mean_std(diffs)[1] if diffs else None,
        ci_low=a.ci[0] if a.ci else None,
        ci_high=a.ci[1] if a.ci else None,
        n_items=a.items,
        interval="95% percentile interval, paired bootstrap over test items x seeds",
        p_supported=a.p_supported,
        p_not_supported=a.p_not_supported,
        p_supported_holm=member[2] if member else None,
        p_not_supported_holm=member[3] if member else None,
        holm_family=family,
        floors=[FloorResult(**f.as_dict()) for f in a.floors],
        informative=a.informative if a.seeds else None,
        constant_output=describe_constant(data.kind, data.splits),
    )


def _paired(arms: PerArm, check: CheckSpec, key: str) -> list[float]:
    a, b = arms.get(check.arm, {}), arms.get(check.baseline, {})
    return [
        a[s]["metrics"][key] - b[s]["metrics"][key]
        for s in sorted(set(a) & set(b))
        if key in a[s]["metrics"] and key in b[s]["metrics"]
    ]


def _composite_result(
    spec: Any,
    name: str,
    assessed: list[tuple[CheckSpec, str, Assessment]],
    corrected: dict[str, tuple[float, float, float, float, int]],
) -> CompositeResult:
    comp = next(c for c in spec.composites if c.name == name)
    idx = [i for i, (c, _, _) in enumerate(assessed) if c.composite == name]
    parts = [assessed[i][2] for i in idx]
    claim = assessed[idx[0]][0].claim
    member = corrected.get(f"composite:{name}")
    if any(a.seeds < MIN_SEEDS for a in parts):
        verdict, reason = INCONCLUSIVE, f"fewer than {MIN_SEEDS} seeds in a part"
    elif not all(a.informative for a in parts):
        verdict = UNINFORMATIVE
        reason = "a part's baseline does not beat its floors: " + "; ".join(
            f"part {i}" for i, a in zip(idx, parts, strict=True) if not a.informative
        )
    else:
        assert member is not None
        _, _, p_yes, p_no, k = member
        tests = f"p = {p_yes:.3f} every part / {p_no:.3f} some part fails (Holm over {k})"
        if p_yes < ALPHA:
            verdict, reason = SUPPORTED, f"every part holds; {tests}"
        elif p_no < ALPHA:
            verdict, reason = NOT_SUPPORTED, f"some part fails; {tests}"
        else:
            verdict, reason = INCONCLUSIVE, f"cannot tell; {tests}"
    return CompositeResult(
        name=name,
        claim=claim,
        statement=comp.statement,
        checks=idx,
        verdict=verdict,
        reason=reason,
        p_supported=member[0] if member else None,
        p_not_supported=member[1] if member else None,
        p_supported_holm=member[2] if member else None,
        p_not_supported_holm=member[3] if member else None,
        holm_family=member[4] if member else None,
    )
