"""Deduplicate search records: exact identifiers, then fuzzy fields with blocking; clusters; merge.

Steps (each leaves an auditable trail in :class:`DedupeResult`):

1. **Keys.** Each record gets matching keys (title, authors, venue, DOI, arXiv id) from
   :mod:`slr.search.normalise`.
2. **Candidate pairs.** Records sharing a DOI or an arXiv id, plus records sharing a blocking key:
   the first words of the title, the last words of the title, first author + year. A block larger
   than ``max_block`` is searched with a sorted-neighbourhood window, so the number of pairs grows
   near-linearly with the number of records.
3. **Pair rules.** Every candidate pair gets field similarities (rapidfuzz) and one named rule
   (``same-doi``, ``title+authors+year``, ...) with a label: ``duplicate``, ``version`` (a
   preprint and its published version), ``maybe`` (goes to the review file) or ``distinct``.
   Records with different (non-arXiv) DOIs are never labelled duplicate automatically.
4. **Decisions.** A decisions file (``record_id_a,record_id_b,decision`` with ``duplicate`` or
   ``not duplicate``) overrides the rules on the next run.
5. **Clusters.** Duplicate/version pairs are edges of a networkx graph; connected components are
   works. A component that would join two different DOIs (or a pair decided "not duplicate") is
   split by adding edges strongest-first and skipping those that break a constraint; skipped
   edges go to the review file.
6. **Merge.** Each cluster becomes one :class:`Work` with the best value of each field, the field's
   source record, and the ids of all members.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Indel

from slr.errors import ValidationReport
from slr.search.normalise import (
    author_key,
    is_arxiv_doi,
    is_preprint_venue,
    title_key,
    title_numbers,
    venue_key,
    venue_kind,
    venue_table,
)
from slr.search.progress import ProgressCallback, report
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


# ------------------------------------------------------------------------------------ decisions

_DECISION_VALUES = {
    "duplicate": "duplicate",
    "dup": "duplicate",
    "same": "duplicate",
    "not duplicate": "not duplicate",
    "not-duplicate": "not duplicate",
    "not_duplicate": "not duplicate",
    "distinct": "not duplicate",
    "different": "not duplicate",
}


@dataclass(frozen=True)
class PairDecision:
    record_id_a: str
    record_id_b: str
    decision: Literal["duplicate", "not duplicate"]
    line: int
    reviewer: str = ""


def read_dedupe_decisions(
    path: str | Path, known_ids: Iterable[str] | None = None
) -> list[PairDecision]:
    """Read a decisions file; rows with an empty decision are skipped (still undecided).

    The review file written by ``slr dedupe --review`` is a valid decisions file once its
    ``decision`` column is filled in.
    """
    import difflib

    from slr.search.encoding import read_text

    path = Path(path)
    text = read_text(path).text
    rows = csv.DictReader(text.splitlines())
    problems = ValidationReport()
    need = {"record_id_a", "record_id_b", "decision"}
    if rows.fieldnames is None or not need <= {f.strip() for f in rows.fieldnames}:
        problems.add(
            path,
            f"header must have columns {sorted(need)}; found {rows.fieldnames}",
            line=1,
            fix="start from the review file written by `slr dedupe --review`",
        )
        problems.raise_if_any("deduplication decisions")
    known = set(known_ids) if known_ids is not None else None
    out: list[PairDecision] = []
    seen: dict[frozenset[str], tuple[int, str]] = {}
    for i, row in enumerate(rows, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        raw = row.get("decision", "")
        if not raw:
            continue
        decision = _DECISION_VALUES.get(raw.casefold())
        bad = decision is None
        if decision is None:
            problems.add(
                path,
                f"unknown decision {raw!r}",
                line=i,
                column="decision",
                fix="write 'duplicate' or 'not duplicate' (or leave it empty)",
            )
        a, b = row.get("record_id_a", ""), row.get("record_id_b", "")
        for col, rid in (("record_id_a", a), ("record_id_b", b)):
            if known is not None and rid not in known:
                close = difflib.get_close_matches(rid, list(known), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "check the records file"
                problems.add(path, f"unknown record id {rid!r}", line=i, column=col, fix=hint)
                bad = True
        if a == b:
            problems.add(path, f"a record paired with itself ({a!r})", line=i)
            bad = True
        if bad or decision is None:
            continue
        key = frozenset((a, b))
        if key in seen and seen[key][1] != decision:
            problems.add(
                path,
                f"pair {a} / {b} decided '{decision}' here and '{seen[key][1]}' "
                f"at line {seen[key][0]}",
                line=i,
                fix="keep one decision per pair",
            )
            continue
        seen[key] = (i, decision)
        out.append(PairDecision(a, b, decision, i, row.get("reviewer", "")))  # type: ignore[arg-type]
    problems.raise_if_any("deduplication decisions")
    return out


# ------------------------------------------------------------------------------------ matching


@dataclass
class _Keys:
    title: str
    tokens: list[str]
    truncated: bool
    numbers: frozenset[str]
    authors: list[str]
    year: int | None
    venue: str
    venue_class: str | None  # journal | conference | preprint | None
    doi: str | None  # publisher DOI (arXiv DOIs are ids of the preprint)
    arxiv: str | None
    preprint: bool


_ARXIV_FROM_DOI_RE = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)
_JOURNAL_WORDS = re.compile(r"\b(journal|transactions|letters|magazine|review|surveys)\b", re.I)
_CONFERENCE_WORDS = re.compile(
    r"\b(proceedings|proc|conference|conf|symposium|workshop|meeting|congress)\b", re.I
)
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "towards",
        "toward",
        "via",
        "with",
        "without",
        "using",
        "based",
        "vs",
    ]
)


def _venue_class(rec: Record, preprint: bool) -> str | None:
    if preprint:
        return "preprint"
    venue = rec.venue or ""
    if not venue or rec.extra.get("venue_truncated"):
        return None
    kind = venue_kind(venue)
    if kind:
        return kind
    if _JOURNAL_WORDS.search(venue):
        return "journal"
    if _CONFERENCE_WORDS.search(venue):
        return "conference"
    return None


def _keys(rec: Record) -> _Keys:
    tkey = title_key(rec.title)
    arxiv = rec.arxiv_id
    doi = rec.doi
    if doi and is_arxiv_doi(doi):
        m = _ARXIV_FROM_DOI_RE.match(doi)
        arxiv = arxiv or (m.group(1).lower() if m else None)
        doi = None
    published = bool(doi) or (rec.venue is not None and not is_preprint_venue(rec.venue))
    preprint = not published and (arxiv is not None or is_preprint_venue(rec.venue))
    return _Keys(
        title=tkey,
        tokens=tkey.split(),
        truncated=rec.title_truncated,
        numbers=title_numbers(tkey),
        authors=[k for k in (author_key(a) for a in rec.authors) if k],
        year=rec.year,
        venue=venue_key(rec.venue) if rec.venue and not rec.extra.get("venue_truncated") else "",
        venue_class=_venue_class(rec, preprint),
        doi=doi,
        arxiv=arxiv,
        preprint=preprint,
    )


@dataclass(frozen=True)
class _TitleComparison:
    sim: float
    prefix: bool  # a title cut with '…' was compared with the other's beginning
    word_changed: bool  # a content word was replaced by a different word
    numbers_differ: bool  # the titles differ in a number ('Part 1' / 'Part 2', 'GPT-3' / 'GPT-4')


def _word_changed(ta: list[str], tb: list[str]) -> bool:
    """Whether a content word of one title was replaced by an unrelated word in the other.

    Typos ('automaetd': at most two edits, one for words under six letters), spellings
    ('optimisation') and joined words ('finetuning' vs 'fine tuning') do not count; an inserted
    or dropped word does not count either.
    """

    def typo_like(w: str, v: str) -> bool:
        return OSA.distance(w, v) <= (1 if min(len(w), len(v)) < 6 else 2)

    ca, cb = Counter(ta), Counter(tb)
    only_a = [w for w in ta if ca[w] > cb.get(w, 0) and w not in _STOPWORDS]
    only_b = [w for w in tb if cb[w] > ca.get(w, 0) and w not in _STOPWORDS]
    if not only_a or not only_b:
        return False
    if "".join(only_a) == "".join(only_b):
        return False  # spacing: 'fine tuning' / 'finetuning'
    unmatched_a = [w for w in only_a if not any(typo_like(w, v) for v in only_b)]
    unmatched_b = [w for w in only_b if not any(typo_like(w, v) for v in only_a)]
    return bool(unmatched_a) and bool(unmatched_b)


def _compare_titles(a: _Keys, b: _Keys, cfg: DedupeConfig) -> _TitleComparison:
    """Similarity of two titles; a title cut with '…' is compared with the other's prefix."""
    ta, tb = a.title, b.title
    if a.truncated or b.truncated:
        short, long_ = (a, b) if len(ta) <= len(tb) else (b, a)
        if short.truncated and len(short.title) >= cfg.truncated_min_chars:
            n = len(short.title)
            sim = Indel.normalized_similarity(short.title, long_.title[:n])
            k = len(short.tokens)
            head = long_.tokens[: k - 1]  # the last word of a cut title may itself be cut
            return _TitleComparison(
                sim,
                True,
                _word_changed(short.tokens[:-1], head),
                title_numbers(" ".join(short.tokens[:-1])) != title_numbers(" ".join(head)),
            )
    sim = Indel.normalized_similarity(ta, tb)
    changed = sim >= cfg.title_maybe and _word_changed(a.tokens, b.tokens)
    return _TitleComparison(sim, False, changed, a.numbers != b.numbers)


def _author_sim(a: list[str], b: list[str]) -> float | None:
    """Overlap coefficient of family names (order-free, tolerant to one-letter typos)."""
    if not a or not b:
        return None
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    big_set = set(big)
    hits = 0
    for name in small:
        if name in big_set or (
            len(name) >= 4
            and process.extractOne(name, big, scorer=Indel.normalized_similarity, score_cutoff=0.85)
            is not None
        ):
            hits += 1
    return hits / len(small)


def _venue_sim(a: str, b: str) -> float | None:
    if not a or not b:
        return None
    return fuzz.token_set_ratio(a, b) / 100.0


# Rules whose pairs are evidence that two records are different works: such a pair is a
# cannot-link in clustering, so no chain of other matches joins them.
CONFLICT_RULES = frozenset(
    {
        "different-doi",
        "different-arxiv-id",
        "title-numbers-differ",
        "title-word-differs",
        "authors-differ",
        "journal-vs-conference",
        "year-differs",
        "preprint-year-gap",
    }
)


def _compare(ra: Record, rb: Record, a: _Keys, b: _Keys, cfg: DedupeConfig) -> PairResult:
    tc = _compare_titles(a, b, cfg)
    tsim = tc.sim
    if (
        tsim < cfg.title_maybe
        and not (a.doi and a.doi == b.doi)
        and not (a.arxiv and a.arxiv == b.arxiv)
    ):
        # clearly different titles and no shared identifier: nothing else can make a match
        return PairResult(
            ra.record_id, rb.record_id, "distinct", "title", tsim, None, None, None, ""
        )
    asim = _author_sim(a.authors, b.authors)
    ydiff = abs(a.year - b.year) if a.year is not None and b.year is not None else None
    vsim = _venue_sim(a.venue, b.venue)
    if a.doi and b.doi:
        doi = "same" if a.doi == b.doi else "different"
    elif a.doi or b.doi:
        doi = "one-missing"
    else:
        doi = "missing"

    def result(label: Label, rule: str, note: str = "") -> PairResult:
        return PairResult(
            ra.record_id, rb.record_id, label, rule, tsim, asim, ydiff, vsim, doi, note
        )

    authors_conflict = asim is not None and asim < cfg.author_conflict
    similar = tsim >= cfg.title_maybe
    if doi == "same":
        if tsim < 0.5 and not tc.prefix:
            return result(
                "maybe",
                "same-doi-different-title",
                "same DOI but different titles: a data error in one export?",
            )
        return result("duplicate", "same-doi")
    if doi == "different":
        label: Label = "maybe" if similar and not authors_conflict else "distinct"
        return result(
            label,
            "different-doi",
            "records with different DOIs are never merged automatically (a "
            "conference paper and its journal extension?)"
            if label == "maybe"
            else "",
        )
    one_preprint = a.preprint != b.preprint
    if a.arxiv and b.arxiv:
        if a.arxiv != b.arxiv:
            label = "maybe" if tsim >= cfg.title_duplicate and not authors_conflict else "distinct"
            return result(label, "different-arxiv-id")
        if tsim < 0.8 and not tc.prefix:
            return result(
                "maybe", "same-arxiv-different-title", "same arXiv id but different titles"
            )
        return result("version" if one_preprint else "duplicate", "same-arxiv-id")
    # fuzzy fields
    if not similar:
        return result("distinct", "title")
    if tc.numbers_differ:
        label = "maybe" if tsim >= cfg.title_duplicate and not authors_conflict else "distinct"
        return result(label, "title-numbers-differ", "the titles differ in a number")
    if tc.word_changed:
        label = "maybe" if not authors_conflict else "distinct"
        return result(label, "title-word-differs", "a word of the title was replaced")
    if authors_conflict:
        if tsim >= 0.99 and len(a.title) >= cfg.min_title_chars:
            return result("maybe", "authors-differ", "same title, different authors")
        return result("distinct", "authors-differ")
    if tsim < cfg.title_duplicate:
        if asim is not None and asim >= cfg.author_match and (ydiff is None or ydiff <= 1):
            return result("maybe", "similar-title")
        return result("distinct", "title")
    short_title = len(min(a.title, b.title, key=len)) < cfg.min_title_chars
    long_title = len(min(a.title, b.title, key=len)) >= 40
    if one_preprint:
        if ydiff is not None and ydiff > cfg.max_preprint_gap:
            return result("maybe", "preprint-year-gap")
        if asim is not None and asim >= cfg.author_match and not short_title:
            return result("version", "title+authors(preprint)")
        if asim is None and tsim >= 0.98 and long_title and (ydiff is None or ydiff <= 1):
            return result("version", "long-title(preprint,no-authors)")
        return result("maybe", "preprint-title-only")
    venue_conflict = (
        a.venue_class in ("journal", "conference")
        and b.venue_class in ("journal", "conference")
        and a.venue_class != b.venue_class
    )
    if venue_conflict:
        return result(
            "maybe",
            "journal-vs-conference",
            "same title in a journal and a conference: an extended version?",
        )
    if asim is None:
        venue_ok = vsim is not None and vsim >= 0.6
        if (
            tsim >= 0.97
            and not short_title
            and venue_ok
            and (ydiff == 0 or (ydiff is None and long_title and vsim is not None and vsim >= 0.8))
        ):
            return result("duplicate", "title+venue+year(no-authors)")
        return result("maybe", "title-without-authors")
    if asim < cfg.author_match:
        return result("maybe", "title+some-authors")
    if ydiff is None or ydiff == 0:
        if short_title and (vsim is None or vsim < 0.8):
            return result("maybe", "short-title")
        return result("duplicate", "title+authors+year")
    if ydiff == 1:
        if vsim is not None and vsim >= 0.8:
            return result("duplicate", "title+authors+venue(year±1)")
        return result(
            "maybe",
            "year-differs",
            "same title and authors, years differ by one (online-first year, or "
            "a conference paper and its journal version?)",
        )
    return result("maybe", "year-differs", "same title and authors, years differ")


# ------------------------------------------------------------------------------------- blocking


def _candidate_pairs(keys: list[_Keys], cfg: DedupeConfig) -> set[tuple[int, int]]:
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    n_words = cfg.prefix_words
    for i, k in enumerate(keys):
        if k.doi:
            blocks[("doi", k.doi)].append(i)
        if k.arxiv:
            blocks[("arxiv", k.arxiv)].append(i)
        words = k.title.split()
        if not words:
            continue
        blocks[("prefix", " ".join(words[:n_words]))].append(i)
        if not k.truncated and len(words) > n_words:
            blocks[("suffix", " ".join(words[-n_words:]))].append(i)
        if k.authors and k.year is not None:
            blocks[("author-year", f"{k.authors[0]}|{k.year}")].append(i)
        if len(words) >= 2:
            # the two longest words survive most typos and truncation of the end
            longest = sorted(set(words[:8]), key=lambda w: (-len(w), w))[:2]
            blocks[("long-words", " ".join(sorted(longest)))].append(i)
    pairs: set[tuple[int, int]] = set()
    for (kind, _), members in blocks.items():
        if len(members) < 2:
            continue
        if kind in ("doi", "arxiv") or len(members) <= cfg.max_block:
            if kind in ("doi", "arxiv") and len(members) > cfg.max_block:
                first = members[0]
                pairs.update((min(first, j), max(first, j)) for j in members[1:])
                continue
            for x in range(len(members)):
                mx = members[x]
                for y in range(x + 1, len(members)):
                    my = members[y]
                    pairs.add((mx, my) if mx < my else (my, mx))
        else:
            ordered = sorted(members, key=lambda i: keys[i].title)
            # in an author-year block, titles differing in the middle (a typo in a short
            # title that spoils both its prefix and suffix keys) sort next to each other
            w = cfg.author_window if kind == "author-year" else cfg.window
            for x in range(len(ordered)):
                for y in range(x + 1, min(x + w + 1, len(ordered))):
                    a, b = ordered[x], ordered[y]
                    pairs.add((a, b) if a < b else (b, a))
    return pairs


# ----------------------------------------------------------------------------------- clustering


class _UnionFind:
    def __init__(self, items: Iterable[int]):
        self.parent = {i: i for i in items}

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x


def _edge_quality(p: PairResult | None) -> tuple[float, float, float, float]:
    """How good a match is: decisions first, then closest year, rule, title and authors."""
    if p is None:
        return (9.0, 0.0, 0.0, 0.0)
    year = -float(p.year_diff) if p.year_diff is not None else -0.5
    return (_RULE_STRENGTH.get(p.rule, 1.0), year, round(p.title_sim, 3), p.author_sim or 0.0)


_RULE_STRENGTH = {"decision": 4.0, "same-doi": 3.0, "same-arxiv-id": 2.5}


def _cluster(
    n: int,
    keys: list[_Keys],
    edges: list[tuple[int, int, PairResult | None]],
    cannot_link: dict[tuple[int, int], str],
) -> tuple[list[list[int]], list[PairResult]]:
    """Connected components of the match graph, split where they would break a constraint.

    ``edges`` are (i, j, pair) with pair None for a decision 'duplicate' (a must-link, which
    may join different DOIs: a person decided it). ``cannot_link`` maps (i, j) with i < j to
    the reason the two records must stay apart.
    """
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for i, j, p in edges:
        graph.add_edge(i, j, pair=p)
    comp_of: dict[int, int] = {}
    components = [sorted(c) for c in nx.connected_components(graph)]
    for c, members in enumerate(components):
        for i in members:
            comp_of[i] = c
    conflicted = {comp_of[i] for (i, j) in cannot_link if comp_of[i] == comp_of[j]}
    cannot_adj: dict[int, set[int]] = defaultdict(set)
    for i, j in cannot_link:
        cannot_adj[i].add(j)
        cannot_adj[j].add(i)
    clusters: list[list[int]] = []
    skipped: list[PairResult] = []
    for c, members in enumerate(components):
        if len(members) == 1:
            clusters.append(members)
            continue
        dois = {keys[i].doi for i in members if keys[i].doi}
        if len(dois) <= 1 and c not in conflicted:
            clusters.append(members)
            continue
        # constrained merge: strongest edges first; skip an edge that would join different
        # DOIs or two records that must stay apart
        sets = _UnionFind(members)
        doi_of = {i: ({keys[i].doi} if keys[i].doi else set()) for i in members}
        member_of = {i: {i} for i in members}
        sub = graph.subgraph(members)
        # Edges are added best first (see _edge_quality), so a preprint joins the conference
        # paper of its year rather than the later journal extension. A record whose best
        # matches are tied between records that must stay apart (a cut title matching both
        # 'X, Part 1' and 'X, Part 2') is ambiguous: those matches go to review.
        dropped: dict[tuple[int, int], str] = {}
        for u in members:
            nbrs = list(sub.neighbors(u))
            if len(nbrs) < 2:
                continue
            quality = {x: _edge_quality(sub.edges[u, x].get("pair")) for x in nbrs}
            top = max(quality.values())
            tops = [x for x in nbrs if quality[x] == top]
            clash = [(x, y) for x in tops for y in tops if x < y and y in cannot_adj.get(x, ())]
            if clash:
                x0, y0 = clash[0]
                why = "matches records that are different works: " + cannot_link[(x0, y0)]
                for x in tops:
                    dropped[(min(u, x), max(u, x))] = why
        sub_edges = []
        for u, v, data in sub.edges(data=True):
            p = data.get("pair")
            reason = dropped.get((min(u, v), max(u, v)))
            if p is not None and reason:
                skipped.append(
                    PairResult(
                        p.record_id_a,
                        p.record_id_b,
                        "maybe",
                        p.rule,
                        p.title_sim,
                        p.author_sim,
                        p.year_diff,
                        p.venue_sim,
                        p.doi,
                        reason,
                    )
                )
                continue
            sub_edges.append((_edge_quality(p), min(u, v), max(u, v), p))
        sub_edges.sort(key=lambda e: (tuple(-x for x in e[0]), e[1], e[2]))
        for _strength, u, v, p in sub_edges:
            ru, rv = sets.find(u), sets.find(v)
            if ru == rv:
                continue
            du, dv = doi_of[ru], doi_of[rv]
            conflict = ""
            if p is not None and du and dv and not (du <= dv or dv <= du):
                conflict = f"would join records with different DOIs ({', '.join(sorted(du | dv))})"
            else:
                small, big = sorted((member_of[ru], member_of[rv]), key=len)
                for x in small:
                    hit = cannot_adj.get(x, set()) & big
                    if hit:
                        y = min(hit)
                        conflict = "would join " + cannot_link[(min(x, y), max(x, y))]
                        break
            if conflict:
                if p is not None:
                    skipped.append(
                        PairResult(
                            p.record_id_a,
                            p.record_id_b,
                            "maybe",
                            p.rule,
                            p.title_sim,
                            p.author_sim,
                            p.year_diff,
                            p.venue_sim,
                            p.doi,
                            conflict,
                        )
                    )
                continue
            sets.parent[rv] = ru
            doi_of[ru] |= doi_of[rv]
            member_of[ru] |= member_of.pop(rv)
        groups: dict[int, list[int]] = defaultdict(list)
        for i in members:
            groups[sets.find(i)].append(i)
        clusters.extend(sorted(g) for g in groups.values())
    clusters.sort(key=lambda c: c[0])
    return clusters, skipped


# ---------------------------------------------------------------------------------------- merge


def _has_mixed_case(text: str) -> bool:
    return text != text.lower() and text != text.upper()


def _single(rec: Record, k: _Keys) -> Work:
    """A work of one record: its values as they are (the common case, kept fast)."""
    rid = rec.record_id
    present = (
        "title",
        "authors",
        "year",
        "venue",
        "doi",
        "abstract",
        "url",
        "volume",
        "number",
        "pages",
        "publisher",
    )
    return Work.model_construct(
        work_id=rid,
        other_dois=[],
        title=rec.title,
        authors=rec.authors,
        year=rec.year,
        venue=rec.venue,
        entry_type=rec.entry_type,
        doi=k.doi,
        arxiv_id=k.arxiv,
        url=rec.url,
        abstract=rec.abstract,
        volume=rec.volume,
        number=rec.number,
        pages=rec.pages,
        publisher=rec.publisher,
        keywords=rec.keywords,
        record_ids=[rid],
        preprint_ids=[rid] if k.preprint else [],
        sources=[rec.provenance.source],
        provenance=[rec.provenance.location()],
        field_sources={f: rid for f in present if getattr(rec, f, None)},
    )


def _merge(members: list[Record], keys: list[_Keys], work_id: str) -> Work:
    if len(members) == 1:
        return _single(members[0], keys[0])
    published = [r for r, k in zip(members, keys, strict=True) if not k.preprint]
    pool = published or members
    pool_ids = {id(r) for r in pool}
    sources: dict[str, str] = {}

    def pick(name: str, candidates: list[tuple[object, Record]]) -> object:
        if not candidates:
            return None
        value, rec = candidates[0]
        sources[name] = rec.record_id
        return value

    def title_rank(r: Record) -> tuple[int, int, int, int]:
        return (
            int(not r.title_truncated),
            int(_has_mixed_case(r.title)),
            int(id(r) in pool_ids),
            len(r.title),
        )

    best_title = max(members, key=title_rank)
    sources["title"] = best_title.record_id

    def authors_rank(r: Record) -> tuple[int, int, int]:
        return (int(not r.authors_truncated), len(r.authors), sum(len(a) for a in r.authors))

    with_authors = [r for r in members if r.authors]
    authors: list[str] = []
    if with_authors:
        best = max(with_authors, key=authors_rank)
        authors = best.authors
        sources["authors"] = best.record_id

    years = Counter(r.year for r in pool if r.year is not None)
    year = None
    if years:
        year = min(y for y, c in years.items() if c == max(years.values()))
        sources["year"] = next(r.record_id for r in pool if r.year == year)

    canon = set(venue_table().values())

    def venue_rank(r: Record) -> tuple[int, int, int, int]:
        v = r.venue or ""
        return (
            int(id(r) in pool_ids),
            int(not r.extra.get("venue_truncated")),
            int(v in canon),
            len(v),
        )

    with_venue = [r for r in members if r.venue]
    venue = None
    if with_venue:
        best_v = max(with_venue, key=venue_rank)
        venue = best_v.venue
        sources["venue"] = best_v.record_id

    dois = [k.doi for k in keys if k.doi]
    doi_counts = Counter(dois)
    doi = doi_counts.most_common(1)[0][0] if dois else None
    if doi:
        sources["doi"] = next(
            r.record_id for r, k in zip(members, keys, strict=True) if k.doi == doi
        )
    arxiv = next((k.arxiv for k in keys if k.arxiv), None)

    def abstract_rank(r: Record) -> tuple[int, int]:
        return (int(not r.extra.get("abstract_truncated")), len(r.abstract or ""))

    with_abstract = [r for r in members if r.abstract]
    abstract = None
    if with_abstract:
        best_a = max(with_abstract, key=abstract_rank)
        abstract = best_a.abstract
        sources["abstract"] = best_a.record_id

    ordered = pool + [r for r in members if id(r) not in pool_ids]
    simple: dict[str, object] = {}
    for name in ("url", "volume", "number", "pages", "publisher"):
        simple[name] = pick(name, [(getattr(r, name), r) for r in ordered if getattr(r, name)])
    entry_types = [r.entry_type for r in pool if r.entry_type != "misc"]
    keywords: list[str] = []
    for r in members:
        for kw in r.keywords:
            if kw not in keywords:
                keywords.append(kw)
    return Work(
        work_id=work_id,
        title=best_title.title,
        authors=authors,
        year=year,
        venue=venue,
        entry_type=Counter(entry_types).most_common(1)[0][0] if entry_types else "misc",
        doi=doi,
        arxiv_id=arxiv,
        abstract=abstract,
        keywords=keywords,
        record_ids=[r.record_id for r in members],
        preprint_ids=[r.record_id for r, k in zip(members, keys, strict=True) if k.preprint],
        other_dois=sorted(set(dois) - {doi}) if doi else [],
        sources=sorted({r.provenance.source for r in members}),
        provenance=[r.provenance.location() for r in members],
        field_sources=sources,
        **simple,  # type: ignore[arg-type]
    )


# ------------------------------------------------------------------------------------------ API


def dedupe(
    records: Sequence[Record],
    *,
    decisions: Sequence[PairDecision] | str | Path | None = None,
    config: DedupeConfig | None = None,
    progress: ProgressCallback | None = None,
) -> DedupeResult:
    """Cluster duplicate records and merge each cluster into a :class:`Work`."""
    cfg = config or DedupeConfig()
    records = list(records)
    n = len(records)
    index = {r.record_id: i for i, r in enumerate(records)}
    if len(index) != n:
        dup = [rid for rid, c in Counter(r.record_id for r in records).items() if c > 1][:5]
        raise ValueError(f"record ids must be unique; repeated: {dup}")
    if isinstance(decisions, str | Path):
        decisions = read_dedupe_decisions(decisions, known_ids=index)
    decisions = list(decisions or [])
    step = max(1, n // 100)
    keys: list[_Keys] = []
    for i, r in enumerate(records):
        keys.append(_keys(r))
        if i % step == 0:
            report(progress, "dedupe: keys", i, n)
    report(progress, "dedupe: keys", n, n)
    candidates = sorted(_candidate_pairs(keys, cfg))
    decided = {frozenset((d.record_id_a, d.record_id_b)): d for d in decisions}
    pairs: list[PairResult] = []
    total = len(candidates)
    step = max(1, total // 100)
    for c, (i, j) in enumerate(candidates):
        if c % step == 0:
            report(progress, "dedupe: compare pairs", c, total)
        pairs.append(_compare(records[i], records[j], keys[i], keys[j], cfg))
    report(progress, "dedupe: compare pairs", total, total)
    # decisions override the rules
    applied = 0
    final: list[PairResult] = []
    for p in pairs:
        d = decided.pop(frozenset((p.record_id_a, p.record_id_b)), None)
        if d is not None:
            applied += 1
            label: Label = "duplicate" if d.decision == "duplicate" else "distinct"
            final.append(
                PairResult(
                    p.record_id_a,
                    p.record_id_b,
                    label,
                    p.rule,
                    p.title_sim,
                    p.author_sim,
                    p.year_diff,
                    p.venue_sim,
                    p.doi,
                    f"decisions file line {d.line}",
                    "decision",
                )
            )
        elif p.label != "distinct":
            final.append(p)
    for d in decided.values():  # decided pairs the blocking did not propose
        applied += 1
        i, j = index[d.record_id_a], index[d.record_id_b]
        p = _compare(records[i], records[j], keys[i], keys[j], cfg)
        label = "duplicate" if d.decision == "duplicate" else "distinct"
        final.append(
            PairResult(
                p.record_id_a,
                p.record_id_b,
                label,
                p.rule,
                p.title_sim,
                p.author_sim,
                p.year_diff,
                p.venue_sim,
                p.doi,
                f"decisions file line {d.line}",
                "decision",
            )
        )
    edges: list[tuple[int, int, PairResult | None]] = [
        (index[p.record_id_a], index[p.record_id_b], p)
        for p in final
        if p.label in ("duplicate", "version") and p.decided_by == "rules"
    ]
    cannot: dict[tuple[int, int], str] = {}
    for p in pairs:
        if p.rule in CONFLICT_RULES and p.label in ("maybe", "distinct"):
            i, j = sorted((index[p.record_id_a], index[p.record_id_b]))
            cannot[(i, j)] = f"{p.record_id_a} and {p.record_id_b} ({p.rule})"
    for d in decisions:
        i, j = sorted((index[d.record_id_a], index[d.record_id_b]))
        if d.decision == "duplicate":
            edges.append((i, j, None))
            cannot.pop((i, j), None)
        else:
            cannot[(i, j)] = (
                f"{d.record_id_a} and {d.record_id_b}, decided 'not duplicate' "
                f"(decisions file line {d.line})"
            )
    report(progress, "dedupe: clusters", 0, 1)
    clusters, skipped = _cluster(n, keys, edges, cannot)
    report(progress, "dedupe: clusters", 1, 1)
    cluster_of: dict[str, str] = {}
    works: list[Work] = []
    for c, members in enumerate(clusters):
        if c % max(1, len(clusters) // 100) == 0:
            report(progress, "dedupe: merge", c, len(clusters))
        work_id = records[members[0]].record_id
        for i in members:
            cluster_of[records[i].record_id] = work_id
        works.append(_merge([records[i] for i in members], [keys[i] for i in members], work_id))
    report(progress, "dedupe: merge", len(clusters), len(clusters))
    skipped_keys = {frozenset((p.record_id_a, p.record_id_b)) for p in skipped}
    review = [
        p
        for p in final
        if p.label == "maybe" and cluster_of[p.record_id_a] != cluster_of[p.record_id_b]
    ]
    review += skipped
    review_keys: set[frozenset[str]] = set()
    unique_review = []
    for p in review:
        k = frozenset((p.record_id_a, p.record_id_b))
        if k not in review_keys:
            review_keys.add(k)
            unique_review.append(p)
    pairs_out = [p for p in final if frozenset((p.record_id_a, p.record_id_b)) not in skipped_keys]
    pairs_out += skipped
    return DedupeResult(
        records=records,
        cluster_of=cluster_of,
        works=works,
        pairs=pairs_out,
        review=unique_review,
        decisions_applied=applied,
        candidates=len(candidates),
        config=cfg,
    )


def dedupe_report(result: DedupeResult) -> dict[str, int]:
    """Counts for summaries: records, works, duplicates removed, pairs per label."""
    labels = Counter(p.label for p in result.pairs)
    return {
        "records": len(result.records),
        "works": len(result.works),
        "duplicates_removed": result.duplicates_removed,
        "versions_linked": result.versions_linked,
        "duplicate_pairs": labels.get("duplicate", 0),
        "version_pairs": labels.get("version", 0),
        "pairs_to_review": len(result.review),
        "decisions_applied": result.decisions_applied,
    }
