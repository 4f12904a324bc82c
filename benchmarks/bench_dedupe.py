"""Benchmark deduplication on generated record sets of 1k, 10k and 100k records.

Each run happens in a fresh subprocess (so peak memory is that run's own): generate the records
(slr.search.synthetic, known duplicates and look-alikes), then time ``dedupe()``. Prints, per size,
the median over the repeats of the wall time and the peak resident memory of the process, the
candidate pairs per record, and pairwise precision / recall / F1 against the known works, plus
the scaling exponent between sizes (1.0 = linear).

    .venv/bin/python benchmarks/bench_dedupe.py [--sizes 1000 10000 100000] [--repeats 3]

Targets (issue 3): 100k records in under 60 s and under 4 GB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys

CHILD = r"""
import itertools, json, resource, sys, time
from collections import defaultdict
from slr.search.synthetic import generate_records
from slr.search.dedupe import dedupe

n, seed = int(sys.argv[1]), int(sys.argv[2])
data = generate_records(n, seed=seed)
t0 = time.perf_counter()
result = dedupe(data.records)
seconds = time.perf_counter() - t0

def pairs(assign):
    groups = defaultdict(list)
    for rid, c in assign.items():
        groups[c].append(rid)
    return {frozenset(p) for g in groups.values() if len(g) > 1
            for p in itertools.combinations(g, 2)}

true, pred = pairs(data.gold), pairs(result.cluster_of)
tp = len(true & pred)
print(json.dumps({
    "n": len(data.records), "seconds": seconds,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "candidate_pairs": result.candidates, "true_pairs": len(true),
    "tp": tp, "fp": len(pred - true), "fn": len(true - pred),
    "review": len(result.review), "works": len(result.works),
}))
"""


def run(n: int, seed: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(n), str(seed)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"python {platform.python_version()}; {args.repeats} runs per size, medians"
    )
    header = (
        f"{'records':>8} {'seconds':>8} {'peak MB':>8} {'pairs/rec':>9} {'precision':>9} "
        f"{'recall':>7} {'F1':>7} {'fp':>5} {'fn':>5} {'review':>7}"
    )
    print(header)
    rows = []
    for n in args.sizes:
        runs = [run(n, seed) for seed in range(args.repeats)]
        for r in runs:
            tp, fp, fn = r["tp"], r["fp"], r["fn"]
            r["precision"] = tp / (tp + fp) if tp + fp else 1.0
            r["recall"] = tp / (tp + fn) if tp + fn else 1.0
            r["f1"] = 2 * r["precision"] * r["recall"] / (r["precision"] + r["recall"])
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        precision, recall, f1, fp, fn = (med[k] for k in ("precision", "recall", "f1", "fp", "fn"))
        rows.append((med["n"], med["seconds"]))
        print(
            f"{med['n']:>8.0f} {med['seconds']:>8.2f} {med['peak_mb']:>8.0f} "
            f"{med['candidate_pairs'] / med['n']:>9.2f} {precision:>9.4f} {recall:>7.4f} "
            f"{f1:>7.4f} {fp:>5.0f} {fn:>5.0f} {med['review']:>7.0f}",
            flush=True,
        )
        print(
            "         per run: "
            + "; ".join(
                f"{r['seconds']:.2f}s {r['peak_mb']:.0f}MB fp={r['fp']} fn={r['fn']}" for r in runs
            )
        )
    for (n0, t0), (n1, t1) in zip(rows, rows[1:], strict=False):
        print(
            f"scaling {n0:.0f} -> {n1:.0f}: time x{t1 / t0:.1f} for records x{n1 / n0:.0f} "
            f"(exponent {math.log(t1 / t0) / math.log(n1 / n0):.2f})"
        )


if __name__ == "__main__":
    main()
