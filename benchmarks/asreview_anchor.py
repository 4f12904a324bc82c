"""ASReview LAB's default model on labelled sets: the screening order per seed, as JSON.

Runs under a separate virtual environment holding ASReview (never the project's lock)::

    python3 -m venv /work/venvs/asreview && /work/venvs/asreview/bin/pip install asreview==3.0.8
    /work/venvs/asreview/bin/python benchmarks/asreview_anchor.py SET.csv ... --seeds 1 2 3 4 5 \
        --out build/bench/asreview_anchor.json

It replays what ``asreview simulate SET.csv --n-prior-included 1 --n-prior-excluded 1
--prior-seed S --seed S`` does (ASReview's public API: the default AI configuration, a top-down
cycle until two classes exist, priors drawn by ``sklearn.utils.check_random_state(S).choice``
among the included and, with a fresh generator of the same seed, the excluded rows, stop after the
last relevant record) and writes, per set and seed, the row positions in the order screened and
the wall time. ``benchmarks/bench_screening.py --asreview-json`` scores the orders with slr's own
metrics, so both tools are measured by one implementation.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def run_one(path: Path, seed: int) -> dict:
    import numpy as np
    from asreview import load_dataset
    from asreview.learner import ActiveLearningCycle
    from asreview.models.models import get_ai_config
    from asreview.models.queriers import TopDown
    from asreview.models.stoppers import IsFittable, LastRelevant
    from asreview.simulation.simulate import Simulate
    from sklearn.utils import check_random_state

    np.random.seed(seed)
    t0 = time.perf_counter()
    with load_dataset(str(path), dataset_id=path.name) as db:
        labels = db.input["included"]
        config = get_ai_config(None)
        cycles = [
            ActiveLearningCycle(querier=TopDown(), stopper=IsFittable()),
            ActiveLearningCycle.from_meta(config["value"]),
        ]
        sim = Simulate(
            db.input.get_df(), labels, cycles, stopper=LastRelevant(), print_progress=False
        )
        included = np.where(labels == 1)[0]
        excluded = np.where(labels == 0)[0]
        sim.label(check_random_state(seed).choice(included, 1, replace=False))
        sim.label(check_random_state(seed).choice(excluded, 1, replace=False))
        sim.review()
        order = [int(i) for i in sim._results["record_id"]]
    return {
        "set": path.name,
        "seed": seed,
        "model": config["name"],
        "order": order,
        "seconds": time.perf_counter() - t0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3, 4, 5])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    import asreview

    runs = []
    if args.out.exists():
        runs = json.loads(args.out.read_text())["runs"]
    done = {(r["set"], r["seed"]) for r in runs}
    for path in args.sets:
        for seed in args.seeds:
            if (path.name, seed) in done:
                continue
            run = run_one(path, seed)
            runs.append(run)
            print(f"{path.name} seed {seed}: {len(run['order'])} screened, {run['seconds']:.1f} s")
            args.out.parent.mkdir(parents=True, exist_ok=True)
            payload = {"asreview": asreview.__version__, "runs": runs}
            tmp = args.out.with_suffix(".tmp")
            tmp.write_text(json.dumps(payload))
            tmp.replace(args.out)


if __name__ == "__main__":
    main()
