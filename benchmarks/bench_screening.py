"""Benchmark prioritised screening on the labelled Kitchenham 2010 set (shared/data/screening).

Replays title/abstract screening with active learning (TF-IDF + logistic regression, and
TF-IDF + naive Bayes), one record batch at a time, and against random order; prints WSS@95 and
the records screened to reach 95 % recall per seed, their means, and the wall time. Writes the
recall curves to build/bench/screening_recall_<model>.png.

    .venv/bin/python benchmarks/bench_screening.py [--seeds 5] [--batch-size 10] [--models logistic nb]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from slr.search.screen import load_labelled_csv, simulate_screening


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--models", nargs="+", default=["logistic", "nb"])
    args = parser.parse_args()
    repo = Path(__file__).resolve().parents[1]
    path = repo / "corpus/screening/kitchenham_2010/Kitchenham_2010.csv"  # vendored verbatim
    texts, labels = load_labelled_csv(path)
    print(
        f"{path.name}: {len(texts)} records, {int(labels.sum())} relevant; "
        f"{args.seeds} seeds, batch {args.batch_size}, prior knowledge 1 relevant + 1 not"
    )
    out = repo / "build" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    for model in args.models:
        t0 = time.perf_counter()
        result = simulate_screening(
            texts, labels, model=model, seeds=list(range(args.seeds)), batch_size=args.batch_size
        )
        seconds = time.perf_counter() - t0
        print(f"\nTF-IDF + {model}: {seconds:.1f} s for {args.seeds} seeds")
        print(result.summary().to_string(index=False))
        print(
            f"WSS@95 mean {result.wss95_mean:.3f} (sd {statistics.pstdev(result.wss95):.3f}) "
            f"vs random {result.wss95_random_mean:.3f}; records screened for 95 % recall: "
            f"median {statistics.median(result.records_to_95):.0f} of {len(texts)}"
        )
        import matplotlib.pyplot as plt

        fig = result.plot()
        fig.savefig(out / f"screening_recall_{model}.png", dpi=130)
        plt.close(fig)


if __name__ == "__main__":
    main()
