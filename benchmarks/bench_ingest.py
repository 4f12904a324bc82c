"""Ingest speed and progress on large generated exports (BibTeX, RIS): records per second and the
seconds until the progress bar first moves. Prints its figures; never fails on a time.

    python benchmarks/bench_ingest.py [--records 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ABSTRACT = "We study parameter-efficient fine-tuning of large code models on many tasks. " * 12


def _bibtex(n: int) -> str:
    return "".join(
        f"@article{{key{i},\n  title = {{Adapters for code models, study {i}}},\n"
        f'  author = {{Smith, John and M{{\\"u}}ller, J{{\\"o}}rg and Doe, Jane}},\n'
        f"  journal = {{IEEE Transactions on Software Engineering}}, year = {{2023}},\n"
        f"  volume = {{49}}, pages = {{100--120}}, doi = {{10.1109/TSE.2023.{i}}},\n"
        f"  abstract = {{{ABSTRACT}}},\n}}\n"
        for i in range(n)
    )


def _ris(n: int) -> str:
    return "".join(
        f"TY  - JOUR\nTI  - Adapters for code models, study {i}\nAU  - Smith, John\n"
        f"AU  - Müller, Jörg\nPY  - 2023\nT2  - IEEE Transactions on Software Engineering\n"
        f"DO  - 10.1109/TSE.2023.{i}\nAB  - {ABSTRACT}\nER  - \n\n"
        for i in range(n)
    )


def measure(path: Path) -> tuple[float, float, int]:
    from slr.search.ingest import ingest_file

    started = time.perf_counter()
    first: list[float] = []

    def progress(task: str, done: int, total: int) -> None:
        if done and not first:
            first.append(time.perf_counter() - started)

    result = ingest_file(path, progress=progress)
    seconds = time.perf_counter() - started
    return seconds, (first[0] if first else seconds), len(result.records)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in (
            ("export.bib", _bibtex(args.records)),
            ("export.ris", _ris(args.records)),
        ):
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8")
            runs = [measure(path) for _ in range(args.repeat)]
            total = statistics.median(r[0] for r in runs)
            first = statistics.median(r[1] for r in runs)
            n = runs[0][2]
            print(
                f"{name}: {path.stat().st_size / 1e6:.1f} MB, {n} records; median of {args.repeat}: "
                f"{total:.1f} s ({n / total:,.0f} records/s), progress first moves after {first:.2f} s"
            )


if __name__ == "__main__":
    main()
