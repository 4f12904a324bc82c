"""Benchmark prioritised screening: every configuration on every labelled set, ASReview beside it.

One row per configuration and labelled set: mean and spread (sd) over the seeds of WSS@95,
WSS@100, recall after 10 % and 25 % screened, average time to discovery, and the median seconds
per run (feature extraction excluded, reported apart). Priors as ASReview draws them (one
relevant and one irrelevant record per seed); seeds 1-5 by default.

    .venv/bin/python benchmarks/bench_screening.py                       # dev sets, all models
    .venv/bin/python benchmarks/bench_screening.py --models svm-fast asreview-like --seeds 1 2 3
    .venv/bin/python benchmarks/bench_screening.py --sets more/*.csv --asreview-json build/bench/asreview_anchor.json
    .venv/bin/python benchmarks/bench_screening.py --stopping --models svm-fast

ASReview's own runs come from ``benchmarks/asreview_anchor.py`` (run under a venv holding
asreview 3.0.8); ``--asreview-json`` scores their screening orders with the same metrics, so both
tools are measured by one implementation. ``--stopping`` also replays the stopping rule
(``slr.search.screen.stopping``) per seed and reports how often recall reached the target when it
said stop and the work it saved. Rows are also written to ``build/bench/screening.csv``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent.parent / "shared" / "data" / "screening"
DEV_SETS = [
    REPO / "corpus/screening/kitchenham_2010/Kitchenham_2010.csv",  # vendored verbatim
    SHARED / "cohen_2006/BetaBlockers.csv",
    SHARED / "cohen_2006/ProtonPumpInhibitors.csv",
]
FIGURES = ("wss95", "wss100", "recall_10", "recall_25", "atd")


def _stats(values: list[float]) -> str:
    sd = statistics.pstdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.3f} ± {sd:.3f}"


def _row(set_name: str, config: str, metrics: list, seconds: list[float]) -> dict:
    row: dict = {"set": set_name, "config": config, "runs": len(metrics)}
    for f in FIGURES:
        vals = [getattr(m, f) for m in metrics]
        row[f] = statistics.mean(vals)
        row[f + "_sd"] = statistics.pstdev(vals) if len(vals) > 1 else 0.0
    row["seconds"] = statistics.median(seconds) if seconds else float("nan")
    row["wss95_by_seed"] = " ".join(f"{m.wss95:.4f}" for m in metrics)  # for paired differences
    return row


def paired_against(frame, anchor: str) -> list[str]:
    """Per set and configuration: WSS@95 minus the anchor's on the same seed, with a 95 % interval.

    Both runs of a seed start from the same priors, so the paired difference is the fair measure
    of "at least as good". The interval is mean ± t(0.975, seeds - 1) x sd / sqrt(seeds); a
    configuration is "better" or "worse" on a set only when the interval excludes 0, a "tie"
    otherwise (the seeds cannot tell them apart).
    """
    import math

    from scipy.stats import t

    lines = []
    for set_name, part in frame.groupby("set", sort=False):
        ref = part[part["config"] == anchor]
        if ref.empty:
            continue
        base = [float(v) for v in ref["wss95_by_seed"].iloc[0].split()]
        for _, row in part[~part["config"].isin([anchor, "random order"])].iterrows():
            vals = [float(v) for v in row["wss95_by_seed"].split()]
            if len(vals) != len(base) or len(vals) < 2:
                continue
            diff = [a - b for a, b in zip(vals, base, strict=True)]
            mean = statistics.mean(diff)
            half = t.ppf(0.975, len(diff) - 1) * statistics.stdev(diff) / math.sqrt(len(diff))
            verdict = "better" if mean - half > 0 else "worse" if mean + half < 0 else "tie"
            lines.append(
                f"{set_name:<28} {row['config']:<16} {mean:+.4f}  "
                f"95 % interval [{mean - half:+.4f}, {mean + half:+.4f}]  {verdict}"
            )
    return lines


def _print_row(row: dict) -> None:
    figures = "  ".join(
        f"{f} {row[f]:.3f} ± {row[f + '_sd']:.3f}" if f.startswith("wss") else f"{f} {row[f]:.3f}"
        for f in FIGURES
    )
    print(f"{row['set']:<28} {row['config']:<16} {figures}  {row['seconds']:.1f} s/run", flush=True)


def asreview_rows(path: Path, sets: dict, seeds: list[int]) -> list[dict]:
    """Rows for ASReview's recorded runs (orders scored with slr's metrics)."""
    import numpy as np

    from slr.search.screen.metrics import OrderMetrics

    payload = json.loads(path.read_text())
    rows = []
    for name, data in sets.items():
        runs = [r for r in payload["runs"] if Path(r["set"]).stem == name and r["seed"] in seeds]
        if not runs:
            continue
        metrics = []
        for r in runs:
            order = list(r["order"])
            rest = [i for i in range(len(data.labels)) if i not in set(order)]
            full = np.asarray(order + rest)  # ASReview stops at the last relevant record
            metrics.append(OrderMetrics.of(data.labels[full], 2))  # ASReview's 1 + 1 priors
        label = f"asreview-{payload['asreview']}"
        rows.append(_row(name, label, metrics, [r["seconds"] for r in runs]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", type=Path, default=DEV_SETS)
    parser.add_argument("--models", nargs="+", default=None, help="default: every registered")
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3, 4, 5])
    parser.add_argument("--asreview-json", type=Path, default=None)
    parser.add_argument("--stopping", action="store_true", help="also benchmark the stopping rule")
    parser.add_argument("--prior-included", type=int, default=1)
    parser.add_argument("--prior-excluded", type=int, default=1, help="0: measure the cold start")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "bench")
    args = parser.parse_args()

    import pandas as pd

    from slr.search.screen import MODELS, load_labelled_set, simulate_screening
    from slr.search.screen.features import build_features

    names = args.models or [m for m in MODELS if not MODELS[m].features.needs_encoder]
    sets = {p.stem: load_labelled_set(p) for p in args.sets if p.is_file()}
    missing = [str(p) for p in args.sets if not p.is_file()]
    if missing:
        print(f"skipped (not found): {', '.join(missing)}")
    for name, data in sets.items():
        print(f"{name}: {len(data.labels)} records, {data.n_relevant} relevant")
    print(
        f"seeds {args.seeds}; prior: {args.prior_included} relevant + {args.prior_excluded} "
        "irrelevant record(s) drawn as ASReview does\n"
    )
    rows = []
    stopping_rows = []
    cache = args.out / "cache"
    for set_name, data in sets.items():
        features: dict = {}
        for config in names:
            model = MODELS[config]
            if model.features not in features:
                t0 = time.perf_counter()
                features[model.features] = build_features(data.records, model.features, cache=cache)
                print(f"  features {set_name}/{config}: {time.perf_counter() - t0:.1f} s")
            result = simulate_screening(
                data,
                model=model,
                seeds=args.seeds,
                n_prior_included=args.prior_included,
                n_prior_excluded=args.prior_excluded,
                features=features[model.features],
            )
            row = _row(
                set_name,
                config,
                [r.metrics for r in result.runs],
                [r.seconds for r in result.runs],
            )
            rows.append(row)
            _print_row(row)
            if args.stopping:
                from slr.search.screen.stopping import benchmark_stopping, summarise_stopping

                replayed = benchmark_stopping(result)
                stopping_rows.extend(replayed)
                summary = summarise_stopping(replayed)
                print(
                    "    stopping rule (recall 0.95, confidence 0.95): "
                    + ", ".join(f"{k} {v}" for k, v in summary.items()),
                    flush=True,
                )
        rows.append(_row(set_name, "random order", [r.random_metrics for r in result.runs], []))
        _print_row(rows[-1])
    if args.asreview_json and args.asreview_json.is_file():
        for row in asreview_rows(args.asreview_json, sets, args.seeds):
            rows.append(row)
            _print_row(row)
    frame = pd.DataFrame(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out / "screening.csv", index=False)
    print("\nmean WSS@95 over the sets (each set weighs the same):")
    means = frame.groupby("config")["wss95"].agg(["mean", "min", "count"])
    print(means.sort_values("mean", ascending=False).to_string(float_format="%.3f"))
    if stopping_rows:
        from slr.search.screen.stopping import summarise_stopping

        pd.DataFrame(stopping_rows).to_csv(args.out / "stopping.csv", index=False)
        print(
            "\nstopping rule over every set, seed and replay: "
            + ", ".join(f"{k} {v}" for k, v in summarise_stopping(stopping_rows).items())
        )
    anchors = [c for c in frame["config"].unique() if str(c).startswith("asreview-")]
    if anchors:
        print(f"\nWSS@95 minus {anchors[0]}'s on the same seed (paired):")
        print("\n".join(paired_against(frame, anchors[0])))
    print(f"\nwrote {args.out / 'screening.csv'}")


if __name__ == "__main__":
    main()
