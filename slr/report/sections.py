"""The sections of the review report, each computed from the loaded review's data (no section
reads a file of the review itself: it asks the :class:`~slr.review.Review`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from slr.report.context import BuildContext, report_section, section
from slr.report.html import Section, cards, details, esc, format_quantity, table

if TYPE_CHECKING:
    from slr.review import Review

REVIEW_CITATION = (
    "M. Haque, S. Afrin, A. Mastropaolo. A Systematic Literature Review of Parameter-Efficient "
    "Fine-Tuning for Large Code Models. arXiv:2504.21569, 2025."
)
REVIEW_URL = "https://arxiv.org/abs/2504.21569"


def paper_titles(review: Review) -> dict[str, str]:
    """Paper id -> 'title (venue year)', shown on hover wherever a table names a paper."""
    out = {}
    for p in review.papers.itertuples(index=False):
        year = "" if pd.isna(p.year) else f" {int(p.year)}"
        out[str(p.paper_id)] = f"{p.title} ({p.venue}{year})"
    return out


@report_section("overview")
def overview(review: Review, ctx: BuildContext) -> Section:
    p = review.papers
    inc = p[p["included"]]
    m = review.methods
    stats = [
        ("included papers", len(inc)),
        ("coded papers", int(inc["coded"].sum())),
        ("codings (paper x task)", len(review.codings)),
        ("method uses", len(m)),
        ("distinct PEFT methods", m["method"].nunique()),
        ("SE tasks", review.codings["task"].nunique()),
        ("base models", review.models["model"].nunique()),
        ("datasets", review.datasets["dataset"].nunique()),
        ("venues", inc["venue"].nunique()),
    ]
    by_year = inc.groupby("year").size().rename("papers").reset_index()
    ctx.write_table("papers", p)
    papers_tbl = inc[["paper_id", "title", "venue", "year", "coded", "url"]]
    html = (
        f'<p class="cite">The review: {esc(REVIEW_CITATION)} '
        f'<a href="{REVIEW_URL}">{REVIEW_URL}</a>. This report rebuilds its corpus, taxonomy '
        "and figures from the data it published; paper ids (P1, P29, ...) are the review's, and "
        "each shows its title when the pointer rests on it.</p>"
    )
    html += cards(stats)
    html += (
        f"<p>{len(inc)} included papers from {int(inc['year'].min())} to {int(inc['year'].max())}; "
        f"{len(p) - len(inc)} more papers were coded by the earlier pass and left out of the final "
        "selection (see Data quality).</p>"
    )
    html += "<h3>Papers per year</h3>" + table(by_year)
    html += details(f"All {len(inc)} included papers", table(papers_tbl, titles=ctx.titles))
    return section("overview", html)


@report_section("taxonomy")
def taxonomy_section(review: Review, ctx: BuildContext) -> Section:
    t = review.taxonomy
    html = "<p>The coding scheme lives in <code>taxonomy/*.yaml</code>; every term of the corpus is one of its canonical names.</p>"
    html += ctx.section_figures("taxonomy")
    methods = t.frame("methods")[["name", "family", "parent", "peft_type", "synonyms", "reference"]]
    tasks = t.frame("tasks")[["name", "abbreviation", "type", "synonyms"]]
    models = t.frame("models")[["name", "family", "architecture", "params", "hub_id", "source"]]
    venues = t.frame("venues")[["name", "full_name", "type"]]
    for name, frame in [
        ("PEFT methods", methods),
        ("SE tasks", tasks),
        ("Base models", models),
        ("Venues", venues),
        ("Architectures", t.frame("architectures")),
        ("Datasets", t.frame("datasets")),
        ("Metrics", t.frame("metrics")),
        ("GPUs", t.frame("gpus")),
    ]:
        html += details(f"{name} ({len(frame)})", table(frame))
    return section("taxonomy", html)


@report_section("figures")
def figures_section(review: Review, ctx: BuildContext) -> Section:
    return section("figures", ctx.section_figures("figures"))


@report_section("agreement")
def agreement_section(review: Review, ctx: BuildContext) -> Section:
    from slr.agreement import coding_agreement

    a = coding_agreement(review)
    ctx.write_table("agreement_summary", a.summary)
    ctx.write_table("agreement_disagreements", a.disagreements)
    ctx.write_table("agreement_unmatched", a.unmatched)
    html = (
        "<p>The earlier coding pass (<code>corpus/codings_early.csv</code>) against the canonical one "
        "(<code>corpus/codings.csv</code>). Paper-level fields compare every paper both passes code; "
        "row-level fields compare rows coded under the same ID. Kappa is Cohen's kappa (single-valued "
        "fields); set-valued fields report the share of identical sets and the mean Jaccard similarity.</p>"
    )
    html += ctx.section_figures("agreement")
    html += table(a.summary)
    html += details(
        f"{len(a.disagreements)} disagreements", table(a.disagreements, titles=ctx.titles)
    )
    html += details(
        f"{len(a.unmatched)} rows coded by one pass only", table(a.unmatched, titles=ctx.titles)
    )
    return section("agreement", html)


@report_section("quality")
def data_quality_section(review: Review, ctx: BuildContext) -> Section:
    f = review.findings
    ctx.write_table("findings", f)
    n_open = int((f["status"] == "open").sum())
    html = (
        f"<p>{len(f)} findings about the published artifacts: {n_open} open (highlighted; listed, not fixed) and "
        f"{len(f) - n_open} reconciled, identified, mapped or noted by a recorded decision.</p>"
    )
    html += table(f, row_class=lambda r: "open" if r["status"] == "open" else "", titles=ctx.titles)
    dec = review.decisions
    if dec is not None:
        rows = [
            {
                "id": d.id,
                "kind": "term mapping",
                "target": f"{d.source} / {d.column}: {d.raw}",
                "decision": "; ".join(d.value) or "(no term)",
                "rationale": d.rationale,
            }
            for d in dec.term_mappings
        ]
        rows += [
            {
                "id": d.id,
                "kind": "reconciliation",
                "target": f"{d.paper or 'review'} / {d.field}",
                "decision": d.decision,
                "rationale": d.rationale,
            }
            for d in dec.reconciliations
        ]
        rows += [
            {
                "id": d.id,
                "kind": "override",
                "target": f"{d.coding} / {d.field}",
                "decision": d.value,
                "rationale": d.rationale,
            }
            for d in dec.overrides
        ]
        html += "<h3>Recorded decisions (<code>corpus/decisions.yaml</code>)</h3>" + table(
            pd.DataFrame(rows)
        )
    return section("quality", html)


@report_section("reproductions")
def reproductions_section(review: Review, ctx: BuildContext) -> Section | None:
    """Verdicts on the papers' efficiency (and, when run, effectiveness) claims."""
    v = review.verdicts
    if v.empty:
        return None
    ctx.write_table("efficiency_verdicts", v)
    counts = v["verdict"].value_counts()
    html = cards(
        [(k, int(counts.get(k, 0))) for k in ("holds", "does not hold", "cannot be checked")]
    )
    html += (
        f"<p>{len(v)} efficiency claims of the corpus (<code>corpus/claims.yaml</code>), checked without "
        "downloading any model: trainable parameters are counted exactly on the meta device, memory is "
        "predicted by the analytical model, and runs (where made) are measured. Results: "
        "<code>reproductions/results/</code>; re-run with <code>slr reproduce verify</code>.</p>"
    )
    html += ctx.section_figures("reproductions")
    cols = [
        c
        for c in [
            "claim",
            "paper",
            "model",
            "method",
            "quantity",
            "reported",
            "predicted",
            "measured",
            "unit",
            "verdict",
            "reason",
            "where",
        ]
        if c in v.columns
    ]
    shown = v[cols].copy()
    for col in ("predicted", "measured"):
        if col in shown.columns:
            shown[col] = [format_quantity(x, u) for x, u in zip(v[col], v["unit"], strict=True)]
    shown = shown.drop(columns=["unit"], errors="ignore").rename(
        columns={"reported": "reported (as the paper states it)"}
    )
    html += (
        '<h3>Efficiency verdicts</h3><p class="note">Reported values are quoted as each paper '
        "states them (a reduction may be written as a negative change); predicted and measured "
        "values are in the claim's unit.</p>"
    )
    html += table(
        shown,
        row_class=lambda r: "fail" if r["verdict"] == "does not hold" else "",
        titles=ctx.titles,
    )
    return section("reproductions", html)


@report_section("search")
def search_section(review: Review, ctx: BuildContext) -> Section | None:
    """From search exports to included papers: the PRISMA 2020 flow of the bundled search."""
    if "prisma" not in ctx.figures:
        return None
    html = (
        "<p>The pipeline (<code>slr ingest</code>, <code>slr dedupe</code>, <code>slr screen</code>, "
        "<code>slr prisma</code>) run over the bundled search in <code>corpus/search/</code>. Every count "
        "comes from the pipeline's own records, duplicate clusters and screening log.</p>"
    )
    flow = pd.read_csv(ctx.figures["prisma"]["csv"])
    html += ctx.section_figures("search", notes={"prisma": " " + prisma_scope(flow, review)})
    from slr.corpus.from_search import link_included

    linked = link_included(review.search.included_papers(), review.corpus.papers)
    ctx.write_table("search_included_to_corpus", linked)
    html += "<h3>Included works of the search, as corpus papers</h3>" + table(
        linked, titles=ctx.titles
    )
    return section("search", html)


def prisma_scope(flow: pd.DataFrame, review: Review) -> str:
    """What search the PRISMA figure covers, with its counts and the review's, so that its
    'included' box is not read as the review's total."""

    def box(name: str) -> int:
        rows = flow[(flow["box"] == name) & flow["reason"].isna()]
        return int(rows["count"].sum())

    sources = sorted({str(s) for s in flow["source"].dropna()})
    n_included = int(review.papers["included"].sum())
    return (
        f"This flow covers the bundled search sample only: {box('records_identified')} records "
        f"identified ({', '.join(sources) or 'all sources'}), {box('studies_included')} of them "
        f"among the review's {n_included} included papers. The review's own search (all its "
        "databases and records) is not published record by record, so its full flow cannot be "
        "recomputed."
    )
