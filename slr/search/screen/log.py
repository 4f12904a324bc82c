"""The screening log (``screening_log.csv``): an append-only record of decisions.

One row per decision: ``stage, record_id, decision, reasons, reviewer, role, timestamp, note``.
Rows are only ever appended; a corrected decision is a new row (a reviewer's latest row wins). A
decision about any record of a work (a cluster of duplicates) is a decision about the work.

Final decision of a work at a stage: the latest decision of an adjudicator (``role`` =
``adjudicator``) if any; else the reviewers' latest decisions when they agree; else a conflict.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from slr.errors import ConfigError, ValidationReport, display_path
from slr.search.screen.criteria import DECISIONS, Criteria, Decision, Stage, parse_stage

LOG_COLUMNS = ["stage", "record_id", "decision", "reasons", "reviewer", "role", "timestamp", "note"]


@dataclass(frozen=True)
class LogEntry:
    stage: Stage
    record_id: str
    decision: Decision
    reasons: tuple[str, ...] = ()
    reviewer: str = ""
    role: Literal["reviewer", "adjudicator"] = "reviewer"
    timestamp: str = ""
    note: str = ""
    line: int = 0

    def row(self) -> list[str]:
        return [
            self.stage,
            self.record_id,
            self.decision,
            ";".join(self.reasons),
            self.reviewer,
            self.role,
            self.timestamp,
            self.note,
        ]


@dataclass(frozen=True)
class FinalDecision:
    work_id: str
    stage: Stage
    decision: Decision | Literal["conflict"]
    reasons: tuple[str, ...]
    reviewers: tuple[str, ...]


def _parse_row(
    report: ValidationReport, path: Path, header: list[str], cells: list[str], lineno: int
) -> LogEntry | None:
    """One line of the log as an entry (None, with the problem in ``report``, when unusable)."""
    if len(cells) != len(header):
        report.add(
            path,
            f"{len(cells)} fields, header has {len(header)}",
            line=lineno,
            fix="quote fields that contain commas",
        )
        return None
    row = {h: c.strip() for h, c in zip(header, cells, strict=True)}
    try:
        stage = parse_stage(row["stage"])
    except ConfigError as err:
        report.add(path, str(err), line=lineno, column="stage")
        return None
    decision = row["decision"].lower().replace("-", "_").replace(" ", "_")
    if decision not in DECISIONS:
        report.add(
            path,
            f"unknown decision {row['decision']!r}",
            line=lineno,
            column="decision",
            fix=f"use one of {', '.join(DECISIONS)}",
        )
        return None
    role = (row.get("role") or "reviewer").lower()
    if role not in ("reviewer", "adjudicator"):
        report.add(
            path,
            f"unknown role {role!r}",
            line=lineno,
            column="role",
            fix="use reviewer or adjudicator",
        )
        return None
    return LogEntry(
        stage=stage,
        record_id=row["record_id"],
        decision=decision,  # type: ignore[arg-type]
        reasons=tuple(r.strip() for r in row["reasons"].split(";") if r.strip()),
        reviewer=row["reviewer"],
        role=role,  # type: ignore[arg-type]
        timestamp=row.get("timestamp", ""),
        note=row.get("note", ""),
        line=lineno,
    )


def _validate_entry(e: LogEntry, criteria: Criteria | None) -> list[str]:
    problems = []
    if not e.reviewer:
        problems.append("no reviewer; every decision names who made it")
    if e.decision == "exclude" and not e.reasons:
        problems.append("an exclusion needs at least one reason code")
    if e.decision == "not_retrieved" and e.stage != "full_text":
        problems.append("'not_retrieved' is a full_text decision")
    if criteria is not None:
        known = criteria.by_code
        for code in e.reasons:
            c = known.get(code)
            if c is None:
                close = difflib.get_close_matches(code, list(known), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                problems.append(f"unknown reason code {code!r}{hint}")
                continue
            if e.stage not in c.stages:
                problems.append(f"criterion {code} does not apply at stage {e.stage}")
            if e.decision == "exclude" and c.kind != "exclusion":
                problems.append(f"exclusion with inclusion criterion {code}")
            if e.decision == "include" and c.kind != "inclusion":
                problems.append(f"inclusion with exclusion criterion {code}")
    return problems


class ScreeningLog:
    """An append-only log of screening decisions stored as CSV."""

    def __init__(self, path: str | Path, entries: list[LogEntry], criteria: Criteria | None):
        self.path = Path(path)
        self.entries = entries
        self.criteria = criteria

    # -- reading ----------------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        criteria: Criteria | None = None,
        known_ids: Iterable[str] | None = None,
        create: bool = False,
    ) -> ScreeningLog:
        """Read and validate the log; every problem of the file is reported at once."""
        path = Path(path)
        if not path.exists():
            if create:
                return cls(path, [], criteria)
            raise ConfigError(
                f"{display_path(path)}: no screening log; create one with "
                "`slr screen decide ...` or pass --create"
            )
        from slr.search.encoding import read_text

        text = read_text(path).text if path.stat().st_size else ""
        report = ValidationReport()
        reader = csv.reader(text.splitlines())
        header = next(reader, None)
        if header is None:
            return cls(path, [], criteria)
        header = [h.strip() for h in header]
        missing = [
            c for c in ("stage", "record_id", "decision", "reasons", "reviewer") if c not in header
        ]
        unknown = [c for c in header if c not in LOG_COLUMNS]
        if missing or unknown:
            report.add(
                path,
                f"header {header}: missing {missing}, unknown {unknown}",
                line=1,
                fix=f"columns are {', '.join(LOG_COLUMNS)}",
            )
            report.raise_if_any("screening log")
        known = set(known_ids) if known_ids is not None else None
        entries: list[LogEntry] = []
        for lineno, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            entry = _parse_row(report, path, header, cells, lineno)
            if entry is None:
                continue
            for msg in _validate_entry(entry, criteria):
                report.add(path, msg, line=lineno)
            if known is not None and entry.record_id not in known:
                close = difflib.get_close_matches(entry.record_id, list(known), n=1)
                report.add(
                    path,
                    f"unknown record id {entry.record_id!r}",
                    line=lineno,
                    column="record_id",
                    fix=f"did you mean '{close[0]}'?" if close else "check the records",
                )
            entries.append(entry)
        report.raise_if_any("screening log")
        return cls(path, entries, criteria)

    # -- writing (append only) ----------------------------------------------------------------

    def append(
        self, entries: LogEntry | Sequence[LogEntry], *, known_ids: Iterable[str] | None = None
    ) -> None:
        """Validate and append decisions to the file (never rewrites earlier rows)."""
        batch = [entries] if isinstance(entries, LogEntry) else list(entries)
        report = ValidationReport()
        known = set(known_ids) if known_ids is not None else None
        stamped = []
        for e in batch:
            for msg in _validate_entry(e, self.criteria):
                report.add(self.path, f"decision on {e.record_id}: {msg}")
            if known is not None and e.record_id not in known:
                report.add(
                    self.path,
                    f"unknown record id {e.record_id!r}",
                    fix="use a record_id from the records or clusters file",
                )
            if not e.timestamp:
                e = LogEntry(
                    e.stage,
                    e.record_id,
                    e.decision,
                    e.reasons,
                    e.reviewer,
                    e.role,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    e.note,
                )
            stamped.append(e)
        report.raise_if_any("new screening decisions")
        new_file = not self.path.exists() or self.path.stat().st_size == 0
        if not new_file:
            with self.path.open("rb") as fh:
                fh.seek(-1, 2)
                needs_newline = fh.read(1) not in (b"\n", b"\r")
        with self.path.open("a", encoding="utf-8", newline="") as fh:
            if not new_file and needs_newline:
                fh.write("\n")
            w = csv.writer(fh, lineterminator="\n")
            if new_file:
                w.writerow(LOG_COLUMNS)
            start = len(self.entries) + 2
            for k, e in enumerate(stamped):
                w.writerow(e.row())
                self.entries.append(
                    LogEntry(
                        e.stage,
                        e.record_id,
                        e.decision,
                        e.reasons,
                        e.reviewer,
                        e.role,
                        e.timestamp,
                        e.note,
                        start + k,
                    )
                )

    # -- decisions per work -------------------------------------------------------------------

    def _by_work(self, stage: Stage, work_of: Mapping[str, str]) -> dict[str, list[LogEntry]]:
        out: dict[str, list[LogEntry]] = {}
        for e in self.entries:
            if e.stage != stage:
                continue
            wid = work_of.get(e.record_id)
            if wid is None:
                continue
            out.setdefault(wid, []).append(e)
        return out

    def final_decisions(self, stage: Stage, work_of: Mapping[str, str]) -> dict[str, FinalDecision]:
        """Final decision per work at one stage (see module docstring for the rule)."""
        out = {}
        for wid, entries in self._by_work(stage, work_of).items():
            adjud = [e for e in entries if e.role == "adjudicator"]
            if adjud:
                last = adjud[-1]
                out[wid] = FinalDecision(wid, stage, last.decision, last.reasons, (last.reviewer,))
                continue
            latest: dict[str, LogEntry] = {}
            for e in entries:
                latest[e.reviewer] = e
            decisions = {e.decision for e in latest.values()}
            reviewers = tuple(sorted(latest))
            if len(decisions) == 1:
                # primary reason: the first reason of the earliest of the agreeing decisions
                first = min(latest.values(), key=lambda e: e.line)
                out[wid] = FinalDecision(wid, stage, first.decision, first.reasons, reviewers)
            else:
                out[wid] = FinalDecision(wid, stage, "conflict", (), reviewers)
        return out

    def reviewers(self, stage: Stage) -> list[str]:
        return sorted({e.reviewer for e in self.entries if e.stage == stage})

    def pairwise(
        self, stage: Stage, a: str, b: str, work_of: Mapping[str, str]
    ) -> list[tuple[str, Decision, Decision]]:
        """(work, decision of a, decision of b) for works both reviewers decided."""
        out = []
        for wid, entries in sorted(self._by_work(stage, work_of).items()):
            da = [e for e in entries if e.reviewer == a]
            db = [e for e in entries if e.reviewer == b]
            if da and db:
                out.append((wid, da[-1].decision, db[-1].decision))
        return out


def conflicts(log: ScreeningLog, stage: Stage, work_of: Mapping[str, str]) -> list[FinalDecision]:
    return [d for d in log.final_decisions(stage, work_of).values() if d.decision == "conflict"]
