"""``verify``: a verdict per efficiency claim, written to ``reproductions/results/verdicts.json``.

A claim whose check spec (the claim, its model's architecture file, this module's version and
the measured runs) is unchanged keeps its stored verdict.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from slr.reproduce.results.models import MeasureResult
from slr.reproduce.results.verdict_models import EfficiencyVerdict, VerdictsDocument

CHECK_VERSION = 2  # bump when a check's computation changes (2: readings)


def check_spec(claim: Any, by_id: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a claim's check depends on (its hash decides whether it is re-computed): the claim,
    its models' architectures, and the claims its summary readings summarise."""
    from slr.reproduce.architectures import load_architectures

    archs = load_architectures()
    parts = [p for r in claim.readings if r.summary is not None for p in r.summary.of]
    claims = [claim] + [by_id[p] for p in parts if by_id and p in by_id]
    models = sorted({m for c in claims for m in c.models})
    return {
        "check_version": CHECK_VERSION,
        "claim": claim.model_dump(mode="json"),
        "summarised": [c.model_dump(mode="json") for c in claims[1:]],
        "architectures": {m: archs[m].model_dump(mode="json") for m in models if m in archs},
    }


def verify(
    root: Path | None = None,
    *,
    force: bool = False,
    on_claim: Callable[[str, str], None] | None = None,
) -> list[EfficiencyVerdict]:
    """Check every efficiency claim; write and return the verdicts (cached by spec hash)."""
    from slr.paths import project_root
    from slr.reproduce.claims import load_claims
    from slr.reproduce.results.store import load_results, read_verdicts, write_verdicts
    from slr.reproduce.runtime.manifest import manifest, spec_hash
    from slr.reproduce.verdicts.readings import check_with_readings

    stored = None if force else read_verdicts(root)
    previous = {v.claim: v for v in stored.verdicts} if stored is not None else {}
    runs = [r for r in load_results(root, kind="measure") if isinstance(r, MeasureResult)]
    run_hashes = sorted(r.spec_hash or "" for r in runs)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        claims = load_claims(root)
        by_id = {c.id: c for c in claims}
        for claim in claims:
            if claim.kind != "efficiency":
                continue
            h = spec_hash({"check": check_spec(claim, by_id), "runs": run_hashes})
            old = previous.get(claim.id)
            if old is not None and old.spec_hash == h:
                out.append(old)
                if on_claim:
                    on_claim(claim.id, "unchanged")
                continue
            record = check_with_readings(claim, runs, by_id).model_copy(update={"spec_hash": h})
            out.append(record)
            if on_claim:
                on_claim(claim.id, record.verdict)
    made = manifest(
        root or project_root(),
        device="cpu",
        dtype="n/a (meta device)",
        seeds={},
        spec={"check_version": CHECK_VERSION},
    )
    write_verdicts(VerdictsDocument.model_validate({"manifest": made, "verdicts": out}), root)
    return out
