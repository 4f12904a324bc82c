"""Registry-wide checks of ``corpus/claims.yaml``: readings, summaries, coverage of the papers.

Run by :func:`slr.reproduce.claims.load_claims` after each claim validated on its own; every
problem goes to the one :class:`~slr.errors.ValidationReport` with the claim's line:

* a reading's ``fields`` must name fields of :class:`~slr.reproduce.claims.Claim` (not ``id``,
  ``paper`` or ``readings``), and the claim read that way must still validate;
* a ``summary`` reading summarises existing efficiency claims of the same quantity;
* every paper of the review's selection has a claim or a ``no_claims:`` record, never both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from slr.errors import ValidationReport
from slr.reproduce.claim_parts import NoClaim
from slr.validation import validate_item
from slr.yamlio import pop_line, strip_lines

FIXED = frozenset({"id", "paper", "readings", "status", "because", "checks", "quote"})


def no_claim_records(raw: Any, path: Path, report: ValidationReport) -> list[NoClaim]:
    """The ``no_claims:`` list, each record validated with its line."""
    if not isinstance(raw, list):
        report.add(path, "no_claims: must be a list", fix="a list of {paper, because, read}")
        return []
    out = []
    for item in raw:
        if not isinstance(item, dict):
            report.add(path, f"each no_claims record must be a mapping, got {item!r}")
            continue
        item = dict(item)
        line = pop_line(item)
        rec = validate_item(
            NoClaim, strip_lines(item), report=report, file=path, line=line, what="no_claims"
        )
        if rec is not None:
            out.append(rec)
    return out


def registry_problems(
    claims: list[Any],
    none: list[NoClaim],
    lines: dict[str, int | None],
    papers: set[str] | None,
    path: Path,
    report: ValidationReport,
) -> None:
    from slr.reproduce.claims import Claim

    by_id = {c.id: c for c in claims}
    known = set(Claim.model_fields) - FIXED
    for c in claims:
        line = lines.get(c.id)
        for r in c.readings:
            unknown = sorted(set(r.fields) - known)
            if unknown:
                report.add(
                    path,
                    f"claim '{c.id}', reading '{r.name}': unknown field(s) {unknown}",
                    line=line,
                    fix=f"a reading overrides claim fields: {', '.join(sorted(known))}",
                )
                continue
            if r.fields:
                try:
                    c.reading(r)
                except ValidationError as err:
                    msgs = "; ".join(
                        f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors()
                    )
                    report.add(path, f"claim '{c.id}', reading '{r.name}': {msgs}", line=line)
            if r.summary is not None:
                _summary_problems(c, r, by_id, path, line, report)
    if papers is not None:
        _coverage_problems(claims, none, papers, path, report)


def _coverage_problems(
    claims: list[Any], none: list[NoClaim], papers: set[str], path: Path, report: ValidationReport
) -> None:
    """Every paper of the selection has claims or a no_claims record, never both."""
    with_claims = {c.paper for c in claims}
    for rec in none:
        if rec.paper in with_claims:
            report.add(
                path,
                f"no_claims lists {rec.paper}, which has claims",
                fix="drop the no_claims record or its claims",
            )
    missing = sorted(papers - with_claims - {r.paper for r in none}, key=lambda p: int(p[1:]))
    if missing:
        report.add(
            path,
            f"papers with neither a claim nor a no_claims record: {', '.join(missing)}",
            fix="add their claims, or a no_claims record saying what was read and why none",
        )


def _summary_problems(
    c: Any, r: Any, by_id: dict[str, Any], path: Path, line: int | None, report: ValidationReport
) -> None:
    for other in r.summary.of:
        part = by_id.get(other)
        if part is None:
            report.add(
                path, f"claim '{c.id}', reading '{r.name}': unknown claim '{other}'", line=line
            )
        elif part.kind != "efficiency" or part.quantity != c.quantity:
            report.add(
                path,
                f"claim '{c.id}', reading '{r.name}': '{other}' is not an efficiency claim of "
                f"quantity {c.quantity}",
                line=line,
            )
