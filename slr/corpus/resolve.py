"""Reading the free-text cells of the published codings as taxonomy terms.

Every cell is split into fragments (:mod:`slr.corpus.terms`) and each fragment is resolved
against the taxonomy; a term mapping of ``corpus/decisions.yaml`` is consulted first. A fragment
nothing can read is a problem naming the file, line, column, the fragment and the closest terms.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from slr.corpus import sources as src
from slr.corpus import terms
from slr.corpus.schema import Decisions, TermMapping
from slr.errors import ValidationReport
from slr.taxonomy import Taxonomy, term_key

NOT_GIVEN = {"not mentioned", "not applicable", "n/a", "none", ""}


class TermResolver:
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

    def single(
        self,
        kind: str,
        text: str,
        row: src.SourceRow,
        column: str,
        row_id: str,
        applied: list[str],
    ) -> str:
        """The one term ``text`` names; unresolvable: reported, and "" returned."""
        got = self.resolve(kind, text, row, column, row_id, applied)
        if got is None:
            self.unknown(kind, text, row, column, row_id)
            return ""
        return got[0] if got else ""

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


def method_terms(
    res: TermResolver, row: src.SourceRow, column: str, row_id: str, applied: list[str]
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


def list_terms(
    res: TermResolver, kind: str, row: src.SourceRow, column: str, row_id: str, applied: list[str]
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
            got = _labelled(res, kind, frag, row, column, row_id, applied)
        if got is None:
            res.unknown(kind, frag, row, column, row_id)
            continue
        for g in got:
            if g not in out:
                out.append(g)
    return out


def _labelled(
    res: TermResolver,
    kind: str,
    frag: str,
    row: src.SourceRow,
    column: str,
    row_id: str,
    applied: list[str],
) -> list[str] | None:
    """A fragment 'label: text': the text when the label is a method ('LoRA: QWen-14B'), the
    label when it is a term itself ('RoBERTa-base: for GLUE...'), else None."""
    label, rest = terms.split_label(frag)
    if label is None:
        return None
    if res.tax.vocab["methods"].resolve(label) and rest:
        return res.resolve(kind, rest, row, column, row_id, applied)
    if res.tax.vocab[kind].resolve(label):
        return [res.tax.vocab[kind].resolve(label) or label]
    return None


def dataset_terms(tax: Taxonomy, text: str) -> list[str]:
    spellings = {s: d.name for d in tax.datasets for s in (d.name, *d.synonyms)}
    out: list[str] = []
    for sp in terms.find_names(text, list(spellings)):
        name = spellings[sp]
        if name not in out:
            out.append(name)
    return out


def gpu_terms(
    res: TermResolver, row: src.SourceRow, column: str, row_id: str, applied: list[str]
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


def given_text(text: str) -> str:
    """The cell's text, or "" when it says the value is not given ('not mentioned', 'n/a'...)."""
    t = text.strip()
    return "" if t.lower() in NOT_GIVEN else t
