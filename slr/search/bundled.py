"""Import the review's real search sample into ``corpus/search/`` (by code, not by hand).

The review's published artifacts (``shared/data/slr-peft``) hold the first 65 records of its
Publish or Perish export of Google Scholar (``raw_paper_collection_sample.csv``) and the final
selection of papers (``final_paper_selection.md``), but no screening decisions. The importer:

* copies the export byte for byte into ``exports/`` and records its SHA-256, query and date (both
  read from the export itself) in ``search.yaml``;
* writes ``criteria.yaml`` with two *derived* codes, and ``screening_log.csv`` with decisions
  derived by matching each record's title to the final selection (:func:`match_final_selection`):
  a record that matches a finally selected paper is included (``IN-FS``), any other is excluded with
  ``EX-NFS`` ("not in the final selection; reason not published"). The reviewer of every derived
  row is ``derived-from-final-selection``. No exclusion reason is invented.
"""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import yaml

from slr.errors import ConfigError, display_path
from slr.search.ingest import build_record, ingest_file
from slr.search.normalise import title_key
from slr.search.records import Provenance, Record
from slr.search.screen import LOG_COLUMNS, LogEntry, Stage
from slr.search.sources import MappedFields

EXPORT_NAME = "google_scholar_pop_2025-03-21.csv"
DERIVED_REVIEWER = "derived-from-final-selection"
_ROW_RE = re.compile(r"^\|\s*(P\d+)\s*\|\s*\[(.+?)\]\((\S+?)\)\s*\|\s*([^|]+?)\s*\|\s*$")

CRITERIA_TEXT = """\
# Screening criteria of the bundled search sample, as data (codes are used in screening_log.csv).
# The review (arXiv 2504.21569) screened with its own inclusion and exclusion criteria but did not
# publish a decision per record. These two codes only label decisions DERIVED by
# `slr search import-sample` from the published final selection; they are not the review's criteria.
note: >-
  Derived decisions: records matching a paper of final_paper_selection.md are included (IN-FS);
  every other record is excluded with EX-NFS, whose real reason the review did not publish.
criteria:
  - code: IN-FS
    kind: inclusion
    label: In the review's final selection (derived)
    description: >-
      The record's title is the title of a paper of final_paper_selection.md.
  - code: EX-NFS
    kind: exclusion
    label: Not in the final selection (reason not published)
    description: >-
      The record matches no paper of final_paper_selection.md. The review excluded it for a
      reason it did not publish; the stage at which it was excluded is not known either.
"""


@dataclass(frozen=True)
class ImportSummary:
    export: Path
    records: int
    included: list[tuple[str, str]]  # (record_id, paper id)
    excluded: int


def read_final_selection(shared_dir: Path) -> list[Record]:
    """The review's final selection as records (title, venue, year, DOI or arXiv id from URL)."""
    path = shared_dir / "slr-peft" / "final_paper_selection.md"
    meta_path = shared_dir / "slr-peft" / "peft_se_benchmark_metadata.csv"
    if not path.is_file():
        raise ConfigError(
            f"{display_path(path)}: missing; point --shared at the folder holding slr-peft/"
        )
    years: dict[str, str] = {}
    if meta_path.is_file():
        with meta_path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                years.setdefault(row["Paper ID"].split("-")[0], row.get("Year", ""))
    out: list[Record] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = _ROW_RE.match(line.strip())
        if not m:
            continue
        pid, title, url, venue = m.groups()
        mapped = MappedFields(
            title=title,
            venue=None if venue.upper() == "ARXIV" else venue,
            year=years.get(pid),
            doi=url if "doi" in url else None,
            arxiv=url,
            url=url,
            entry_type="misc" if venue.upper() == "ARXIV" else None,
            extra={"paper_id": pid, "venue_short": venue},
        )
        prov = Provenance(
            file=display_path(path),
            line=lineno,
            row=len(out) + 1,
            source="final_selection",
            format="markdown_table",
        )
        out.append(build_record(mapped, record_id=pid, provenance=prov))
    return out


def match_final_selection(records: list[Record], final: list[Record]) -> dict[str, str]:
    """record_id -> paper id, for records whose title is a final-selection paper's title.

    The rule is deliberately plain (same title after case, accents and punctuation are set
    aside, and publication years at most one apart), so that derived decisions do not move
    when deduplication rules are tuned.
    """
    by_title: dict[str, Record] = {}
    for paper in final:
        by_title[title_key(paper.title)] = paper
    out = {}
    for rec in records:
        match = by_title.get(title_key(rec.title))
        if match is None:
            continue
        paper = match
        if rec.year is not None and paper.year is not None and abs(rec.year - paper.year) > 1:
            continue
        out[rec.record_id] = paper.record_id
    return out


def _query_and_date(path: Path) -> tuple[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    queries = {
        parse_qs(urlparse(r.get("RelatedURL", "")).query).get("scioq", [""])[0] for r in rows
    }
    dates = {r.get("QueryDate", "") for r in rows}
    return " ; ".join(sorted(q for q in queries if q)), " ; ".join(sorted(d for d in dates if d))


def import_pop_sample(shared_dir: str | Path, dest: str | Path) -> ImportSummary:
    """Write the bundled search project (export, search.yaml, criteria, derived decisions)."""
    shared_dir, dest = Path(shared_dir), Path(dest)
    src = shared_dir / "slr-peft" / "raw_paper_collection_sample.csv"
    if not src.is_file():
        raise ConfigError(
            f"{display_path(src)}: missing; point --shared at the folder holding slr-peft/"
        )
    (dest / "exports").mkdir(parents=True, exist_ok=True)
    export = dest / "exports" / EXPORT_NAME
    shutil.copyfile(src, export)
    sha = hashlib.sha256(export.read_bytes()).hexdigest()
    query, date = _query_and_date(export)
    project = {
        "review": "A Systematic Literature Review of Parameter-Efficient Fine-Tuning for Large "
        "Code Models (arXiv 2504.21569)",
        "note": "Written by `slr search import-sample` from the review's published artifacts.",
        "sources": [
            {
                "file": f"exports/{EXPORT_NAME}",
                "format": "pop_csv",
                "source": "google_scholar",
                "id_prefix": "gs",
                "query": query,
                "date": date,
                "note": "First 65 records (GSRank 1-66, no 18) of the review's Publish or Perish "
                "export of Google Scholar; copied unchanged from "
                "shared/data/slr-peft/raw_paper_collection_sample.csv (alvi75/SLR-PEFT, "
                "data/raw_paper_collection.csv).",
                "sha256": sha,
            }
        ],
        "snowball": [],
        "dedupe_decisions": "dedupe_decisions.csv",
        "criteria": "criteria.yaml",
        "screening_log": "screening_log.csv",
    }
    (dest / "search.yaml").write_text(
        "# The review's search as data; `slr search run` runs the pipeline over it.\n"
        + yaml.safe_dump(project, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
    (dest / "criteria.yaml").write_text(CRITERIA_TEXT, encoding="utf-8")
    with (dest / "dedupe_decisions.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(
            ["record_id_a", "record_id_b", "decision", "reviewer", "note"]
        )

    records = ingest_file(export, format="pop_csv", source="google_scholar", id_prefix="gs")
    paper_of = match_final_selection(records.records, read_final_selection(shared_dir))
    rows: list[LogEntry] = []
    included = []
    for rec in records.records:
        pid = paper_of.get(rec.record_id)
        if pid:
            note = f"matches {pid} of final_paper_selection.md"
            included.append((rec.record_id, pid))
            stages: tuple[Stage, ...] = ("title_abstract", "full_text")
            for stage in stages:
                rows.append(
                    LogEntry(
                        stage,
                        rec.record_id,
                        "include",
                        ("IN-FS",),
                        DERIVED_REVIEWER,
                        note=note,
                    )
                )
        else:
            rows.append(
                LogEntry(
                    "title_abstract",
                    rec.record_id,
                    "exclude",
                    ("EX-NFS",),
                    DERIVED_REVIEWER,
                    note="no match in final_paper_selection.md",
                )
            )
    with (dest / "screening_log.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(LOG_COLUMNS)
        for e in rows:
            w.writerow(e.row())
    (dest / "README.md").write_text(README_TEXT, encoding="utf-8")
    return ImportSummary(
        export, len(records.records), included, len(records.records) - len(included)
    )


README_TEXT = """\
# corpus/search: the review's search, as data

Written by `slr search import-sample` (slr/search/bundled.py) from the review's published
artifacts; re-run it rather than editing these files by hand.

| file | what |
|---|---|
| `search.yaml` | the exports (file, format, database, query, date, SHA-256) and stage files |
| `exports/google_scholar_pop_2025-03-21.csv` | the review's Publish or Perish export of Google \
Scholar (first 65 records), byte for byte |
| `criteria.yaml` | screening codes; here only two *derived* codes (see below) |
| `screening_log.csv` | append-only decisions (stage, record, decision, reasons, reviewer) |
| `dedupe_decisions.csv` | manual duplicate / not duplicate decisions (none yet) |

The review published no per-record screening decisions. The decisions in `screening_log.csv` are
derived: a record whose title is the title of a paper of the final selection
(`final_paper_selection.md`) is included (`IN-FS`); every other record is excluded with `EX-NFS`,
"not in the final selection (reason not published)". Their reviewer is
`derived-from-final-selection`. The PRISMA diagram built from them describes this sample only.

Run the pipeline: `slr search run corpus/search` (summary), `slr prisma --project corpus/search`.
"""
