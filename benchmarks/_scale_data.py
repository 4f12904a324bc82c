"""Record sets of any size for the scaling curve, built from the shared sets' real records.

The base is every record of shared/data/dedupe (srsr and depression, 132,865 records after
ingest; cached as a pickle in the temporary folder, keyed by the files' sizes). A set of n
records is:

* n <= base: a seeded sample of the base records;
* n > base: all base records, then records added until n: 60% variants of a random base
  record, as another database would export it (title in other case, a typo, a language tag,
  the DOI or pages dropped, authors run together or cut to the first three, the year one later,
  the journal cut at 40 characters: one to three of these), and 40% new works crossed from
  four real records (title words of two, authors of a third, journal, year, volume and pages of
  a fourth), which look like real records without being duplicates of any.
"""

from __future__ import annotations

import pickle
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from slr.search.records import Record  # noqa: E402

_FILES = {
    "srsr": ["records_pre_merged.csv.gz"],
    "depression": ["records_pre_merged_part1.csv.gz", "records_pre_merged_part2.csv.gz"],
}


def _shared() -> Path:
    from slr.paths import shared_data_dir

    return shared_data_dir(REPO) / "dedupe"


def base_records() -> list[Record]:
    import gzip
    import shutil

    from slr.search.ingest import ingest

    folder = _shared()
    paths = [folder / s / f for s, files in _FILES.items() for f in files]
    stamp = "-".join(str(p.stat().st_size) for p in paths)
    cache = Path(tempfile.gettempdir()) / f"slr-bench-dedupe-base-{stamp}.pkl"
    if cache.is_file():
        with cache.open("rb") as fh:
            return pickle.load(fh)
    with tempfile.TemporaryDirectory() as tmp:
        csvs = []
        for p in paths:
            target = Path(tmp) / f"{p.parent.name}-{p.name.removesuffix('.gz')}"
            with gzip.open(p, "rb") as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            csvs.append(target)
        records = ingest(csvs).records
    with cache.open("wb") as fh:
        pickle.dump(records, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return records


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long_words = [k for k, w in enumerate(words) if len(w) > 5]
    if not long_words:
        return text
    k = rng.choice(long_words)
    w = words[k]
    j = rng.randrange(1, len(w) - 2)
    words[k] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def _variant(rec: Record, rid: str, rng: random.Random) -> Record:
    update: dict[str, object] = {"record_id": rid}
    changes = rng.sample(range(8), rng.randint(1, 3))
    title = rec.title
    for c in changes:
        if c == 0:
            title = rng.choice((title.upper(), title.lower(), title.title()))
        elif c == 1:
            title = _typo(title, rng)
        elif c == 2:
            title = title + rng.choice((". German", " [Chinese]", ". French"))
        elif c == 3:
            update["doi"] = None
            update["pages"] = None
        elif c == 4 and rec.authors:
            update["authors"] = ["".join(a.replace(",", "") for a in rec.authors)]
        elif c == 5 and rec.authors:
            update["authors"] = rec.authors[:3]
            update["authors_truncated"] = True
        elif c == 6 and rec.year:
            update["year"] = rec.year + 1
        elif c == 7 and rec.venue:
            update["venue"] = rec.venue[:40]
    update["title"] = title
    return rec.model_copy(update=update)


def _crossed(parts: list[Record], rid: str, rng: random.Random) -> Record:
    a, b, c, d = parts
    words = a.title.split()
    other = [w for w in b.title.split() if len(w) > 4] or ["novel"]
    for _ in range(2):
        if len(words) > 3:
            words[rng.randrange(len(words))] = rng.choice(other)
    return d.model_copy(
        update={
            "record_id": rid,
            "title": " ".join(words),
            "authors": c.authors,
            "doi": None,
            "abstract": None,
            "url": None,
        }
    )


def scaled_records(n: int, seed: int = 1) -> list[Record]:
    base = base_records()
    rng = random.Random(seed)
    if n <= len(base):
        return rng.sample(base, n)
    out = list(base)
    k = 0
    while len(out) < n:
        rid = f"scale:{k}"
        k += 1
        if rng.random() < 0.6:
            out.append(_variant(rng.choice(base), rid, rng))
        else:
            out.append(_crossed([rng.choice(base) for _ in range(4)], rid, rng))
    return out
