"""``slr corpus import``: build ``corpus/`` from the review's published artifacts.

Inputs (read-only): ``final_paper_selection.md`` (the included papers), ``detail_study_v3.csv``
(the later, canonical coding pass), ``peft_se_benchmark_metadata.csv`` (the earlier pass) and
``paper_list_early_draft.md`` (an older numbering), plus the reviewers' ``corpus/decisions.yaml``.

Outputs: ``corpus/papers.csv``, ``corpus/codings.csv`` (v3), ``corpus/codings_early.csv`` and
``corpus/findings.csv``. Every free-text cell is split into fragments and each fragment is resolved
against the taxonomy; a fragment the taxonomy cannot resolve must be read by a term mapping in the
decisions file, otherwise the import fails with the file, line, fragment and the closest terms.
Where the sources disagree (IDs, venues, years, the paper count), a reconciliation in the decisions
file decides, or the disagreement is kept as an open finding: nothing is fixed silently.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from slr.corpus import sources as src
from slr.corpus import terms
from slr.corpus.schema import (
    Coding,
    Decisions,
    EarlyCoding,
    Finding,
    Override,
    Paper,
    Reconciliation,
    TermMapping,
)
from slr.corpus.store import write_table
from slr.errors import ConfigError, ValidationReport
from slr.taxonomy import Taxonomy, load_taxonomy, term_key
from slr.validation import validate_item
from slr.yamlio import load_yaml, pop_line, strip_lines

NOT_GIVEN = {"not mentioned", "not applicable", "n/a", "none", ""}
DOI_IN_URL = re.compile(r"(10\.\d{4,9}/[^\s?#]+)")


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


def load_decisions(path: Path) -> tuple[Decisions, dict[str, int | None]]:
    """The decisions file and the line of each decision id."""
    report = ValidationReport()
    doc = load_yaml(path) if path.exists() else {}
    doc = doc or {}
    data: dict[str, list[object]] = {}
    models: dict[str, type] = {
        "term_mappings": TermMapping,
        "reconciliations": Reconciliation,
        "overrides": Override,
    }
    for key in doc:
        if key not in models and key != "__line__":
            report.add(path, f"unknown section '{key}'", fix=f"use one of: {', '.join(models)}")
    seen: dict[str, int | None] = {}
    for key, model in models.items():
        items: list[Any] = []
        for raw in doc.get(key) or []:
            raw = dict(raw)
            line = pop_line(raw)
            raw = strip_lines(raw)
            item = validate_item(model, raw, report=report, file=path, line=line, what=key[:-1])
            if item is None:
                continue
            if item.id in seen:
                report.add(
                    path,
                    f"decision id '{item.id}' used twice (first at line {seen[item.id]})",
                    line=line,
                )
            seen[item.id] = line
            items.append(item)
        data[key] = items
    report.raise_if_any("decisions")
    return Decisions.model_validate(data), seen


class _Resolver:
    """Resolves fragments to canonical terms, consulting term mappings first."""

    def __init__(
        self,
        tax: Taxonomy,
        decisions: Decisions,
        report: ValidationReport,
        decisions_path: Path,
        lines: dict[str, int | None],
    ):
        self.lines = lines
        self.tax = tax
        self.report = report
        self.decisions_path = decisions_path
        self.used: set[str] = set()
        self.mappings: dict[tuple[str, str, str], list[TermMapping]] = defaultdict(list)
        for m in decisions.term_mappings:
            self.mappings[(m.source, m.column, term_key(m.raw))].append(m)

    def mapping(self, source: str, column: str, raw: str, row_id: str) -> TermMapping | None:
        for m in self.mappings.get((source, column, term_key(raw)), []):
            if not m.rows or row_id in m.rows:
                return m
        return None

    def resolve(
        self,
        kind: str,
        fragment: str,
        row: src.SourceRow,
        column: str,
        row_id: str,
        applied: list[str],
    ) -> list[str] | None:
        m = self.mapping(row.file, column, fragment, row_id)
        if m is not None:
            self.used.add(m.id)
            applied.append(m.id)
            for v in m.value:
                if self.tax.vocab[kind].resolve(v) != v:
                    msg, fix = self.tax.vocab[kind].unknown_message(v)
                    self.report.add(
                        self.decisions_path,
                        f"term mapping {m.id}: {msg}",
                        fix=fix,
                        line=self.lines.get(m.id),
                    )
            return list(m.value)
        canon = self.tax.vocab[kind].resolve(fragment)
        if canon is not None:
            return [canon]
        return None

    def unknown(
        self, kind: str, fragment: str, row: src.SourceRow, column: str, row_id: str
    ) -> None:
        msg, fix = self.tax.vocab[kind].unknown_message(fragment)
        self.report.add(
            row.file,
            f"{msg} in row {row_id}",
            line=row.line,
            column=column,
            value=fragment,
            fix=f"{fix} If the text means something else, add a term mapping to corpus/decisions.yaml",
        )


def _methods(
    res: _Resolver, row: src.SourceRow, column: str, row_id: str, applied: list[str]
) -> list[str]:
    cell = row.cells[column]
    if terms.clean(cell).lower() in NOT_GIVEN:
        return []
    out: list[str] = []
    for use in terms.method_fragments(cell):
        canon: list[str] = []
        for comp in use:
            got = res.resolve("methods", comp, row, column, row_id, applied)
            if got is None:
                res.unknown("methods", comp, row, column, row_id)
                continue
            canon.extend(got)
        if canon:
            name = " + ".join(canon)
            if name not in out:
                out.append(name)
    return out


def _list_terms(
    res: _Resolver, kind: str, row: src.SourceRow, column: str, row_id: str, applied: list[str]
) -> list[str]:
    cell = row.cells[column]
    if terms.clean(cell).lower() in NOT_GIVEN:
        return []
    whole = res.resolve(kind, terms.clean(cell), row, column, row_id, applied)
    if whole is not None and res.mapping(row.file, column, terms.clean(cell), row_id):
        return whole
    out: list[str] = []
    for frag in terms.list_fragments(cell):
        got = res.resolve(kind, frag, row, column, row_id, applied)
        if got is None:
            label, rest = terms.split_label(frag)
            if label is not None:
                if res.tax.vocab["methods"].resolve(label) and rest:
                    got = res.resolve(kind, rest, row, column, row_id, applied)  # 'LoRA: QWen-14B'
                elif res.tax.vocab[kind].resolve(label):
                    got = [
                        res.tax.vocab[kind].resolve(label) or label
                    ]  # 'RoBERTa-base: for GLUE...'
        if got is None:
            res.unknown(kind, frag, row, column, row_id)
            continue
        for g in got:
            if g not in out:
                out.append(g)
    return out


def _datasets(tax: Taxonomy, text: str) -> list[str]:
    spellings = {s: d.name for d in tax.datasets for s in (d.name, *d.synonyms)}
    out: list[str] = []
    for sp in terms.find_names(text, list(spellings)):
        name = spellings[sp]
        if name not in out:
            out.append(name)
    return out


def _gpus(
    res: _Resolver, row: src.SourceRow, column: str, row_id: str, applied: list[str]
) -> list[str]:
    text = terms.clean(row.cells[column])
    if text.lower() in NOT_GIVEN:
        return []
    spellings = [s for g in res.tax.gpus for s in (g.name, *g.synonyms)]
    spellings += [m.raw for (file, col, _), ms in res.mappings.items() if col == column for m in ms]
    out: list[str] = []
    mentions = terms.find_gpus(text, spellings)
    for leftover in terms.unmatched_gpu_like(text, mentions):
        res.unknown("gpus", leftover, row, column, row_id)
    for mention in mentions:
        got = res.resolve("gpus", mention.gpu, row, column, row_id, applied)
        if got is None:
            res.unknown("gpus", mention.gpu, row, column, row_id)
            continue
        out.extend(mention.label(g) for g in got)
    return out


def _paper_id(coding_id: str) -> str:
    return coding_id.split("-", 1)[0]


def _doi(url: str) -> str:
    if "doi" not in url:
        return ""
    m = DOI_IN_URL.search(url)
    return m.group(1).rstrip("/") if m else ""


class _Reconciler:
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
    res = _Resolver(tax, decisions, report, dpath, dlines)
    rec = _Reconciler(decisions, report, dpath, dlines)

    final = src.read_paper_table(folder / src.FINAL_SELECTION, report)
    v3_rows = src.read_csv(folder / src.V3_CODING, report)
    early_rows = src.read_csv(folder / src.EARLY_CODING, report)
    draft = src.read_paper_table(folder / src.EARLY_DRAFT, report)
    report.raise_if_any("published sources")

    # -- codings of the v3 pass --------------------------------------------------------------------
    codings: list[Coding] = []
    v3_meta: dict[str, list[tuple[src.SourceRow, str, str]]] = defaultdict(list)
    for row in v3_rows:
        cid = terms.clean(row.cells["Paper ID"])
        applied: list[str] = []
        task = res.resolve("tasks", terms.clean(row.cells["SE Task"]), row, "SE Task", cid, applied)
        if task is None:
            res.unknown("tasks", terms.clean(row.cells["SE Task"]), row, "SE Task", cid)
            task = [""]
        _check_suffix(rec, tax, cid, task[0], row)
        coding = Coding(
            coding_id=cid,
            paper_id=_paper_id(cid),
            task=task[0],
            methods=_methods(res, row, "PEFT Method", cid, applied),
            models=_list_terms(res, "models", row, "Base Model", cid, applied),
            architectures=_list_terms(
                res, "architectures", row, "Model Architecture", cid, applied
            ),
            datasets=_datasets(tax, row.cells["Dataset"]),
            methods_raw=terms.clean(row.cells["PEFT Method"]),
            models_raw=terms.clean(row.cells["Base Model"]),
            architectures_raw=terms.clean(row.cells["Model Architecture"]),
            dataset_description=row.cells["Dataset"].strip(),
            source=row.where,
            decisions=applied,
        )
        codings.append(coding)
        v3_meta[coding.paper_id].append(
            (row, row.cells["Venue"].strip(), row.cells["Year"].strip())
        )

    # -- codings of the earlier pass ---------------------------------------------------------------
    early: list[EarlyCoding] = []
    for row in early_rows:
        cid = terms.clean(row.cells["Paper ID"])
        applied = []
        c = row.cells
        task = res.resolve("tasks", terms.clean(c["SE Task"]), row, "SE Task", cid, applied)
        if task is None:
            res.unknown("tasks", terms.clean(c["SE Task"]), row, "SE Task", cid)
            task = [""]
        venue = res.resolve("venues", terms.clean(c["Venue"]), row, "Venue", cid, applied)
        if venue is None:
            res.unknown("venues", terms.clean(c["Venue"]), row, "Venue", cid)
            venue = [""]
        repro = terms.clean(c["Reproducibility Status"]).lower()
        early.append(
            EarlyCoding(
                coding_id=cid,
                paper_id=_paper_id(cid),
                venue=venue[0],
                year=int(c["Year"]) if c["Year"].strip().isdigit() else None,
                task=task[0],
                methods=_methods(res, row, "PEFT Method", cid, applied),
                models=_list_terms(res, "models", row, "Base Model", cid, applied),
                architectures=_list_terms(
                    res, "architectures", row, "Model Architecture", cid, applied
                ),
                datasets=_datasets(tax, c["Dataset"]),
                metrics=_list_terms(res, "metrics", row, "Evaluation Metrics", cid, applied),
                gpus=_gpus(res, row, "Hardware Details", cid, applied),
                compression=_given(c["Compression Used"]),
                memory_reduction=_given(c["Memory Reduction"]),
                hardware=_given(c["Hardware Details"]),
                generalizability=_given(c["Generalizability"]),
                transfer_learning=_given(c["Transfer Learning"]),
                limitations=_given(c["Limitations on Generalizability"]),
                task_versatility=_given(c["Task Versatility"]),
                cross_task_performance=_given(c["Cross-Task Performance"]),
                benchmark_standardization=_given(c["Benchmark Standardization"]),
                reproducible={"yes": True, "no": False}.get(repro),
                methods_raw=terms.clean(c["PEFT Method"]),
                models_raw=terms.clean(c["Base Model"]),
                architectures_raw=terms.clean(c["Model Architecture"]),
                dataset_description=c["Dataset"].strip(),
                metrics_raw=terms.clean(c["Evaluation Metrics"]),
                source=row.where,
                decisions=applied,
            )
        )

    # -- papers --------------------------------------------------------------------------------------
    papers: list[Paper] = []
    final_ids = [terms.clean(r.cells["Paper ID"]) for r in final.rows]
    early_by_paper: dict[str, list[EarlyCoding]] = defaultdict(list)
    for e in early:
        early_by_paper[e.paper_id].append(e)
    if final.stated_count is not None and final.stated_count != len(final.rows):
        rec.decide(
            None,
            "paper_count",
            {"text": final.stated_count, "table rows": len(final.rows)},
            len(final.rows),
            "paper-count",
            f"{src.FINAL_SELECTION}:{final.stated_count_line} says {final.stated_count} papers; "
            f"its table lists {len(final.rows)}",
        )
    for row in final.rows:
        pid = terms.clean(row.cells["Paper ID"])
        applied = []
        venue_final = res.resolve("venues", row.cells["Venue"], row, "Venue", pid, applied)
        if venue_final is None:
            res.unknown("venues", row.cells["Venue"], row, "Venue", pid)
            venue_final = [""]
        v3 = v3_meta.get(pid, [])
        v3_venues = {v for _, v, _ in v3}
        v3_years = {y for _, _, y in v3}
        if len(v3_venues) > 1 or len(v3_years) > 1:
            rec.finding(
                "inconsistent-rows",
                f"v3 rows of {pid} disagree: venues {sorted(v3_venues)}, years {sorted(v3_years)}",
                paper=pid,
                sources=src.V3_CODING,
            )
        v3_venue = res.tax.vocab["venues"].resolve(next(iter(v3_venues))) if v3 else None
        v3_year = int(next(iter(v3_years))) if v3 and next(iter(v3_years)).isdigit() else None
        e_rows = early_by_paper.get(pid, [])
        e_venue = e_rows[0].venue if e_rows else None
        e_year = e_rows[0].year if e_rows else None
        if not v3:
            rec.finding(
                "uncoded-paper",
                f"{pid} is in the final selection but has no row in {src.V3_CODING}",
                paper=pid,
                sources=row.where,
            )
        if not e_rows:
            rec.finding(
                "missing-in-earlier-pass",
                f"{pid} is in the final selection but not in {src.EARLY_CODING}",
                paper=pid,
                sources=row.where,
                status="noted (earlier pass predates it)",
            )
        venue_values = {
            src.FINAL_SELECTION: venue_final[0],
            src.V3_CODING: v3_venue,
            src.EARLY_CODING: e_venue,
        }
        paper_venue = rec.decide(
            pid,
            "venue",
            {k: v for k, v in venue_values.items() if v},
            v3_venue or venue_final[0],
            "venue-disagreement",
            f"sources disagree on the venue of {pid}",
        )
        year_values = {
            k: v
            for k, v in {src.V3_CODING: v3_year, src.EARLY_CODING: e_year}.items()
            if v is not None
        }
        if year_values:
            year = rec.decide(
                pid,
                "year",
                year_values,
                v3_year if v3_year is not None else e_year,
                "year-disagreement",
                f"sources disagree on the year of {pid}",
            )
        elif (pid, "year") in rec.by_key:
            year = rec.decide(
                pid, "year", {}, None, "year-missing", f"no source gives the year of {pid}"
            )
        else:
            year = None
            rec.finding("year-missing", f"no source gives the year of {pid}", paper=pid)
        prov = f"title,url={row.where}; venue,year={v3[0][0].where if v3 else row.where}"
        papers.append(
            Paper(
                paper_id=pid,
                included=True,
                title=row.cells["title"],
                venue=str(paper_venue),
                year=int(str(year)) if year is not None else None,
                url=row.cells["url"],
                doi=_doi(row.cells["url"]),
                provenance=prov,
            )
        )

    for pid, e_rows in early_by_paper.items():
        if pid in final_ids:
            continue
        r = rec.by_key.get((pid, "title"))
        detail = f"{pid} is coded by the earlier pass ({e_rows[0].source}) but not in the final selection"
        if r is None:
            rec.finding(
                "not-in-final-selection",
                detail + "; its title is unknown",
                paper=pid,
                sources=e_rows[0].source,
            )
            title = f"(unidentified paper {pid} of the earlier pass)"
        else:
            rec.used.add(r.id)
            title = str(r.decision)
            rec.finding(
                "not-in-final-selection",
                f"{detail}; identified as '{title}': {r.rationale}",
                paper=pid,
                sources=e_rows[0].source,
                status=f"identified by {r.id}",
            )
        papers.append(
            Paper(
                paper_id=pid,
                included=False,
                title=title,
                venue=e_rows[0].venue,
                year=e_rows[0].year,
                provenance=f"venue,year={e_rows[0].source}",
            )
        )
    for pid in sorted(set(_paper_id(c.coding_id) for c in codings) - set(final_ids)):
        report.add(
            src.V3_CODING,
            f"v3 codes paper {pid}, which is not in {src.FINAL_SELECTION}",
            fix="add a reconciliation or check the ID",
        )

    _draft_findings(rec, final, draft)
    _coding_findings(rec, tax, codings)
    for m in decisions.term_mappings:
        if m.id in res.used:
            rec.finding(
                "term-mapping",
                f"'{m.raw}' ({m.source}, {m.column}) read as {m.value or 'no term'}: {m.rationale}",
                field_=m.column,
                sources=m.source,
                status=f"mapped by {m.id}",
            )

    codings, early = _apply_overrides(decisions, codings, early, tax, report, dpath, dlines)
    unused = {d.id for d in decisions.term_mappings} - res.used
    unused |= {d.id for d in decisions.reconciliations} - rec.used
    for uid in sorted(unused):
        report.add(
            dpath,
            f"decision {uid} matches nothing in the sources",
            fix="remove it or fix its target",
            line=dlines.get(uid),
        )
    report.raise_if_any("corpus import")

    result = ImportResult(
        papers,
        codings,
        early,
        rec.findings,
        res.used | rec.used | {o.id for o in decisions.overrides},
    )
    if write:
        out.mkdir(parents=True, exist_ok=True)
        write_table(out / "papers.csv", papers, Paper)
        write_table(out / "codings.csv", codings, Coding)
        write_table(out / "codings_early.csv", early, EarlyCoding)
        write_table(out / "findings.csv", rec.findings, Finding)
    return result


def _given(text: str) -> str:
    t = text.strip()
    return "" if t.lower() in NOT_GIVEN else t


def _check_suffix(rec: _Reconciler, tax: Taxonomy, cid: str, task: str, row: src.SourceRow) -> None:
    if "-" not in cid or not task:
        return
    suffix = cid.split("-", 1)[1]
    t = tax.task_by_abbreviation(suffix)
    if t is None or t.name != task:
        rec.finding(
            "id-task-mismatch",
            f"row ID {cid} suffix '{suffix}' does not abbreviate its task '{task}'",
            paper=_paper_id(cid),
            sources=row.where,
        )


def _draft_findings(rec: _Reconciler, final: src.PaperListing, draft: src.PaperListing) -> None:
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


def _coding_findings(rec: _Reconciler, tax: Taxonomy, codings: list[Coding]) -> None:
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


def _apply_overrides(
    decisions: Decisions,
    codings: list[Coding],
    early: list[EarlyCoding],
    tax: Taxonomy,
    report: ValidationReport,
    path: Path,
    lines: dict[str, int | None],
) -> tuple[list[Coding], list[EarlyCoding]]:
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
        table: list = codings if o.coding_pass == "v3" else early
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
