"""The review's own quantitative statements, checked against the corpus per counting unit.

``corpus/review_claims.yaml`` lists them: a verbatim ``quote`` with ``where`` (or, while the
review's wording could not be read, ``quote_missing`` saying why, next to the statement as it is
paraphrased), and one ``check``:

* ``ordering`` - ``expect`` lists values of ``of`` (architectures, methods) from most to least
  used: it holds under a unit when their counts strictly decrease in that order;
* ``most`` - ``expect`` is one value: it holds when it is counted more than every other value;
* ``count`` - ``expect`` is a number of ``of`` (papers of the review's selection, distinct tasks).

A count depends on what is counted, so each statement is checked under each of its ``units``:
**papers** (a paper counts once per value it ever names), **coding rows** (one per paper x SE
task row of ``corpus/codings.csv``), **method uses** (every method named in a row, a combination
"A + B" counting each part). ``pool_variants`` also counts each method as its root in the
taxonomy (QLoRA, FF-LoRA -> LoRA; L-Adapter -> Adapter). The review does not say (in the text
that could be read) which unit it used, so the verdict is given per unit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from slr.errors import ValidationReport
from slr.paths import corpus_dir
from slr.validation import validate_item
from slr.yamlio import load_yaml, pop_line, strip_lines

Unit = Literal["papers", "coding rows", "method uses"]


class StatementCheck(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["ordering", "most", "count"]
    of: Literal["architectures", "methods", "papers", "tasks"]
    expect: list[str] | str | int
    units: list[Unit] = Field(min_length=1)
    pool_variants: bool = False

    @model_validator(mode="after")
    def _shape(self) -> StatementCheck:
        want = {"ordering": list, "most": str, "count": int}[self.kind]
        if not isinstance(self.expect, want):
            raise ValueError(f"a '{self.kind}' check expects {want.__name__}, got {self.expect!r}")
        if "method uses" in self.units and self.of != "methods":
            raise ValueError("'method uses' counts methods only")
        return self


class ReviewStatement(BaseModel):
    """One quantitative statement of the review."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^R-[a-z0-9-]+$")
    statement: str = Field(min_length=1, description="what is claimed, in plain words")
    quote: str = ""
    quote_missing: str = Field("", description="why no verbatim quote could be taken")
    where: str = Field(min_length=1)
    check: StatementCheck
    notes: str = ""

    @model_validator(mode="after")
    def _quoted(self) -> ReviewStatement:
        if bool(self.quote) == bool(self.quote_missing):
            raise ValueError("give a verbatim quote, or quote_missing saying why there is none")
        return self


def load_review_statements(root: Path | None = None) -> list[ReviewStatement]:
    path = corpus_dir(root) / "review_claims.yaml"
    report = ValidationReport()
    doc = load_yaml(path)
    items = doc.get("statements") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        report.add(path, "expected a top-level list 'statements:'", line=1)
        report.raise_if_any("corpus/review_claims.yaml")
    out = []
    for raw in items or []:
        raw = dict(raw)
        line = pop_line(raw)
        s = validate_item(
            ReviewStatement, strip_lines(raw), report=report, file=path, line=line, what="statement"
        )
        if s is not None:
            out.append(s)
    report.raise_if_any("corpus/review_claims.yaml")
    return out


def _values(row: Any, of: str, tax: Any, pool: bool) -> list[str]:
    """The values a coding row names for ``of`` (methods: every part of a combination)."""
    cell = {"architectures": row.architectures, "methods": row.methods, "tasks": row.task}[of]
    items = [v.strip() for v in str(cell).split(";") if v.strip()]
    if of != "methods":
        return items
    parts = [p.strip() for v in items for p in v.split("+") if p.strip()]
    # full fine-tuning is the baseline (taxonomy family "baseline"), not a PEFT method used
    parts = [p for p in parts if not _is_baseline(tax, p)]
    if pool:
        return [tax.root_method(p) if tax.vocab["methods"].resolve(p) else p for p in parts]
    return parts


def _is_baseline(tax: Any, name: str) -> bool:
    canon = tax.vocab["methods"].resolve(name)
    return canon is not None and tax.method(canon).family == "baseline"


def count(codings: Any, of: str, unit: Unit, tax: Any, pool: bool = False) -> Counter[str]:
    """value -> count under ``unit`` over the coding rows."""
    rows: Counter[str] = Counter()
    uses: Counter[str] = Counter()
    papers: dict[str, set[str]] = defaultdict(set)
    for row in codings.itertuples(index=False):
        values = _values(row, of, tax, pool)
        uses.update(values)
        for v in dict.fromkeys(values):  # once per row, in a fixed order
            rows[v] += 1
            papers[v].add(str(row.paper_id))
    if unit == "method uses":
        return uses
    if unit == "coding rows":
        return rows
    return Counter({v: len(p) for v, p in papers.items()})


def _judge(check: StatementCheck, counts: Counter[str]) -> tuple[str, str]:
    if check.kind == "ordering":
        assert isinstance(check.expect, list)
        seq = [counts.get(v, 0) for v in check.expect]
        ok = all(a > b for a, b in zip(seq, seq[1:], strict=False))
        shown = ", ".join(f"{v} {n}" for v, n in zip(check.expect, seq, strict=True))
        return ("holds" if ok else "does not hold"), shown
    top = counts.most_common(3)
    shown = ", ".join(f"{v} {n}" for v, n in top)
    mine = counts.get(str(check.expect), 0)
    ok = all(mine > n for v, n in counts.items() if v != check.expect)
    return ("holds" if ok else "does not hold"), f"{check.expect} {mine}; top: {shown}"


def check_statements(root: Path | None = None) -> list[dict[str, Any]]:
    """One row per statement x counting unit (x pooling): the counts and the verdict."""
    import pandas as pd

    from slr.reproduce.claims import review_paper_ids
    from slr.taxonomy import load_taxonomy

    base = corpus_dir(root)
    tax = load_taxonomy(base.parent / "taxonomy")
    codings = pd.read_csv(base / "codings.csv", dtype=str, keep_default_na=False)
    papers = review_paper_ids(root) or set()
    rows = []
    for s in load_review_statements(root):
        c = s.check
        head = {"statement": s.id, "claim": s.statement, "quote": s.quote or s.quote_missing,
                "quoted": bool(s.quote), "where": s.where}  # fmt: skip
        if c.kind == "count":
            n = len(papers) if c.of == "papers" else len(count(codings, c.of, "coding rows", tax))
            what = (
                "papers of corpus/papers.csv (included)"
                if c.of == "papers"
                else "distinct SE task labels"
            )
            rows.append({**head, "unit": c.units[0], "counts": f"{n} {what}", "expected": c.expect,
                         "verdict": "holds" if n == c.expect else "does not hold"})  # fmt: skip
            continue
        for pool in (False, True) if c.pool_variants else (False,):
            for unit in c.units:
                verdict, shown = _judge(c, count(codings, c.of, unit, tax, pool))
                label = unit + (" (variants pooled to their root method)" if pool else "")
                rows.append({**head, "unit": label, "counts": shown, "expected": str(c.expect),
                             "verdict": verdict})  # fmt: skip
    return rows


def review_statements_frame(root: Path | str | None = None) -> Any:
    """:func:`check_statements` as a DataFrame (one row per statement and unit)."""
    import pandas as pd

    return pd.DataFrame(check_statements(Path(root) if root is not None else None))
