"""Run BibDedupe on record CSVs and write its clusters (run with the interpreter of a venv holding
bib-dedupe, e.g. ``/work/venvs/bibdedupe/bin/python``; never with the project's own).

    python benchmarks/_bibdedupe_run.py OUT.json records.csv [more.csv ...]

Reads the files as BibDedupe's own LDD evaluation does (``pandas.read_csv``, all strings),
concatenates them, then times prep -> block -> match -> connected components of the pairs
labelled duplicate (its 'maybe' pairs are not merged, as in its published tables). Writes
``{"seconds": ..., "version": ..., "clusters": [[id, ...], ...], "maybe_pairs": n}``.
"""

from __future__ import annotations

import json
import sys
import time
from importlib.metadata import version


def main() -> None:
    import pandas as pd
    from bib_dedupe.bib_dedupe import block, cluster, match, prep

    out, files = sys.argv[1], sys.argv[2:]
    frame = pd.concat(
        [pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], ignore_index=True
    )
    t0 = time.perf_counter()
    prepared = prep(frame, verbosity_level=0)
    blocked = block(prepared, verbosity_level=0)
    matched = match(blocked, verbosity_level=0)
    clusters = cluster(matched, verbosity_level=0)
    seconds = time.perf_counter() - t0
    maybe = int((matched["duplicate_label"] == "maybe").sum()) if len(matched) else 0
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(
            {
                "seconds": seconds,
                "version": version("bib-dedupe"),
                "records": len(frame),
                "clusters": [sorted(map(str, c)) for c in clusters],
                "maybe_pairs": maybe,
            },
            fh,
        )


if __name__ == "__main__":
    main()
