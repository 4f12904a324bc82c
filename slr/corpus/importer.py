"""``slr corpus import``: build ``corpus/`` from the review's published artifacts.

Inputs (read-only): ``final_paper_selection.md`` (the included papers), ``detail_study_v3.csv``
(the later, canonical coding pass), ``peft_se_benchmark_metadata.csv`` (the earlier pass) and
``paper_list_early_draft.md`` (an older numbering), plus the reviewers' ``corpus/decisions.yaml``.

Outputs: ``corpus/papers.csv``, ``corpus/codings.csv`` (v3), ``corpus/codings_early.csv`` and
``corpus/findings.csv``. Every free-text cell is split into fragments and each fragment is resolved
against the taxonomy (:mod:`slr.corpus.resolve`); a fragment the taxonomy cannot resolve must be
read by a term mapping in the decisions file (:mod:`slr.corpus.decisions`), otherwise the import
fails with the file, line, fragment and the closest terms. Where the sources disagree (IDs,
venues, years, the paper count), a reconciliation in the decisions file decides, or the
disagreement is kept as an open finding (:mod:`slr.corpus.reconcile`): nothing is fixed silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from slr.corpus import sources as src
from slr.corpus import terms
from slr.corpus.decisions import apply_overrides, load_decisions
from slr.corpus.papers import early_only_papers, included_papers
from slr.corpus.reconcile import (
    Reconciler,
    check_suffix,
    coding_findings,
    draft_findings,
    paper_id_of,
)
from slr.corpus.resolve import (
    TermResolver,
    dataset_terms,
    given_text,
    gpu_terms,
    list_terms,
    method_terms,
)
from slr.corpus.schema import Coding, Decisions, EarlyCoding, Finding, Paper
from slr.corpus.store import write_table
from slr.errors import ConfigError, ValidationReport
from slr.taxonomy import Taxonomy, load_taxonomy

# re-exported for the callers of the importer
__all__ = ["ImportResult", "import_corpus", "load_decisions"]


@dataclass
class ImportResult:
    papers: list[Paper]
    codings: list[Coding]
    early: list[EarlyCoding]
    findings: list[Finding]
    decisions_used: set[str] = field(default_factory=set)

    def summary(self) -> str:
        inc = sum(p.included for p in self.papers)
        open_ = sum(f.status == "open" for f in self.findings)
        return (
            f"{inc} included papers ({len(self.papers) - inc} more coded only by the earlier pass), "
            f"{len(self.codings)} v3 codings, {len(self.early)} earlier-pass codings, "
            f"{len(self.findings)} findings ({open_} open), {len(self.decisions_used)} decisions applied"
        )


@dataclass
class _Sources:
    """The four published artifacts, read with their line numbers."""

    final: src.PaperListing
    v3: list[src.SourceRow]
    early: list[src.SourceRow]
    draft: src.PaperListing


def import_corpus(
    shared: Path,
    out: Path,
    *,
    taxonomy: Taxonomy | None = None,
    decisions_path: Path | None = None,
    write: bool = True,
) -> ImportResult:
    """Build the corpus tables from the published artifacts; write them to ``out`` atomically."""
    tax = taxonomy or load_taxonomy()
    folder = shared / "slr-peft" if (shared / "slr-peft").is_dir() else shared
    if not (folder / src.V3_CODING).exists():
        raise ConfigError(
            f"{folder} holds no {src.V3_CODING}; point --shared at the slr-peft folder"
        )
    dpath = decisions_path or out / "decisions.yaml"
    decisions, dlines = load_decisions(dpath)
    report = ValidationReport()
    res = TermResolver(tax, decisions, report, dpath, dlines)
    rec = Reconciler(decisions, report, dpath, dlines)
    sources = _read_sources(folder, report)

    codings = [_v3_coding(row, res, rec, tax) for row in sources.v3]
    early = [_early_coding(row, res, tax) for row in sources.early]
    papers = included_papers(sources.final, codings, sources.v3, early, res, rec)
    papers += early_only_papers(sources.final, early, rec)
    _check_coded_papers(codings, sources.final, report)
    draft_findings(rec, sources.final, sources.draft)
    coding_findings(rec, tax, codings)
    _mapping_findings(rec, res, decisions)
    codings, early = apply_overrides(decisions, codings, early, report, dpath, dlines)
    _check_all_used(decisions, res, rec, report, dpath, dlines)
    report.raise_if_any("corpus import")

    result = ImportResult(
        papers,
        codings,
        early,
        rec.findings,
        res.used | rec.used | {o.id for o in decisions.overrides},
    )
    if write:
        _write(result, out)
    return result


def _read_sources(folder: Path, report: ValidationReport) -> _Sources:
    sources = _Sources(
        final=src.read_paper_table(folder / src.FINAL_SELECTION, report),
        v3=src.read_csv(folder / src.V3_CODING, report),
        early=src.read_csv(folder / src.EARLY_CODING, report),
        draft=src.read_paper_table(folder / src.EARLY_DRAFT, report),
    )
    report.raise_if_any("published sources")
    return sources


def _v3_coding(row: src.SourceRow, res: TermResolver, rec: Reconciler, tax: Taxonomy) -> Coding:
    """One row of the canonical (v3) coding, every term resolved."""
    cid = terms.clean(row.cells["Paper ID"])
    applied: list[str] = []
    task = res.single("tasks", terms.clean(row.cells["SE Task"]), row, "SE Task", cid, applied)
    check_suffix(rec, tax, cid, task, row)
    return Coding(
        coding_id=cid,
        paper_id=paper_id_of(cid),
        task=task,
        methods=method_terms(res, row, "PEFT Method", cid, applied),
        models=list_terms(res, "models", row, "Base Model", cid, applied),
        architectures=list_terms(res, "architectures", row, "Model Architecture", cid, applied),
        datasets=dataset_terms(tax, row.cells["Dataset"]),
        methods_raw=terms.clean(row.cells["PEFT Method"]),
        models_raw=terms.clean(row.cells["Base Model"]),
        architectures_raw=terms.clean(row.cells["Model Architecture"]),
        dataset_description=row.cells["Dataset"].strip(),
        source=row.where,
        decisions=applied,
    )


def _early_coding(row: src.SourceRow, res: TermResolver, tax: Taxonomy) -> EarlyCoding:
    """One row of the earlier coding pass, every term resolved."""
    cid = terms.clean(row.cells["Paper ID"])
    applied: list[str] = []
    c = row.cells
    task = res.single("tasks", terms.clean(c["SE Task"]), row, "SE Task", cid, applied)
    venue = res.single("venues", terms.clean(c["Venue"]), row, "Venue", cid, applied)
    repro = terms.clean(c["Reproducibility Status"]).lower()
    return EarlyCoding(
        coding_id=cid,
        paper_id=paper_id_of(cid),
        venue=venue,
        year=int(c["Year"]) if c["Year"].strip().isdigit() else None,
        task=task,
        methods=method_terms(res, row, "PEFT Method", cid, applied),
        models=list_terms(res, "models", row, "Base Model", cid, applied),
        architectures=list_terms(res, "architectures", row, "Model Architecture", cid, applied),
        datasets=dataset_terms(tax, c["Dataset"]),
        metrics=list_terms(res, "metrics", row, "Evaluation Metrics", cid, applied),
        gpus=gpu_terms(res, row, "Hardware Details", cid, applied),
        compression=given_text(c["Compression Used"]),
        memory_reduction=given_text(c["Memory Reduction"]),
        hardware=given_text(c["Hardware Details"]),
        generalizability=given_text(c["Generalizability"]),
        transfer_learning=given_text(c["Transfer Learning"]),
        limitations=given_text(c["Limitations on Generalizability"]),
        task_versatility=given_text(c["Task Versatility"]),
        cross_task_performance=given_text(c["Cross-Task Performance"]),
        benchmark_standardization=given_text(c["Benchmark Standardization"]),
        reproducible={"yes": True, "no": False}.get(repro),
        methods_raw=terms.clean(c["PEFT Method"]),
        models_raw=terms.clean(c["Base Model"]),
        architectures_raw=terms.clean(c["Model Architecture"]),
        dataset_description=c["Dataset"].strip(),
        metrics_raw=terms.clean(c["Evaluation Metrics"]),
        source=row.where,
        decisions=applied,
    )


def _check_coded_papers(
    codings: list[Coding], final: src.PaperListing, report: ValidationReport
) -> None:
    final_ids = {terms.clean(r.cells["Paper ID"]) for r in final.rows}
    for pid in sorted({paper_id_of(c.coding_id) for c in codings} - final_ids):
        report.add(
            src.V3_CODING,
            f"v3 codes paper {pid}, which is not in {src.FINAL_SELECTION}",
            fix="add a reconciliation or check the ID",
        )


def _mapping_findings(rec: Reconciler, res: TermResolver, decisions: Decisions) -> None:
    for m in decisions.term_mappings:
        if m.id in res.used:
            rec.finding(
                "term-mapping",
                f"'{m.raw}' ({m.source}, {m.column}) read as {m.value or 'no term'}: {m.rationale}",
                field_=m.column,
                sources=m.source,
                status=f"mapped by {m.id}",
            )


def _check_all_used(
    decisions: Decisions,
    res: TermResolver,
    rec: Reconciler,
    report: ValidationReport,
    path: Path,
    lines: dict[str, int | None],
) -> None:
    unused = {d.id for d in decisions.term_mappings} - res.used
    unused |= {d.id for d in decisions.reconciliations} - rec.used
    for uid in sorted(unused):
        report.add(
            path,
            f"decision {uid} matches nothing in the sources",
            fix="remove it or fix its target",
            line=lines.get(uid),
        )


def _write(result: ImportResult, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_table(out / "papers.csv", result.papers, Paper)
    write_table(out / "codings.csv", result.codings, Coding)
    write_table(out / "codings_early.csv", result.early, EarlyCoding)
    write_table(out / "findings.csv", result.findings, Finding)
