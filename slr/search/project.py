"""A review's search as data (``search.yaml``) and the pipeline run over it.

``search.yaml`` lists the exports (file, format, database, query, date), the snowballing sources
(file, direction, seed record), and the stage files: dedupe decisions, screening criteria and the
screening log. :func:`run_search` runs ingest -> dedupe -> screening state over them;
:func:`included_papers` yields the included works as plain dicts for the review's corpus.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from slr.atomic import atomic_write_text
from slr.errors import ConfigError, SlrError, ValidationReport, display_path
from slr.search.dedupe import DedupeResult, Work, dedupe, read_dedupe_decisions
from slr.search.ingest import ingest_file
from slr.search.progress import ProgressCallback, report
from slr.search.records import IngestResult, Record
from slr.search.screen import Criteria, FinalDecision, ScreeningLog
from slr.search.snowball import Direction, snowball
from slr.search.venues import VenueTable, review_venues
from slr.validation import load_document
from slr.yamlio import load_yaml, strip_lines

SEARCH_FILE = "search.yaml"


class SourceSpec(BaseModel):
    """One export of one database search."""

    model_config = ConfigDict(extra="forbid")

    file: str
    format: str = "auto"
    source: str = Field(description="database or search engine, e.g. 'scopus', 'google_scholar'")
    id_prefix: str | None = None
    query: str = ""
    date: str = ""
    note: str = ""
    sha256: str | None = Field(None, description="checksum of the export file as imported")


class SnowballSpec(BaseModel):
    """Records found by backward (references) or forward (citations) snowballing."""

    model_config = ConfigDict(extra="forbid")

    file: str
    format: str = "auto"
    direction: Literal["backward", "forward"]
    seed: str = Field(description="record_id of the included paper the snowballing started from")
    id_prefix: str | None = None
    date: str = ""
    note: str = ""


class SearchProject(BaseModel):
    """The contents of ``search.yaml``."""

    model_config = ConfigDict(extra="forbid")

    review: str = ""
    note: str = ""
    sources: list[SourceSpec]
    snowball: list[SnowballSpec] = Field(default_factory=list)
    dedupe_decisions: str | None = "dedupe_decisions.csv"
    criteria: str = "criteria.yaml"
    screening_log: str = "screening_log.csv"

    @classmethod
    def load(cls, folder: str | Path) -> tuple[SearchProject, Path]:
        """``search.yaml`` of a project folder (or that file), and the folder; read with the
        located loader (duplicate keys refused) and validated, every problem with its line."""
        folder = Path(folder)
        path = folder / SEARCH_FILE if folder.is_dir() else folder
        if not path.is_file():
            raise ConfigError(
                f"{display_path(path)}: no {SEARCH_FILE}; a search project folder "
                "holds search.yaml, the exports, criteria.yaml and the log"
            )
        return load_document(path, cls, what=SEARCH_FILE), path.parent


@dataclass
class SearchRun:
    """The state of every stage after running the pipeline over a search project."""

    project: SearchProject
    folder: Path
    ingested: IngestResult
    snowballed: IngestResult
    dedupe: DedupeResult
    criteria: Criteria
    log: ScreeningLog
    title_abstract: dict[str, FinalDecision] = field(default_factory=dict)
    full_text: dict[str, FinalDecision] = field(default_factory=dict)

    @property
    def works(self) -> list[Work]:
        return self.dedupe.works

    @property
    def work_of(self) -> dict[str, str]:
        return self.dedupe.cluster_of

    def included_works(self) -> list[Work]:
        return [
            w
            for w in self.works
            if (d := self.full_text.get(w.work_id)) is not None and d.decision == "include"
        ]

    def included_papers(self) -> list[dict[str, Any]]:
        """The included works as the plain dicts the review's corpus receives
        (:func:`work_as_paper`)."""
        return [work_as_paper(work, self) for work in self.included_works()]


def run_search(folder: str | Path, *, progress: ProgressCallback | None = None) -> SearchRun:
    """Run ingest, dedupe and the screening state over a search project folder."""
    project, folder = SearchProject.load(folder)
    venues = review_venues(folder)
    ingested, snowballed = _ingest_all(project, folder, progress, venues)
    records = ingested.records + snowballed.records
    ids = _check_ids(project, folder, records)
    decisions = None
    if project.dedupe_decisions and (folder / project.dedupe_decisions).is_file():
        decisions = read_dedupe_decisions(folder / project.dedupe_decisions, known_ids=ids)
    result = dedupe(records, decisions=decisions, progress=progress, venues=venues)
    criteria = Criteria.load(folder / project.criteria)
    log = ScreeningLog.load(
        folder / project.screening_log, criteria=criteria, known_ids=ids, create=True
    )
    run = SearchRun(project, folder, ingested, snowballed, result, criteria, log)
    run.title_abstract = log.final_decisions("title_abstract", result.cluster_of)
    run.full_text = log.final_decisions("full_text", result.cluster_of)
    _check_seeds_included(run)
    return run


def _ingest_all(
    project: SearchProject, folder: Path, progress: ProgressCallback | None, venues: VenueTable
) -> tuple[IngestResult, IngestResult]:
    """The records of every export and every snowballing source; the problems of all files
    are raised together."""
    problems = ValidationReport()
    ingested = IngestResult()
    snowballed = IngestResult()
    total = len(project.sources) + len(project.snowball)
    for k, src in enumerate(project.sources):
        report(progress, "ingest exports", k, total)
        path = folder / src.file
        try:
            _check_sha(path, src.sha256)
            ingested.extend(
                ingest_file(
                    path,
                    format=src.format,
                    source=src.source,
                    id_prefix=src.id_prefix,
                    venues=venues,
                )
            )
        except SlrError as err:
            problems.add(path, str(err))
    for k, snow in enumerate(project.snowball, start=len(project.sources)):
        report(progress, "ingest exports", k, total)
        path = folder / snow.file
        try:
            snowballed.extend(
                snowball(
                    path,
                    seed=snow.seed,
                    direction=snow.direction,
                    format=None if snow.format == "auto" else snow.format,
                    id_prefix=snow.id_prefix,
                    venues=venues,
                )
            )
        except SlrError as err:
            problems.add(path, str(err))
    report(progress, "ingest exports", total, total)
    problems.raise_if_any(f"search exports of {display_path(folder)}")
    return ingested, snowballed


def _check_ids(project: SearchProject, folder: Path, records: list[Record]) -> set[str]:
    """The record ids, which must be distinct, and name every snowballing seed."""
    ids = {r.record_id for r in records}
    if len(ids) != len(records):
        raise ConfigError(
            f"{display_path(folder / SEARCH_FILE)}: two exports give the same "
            "record ids; set a distinct id_prefix for each"
        )
    for snow in project.snowball:
        if snow.seed not in ids:
            raise ConfigError(
                f"{display_path(folder / SEARCH_FILE)}: snowball seed "
                f"{snow.seed!r} is not a record id of the search"
            )
    return ids


def _check_seeds_included(run: SearchRun) -> None:
    included_ids = {w.work_id for w in run.included_works()}
    for snow in run.project.snowball:
        seed_work = run.dedupe.cluster_of[snow.seed]
        if seed_work not in included_ids:
            raise ConfigError(
                f"{display_path(run.folder / SEARCH_FILE)}: snowballing starts from "
                f"included papers, but {snow.seed} is not included"
            )


def _check_sha(path: Path, expected: str | None) -> None:
    if not expected or not path.is_file():
        return
    import hashlib

    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != expected:
        raise ConfigError(
            f"{display_path(path)}: checksum {actual[:12]}... differs from the "
            f"sha256 {expected[:12]}... in search.yaml; exports are kept as "
            "exported: restore the file or update the checksum on purpose"
        )


def work_as_paper(work: Work, run: SearchRun) -> dict[str, Any]:
    """A work as the plain dict the corpus import expects."""
    by_id = {r.record_id: r for r in run.dedupe.records}
    url = work.url or (f"https://doi.org/{work.doi}" if work.doi else None)
    if url is None and work.arxiv_id:
        url = f"https://arxiv.org/abs/{work.arxiv_id}"
    return {
        "title": work.title,
        "authors": list(work.authors),
        "year": work.year,
        "venue": work.venue,
        "doi": work.doi,
        "url": url,
        "arxiv_id": work.arxiv_id,
        "record_ids": list(work.record_ids),
        "provenance": [
            {
                "record_id": rid,
                "file": by_id[rid].provenance.file,
                "line": by_id[rid].provenance.line,
                "source": by_id[rid].provenance.source,
                "via": by_id[rid].provenance.via,
            }
            for rid in work.record_ids
        ],
    }


def included_papers(
    root: str | Path | None = None, *, folder: str | Path | None = None
) -> Iterator[dict[str, Any]]:
    """Included works of a search project as plain dicts.

    Keys: ``title, authors, year, venue, doi, url, arxiv_id, record_ids, provenance``.
    ``folder`` is the search project folder; by default ``<root>/corpus/search`` of the review.
    """
    if folder is None:
        from slr.paths import corpus_dir

        folder = corpus_dir(Path(root) if root is not None else None) / "search"
    yield from run_search(folder).included_papers()


def add_snowball_source(
    folder: str | Path,
    file: str | Path,
    *,
    seed: str,
    direction: Direction,
    format: str = "auto",
) -> Path:
    """Copy a snowballing export into ``<folder>/snowball/`` and list it in ``search.yaml``.

    The project is run first to check that ``seed`` belongs to an included work and that the
    new export parses; ``search.yaml`` is rewritten (atomically) only when both hold.
    """
    from slr.search.ingest import id_prefix_for

    project, folder = SearchProject.load(folder)
    run = run_search(folder)
    included = {rid for w in run.included_works() for rid in w.record_ids}
    snowball(
        file,
        seed=seed,
        direction=direction,
        format=None if format == "auto" else format,
        included_ids=included,
    )  # parses it: bad files fail before anything is written
    dest_dir = folder / "snowball"
    dest = dest_dir / Path(file).name
    if dest.exists():
        raise ConfigError(f"{display_path(dest)} exists; rename the export before adding it")
    data = strip_lines(load_yaml(folder / SEARCH_FILE))
    data["snowball"] = list(data.get("snowball") or []) + [
        {
            "file": f"snowball/{dest.name}",
            "format": format,
            "direction": direction,
            "seed": seed,
            "id_prefix": f"{direction[0]}{id_prefix_for(dest)}",
        }
    ]
    SearchProject.model_validate(data)
    dest_dir.mkdir(exist_ok=True)
    shutil.copyfile(file, dest)
    text = "# The review's search as data; `slr search run` runs the pipeline over it.\n"
    atomic_write_text(
        folder / SEARCH_FILE,
        text + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100),
    )
    return dest
