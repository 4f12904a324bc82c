"""Where the published sources disagree: reconciliations decide, or an open finding records it.

:class:`Reconciler` applies the reconciliations of ``corpus/decisions.yaml`` and numbers the
findings (``F001``...) in the order they are made; the other functions record the findings the
import makes about the sources as a whole (the early draft, ID suffixes, coded architectures).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from rapidfuzz import fuzz

from slr.corpus import sources as src
from slr.corpus import terms
from slr.corpus.schema import Coding, Decisions, Finding
from slr.errors import ValidationReport
from slr.taxonomy import Taxonomy, term_key


class Reconciler:
    """Applies reconciliations; records open findings for unreconciled disagreements."""

    def __init__(
        self,
        decisions: Decisions,
        report: ValidationReport,
        decisions_path: Path,
        lines: dict[str, int | None],
    ):
        self.lines = lines
        self.by_key = {(r.paper, r.field): r for r in decisions.reconciliations}
        self.report = report
        self.path = decisions_path
        self.findings: list[Finding] = []
        self.used: set[str] = set()

    def finding(
        self,
        kind: str,
        detail: str,
        *,
        paper: str = "",
        field_: str = "",
        sources: str = "",
        status: str = "open",
    ) -> None:
        fid = f"F{len(self.findings) + 1:03d}"
        self.findings.append(
            Finding(
                finding_id=fid,
                kind=kind,
                paper_id=paper,
                field=field_,
                detail=detail,
                sources=sources,
                status=status,
            )
        )

    def decide(
        self,
        paper: str | None,
        field_: str,
        values: Mapping[str, object],
        default: object,
        kind: str,
        detail: str,
    ) -> object:
        """The decided value where sources disagree (or the default, recorded as open)."""
        distinct = {term_key(str(v)) for v in values.values() if v not in (None, "")}
        rec = self.by_key.get((paper, field_))
        shown = "; ".join(f"{k}: {v}" for k, v in values.items())
        if len(distinct) <= 1 and rec is None:
            return default
        if not values:
            kind, detail = kind, detail
        if rec is None:
            self.finding(
                kind,
                f"{detail}; kept {default!r} (canonical source) until a reviewer decides",
                paper=paper or "",
                field_=field_,
                sources=shown,
            )
            return default
        self.used.add(rec.id)
        stated = {k: term_key(str(v)) for k, v in rec.values.items()}
        actual = {k: term_key(str(v)) for k, v in values.items()}
        if stated != actual:
            self.report.add(
                self.path,
                f"reconciliation {rec.id} is stale: it records {rec.values}, "
                f"the sources now say {values}",
                fix="re-read the sources and update the decision",
                line=self.lines.get(rec.id),
            )
        self.finding(
            kind,
            f"{detail}; decided {rec.decision!r}: {rec.rationale}",
            paper=paper or "",
            field_=field_,
            sources=shown,
            status=f"reconciled by {rec.id}",
        )
        return rec.decision


def check_suffix(rec: Reconciler, tax: Taxonomy, cid: str, task: str, row: src.SourceRow) -> None:
    if "-" not in cid or not task:
        return
    suffix = cid.split("-", 1)[1]
    t = tax.task_by_abbreviation(suffix)
    if t is None or t.name != task:
        rec.finding(
            "id-task-mismatch",
            f"row ID {cid} suffix '{suffix}' does not abbreviate its task '{task}'",
            paper=paper_id_of(cid),
            sources=row.where,
        )


def draft_findings(rec: Reconciler, final: src.PaperListing, draft: src.PaperListing) -> None:
    if draft.stated_count is not None:
        rec.finding(
            "early-draft",
            f"{src.EARLY_DRAFT} lists {len(draft.rows)} papers (its text says "
            f"{draft.stated_count}) under another numbering; the final selection has {len(final.rows)}",
            sources=src.EARLY_DRAFT,
            status="noted (superseded list)",
        )
    placeholders = [r for r in draft.rows if "xxxx" in r.cells["url"]]
    if placeholders:
        rec.finding(
            "placeholder-doi",
            f"{len(placeholders)} of {len(draft.rows)} entries of {src.EARLY_DRAFT} "
            f"have placeholder DOIs (10.1145/xxxx.xxxx): "
            + ", ".join(terms.clean(r.cells["Paper ID"]) for r in placeholders),
            sources=src.EARLY_DRAFT,
            status="noted (superseded list)",
        )
    for d in draft.rows:
        did = terms.clean(d.cells["Paper ID"])
        best, score = None, 0.0
        for f in final.rows:
            s = (
                100.0
                if d.cells["url"] == f.cells["url"]
                else fuzz.ratio(d.cells["title"].lower(), f.cells["title"].lower())
            )
            if s > score:
                best, score = f, s
        if best is not None and score >= 90:
            fid = terms.clean(best.cells["Paper ID"])
            if fid != did:
                rec.finding(
                    "id-renumbered",
                    f"draft {did} ('{d.cells['title']}') is final {fid} "
                    f"(title similarity {score:.0f})",
                    paper=fid,
                    sources=d.where,
                    status="noted (superseded numbering)",
                )


def coding_findings(rec: Reconciler, tax: Taxonomy, codings: list[Coding]) -> None:
    for c in codings:
        model_archs = {tax.model(m).architecture for m in c.models}
        coded = set(c.architectures)
        if model_archs and coded and not model_archs <= coded:
            rec.finding(
                "architecture-mismatch",
                f"{c.coding_id} codes architecture {sorted(coded)} but its "
                f"models {c.models} are {sorted(model_archs)}",
                paper=c.paper_id,
                field_="architectures",
                sources=c.source,
            )
        if not c.datasets:
            rec.finding(
                "dataset-unnamed",
                f"{c.coding_id}: the dataset text names no known dataset",
                paper=c.paper_id,
                field_="datasets",
                sources=c.source,
            )


def paper_id_of(coding_id: str) -> str:
    """The paper of a coding row ID (``P12-CSum`` -> ``P12``)."""
    return coding_id.split("-", 1)[0]
