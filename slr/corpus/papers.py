"""The papers of the corpus: the final selection's papers (venue and year decided where the
sources disagree), and the papers only the earlier coding pass codes."""

from __future__ import annotations

import re
from collections import defaultdict

from slr.corpus import sources as src
from slr.corpus import terms
from slr.corpus.reconcile import Reconciler
from slr.corpus.resolve import TermResolver
from slr.corpus.schema import Coding, EarlyCoding, Paper

DOI_IN_URL = re.compile(r"(10\.\d{4,9}/[^\s?#]+)")

# (row, venue, year) of each v3 coding row of a paper
_V3Meta = list[tuple[src.SourceRow, str, str]]


def included_papers(
    final: src.PaperListing,
    codings: list[Coding],
    v3_rows: list[src.SourceRow],
    early: list[EarlyCoding],
    res: TermResolver,
    rec: Reconciler,
) -> list[Paper]:
    """One paper per row of the final selection; findings for what the sources disagree on."""
    v3_meta: dict[str, _V3Meta] = defaultdict(list)
    for coding, row in zip(codings, v3_rows, strict=True):
        v3_meta[coding.paper_id].append(
            (row, row.cells["Venue"].strip(), row.cells["Year"].strip())
        )
    early_by_paper = _by_paper(early)
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
    return [_included_paper(row, v3_meta, early_by_paper, res, rec) for row in final.rows]


def _by_paper(early: list[EarlyCoding]) -> dict[str, list[EarlyCoding]]:
    out: dict[str, list[EarlyCoding]] = defaultdict(list)
    for e in early:
        out[e.paper_id].append(e)
    return out


def _included_paper(
    row: src.SourceRow,
    v3_meta: dict[str, _V3Meta],
    early_by_paper: dict[str, list[EarlyCoding]],
    res: TermResolver,
    rec: Reconciler,
) -> Paper:
    pid = terms.clean(row.cells["Paper ID"])
    applied: list[str] = []
    venue_final = res.single("venues", row.cells["Venue"], row, "Venue", pid, applied)
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
    _coverage_findings(rec, pid, row, bool(v3), bool(e_rows))
    venue_values = {
        src.FINAL_SELECTION: venue_final,
        src.V3_CODING: v3_venue,
        src.EARLY_CODING: e_venue,
    }
    paper_venue = rec.decide(
        pid,
        "venue",
        {k: v for k, v in venue_values.items() if v},
        v3_venue or venue_final,
        "venue-disagreement",
        f"sources disagree on the venue of {pid}",
    )
    year = _paper_year(rec, pid, v3_year, e_year)
    prov = f"title,url={row.where}; venue,year={v3[0][0].where if v3 else row.where}"
    return Paper(
        paper_id=pid,
        included=True,
        title=row.cells["title"],
        venue=str(paper_venue),
        year=int(str(year)) if year is not None else None,
        url=row.cells["url"],
        doi=doi_of(row.cells["url"]),
        provenance=prov,
    )


def _coverage_findings(
    rec: Reconciler, pid: str, row: src.SourceRow, in_v3: bool, in_early: bool
) -> None:
    if not in_v3:
        rec.finding(
            "uncoded-paper",
            f"{pid} is in the final selection but has no row in {src.V3_CODING}",
            paper=pid,
            sources=row.where,
        )
    if not in_early:
        rec.finding(
            "missing-in-earlier-pass",
            f"{pid} is in the final selection but not in {src.EARLY_CODING}",
            paper=pid,
            sources=row.where,
            status="noted (earlier pass predates it)",
        )


def _paper_year(rec: Reconciler, pid: str, v3_year: int | None, e_year: int | None) -> object:
    """The paper's year: v3's, unless a reconciliation decides otherwise."""
    year_values = {
        k: v for k, v in {src.V3_CODING: v3_year, src.EARLY_CODING: e_year}.items() if v is not None
    }
    if year_values:
        return rec.decide(
            pid,
            "year",
            year_values,
            v3_year if v3_year is not None else e_year,
            "year-disagreement",
            f"sources disagree on the year of {pid}",
        )
    if (pid, "year") in rec.by_key:
        return rec.decide(
            pid, "year", {}, None, "year-missing", f"no source gives the year of {pid}"
        )
    rec.finding("year-missing", f"no source gives the year of {pid}", paper=pid)
    return None


def early_only_papers(
    final: src.PaperListing, early: list[EarlyCoding], rec: Reconciler
) -> list[Paper]:
    """The papers the earlier pass codes that are not in the final selection (identified by a
    reconciliation of their title, else left unidentified with an open finding)."""
    final_ids = [terms.clean(r.cells["Paper ID"]) for r in final.rows]
    papers = []
    for pid, e_rows in _by_paper(early).items():
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
    return papers


def doi_of(url: str) -> str:
    """The DOI in a paper's URL (``https://doi.org/10.1145/...``), or ""."""
    if "doi" not in url:
        return ""
    m = DOI_IN_URL.search(url)
    return m.group(1).rstrip("/") if m else ""
