"""Build the labelled deduplication set from real records.

Run: ``python -m tests.search.dedupe_labelled`` (writes data/dedupe_labelled.csv).

Bases (real records of the review):

* the 65 records of the review's Publish or Perish export (``corpus/search/exports``), ids ``gs:N``;
* the 28 papers of its final selection (``final_paper_selection.md``), ids ``P1`` ... ``P38``.

Two bases are the same paper, judged by reading both: ``gs:1`` = P30 and ``gs:19`` = P9 (same
titles and years; P9's link carries gs:19's DOI). Every other base is its own work. Several bases
are real look-alikes: three Martinez et al. papers on bottom-up product-line adoption, a Springer
handbook and one of its chapters, P32 (TSE) and P34 (FSE) by the same authors on prompt tuning.

Variants (``variant`` column) are generated from the bases with a seeded random generator, as
other databases and Google Scholar would export the same paper: a database copy in title case,
Google Scholar's cut titles ("…"), DOIs missing or as upper-case URLs, case and diacritics
changes, reordered and cut author lists, other venue spellings, a typo, and the arXiv version of
a published paper. Look-alikes (``lookalike-*``) are distinct works: a journal extension with the
same title and authors, a same-author paper with one topic word changed, "Part 1"/"Part 2", and
the same title by other authors. Generated DOIs use the test prefix 10.5555.

The output ``data/dedupe_labelled.csv`` is a BibTeX-field CSV (``slr ingest`` reads it) with a
``gold_cluster`` column; ``test_dedupe.py`` checks the file is what this script produces.
"""

from __future__ import annotations

import csv
import io
import random
import re
import zlib
from pathlib import Path

from slr.search.bundled import read_final_selection
from slr.search.ingest import ingest_file
from slr.search.normalise import _venue_rows
from slr.search.records import Record

HERE = Path(__file__).parent
OUT = HERE / "data" / "dedupe_labelled.csv"
SAME_PAPER = {"gs:1": "P30", "gs:19": "P9"}  # read by hand: identical titles and years
COLUMNS = [
    "ID",
    "ENTRYTYPE",
    "author",
    "title",
    "year",
    "journal",
    "booktitle",
    "doi",
    "url",
    "gold_cluster",
    "variant",
]
_SWAPS = [
    ("code", "program"),
    ("generation", "summarization"),
    ("repair", "translation"),
    ("software", "hardware"),
    ("empirical", "exploratory"),
    ("fine-tuning", "pre-training"),
    ("feature", "variant"),
    ("models", "agents"),
    ("learning", "reasoning"),
]


def _bases(repo: Path, shared: Path) -> list[Record]:
    pop = ingest_file(
        repo / "corpus/search/exports/google_scholar_pop_2025-03-21.csv", id_prefix="gs"
    ).records
    return pop + read_final_selection(shared)


def _exported_doi(rec: Record) -> str | None:
    """The DOI the base's source gave (not one ingest read from its URL): the set stays as built."""
    return None if rec.extra.get("doi_from") == "url" else rec.doi


def _gold(rec: Record) -> str:
    return SAME_PAPER.get(rec.record_id, rec.record_id)


def _title_case(title: str) -> str:
    small = {"a", "an", "and", "of", "on", "in", "for", "the", "to", "with", "via", "from"}
    words = title.split(" ")
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))


_ACCENTS = str.maketrans("eaiouEAIOU", "éàíóüÉÀÍÓÜ")
_PLAIN = str.maketrans("éèàíóüäöçãÉÀÍÓÜ", "eeaiouaocaEAIOU")


def _venue_spellings() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, _kind, synonyms in _venue_rows():
        spellings = [name, *synonyms]
        for s in spellings:
            out[s.casefold()] = spellings
    return out


class _Builder:
    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []
        self.venues = _venue_spellings()

    def add(
        self,
        rec: Record,
        *,
        variant: str,
        gold: str,
        title: str | None = None,
        authors: list[str] | None = None,
        year: int | None | str = "same",
        venue: str | None | bool = True,
        doi: str | None | bool = True,
        url: str | None | bool = True,
        entry_type: str | None = None,
    ) -> None:
        v = rec.venue if venue is True else (venue or None)
        if venue is True and v and rec.extra.get("venue_truncated"):
            v = f"{v} …"  # keep Google Scholar's cut
        et = entry_type or rec.entry_type
        journal, booktitle = (v, "") if et in ("article", "misc") else ("", v)
        self.rows.append(
            {
                "ID": f"v{len(self.rows) + 1}",
                "ENTRYTYPE": et,
                "author": " and ".join(authors if authors is not None else rec.authors),
                "title": title if title is not None else rec.title,
                "year": str(rec.year if year == "same" else (year or ""))
                if (year != "same" or rec.year)
                else "",
                "journal": journal or "",
                "booktitle": booktitle or "",
                "doi": (_exported_doi(rec) or "") if doi is True else (doi or ""),
                "url": (rec.url or "") if url is True else (url or ""),
                "gold_cluster": gold,
                "variant": variant,
            }
        )

    def other_venue(self, venue: str | None, rng: random.Random) -> str | None:
        if not venue:
            return None
        spellings = self.venues.get(venue.casefold())
        if not spellings:
            return venue.upper() if rng.random() < 0.5 else venue
        choices = [s for s in spellings if s != venue]
        return rng.choice(choices) if choices else venue


def _no_ids(venue: str | None) -> str | None:
    """A look-alike is another work: it does not share the base's arXiv id."""
    if venue and "arxiv" in venue.lower():
        return "arXiv preprint"
    return venue


def _cut(title: str, rng: random.Random) -> str | None:
    """Google Scholar cuts only titles wider than its result list (here: 80+ characters),
    keeping most of them (here 70-90 %, at a word boundary)."""
    if len(title) < 80:
        return None
    limit = int(len(title) * rng.uniform(0.7, 0.9))
    cut = title[:limit].rsplit(" ", 1)[0]
    return cut + " …" if len(cut) >= 50 else None


def _typo(title: str, rng: random.Random) -> str:
    words = [i for i, w in enumerate(title.split(" ")) if len(w) >= 7]
    if not words:
        return title
    parts = title.split(" ")
    i = rng.choice(words)
    w = parts[i]
    k = rng.randrange(1, len(w) - 1)
    parts[i] = w[:k] + w[k + 1] + w[k] + w[k + 2 :]  # swap two letters
    return " ".join(parts)


def build(repo: Path, shared: Path) -> str:
    bases = _bases(repo, shared)
    b = _Builder()
    for rec in bases:
        rng = random.Random(zlib.crc32(rec.record_id.encode()))
        gold = _gold(rec)
        if rec.provenance.source == "final_selection":  # the base itself (the export is bundled)
            b.add(rec, variant="base-final-selection", gold=gold)
        # database copy: title case, full venue, DOI as given
        b.add(rec, variant="database-copy", gold=gold, title=_title_case(rec.title))
        kinds = [
            "cut-title",
            "no-doi+case+venue",
            "authors+diacritics+punctuation",
            "typo",
            "doi-url",
            "arxiv-version",
        ]
        for kind in rng.sample(kinds, 2):
            if kind == "cut-title":
                cut = _cut(rec.title, rng)
                if cut:
                    b.add(
                        rec, variant=kind, gold=gold, title=cut, authors=rec.authors[:3], doi=None
                    )
            elif kind == "no-doi+case+venue":
                title = rec.title.upper() if rng.random() < 0.5 else rec.title.lower()
                b.add(
                    rec,
                    variant=kind,
                    gold=gold,
                    title=title,
                    doi=None,
                    venue=b.other_venue(rec.venue, rng),
                )
            elif kind == "authors+diacritics+punctuation":
                authors = list(rec.authors)
                if len(authors) >= 2:
                    authors[0], authors[1] = authors[1], authors[0]
                if authors:
                    first = authors[0]
                    if re.search("[éèàíóüäöçã]", first):
                        first = first.translate(_PLAIN)  # drop the accents
                    else:  # add one accent, as a typist with the wrong keyboard might
                        m = re.search("[eaiou]", first)
                        if m:
                            k = m.start()
                            first = first[:k] + first[k].translate(_ACCENTS) + first[k + 1 :]
                    authors[0] = first
                title = rec.title.replace("-", " ").replace(": ", " - ")
                b.add(rec, variant=kind, gold=gold, title=title, authors=authors)
            elif kind == "typo":
                b.add(rec, variant=kind, gold=gold, title=_typo(rec.title, rng))
            elif kind == "doi-url" and (doi := _exported_doi(rec)):
                b.add(rec, variant=kind, gold=gold, doi=f"https://doi.org/{doi.upper()}")
            elif kind == "arxiv-version" and rec.venue and "arxiv" not in rec.venue.lower():
                venue = f"arXiv preprint arXiv:{rec.arxiv_id}" if rec.arxiv_id else "CoRR"
                year = (rec.year - 1) if rec.year else None
                b.add(
                    rec,
                    variant=kind,
                    gold=gold,
                    title=_title_case(rec.title),
                    year=year,
                    venue=venue,
                    doi=None,
                    url=f"https://arxiv.org/abs/{rec.arxiv_id}" if rec.arxiv_id else None,
                    entry_type="misc",
                )
        # look-alikes: distinct works
        look = rng.random()
        if rec.authors and look < 0.25 and rec.year:
            b.add(
                rec,
                variant="lookalike-journal-extension",
                gold=f"ext-{rec.record_id}",
                title=_title_case(rec.title),
                year=min(rec.year + rng.choice([1, 2]), 2025),
                venue="Empirical Software Engineering",
                entry_type="article",
                doi=f"10.5555/ext.{zlib.crc32(rec.record_id.encode())}",
                url=None,
            )
        elif rec.authors and look < 0.5:
            title = rec.title
            for old, new in _SWAPS:
                if old in title.lower():
                    title = re.sub(old, new, title, count=1, flags=re.I)
                    break
            else:
                title = None  # type: ignore[assignment]
            if title:
                b.add(
                    rec,
                    variant="lookalike-topic-word",
                    gold=f"topic-{rec.record_id}",
                    title=title,
                    doi=None,
                    url=None,
                    venue=_no_ids(rec.venue),
                )
        elif look < 0.65 and len(rec.title) > 30:
            for part in (1, 2):
                b.add(
                    rec,
                    variant="lookalike-part",
                    gold=f"part{part}-{rec.record_id}",
                    title=f"{rec.title}, Part {part}",
                    doi=None,
                    url=None,
                    venue=_no_ids(rec.venue),
                )
        elif look < 0.8 and rec.authors:
            # (only where the base has authors: without them the two cannot be told apart)
            others = [o for o in bases if o.authors and o.record_id != rec.record_id]
            other = rng.choice(others)
            b.add(
                rec,
                variant="lookalike-other-authors",
                gold=f"other-{rec.record_id}",
                authors=other.authors,
                doi=None,
                url=None,
                venue=_no_ids(rec.venue),
            )
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(b.rows)
    return buf.getvalue()


def gold_of_bases(repo: Path, shared: Path) -> dict[str, str]:
    return {r.record_id: _gold(r) for r in _bases(repo, shared)}


if __name__ == "__main__":  # pragma: no cover
    from slr.paths import shared_data_dir

    repo = HERE.parent.parent
    OUT.write_text(build(repo, shared_data_dir(repo)), encoding="utf-8")
    print(f"wrote {OUT}")
