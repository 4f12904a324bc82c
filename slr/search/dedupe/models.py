"""Types of the deduplication stage: configuration, pair results, merged works, the result."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
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
    locator_title_floor: float = Field(
        default=0.8,
        description="title similarity below which even a full journal/volume/issue/pages "
        "match is not taken for one article",
    )
    use_model: bool = Field(
        default=True,
        description="estimate a Fellegi-Sunter model (EM) of the pairs: it adds the matches "
        "it is sure of and ranks the review file by its uncertainty",
    )
    model_duplicate: float = Field(
        default=0.999, description="match probability for the model to merge a pair"
    )
    workers: int = Field(default=-1, description="threads of the string comparisons (-1: all)")


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
    probability: float | None = None  # the Fellegi-Sunter model's match probability

    @property
    def uncertainty(self) -> float:
        """1 for a coin flip, 0 for a sure call (from the model, else from the title)."""
        p = self.probability if self.probability is not None else self.title_sim
        return 1.0 - abs(2.0 * p - 1.0)

    def as_row(self, names: dict[str, str] | None = None) -> dict[str, object]:
        name = names.get if names else None
        return {
            "record_id_a": name(self.record_id_a, self.record_id_a) if name else self.record_id_a,
            "record_id_b": name(self.record_id_b, self.record_id_b) if name else self.record_id_b,
            "label": self.label,
            "rule": self.rule,
            "match_probability": "" if self.probability is None else round(self.probability, 4),
            "title_sim": round(self.title_sim, 3),
            "author_sim": "" if self.author_sim is None else round(self.author_sim, 3),
            "year_diff": "" if self.year_diff is None else self.year_diff,
            "journal_sim": "" if self.venue_sim is None else round(self.venue_sim, 3),
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
    merge: Callable[[], list[Work]]  # builds the merged works (on first use of .works)
    pairs: list[PairResult]
    review: list[PairResult]
    decisions_applied: int = 0
    candidates: int = 0
    config: DedupeConfig = field(default_factory=lambda: DedupeConfig())
    # record_id -> why it could not be compared (it stays a cluster of its own)
    alone: dict[str, str] = field(default_factory=dict)
    # record_id -> the name the user's export gives it (see naming.py)
    names: dict[str, str] = field(default_factory=dict)
    model: object | None = None  # the estimated FellegiSunter model, when one was used

    @cached_property
    def works(self) -> list[Work]:
        """One merged work per cluster (built when first asked for: merging a million
        records takes a while, and `slr dedupe` without --works does not need it)."""
        return self.merge()

    @cached_property
    def clusters(self) -> int:
        return len(set(self.cluster_of.values()))

    @property
    def duplicates_removed(self) -> int:
        return len(self.records) - self.clusters

    @property
    def versions_linked(self) -> int:
        """Preprint records folded into a work that also has a published record."""
        return sum(
            len(w.preprint_ids) for w in self.works if len(w.preprint_ids) < len(w.record_ids)
        )

    def name(self, record_id: str) -> str:
        return self.names.get(record_id, record_id)

    def clusters_rows(self) -> list[tuple[str, str, str]]:
        return [
            (
                self.name(r.record_id),
                self.name(self.cluster_of[r.record_id]),
                self.alone.get(r.record_id, ""),
            )
            for r in self.records
        ]

    def write_clusters(self, path: str | Path) -> None:
        """One row per input record: ``record_id,cluster_id,note``; ids as the export names
        its records (the BibTeX key, the ID column), a note for a record that could not be
        compared with the others (it is a cluster of its own)."""
        _write_csv(path, ["record_id", "cluster_id", "note"], self.clusters_rows())

    def write_pairs(self, path: str | Path) -> None:
        rows = [p.as_row(self.names) for p in self.pairs]
        _write_dicts(path, list(_EMPTY_PAIR.as_row()), rows)

    def write_review(self, path: str | Path) -> None:
        """Uncertain pairs, the least certain first, with both records' fields side by side
        and an empty ``decision`` column to fill in ('duplicate' / 'not duplicate')."""
        by_id = {r.record_id: r for r in self.records}
        rows = []
        for rank, p in enumerate(self.review, start=1):
            a, b = by_id[p.record_id_a], by_id[p.record_id_b]
            row: dict[str, object] = {
                "rank": rank,
                **p.as_row(self.names),
                "uncertainty": round(p.uncertainty, 4),
                "decision": "",
            }
            for side, rec in (("a", a), ("b", b)):
                for col, value in _review_fields(rec).items():
                    row[f"{col}_{side}"] = value
            rows.append(row)
        side_cols = [f"{c}_{s}" for c in _review_fields(None) for s in ("a", "b")]
        cols = ["rank", *_EMPTY_PAIR.as_row(), "uncertainty", "decision", *side_cols]
        _write_dicts(path, cols, rows)

    def write_works(self, path: str | Path) -> None:
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            for w in self.works:
                fh.write(w.model_dump_json(exclude_defaults=True) + "\n")
        tmp.replace(path)


_EMPTY_PAIR = PairResult("", "", "distinct", "", 0, None, None, None, "")


def _review_fields(rec: Record | None) -> dict[str, object]:
    """The fields a person compares, in the order they read them."""
    if rec is None:
        return dict.fromkeys(
            ("title", "authors", "year", "venue", "volume", "issue", "pages", "doi", "where")
        )
    return {
        "title": rec.title,
        "authors": "; ".join(rec.authors[:6]) + (" ..." if len(rec.authors) > 6 else ""),
        "year": rec.year or "",
        "venue": rec.venue or "",
        "volume": rec.volume or "",
        "issue": rec.number or "",
        "pages": rec.pages or "",
        "doi": rec.doi or "",
        "where": rec.provenance.location(),
    }


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
