"""Reading effectiveness results: ``effectiveness_frame(root)`` for the review's report.

Every ``reproductions/results/effectiveness/*.json`` written by
:func:`slr.reproduce.train.runner.run_spec` becomes one row per check. Imports pandas only (no
torch): the report can call it on the metadata path. Files of an unknown schema are skipped
with a warning, never half-read.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

COLUMNS = [
    "spec",
    "title",
    "claim",
    "claim_source",
    "statement",
    "relation",
    "tolerance",
    "arm",
    "arm_method",
    "arm_setup",
    "arm_trainable_percent",
    "baseline",
    "baseline_method",
    "metric",
    "arm_mean",
    "arm_std",
    "baseline_mean",
    "baseline_std",
    "diff_mean",
    "ci_low",
    "ci_high",
    "n_seeds",
    "floor",
    "verdict",
    "reason",
    "scale",
    "proxy",
    "model",
    "device",
    "commit",
    "dirty",
    "created",
    "file",
]


def results_dir(root: Path | None = None) -> Path:
    from slr.paths import reproductions_dir

    return reproductions_dir(root) / "results" / "effectiveness"


def load_results(root: Path | None = None) -> list[dict[str, Any]]:
    """The result documents (schema 1), sorted by file name."""
    out = []
    folder = results_dir(root)
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            warnings.warn(f"{path}: unreadable result ({err}); skipped", stacklevel=2)
            continue
        if not isinstance(doc, dict) or doc.get("schema") != 1:
            warnings.warn(
                f"{path}: unknown result schema {doc.get('schema')!r}; skipped", stacklevel=2
            )
            continue
        doc["_file"] = str(path)
        out.append(doc)
    return out


def effectiveness_frame(root: Path | None = None) -> Any:
    """One row per effectiveness check of every result file (pandas DataFrame).

    Columns: :data:`COLUMNS` - the claim and the arms compared, mean and std of both over the
    seeds, the paired difference with its 95 % interval, the verdict with its reason, and how it
    was made (scale, proxy flag, model, device, commit and dirty flag, time).
    """
    import pandas as pd

    rows = []
    for doc in load_results(root):
        manifest = doc.get("manifest", {})
        scale = doc.get("scale", {})
        device = manifest.get("device", {})
        setups = {a["name"]: a.get("setup", "") for a in doc.get("arms", [])}
        for c in doc.get("checks", []):
            rows.append(
                {
                    "spec": doc["spec_id"],
                    "title": doc.get("title", ""),
                    "claim": c["claim"],
                    "claim_source": c.get("claim_source"),
                    "statement": c.get("statement", ""),
                    "relation": c["relation"],
                    "tolerance": c["tolerance"],
                    "arm": c["arm"],
                    "arm_method": c["arm_method"],
                    "arm_setup": setups.get(c["arm"], ""),
                    "arm_trainable_percent": c.get("arm_trainable_percent_of_base"),
                    "baseline": c["baseline"],
                    "baseline_method": c["baseline_method"],
                    "metric": c["metric_key"],
                    "arm_mean": c["arm_mean"],
                    "arm_std": c["arm_std"],
                    "baseline_mean": c["baseline_mean"],
                    "baseline_std": c["baseline_std"],
                    "diff_mean": c["diff_mean"],
                    "ci_low": c["ci_low"],
                    "ci_high": c["ci_high"],
                    "n_seeds": c["n"],
                    "floor": c.get("floor"),
                    "verdict": c["verdict"],
                    "reason": c["reason"],
                    "scale": scale.get("description", ""),
                    "proxy": bool(scale.get("proxy", True)),
                    "model": scale.get("model", ""),
                    "device": device.get("gpu") or device.get("kind", ""),
                    "commit": manifest.get("git", {}).get("commit"),
                    "dirty": manifest.get("git", {}).get("dirty"),
                    "created": manifest.get("created"),
                    "file": doc["_file"],
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)
