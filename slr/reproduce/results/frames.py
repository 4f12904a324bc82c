"""Results as tables for the report: one frame over every verdict, and its two views.

:func:`results_frame` has one row per verdict of either kind: an efficiency claim's verdict
(``kind: efficiency``, from ``verdicts.json``) or one check of an effectiveness claim
(``kind: effectiveness``, from the training results), with the claim first so rows group by claim.
:func:`verdicts_frame` and :func:`effectiveness_frame` are its two views, with the columns the
report has always read. pandas and pydantic only (no torch).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from slr.errors import SlrError
from slr.reproduce.results.models import TrainResult
from slr.reproduce.results.store import load_result_files, read_verdicts, verdicts_path

VERDICT_COLUMNS = [
    "claim", "paper", "task", "model", "method", "setup", "quantity", "reported", "predicted",
    "measured", "unit", "verdict", "basis", "reason", "indicative", "notes", "where",
]  # fmt: skip
EFFECTIVENESS_COLUMNS = [
    "spec", "title", "claim", "claim_source", "statement", "relation", "tolerance", "arm",
    "arm_method", "arm_setup", "arm_trainable_percent", "baseline", "baseline_method", "metric",
    "arm_mean", "arm_std", "baseline_mean", "baseline_std", "diff_mean", "ci_low", "ci_high",
    "n_seeds", "floor", "verdict", "reason", "scale", "proxy", "model", "device", "commit",
    "dirty", "created", "file",
]  # fmt: skip
COLUMNS = EFFECTIVENESS_COLUMNS  # the name the report used first


def _efficiency_rows(root: Path | None) -> list[dict[str, Any]] | None:
    document = read_verdicts(root)
    if document is None:
        return None
    return [v.model_dump(mode="json") for v in document.verdicts]


def _check_rows(result: TrainResult, file: str) -> list[dict[str, Any]]:
    manifest = result.manifest
    device = manifest.device
    setups = {a.name: a.setup for a in result.arms}
    return [
        {
            "spec": result.spec,
            "title": result.title,
            "claim": c.claim,
            "claim_source": c.claim_source,
            "statement": c.statement,
            "relation": c.relation,
            "tolerance": c.tolerance,
            "arm": c.arm,
            "arm_method": c.arm_method,
            "arm_setup": setups.get(c.arm, ""),
            "arm_trainable_percent": c.arm_trainable_percent_of_base,
            "baseline": c.baseline,
            "baseline_method": c.baseline_method,
            "metric": c.metric_key,
            "arm_mean": c.arm_mean,
            "arm_std": c.arm_std,
            "baseline_mean": c.baseline_mean,
            "baseline_std": c.baseline_std,
            "diff_mean": c.diff_mean,
            "ci_low": c.ci_low,
            "ci_high": c.ci_high,
            "n_seeds": c.n,
            "floor": c.floor,
            "verdict": c.verdict,
            "reason": c.reason,
            "scale": result.scale.description,
            "proxy": bool(result.scale.proxy),
            "model": result.scale.model,
            "device": device.get("gpu") or device.get("kind", ""),
            "commit": manifest.git.commit,
            "dirty": manifest.git.dirty,
            "created": manifest.created,
            "file": file,
        }
        for c in result.checks
    ]


def _effectiveness_rows(root: Path | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path, result in load_result_files(root, kind="train"):
        assert isinstance(result, TrainResult)
        rows.extend(_check_rows(result, str(path)))
    return rows


def results_frame(root: Path | str | None = None) -> Any:
    """One row per verdict of every kind: ``kind`` (efficiency / effectiveness), then ``claim``,
    then the columns of both views (empty where a kind has none)."""
    import pandas as pd

    path = Path(root) if root is not None else None
    efficiency = [{"kind": "efficiency", **r} for r in _efficiency_rows(path) or []]
    effectiveness = [{"kind": "effectiveness", **r} for r in _effectiveness_rows(path)]
    columns = ["kind", "claim"] + [
        c for c in [*VERDICT_COLUMNS, *EFFECTIVENESS_COLUMNS] if c != "claim"
    ]
    columns = list(dict.fromkeys(columns))
    return pd.DataFrame(efficiency + effectiveness, columns=columns)


def verdicts_frame(root: Path | str | None = None) -> Any:
    """The efficiency verdicts: one row per efficiency claim (:data:`VERDICT_COLUMNS`).

    Raises a clear error when ``slr reproduce verify`` has not been run.
    """
    import pandas as pd

    path = Path(root) if root is not None else None
    rows = _efficiency_rows(path)
    if rows is None:
        raise SlrError(f"{verdicts_path(path)} does not exist; run `slr reproduce verify` first")
    frame = pd.DataFrame(rows)
    for col in VERDICT_COLUMNS:
        if col not in frame:
            frame[col] = None
    return frame[VERDICT_COLUMNS]


def effectiveness_frame(root: Path | str | None = None) -> Any:
    """The effectiveness checks: one row per check of every training result.

    Columns: :data:`EFFECTIVENESS_COLUMNS` - the claim and the arms compared, mean and std of
    both over the seeds, the paired difference with its 95 % interval, the verdict with its
    reason, and how it was made (scale, proxy flag, model, device, commit and dirty flag, time).
    """
    import pandas as pd

    path = Path(root) if root is not None else None
    return pd.DataFrame(_effectiveness_rows(path), columns=EFFECTIVENESS_COLUMNS)
