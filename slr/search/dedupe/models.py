"""Types of the deduplication stage: configuration, pair results, merged works, the result."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from slr.search.records import Record

Label = Literal["duplicate", "version", "maybe", "distinct"]


class DedupeConfig(BaseModel):
    """Thresholds of the pair rules (similarities in 0..1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title_duplicate: float = Field(
        default=0.95, description="title similarity for an automatic match"
    )
    title_maybe: float = Field(default=0.85, description="title similarity for a pair to review")
    author_match: float = Field(default=0.75, description="author overlap for an automatic match")
    author_conflict: float = Field(
        default=0.34, description="author overlap below which authors differ"
    )
    min_title_chars: int = Field(
        default=25, description="shorter titles need more than title + year"
    )
    truncated_min_chars: int = Field(
        default=30, description="overlap needed to match a cut '…' title"
    )
    max_preprint_gap: int = Field(
        default=3, description="years between a preprint and its publication"
    )
    max_block: int = Field(
        default=12, description="larger blocks use a sorted-neighbourhood window"
    )
    window: int = Field(default=6, description="window of the sorted-neighbourhood search")
    author_window: int = Field(default=3, description="window in first-author + year blocks")
    prefix_words: int = Field(
        default=4, description="title words in the prefix/suffix blocking keys"
    )


@dataclass(frozen=True)
class PairResult:
    """Why two records were (or were not) matched."""

    record_id_a: str
    record_id_b: str
    label: Label
    rule: str
    title_sim: float
    author_sim: float | None
    year_diff: int | None
    venue_sim: float | None
    doi: str  # same | different | one-missing | missing
    note: str = ""
    decided_by: str = "rules"

    def as_row(self) -> dict[str, object]:
        return {
            "record_id_a": self.record_id_a,
            "record_id_b": self.record_id_b,
            "label": self.label,
            "rule": self.rule,
            "title_sim": round(self.title_sim, 3),
            "author_sim": "" if self.author_sim is None else round(self.author_sim, 3),
            "year_diff": "" if self.year_diff is None else self.year_diff,
            "venue_sim": "" if self.venue_sim is None else round(self.venue_sim, 3),
            "doi": self.doi,
            "note": self.note,
            "decided_by": self.decided_by,
        }


class Work(BaseModel):
    """One cluster of records merged into a single work (the unit that is screened)."""

    model_config = ConfigDict(extra="forbid")

    work_id: str
    title: str
    authors: list[str] = Field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    entry_type: str = "misc"
    doi: str | None = None
    arxiv_id: str | None = None
    url: str | None = None
    abstract: str | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    publisher: str | None = None
    keywords: list[str] = Field(default_factory=list)
    record_ids: list[str]
    preprint_ids: list[str] = Field(default_factory=list, description="members that are preprints")
    other_dois: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    provenance: list[str] = Field(default_factory=list, description="'file:line' of each member")
    field_sources: dict[str, str] = Field(
        default_factory=dict, description="field -> record_id the merged value was taken from"
    )


@dataclass
class DedupeResult:
    """Everything deduplication decided, and why."""

    records: list[Record]
    cluster_of: dict[str, str]
    works: list[Work]
    pairs: list[PairResult]
    review: list[PairResult]
    decisions_applied: int = 0
    candidates: int = 0
    config: DedupeConfig = field(default_factory=lambda: DedupeConfig())

    @property
    def duplicates_removed(self) -> int:
        return len(self.records) - len(self.works)

    @property
    def versions_linked(self) -> int:
        """Preprint records folded into a work that also has a published record."""
        return sum(
            len(w.preprint_ids) for w in self.works if len(w.preprint_ids) < len(w.record_ids)
        )

    def clusters_rows(self) -> list[tuple[str, str]]:
        return [(r.record_id, self.cluster_of[r.record_id]) for r in self.records]

    def write_clusters(self, path: str | Path) -> None:
        """One row per input record: ``record_id,cluster_id``."""
        _write_csv(path, ["record_id", "cluster_id"], self.clusters_rows())

    def write_pairs(self, path: str | Path) -> None:
        rows = [p.as_row() for p in self.pairs]
        _write_dicts(
            path, list(PairResult("", "", "distinct", "", 0, None, None, None, "").as_row()), rows
        )

    def write_review(self, path: str | Path) -> None:
        """Uncertain pairs with both titles and an empty ``decision`` column to fill in."""
        by_id = {r.record_id: r for r in self.records}
        rows = []
        for p in self.review:
            a, b = by_id[p.record_id_a], by_id[p.record_id_b]
            rows.append(
                {
                    **p.as_row(),
                    "decision": "",
                    "title_a": a.title,
                    "title_b": b.title,
                    "year_a": a.year or "",
                    "year_b": b.year or "",
                    "doi_a": a.doi or "",
                    "doi_b": b.doi or "",
                    "where_a": a.provenance.location(),
                    "where_b": b.provenance.location(),
                }
            )
        cols = [
            *PairResult("", "", "distinct", "", 0, None, None, None, "").as_row(),
            "decision",
            "title_a",
            "title_b",
            "year_a",
            "year_b",
            "doi_a",
            "doi_b",
            "where_a",
            "where_b",
        ]
        _write_dicts(path, cols, rows)

    def write_works(self, path: str | Path) -> None:
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            for w in self.works:
                fh.write(w.model_dump_json(exclude_defaults=True) + "\n")
        tmp.replace(path)


def _write_csv(path: str | Path, header: list[str], rows: Iterable[Sequence[object]]) -> None:
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    tmp.replace(path)


def _write_dicts(path: str | Path, header: list[str], rows: list[dict[str, object]]) -> None:
    _write_csv(path, header, ([r.get(h, "") for h in header] for r in rows))
