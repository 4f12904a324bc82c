"""Loading ``corpus/`` with validation against the taxonomy.

Every term in every coding must be a canonical taxonomy term: a misspelling is an error naming
the file, line, column and the closest known terms, so nothing is counted under a misspelling.
All problems of all corpus files are reported together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from slr.corpus.schema import Coding, EarlyCoding, Finding, Paper
from slr.corpus.store import read_table
from slr.corpus.terms import parse_gpu_label
from slr.errors import ValidationReport
from slr.paths import corpus_dir
from slr.taxonomy import Taxonomy, load_taxonomy

FILES = {
    "papers": ("papers.csv", Paper),
    "codings": ("codings.csv", Coding),
    "early": ("codings_early.csv", EarlyCoding),
    "findings": ("findings.csv", Finding),
}


@dataclass
class Corpus:
    papers: list[Paper]
    codings: list[Coding]
    early: list[EarlyCoding]
    findings: list[Finding]
    folder: Path


def load_corpus(folder: Path | None = None, taxonomy: Taxonomy | None = None) -> Corpus:
    folder = folder or corpus_dir()
    tax = taxonomy or load_taxonomy()
    report = ValidationReport()
    papers = read_table(folder / "papers.csv", Paper, report)
    codings = read_table(folder / "codings.csv", Coding, report)
    early = read_table(folder / "codings_early.csv", EarlyCoding, report)
    findings = read_table(folder / "findings.csv", Finding, report)

    _unique(report, folder / "papers.csv", ((ln, p.paper_id) for ln, p in papers), "paper_id")
    _unique(report, folder / "codings.csv", ((ln, c.coding_id) for ln, c in codings), "coding_id")
    _unique(
        report, folder / "codings_early.csv", ((ln, c.coding_id) for ln, c in early), "coding_id"
    )
    known_papers = {p.paper_id for _, p in papers}
    for ln, p in papers:
        _term(report, tax, "venues", folder / "papers.csv", ln, "venue", p.venue)
    for path, rows in ((folder / "codings.csv", codings), (folder / "codings_early.csv", early)):
        for ln, c in rows:
            _check_coding(report, tax, path, ln, c, known_papers)
    for ln, e in early:
        _check_early(report, tax, folder / "codings_early.csv", ln, e)
    report.raise_if_any("corpus")
    return Corpus(
        papers=[p for _, p in papers],
        codings=[c for _, c in codings],
        early=[e for _, e in early],
        findings=[f for _, f in findings],
        folder=folder,
    )


def _check_coding(
    report: ValidationReport,
    tax: Taxonomy,
    path: Path,
    ln: int,
    c: Coding | EarlyCoding,
    known_papers: set[str],
) -> None:
    """A coding row names a known paper, starts its ID with it, and uses canonical terms."""
    if c.paper_id not in known_papers:
        report.add(
            path,
            f"paper '{c.paper_id}' is not in papers.csv",
            line=ln,
            column="paper_id",
            fix="add the paper to corpus/papers.csv or correct the ID",
        )
    if not c.coding_id.startswith(c.paper_id):
        report.add(
            path,
            f"coding_id '{c.coding_id}' does not start with its paper_id '{c.paper_id}'",
            line=ln,
            column="coding_id",
        )
    _term(report, tax, "tasks", path, ln, "task", c.task)
    for use in c.methods:
        for comp in use.split(" + "):
            _term(report, tax, "methods", path, ln, "methods", comp.strip())
    for kind, column, values in (
        ("models", "models", c.models),
        ("architectures", "architectures", c.architectures),
        ("datasets", "datasets", c.datasets),
    ):
        for v in values:
            _term(report, tax, kind, path, ln, column, v)


def _check_early(
    report: ValidationReport, tax: Taxonomy, path: Path, ln: int, e: EarlyCoding
) -> None:
    """The earlier pass's own columns: venue, metrics, GPUs (written '<n>x <GPU> (<mem> GB)')."""
    _term(report, tax, "venues", path, ln, "venue", e.venue)
    for m in e.metrics:
        _term(report, tax, "metrics", path, ln, "metrics", m)
    for g in e.gpus:
        parsed = parse_gpu_label(g)
        if parsed is None:
            report.add(
                path,
                f"bad GPU entry '{g}'",
                line=ln,
                column="gpus",
                fix="write it as '<count>x <GPU name> (<memory> GB)', e.g. '2x NVIDIA RTX 3090 (24 GB)'",
            )
        else:
            _term(report, tax, "gpus", path, ln, "gpus", parsed[0])


def load_papers(folder: Path | None = None) -> list[Paper]:
    """The papers of ``corpus/papers.csv`` alone, typed and validated (every problem of the file
    reported together), without the codings or the taxonomy: for the stages that only need to
    know which papers there are (the claims of ``corpus/claims.yaml`` name them)."""
    path = (folder or corpus_dir()) / "papers.csv"
    report = ValidationReport()
    papers = read_table(path, Paper, report)
    _unique(report, path, ((ln, p.paper_id) for ln, p in papers), "paper_id")
    report.raise_if_any("corpus")
    return [p for _, p in papers]


def included_paper_ids(folder: Path | None = None) -> set[str] | None:
    """IDs of the review's included papers (``corpus/papers.csv``), or None without the file."""
    path = (folder or corpus_dir()) / "papers.csv"
    if not path.exists():
        return None
    return {p.paper_id for p in load_papers(folder) if p.included}


def _unique(
    report: ValidationReport, path: Path, items: Iterable[tuple[int, str]], column: str
) -> None:
    seen: dict[str, int] = {}
    for ln, key in items:
        if key in seen:
            report.add(
                path,
                f"duplicate {column} '{key}' (first at line {seen[key]})",
                line=ln,
                column=column,
                fix="give each row its own ID",
            )
        else:
            seen[key] = ln


def _term(
    report: ValidationReport,
    tax: Taxonomy,
    kind: str,
    path: Path,
    line: int,
    column: str,
    value: str,
) -> None:
    """Corpus files hold canonical names only; a synonym or misspelling is reported with the fix."""
    vocab = tax.vocab[kind]
    canon = vocab.resolve(value)
    if canon == value:
        return
    if canon is not None:
        report.add(
            path,
            f"'{value}' is a spelling of {vocab.kind} '{canon}'",
            line=line,
            column=column,
            fix=f"write the canonical name '{canon}'",
        )
        return
    msg, fix = vocab.unknown_message(value)
    report.add(path, msg, line=line, column=column, value=value, fix=fix)
