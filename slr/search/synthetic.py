"""Generated record sets with known duplicates, for benchmarks and for checking a dedupe config.

Titles are drawn from the words of the review's real titles (the bundled Publish or Perish export
and the labelled deduplication set) with their frequencies, authors from a list of family names
(some with diacritics), venues from ``data/venues.csv``. A share of the works get duplicates made
the way databases make them (title case, Google Scholar's cut titles, dropped DOIs, DOI URLs,
reordered and cut author lists, diacritics, other venue spellings, typos, arXiv versions), and a
few get look-alikes that are different works (journal extensions with their own DOI, 'Part 2',
same authors with one title word changed).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from rapidfuzz.distance import OSA

from slr.search.normalise import _venue_rows
from slr.search.records import Provenance, Record

_GIVEN_INITIALS = "ABCDEFGHIJKLMNOPRSTWXYZ"
_ACCENT = str.maketrans("aeiouAEIOU", "áéíóúÁÉÍÓÚ")
_PLAIN = str.maketrans("áéíóúàèäöüçãñőřśšžÁÉÍÓÚÄÖÜŠŽ", "aeiouaeaoucanorsszAEIOUAOUSZ")


@dataclass(frozen=True)
class SyntheticSet:
    records: list[Record]
    gold: dict[str, str]  # record_id -> gold cluster id

    @property
    def true_pairs(self) -> int:
        sizes = Counter(self.gold.values())
        return sum(s * (s - 1) // 2 for s in sizes.values())


def _vocabulary() -> tuple[list[str], list[int]]:
    """Title words with their counts, from real titles bundled with slr."""
    import csv

    titles: list[str] = []
    root = Path(__file__).resolve().parents[2]
    for path, column in (
        (root / "corpus/search/exports/google_scholar_pop_2025-03-21.csv", "Title"),
        (root / "tests/search/data/dedupe_labelled.csv", "title"),
    ):
        if path.is_file():
            with path.open(encoding="utf-8-sig", newline="") as fh:
                titles += [row.get(column) or "" for row in csv.DictReader(fh)]
    if not titles:  # installed without the repository: the venue names still give words
        with resources.files("slr.search").joinpath("data/venues.csv").open(encoding="utf-8") as fh:
            titles.append(fh.read())
    words = Counter(
        w for w in re.findall(r"[a-z][a-z]+(?:-[a-z]+)?", " ".join(titles).lower()) if len(w) >= 2
    )
    common = [w for w, _ in words.most_common(2500)]
    return common, [words[w] for w in common]


def _family_names() -> list[str]:
    with (
        resources.files("slr.search").joinpath("data/family_names.txt").open(encoding="utf-8") as fh
    ):
        return [ln.strip() for ln in fh if ln.strip() and not ln.startswith("#")]


class _Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.words, self.weights = _vocabulary()
        self.venues = [
            (name, kind, [name, *syn]) for name, kind, syn in _venue_rows() if kind != "preprint"
        ]
        self.n = 0
        self.family = _family_names()

    def title(self) -> str:
        k = self.rng.randint(6, 14)
        ws = self.rng.choices(self.words, weights=self.weights, k=k)
        text = " ".join(ws)
        if self.rng.random() < 0.4:
            cut = self.rng.randint(2, k - 2)
            text = " ".join(ws[:cut]) + ": " + " ".join(ws[cut:])
        return text[:1].upper() + text[1:]

    def authors(self) -> list[str]:
        n = self.rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 8])
        return [
            f"{self.rng.choice(self.family)}, {self.rng.choice(_GIVEN_INITIALS)}." for _ in range(n)
        ]

    def record(self, work: int, **fields: Any) -> Record:
        self.n += 1
        rid = f"syn:{self.n}"
        prov = Provenance(
            file="synthetic", line=self.n, row=self.n, source="synthetic", format="synthetic"
        )
        return Record(record_id=rid, provenance=prov, extra={"work": str(work)}, **fields)

    def base(self, work: int) -> dict[str, Any]:
        name, kind, _ = self.rng.choice(self.venues)
        doi = (
            f"10.{self.rng.randint(1000, 9999)}/{work}.{self.rng.randint(10**5, 10**6)}"
            if (self.rng.random() < 0.7)
            else None
        )
        return {
            "title": self.title(),
            "authors": self.authors(),
            "year": self.rng.randint(2000, 2025),
            "venue": name,
            "entry_type": "article" if kind == "journal" else "inproceedings",
            "doi": doi,
        }

    def variant(self, base: dict[str, Any]) -> dict[str, Any]:
        """A duplicate of ``base`` with one kind of difference real exports show."""
        v = dict(base)
        v["authors"] = list(base["authors"])
        kind = self.rng.choice(list(_VARIANTS))
        _VARIANTS[kind](self, base, v, str(base["title"]))
        return v

    def _case(self, base: dict[str, Any], v: dict[str, Any], title: str) -> None:
        v["title"] = title.lower() if self.rng.random() < 0.5 else title.upper()

    def _cut(self, base: dict[str, Any], v: dict[str, Any], title: str) -> None:
        if len(title) < 80:
            return
        cut = title[: int(len(title) * self.rng.uniform(0.7, 0.9))].rsplit(" ", 1)[0]
        v["title"], v["title_truncated"] = cut, True
        v["authors"] = v["authors"][:3]
        v["authors_truncated"] = len(base["authors"]) > 3

    def _no_doi(self, base: dict[str, Any], v: dict[str, Any], title: str) -> None:
        v["doi"] = None

    def _authors(self, base: dict[str, Any], v: dict[str, Any], title: str) -> None:
        a = v["authors"]
        if len(a) >= 2:
            a[0], a[1] = a[1], a[0]
        plain = a[0].translate(_PLAIN)
        a[0] = plain if a[0] != plain else a[0].translate(_ACCENT)

    def _venue(self, base: dict[str, Any], v: dict[str, Any], title: str) -> None:
        for _name, _kind, spellings in self.venues:
            if base["venue"] == _name and len(spellings) > 1:
                v["venue"] = self.rng.choice(spellings[1:])

    def _typo(self, base: dict[str, Any], v: dict[str, Any], title: str) -> None:
        ws = title.split(" ")
        long_words = [i for i, w in enumerate(ws) if len(w) >= 7]
        if not long_words:
            return
        i = self.rng.choice(long_words)
        w = ws[i]
        k = self.rng.randrange(1, len(w) - 2)
        ws[i] = w[:k] + w[k + 1] + w[k] + w[k + 2 :]
        v["title"] = " ".join(ws)

    def _arxiv(self, base: dict[str, Any], v: dict[str, Any], title: str) -> None:
        v.update(
            doi=None,
            venue="arXiv preprint",
            entry_type="misc",
            year=int(base["year"]) - self.rng.choice([0, 1]),
        )

    def _punct(self, base: dict[str, Any], v: dict[str, Any], title: str) -> None:
        v["title"] = title.replace(": ", " - ").replace("-", " ")


# the kinds of difference, in the order the generator draws from (seeded: keep it)
_VARIANTS: dict[str, Callable[[_Generator, dict[str, Any], dict[str, Any], str], None]] = {
    "case": _Generator._case,
    "cut": _Generator._cut,
    "no-doi": _Generator._no_doi,
    "authors": _Generator._authors,
    "venue": _Generator._venue,
    "typo": _Generator._typo,
    "arxiv": _Generator._arxiv,
    "punct": _Generator._punct,
}


def generate_records(
    n: int, *, seed: int = 0, duplicate_share: float = 0.3, lookalike_share: float = 0.03
) -> SyntheticSet:
    """About ``n`` records: works, their duplicates (``duplicate_share`` of the records) and
    look-alikes. ``gold`` maps each record to its work."""
    g = _Generator(seed)
    records: list[Record] = []
    gold: dict[str, str] = {}
    work = 0
    while len(records) < n:
        work += 1
        base = g.base(work)
        group = [base]
        if g.rng.random() < duplicate_share / (1 - duplicate_share) / 1.6:
            group += [g.variant(base) for _ in range(g.rng.choice([1, 1, 1, 2, 3]))]
        for fields in group:
            rec = g.record(work, **fields)
            records.append(rec)
            gold[rec.record_id] = f"w{work}"
        if g.rng.random() < lookalike_share:
            work += 1
            other = dict(base)
            kind = g.rng.choice(["extension", "part", "word"])
            if kind == "extension":
                other.update(
                    year=int(base["year"]) + 1,
                    venue="Empirical Software Engineering",
                    entry_type="article",
                    doi=f"10.5555/ext.{work}" if base["doi"] else None,
                )
                if not base["doi"]:
                    other["year"] = int(base["year"]) + 2
            elif kind == "part":
                other["title"] = f"{base['title']}, Part 2"
                other["doi"] = None
            else:
                ws = str(base["title"]).split(" ")
                i = max(range(len(ws)), key=lambda j: len(ws[j]))
                old = ws[i].lower()
                parts = set(re.split(r"\W+", old))
                ws[i] = g.rng.choice(
                    [
                        w
                        for w in g.words
                        if len(w) >= 6
                        and OSA.distance(w, old) > 2
                        and not parts & set(re.split(r"\W+", w))
                    ]
                )
                other["title"] = " ".join(ws)
                other["doi"] = None
            rec = g.record(work, **other)
            records.append(rec)
            gold[rec.record_id] = f"w{work}"
    g.rng.shuffle(records)
    return SyntheticSet(records, gold)
