"""Wall time of the offline small-scale suite of effectiveness checks (target: < 20 min on a
2-core machine).

The suite = every spec in ``reproductions/specs/effectiveness/*.yaml`` (not ``gpu/``). Each spec
runs in its own process (``slr train run SPEC --fresh``), ``--parallel`` at a time (default 2:
the specs use 1 torch thread each, so two fill a 2-core machine). The proxies the specs need
are pretrained first when they are not cached (reported apart: a one-off cost per machine).

    python benchmarks/bench_train_suite.py                 # results to a temporary folder
    python benchmarks/bench_train_suite.py --write         # results to reproductions/results/
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "reproductions" / "specs" / "effectiveness"
# longest first (measured), so the pool ends close to the longest single spec
ORDER = ["search", "multitask", "defect", "ia3", "summarization"]


def _cli(*args: str) -> list[str]:
    code = f"import sys; from slr.cli.main import main; sys.exit(main({list(args)!r}))"
    return [sys.executable, "-c", code]


def _needed_proxies(specs: list[Path]) -> list[str]:
    import yaml

    names = []
    for spec in specs:
        model = yaml.safe_load(spec.read_text(encoding="utf-8")).get("model", {})
        if model.get("proxy") and model["proxy"] not in names:
            names.append(model["proxy"])
    return names


def _run(cmd: list[str], log: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    with open(log, "w") as fh:
        rc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT).returncode
    return time.perf_counter() - t0, rc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="write reproductions/results/")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    specs = sorted(
        SPECS.glob("*.yaml"),
        key=lambda p: next((i for i, k in enumerate(ORDER) if k in p.name), 99),
    )
    tmp = Path(tempfile.mkdtemp(prefix="slr-suite-"))
    workdir = args.workdir or tmp / "runs"
    results = (
        ROOT / "reproductions" / "results" / "effectiveness" if args.write else tmp / "results"
    )
    print(
        f"{len(specs)} specs, {args.parallel} at a time, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f} at start; logs in {tmp}"
    )
    proxies = _needed_proxies(specs)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.parallel) as pool:
        done = list(
            pool.map(
                lambda n: _run(_cli("train", "pretrain-proxy", n), tmp / f"pretrain-{n}.log"),
                proxies,
            )
        )
    for name, (secs, rc) in zip(proxies, done, strict=True):
        print(f"  proxy {name}: {secs:.1f} s (cached: under 2 s){'' if rc == 0 else ' FAILED'}")
    pretrain = time.perf_counter() - t0
    t1 = time.perf_counter()
    with ThreadPoolExecutor(args.parallel) as pool:
        runs = list(
            pool.map(
                lambda s: _run(
                    _cli(
                        "train",
                        "run",
                        str(s),
                        "--fresh",
                        "--workdir",
                        str(workdir),
                        "--results-dir",
                        str(results),
                    ),
                    tmp / f"{s.stem}.log",
                ),
                specs,
            )
        )
    suite = time.perf_counter() - t1
    failed = False
    for spec, (secs, rc) in zip(specs, runs, strict=True):
        print(f"  {spec.stem}: {secs / 60:.1f} min{'' if rc == 0 else ' FAILED (see log)'}")
        failed |= rc != 0
    print(
        f"suite: {suite / 60:.1f} min wall (+ {pretrain / 60:.1f} min proxy pretraining or "
        f"cache check); target < 20 min: {'met' if suite < 1200 else 'NOT met'}; load average "
        f"{os.getloadavg()[0]:.2f} at the end; results in {results}"
    )
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
