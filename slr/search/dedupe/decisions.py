"""The decisions file: 'duplicate' / 'not duplicate' per pair, overriding the rules."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from slr.errors import ValidationReport

_DECISION_VALUES = {
    "duplicate": "duplicate",
    "dup": "duplicate",
    "same": "duplicate",
    "not duplicate": "not duplicate",
    "not-duplicate": "not duplicate",
    "not_duplicate": "not duplicate",
    "distinct": "not duplicate",
    "different": "not duplicate",
}


@dataclass(frozen=True)
class PairDecision:
    record_id_a: str
    record_id_b: str
    decision: Literal["duplicate", "not duplicate"]
    line: int
    reviewer: str = ""


def read_dedupe_decisions(
    path: str | Path, known_ids: Iterable[str] | None = None
) -> list[PairDecision]:
    """Read a decisions file; rows with an empty decision are skipped (still undecided).

    The review file written by ``slr dedupe --review`` is a valid decisions file once its
    ``decision`` column is filled in.
    """
    import difflib

    from slr.search.encoding import read_text

    path = Path(path)
    text = read_text(path).text
    rows = csv.DictReader(text.splitlines())
    problems = ValidationReport()
    need = {"record_id_a", "record_id_b", "decision"}
    if rows.fieldnames is None or not need <= {f.strip() for f in rows.fieldnames}:
        problems.add(
            path,
            f"header must have columns {sorted(need)}; found {rows.fieldnames}",
            line=1,
            fix="start from the review file written by `slr dedupe --review`",
        )
        problems.raise_if_any("deduplication decisions")
    known = set(known_ids) if known_ids is not None else None
    out: list[PairDecision] = []
    seen: dict[frozenset[str], tuple[int, str]] = {}
    for i, row in enumerate(rows, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        raw = row.get("decision", "")
        if not raw:
            continue
        decision = _DECISION_VALUES.get(raw.casefold())
        bad = decision is None
        if decision is None:
            problems.add(
                path,
                f"unknown decision {raw!r}",
                line=i,
                column="decision",
                fix="write 'duplicate' or 'not duplicate' (or leave it empty)",
            )
        a, b = row.get("record_id_a", ""), row.get("record_id_b", "")
        for col, rid in (("record_id_a", a), ("record_id_b", b)):
            if known is not None and rid not in known:
                close = difflib.get_close_matches(rid, list(known), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "check the records file"
                problems.add(path, f"unknown record id {rid!r}", line=i, column=col, fix=hint)
                bad = True
        if a == b:
            problems.add(path, f"a record paired with itself ({a!r})", line=i)
            bad = True
        if bad or decision is None:
            continue
        key = frozenset((a, b))
        if key in seen and seen[key][1] != decision:
            problems.add(
                path,
                f"pair {a} / {b} decided '{decision}' here and '{seen[key][1]}' "
                f"at line {seen[key][0]}",
                line=i,
                fix="keep one decision per pair",
            )
            continue
        seen[key] = (i, decision)
        out.append(PairDecision(a, b, decision, i, row.get("reviewer", "")))  # type: ignore[arg-type]
    problems.raise_if_any("deduplication decisions")
    return out
