"""Benchmark `slr dedupe` on the labelled real exports of shared/data/dedupe, beside BibDedupe.

    .venv/bin/python benchmarks/bench_dedupe.py                      # everything below
    .venv/bin/python benchmarks/bench_dedupe.py --skip-bibdedupe --scale 10000 100000

1. **Accuracy and time** on srsr and depression (see their SOURCE.md): ``slr dedupe`` is run as a
   user runs it (a subprocess on the CSV files; its wall time includes reading the exports) and
   scored with BibDedupe's per-record metric (false merges FP, duplicates left in FN,
   sensitivity) and pairwise (false pairs, missed pairs). Per set and in total.
2. **Rules against the Fellegi-Sunter model** (m/u by EM), on the same records: the rules alone,
   the model alone at several match-probability thresholds, and both (the default).
3. **BibDedupe side by side** (where it is installed in a separate venv: ``--bibdedupe``,
   default ``/work/venvs/bibdedupe/bin/python``; ``pip install bib-dedupe==0.11.0`` there):
   its figures and time on the same files in the same run, and the speed ratio.
4. **Review load**: uncertain pairs a person would look at, per 10k records.
5. **Scaling** 10k -> 1M records built from the shared sets' real records with realistic
   variants (see ``_scale_data.py``): time and peak memory of the dedupe stage, each size in a
   fresh process.

Timings depend on the load of the machine: rerun on a quiet one, ``--repeats`` for medians.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SETS = {
    "srsr": ["records_pre_merged.csv.gz"],
    "depression": ["records_pre_merged_part1.csv.gz", "records_pre_merged_part2.csv.gz"],
}


def shared_dedupe() -> Path:
    sys.path.insert(0, str(REPO))
    from slr.paths import shared_data_dir

    return shared_data_dir(REPO) / "dedupe"


# ------------------------------------------------------------------------------------ scoring


def load_labels(folder: Path) -> list[list[str]]:
    with gzip.open(folder / "merged_record_ids.csv.gz", "rt", encoding="utf-8") as fh:
        return [row["merged_ids"].split(";") for row in csv.DictReader(fh)]


def score(cluster_of: dict[str, str], labels: list[list[str]]) -> dict[str, float]:
    """BibDedupe's per-record counts (SOURCE.md) and the pairwise ones; the kept record of a
    cluster is its smallest ID."""
    groups: dict[str, list[str]] = defaultdict(list)
    for rid, c in cluster_of.items():
        groups[c].append(rid)
    kept = {min(g) for g in groups.values()}
    tp = fp = fn = tn = 0
    labelled: set[str] = set()
    for g in labels:
        labelled.update(g)
        k = sum(1 for x in g if x in kept)
        if k == 0:
            fp += 1
            tp += len(g) - 1
        else:
            tn += 1
            fn += k - 1
            tp += len(g) - k
    for rid in cluster_of:
        if rid not in labelled:
            tn, fp = (tn + 1, fp) if rid in kept else (tn, fp + 1)
    true_pairs = {p for g in labels for p in itertools.combinations(sorted(g), 2)}
    pred_pairs = {
        p for g in groups.values() if len(g) > 1 for p in itertools.combinations(sorted(g), 2)
    }
    return {
        "FP": fp,
        "FN": fn,
        "TP": tp,
        "TN": tn,
        "sensitivity": tp / (tp + fn) if tp + fn else 1.0,
        "false_pairs": len(pred_pairs - true_pairs),
        "missed_pairs": len(true_pairs - pred_pairs),
    }


def clusters_from_lists(ids: list[str], lists: list[list[str]]) -> dict[str, str]:
    out = {x: x for x in ids}
    for c in lists:
        m = min(c)
        for x in c:
            out[x] = m
    return out


def line(name: str, s: dict[str, float], extra: str = "") -> str:
    return (
        f"  {name:<34} FP {s['FP']:>4}  FN {s['FN']:>5}  sensitivity {s['sensitivity']:.4f}  "
        f"false pairs {s['false_pairs']:>4}  missed pairs {s['missed_pairs']:>5}{extra}"
    )


def add(total: dict[str, float], s: dict[str, float]) -> None:
    for k in ("FP", "FN", "TP", "TN", "false_pairs", "missed_pairs"):
        total[k] = total.get(k, 0) + s[k]
    total["sensitivity"] = total["TP"] / (total["TP"] + total["FN"])


# --------------------------------------------------------------------------------- the runs


def unpack(folder: Path, files: list[str], into: Path) -> list[Path]:
    out = []
    for name in files:
        target = into / name.removesuffix(".gz")
        with gzip.open(folder / name, "rb") as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        out.append(target)
    return out


_TIMED = (
    "import resource, subprocess, sys, time; t0 = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def run_timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of one command, measured by a wrapper process of its
    own (so the peak is that command's alone)."""
    out = subprocess.run(
        [sys.executable, "-c", _TIMED, *cmd], check=True, capture_output=True, text=True
    )
    seconds, peak_kb = out.stdout.split()
    return float(seconds), int(peak_kb) / 1024


def run_slr(files: list[Path], work: Path) -> tuple[dict[str, str], float, float, int]:
    clusters, review = work / "clusters.csv", work / "review.csv"
    slr = Path(sys.executable).with_name("slr")
    seconds, peak = run_timed(
        [str(slr), "dedupe", *map(str, files), "--clusters", str(clusters), "--review", str(review)]
    )
    with clusters.open(encoding="utf-8") as fh:
        cluster_of = {r["record_id"]: r["cluster_id"] for r in csv.DictReader(fh)}
    with review.open(encoding="utf-8") as fh:
        review_pairs = sum(1 for _ in csv.DictReader(fh))
    return cluster_of, seconds, peak, review_pairs


def run_bibdedupe(
    python: str, files: list[Path], work: Path, keep: Path | None = None
) -> tuple[dict, float, bool]:
    """BibDedupe's clusters and time on ``files``: (its JSON, process seconds, reused?).

    With ``keep`` (``--bibdedupe-keep DIR``) its JSON is saved as ``DIR/<set>.json`` and a
    JSON already there for these same files (same names and sizes) is reused: BibDedupe takes
    about an hour for the two sets on a loaded 2-core machine. A reused result says so.
    """
    stamp = [[f.name, f.stat().st_size] for f in files]
    saved = keep / f"{work.name}.json" if keep else None
    if saved is not None and saved.exists():
        data = json.loads(saved.read_text(encoding="utf-8"))
        if data.get("files") == stamp:
            return data, float("nan"), True
    out = work / "bibdedupe.json"
    t0 = time.perf_counter()
    subprocess.run(
        [python, str(HERE / "_bibdedupe_run.py"), str(out), *map(str, files)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wall = time.perf_counter() - t0
    data = json.loads(out.read_text(encoding="utf-8"))
    data["files"] = stamp
    data["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    data["load"] = round(os.getloadavg()[0], 1)
    if saved is not None:
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(data), encoding="utf-8")
    return data, wall, False


def model_variants(files: list[Path], labels: list[list[str]]) -> list[tuple[str, dict]]:
    """Rules alone, the model alone at some thresholds, both: scored on the same records."""
    sys.path.insert(0, str(REPO))
    import numpy as np

    from slr.search.dedupe import DedupeConfig, dedupe
    from slr.search.dedupe.blocking import candidate_pairs
    from slr.search.dedupe.clustering import components
    from slr.search.dedupe.features import (
        KeyTable,
        compare_pairs,
        evidence_mask,
        title_similarity,
    )
    from slr.search.dedupe.fellegi_sunter import comparison_levels, estimate
    from slr.search.dedupe.keys import match_keys
    from slr.search.dedupe.naming import record_names
    from slr.search.ingest import ingest

    records = ingest(files).records
    names = record_names(records).names
    ids = [names.get(r.record_id, r.record_id) for r in records]
    all_ids = _all_ids(files)
    out = []
    for label, use_model in (("rules + model (default)", True), ("rules alone", False)):
        r = dedupe(records, config=DedupeConfig(use_model=use_model), names=names)
        cluster_of = {x: x for x in all_ids}
        cluster_of.update({names[k]: names[v] for k, v in r.cluster_of.items()})
        out.append((label, score(cluster_of, labels)))
    keys = [match_keys(rec) for rec in records]
    table = KeyTable.build(keys)
    cfg = DedupeConfig()
    pairs = candidate_pairs(keys, cfg)
    tsim = title_similarity(table, pairs)
    keep = evidence_mask(table, pairs, tsim)
    pt = compare_pairs(table, pairs[keep], tsim[keep])
    levels = comparison_levels(pt)
    model = estimate(levels)
    p = model.probability(levels)
    for threshold in (0.5, 0.9, 0.99, 0.999):
        sel = p >= threshold
        comp = components(len(records), pt.i[sel], pt.j[sel])
        cluster_of = {x: x for x in all_ids}
        cluster_of.update({ids[i]: ids[c] for i, c in enumerate(comp.tolist())})
        out.append((f"model alone, p >= {threshold}", score(cluster_of, labels)))
    out.append((f"(EM: {model.iterations} iterations, match share {model.prior:.3f})", {}))
    del np
    return out


def _all_ids(files: list[Path]) -> list[str]:
    ids = []
    for f in files:
        with f.open(encoding="utf-8", newline="") as fh:
            ids.extend(row["ID"] for row in csv.DictReader(fh))
    return ids


# ------------------------------------------------------------------------------------ scaling

SCALE_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
from benchmarks._scale_data import scaled_records
from slr.search.dedupe import dedupe
records = scaled_records(int(sys.argv[1]), seed=int(sys.argv[2]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
stages = {}
def progress(task, done, total):
    now = time.process_time()
    stages.setdefault(task, [now, now])[1] = now
t0, c0 = time.perf_counter(), time.process_time()
result = dedupe(records, progress=progress)
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"n": len(records), "seconds": seconds, "cpu": cpu, "candidates": result.candidates,
                  "stage_cpu": {k.removeprefix("dedupe: "): b - a for k, (a, b) in stages.items()},
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "input_mb": before, "review": len(result.review),
                  "removed": result.duplicates_removed}))
"""


def run_scale(n: int, seed: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", SCALE_CHILD, str(n), str(seed), str(REPO)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    parser.add_argument("--repeats", type=int, default=1, help="runs of slr dedupe per set")
    parser.add_argument("--bibdedupe", default="/work/venvs/bibdedupe/bin/python")
    parser.add_argument("--skip-bibdedupe", action="store_true")
    parser.add_argument(
        "--bibdedupe-keep",
        type=Path,
        help="folder to save BibDedupe's results in and reuse them from (it takes ~1 h)",
    )
    parser.add_argument("--skip-models", action="store_true")
    parser.add_argument("--scale", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    folder = shared_dedupe()
    load = os.getloadavg()[0]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}, load average {load:.1f} at start "
        "(timings are wall clock; a loaded machine inflates them)"
    )
    bib = (
        None
        if args.skip_bibdedupe
        else shutil.which(args.bibdedupe)
        or (args.bibdedupe if Path(args.bibdedupe).exists() else None)
    )
    if not args.skip_bibdedupe and bib is None:
        print(f"BibDedupe: {args.bibdedupe} not found; install bib-dedupe==0.11.0 in a venv")
    totals: dict[str, dict[str, float]] = {"slr": {}, "bib": {}}
    times: dict[str, float] = {"slr": 0.0, "bib": 0.0}
    records_total = review_total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets:
            work = Path(tmp) / name
            work.mkdir()
            files = unpack(folder / name, SETS[name], work)
            labels = load_labels(folder / name)
            print(f"\n== {name} ({', '.join(f.name for f in files)})")
            runs = [run_slr(files, work) for _ in range(args.repeats)]
            cluster_of, _, peak, review = runs[0]
            seconds = statistics.median(r[1] for r in runs)
            s = score(cluster_of, labels)
            add(totals["slr"], s)
            times["slr"] += seconds
            records_total += len(cluster_of)
            review_total += review
            print(
                line(
                    "slr dedupe",
                    s,
                    f"  {seconds:.1f} s (median of {len(runs)}; "
                    f"{', '.join(f'{r[1]:.1f}' for r in runs)}), peak {peak:.0f} MB",
                )
            )
            print(
                f"  review load: {review} pairs for {len(cluster_of)} records = "
                f"{10_000 * review / len(cluster_of):.0f} per 10k records"
            )
            if bib:
                data, wall, reused = run_bibdedupe(bib, files, work, args.bibdedupe_keep)
                ids = list(cluster_of)
                bs = score(clusters_from_lists(ids, data["clusters"]), labels)
                add(totals["bib"], bs)
                times["bib"] += data["seconds"]
                print(
                    line(
                        f"BibDedupe {data['version']}",
                        bs,
                        f"  {data['seconds']:.1f} s "
                        + (
                            f"(reused: measured {data.get('measured_at', '?')}, load "
                            f"{data.get('load', '?')}); "
                            if reused
                            else f"(process {wall:.1f} s); "
                        )
                        + f"speed: slr {data['seconds'] / seconds:.1f}x faster",
                    )
                )
            if not args.skip_models:
                print("  rules and Fellegi-Sunter model (in process, same records):")
                for label, ms in model_variants(files, labels):
                    print(line(label, ms) if ms else f"  {label}")
    print(f"\n== total ({', '.join(args.sets)})")
    print(line("slr dedupe", totals["slr"], f"  {times['slr']:.1f} s"))
    if totals["bib"]:
        print(
            line(
                "BibDedupe",
                totals["bib"],
                f"  {times['bib']:.1f} s; slr {times['bib'] / times['slr']:.1f}x faster",
            )
        )
    if records_total:
        print(f"  review load: {10_000 * review_total / records_total:.0f} pairs per 10k records")
    if args.scale:
        print("\n== scaling (records built from the shared sets' records, see _scale_data.py)")
        print(
            "(cpu: the process's CPU seconds, on all cores together; the title similarities use "
            "every core, the rest one: on a quiet machine the wall time is at most this)"
        )
        print(
            f"{'records':>9} {'seconds':>8} {'cpu s':>8} {'peak MB':>8} {'pairs/rec':>9} "
            f"{'review':>7}"
        )
        rows = []
        for n in args.scale:
            r = run_scale(n, seed=1)
            rows.append((r["n"], r["seconds"]))
            print(
                f"{r['n']:>9} {r['seconds']:>8.1f} {r['cpu']:>8.1f} {r['peak_mb']:>8.0f} "
                f"{r['candidates'] / r['n']:>9.2f} {r['review']:>7}   CPU s by stage: "
                + ", ".join(f"{k} {v:.1f}" for k, v in r["stage_cpu"].items() if v >= 0.05),
                flush=True,
            )
        for (n0, t0), (n1, t1) in itertools.pairwise(rows):
            print(
                f"scaling {n0} -> {n1}: time x{t1 / t0:.1f} for records x{n1 / n0:.0f} "
                f"(exponent {math.log(t1 / t0) / math.log(n1 / n0):.2f})"
            )


if __name__ == "__main__":
    main()
