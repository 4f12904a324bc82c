"""The reviewers' decisions about the published artifacts (``corpus/decisions.yaml``).

Three kinds, each with an id and a rationale: term mappings (how to read a fragment the taxonomy
cannot resolve), reconciliations (which value holds where the sources disagree) and overrides
(a correction of one coding field). :func:`load_decisions` reads and validates the file (every
problem with its line); :func:`apply_overrides` applies the overrides to the imported codings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from slr.corpus.schema import Coding, Decisions, EarlyCoding
from slr.errors import ValidationReport
from slr.validation import validate_document
from slr.yamlio import LINE, load_yaml


def load_decisions(path: Path) -> tuple[Decisions, dict[str, int | None]]:
    """The decisions file and the line of each decision id (no file: no decisions).

    Read with the located loader and validated whole (``extra="forbid"``): every problem of the
    file, and every decision id used twice, is reported together with its line."""
    doc = load_yaml(path) if path.exists() else {}
    doc = doc or {}
    report = ValidationReport()
    decisions = validate_document(Decisions, doc, file=path, what="decisions", report=report)
    seen: dict[str, int | None] = {}
    for key in ("term_mappings", "reconciliations", "overrides"):
        entries = doc.get(key) if isinstance(doc, dict) else None
        for raw in entries if isinstance(entries, list) else []:
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
                continue
            line = raw.get(LINE)
            if raw["id"] in seen:
                report.add(
                    path,
                    f"decision id '{raw['id']}' used twice (first at line {seen[raw['id']]})",
                    line=line,
                )
            seen[raw["id"]] = line
    report.raise_if_any("decisions")
    assert decisions is not None  # the report was raised otherwise
    return decisions, seen


def apply_overrides(
    decisions: Decisions,
    codings: list[Coding],
    early: list[EarlyCoding],
    report: ValidationReport,
    path: Path,
    lines: dict[str, int | None],
) -> tuple[list[Coding], list[EarlyCoding]]:
    """The codings with every override applied (each recorded in the coding's ``decisions``);
    an override naming no coding or no field is a problem in ``report``."""
    by_id = {("v3", c.coding_id): i for i, c in enumerate(codings)}
    by_id.update({("early", e.coding_id): i for i, e in enumerate(early)})
    for o in decisions.overrides:
        key = (o.coding_pass, o.coding)
        if key not in by_id:
            report.add(
                path,
                f"override {o.id}: no {o.coding_pass} coding '{o.coding}'",
                line=lines.get(o.id),
            )
            continue
        table: list[Any] = codings if o.coding_pass == "v3" else early
        rec = table[by_id[key]]
        if o.field not in type(rec).model_fields:
            report.add(
                path,
                f"override {o.id}: unknown field '{o.field}'",
                line=lines.get(o.id),
                fix=f"fields: {', '.join(type(rec).model_fields)}",
            )
            continue
        data = rec.model_dump()
        data[o.field] = o.value
        data["decisions"] = [*data["decisions"], o.id]
        table[by_id[key]] = type(rec).model_validate(data)
    return codings, early
