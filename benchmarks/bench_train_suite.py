"""Wall time of the offline small-scale suite of effectiveness checks.

The target of < 20 min on a 2-core machine was set for 3 seeds without floors. With 5 seeds and
the untuned-model floor it took 28.8 min (2026-12-02). The search spec was then scaled up
(1024 training pairs, 128 steps, 400 test items) so that tuning can beat the untuned encoder;
that spec alone is 25 jobs of about 2 min each, so the suite now takes about an hour.

The suite = every training spec (``kind: train``) of ``reproductions/specs/`` not tagged ``gpu``.
Each spec runs in its own process (``slr reproduce run SPEC --fresh``), ``--parallel`` at a time
(default 2:
the specs use 1 torch thread each, so two fill a 2-core machine). The proxies the specs need
are pretrained when they are not cached (a one-off cost per machine), each in a slot of its own
while specs that need no proxy run, and a spec starts once its proxy is ready.

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
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Priority of the jobs (spec-name keywords, "pretrain:<proxy>"), from measured times: a proxy is
# pretrained (~190 s each) while the longest spec that needs none (search, ~45 min since it was
# scaled up) runs, so the one-off pretraining overlaps the suite instead of preceding it.
ORDER = [
    "pretrain:stdlib-gpt2",
    "search",
    "pretrain:stdlib-t5",
    "multitask",
    "summarization",
    "ia3",
    "defect",
]


def _cli(*args: str) -> list[str]:
    code = f"import sys; from slr.cli.main import main; sys.exit(main({list(args)!r}))"
    return [sys.executable, "-c", code]


def _suite() -> list[Path]:
    """The CPU suite: every training spec not tagged gpu."""
    from slr.reproduce.specs import load_specs, select_specs

    specs = select_specs(load_specs(ROOT), kind="train")
    return sorted(s.path for s in specs if "gpu" not in s.spec.tags)


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
    specs = _suite()
    tmp = Path(tempfile.mkdtemp(prefix="slr-suite-"))
    workdir = args.workdir or tmp / "runs"
    results = ROOT / "reproductions" / "results" / "runs" if args.write else tmp / "results"
    print(
        f"{len(specs)} specs, {args.parallel} at a time, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f} at start; logs in {tmp}"
    )
    jobs = _jobs(specs, workdir, results, tmp)
    t0 = time.perf_counter()
    times = _schedule(jobs, args.parallel)
    total = time.perf_counter() - t0
    failed = False
    pretrain = 0.0
    for name in jobs:
        secs, rc = times[name]
        if name.startswith("pretrain:"):
            pretrain += secs
            label = f"proxy {name.split(':', 1)[1]}: {secs:.1f} s (cached: under 2 s)"
        else:
            label = f"{name}: {secs / 60:.1f} min"
        print(f"  {label}{'' if rc == 0 else ' FAILED (see log)'}")
        failed |= rc != 0
    print(
        f"suite: {total / 60:.1f} min wall, proxy pretraining or cache check included "
        f"({pretrain / 60:.1f} min of it, overlapped with specs that need no proxy); 3-seed "
        f"target < 20 min: {'met' if total < 1200 else 'NOT met'}; load average "
        f"{os.getloadavg()[0]:.2f} at the end; results in {results}"
    )
    if failed:
        sys.exit(1)


def _jobs(specs: list[Path], workdir: Path, results: Path, logs: Path) -> dict[str, dict]:
    """name -> {cmd, log, needs}: one job per proxy to pretrain, one per spec."""
    import yaml

    jobs: dict[str, dict] = {}
    for spec in specs:
        model = yaml.safe_load(spec.read_text(encoding="utf-8")).get("model", {})
        proxy = model.get("proxy")
        if proxy and f"pretrain:{proxy}" not in jobs:
            jobs[f"pretrain:{proxy}"] = {
                "cmd": _cli("train", "pretrain-proxy", proxy),
                "log": logs / f"pretrain-{proxy}.log",
                "needs": None,
            }
        jobs[spec.stem] = {
            "cmd": _cli(
                "reproduce",
                "run",
                str(spec),
                "--fresh",
                "--workdir",
                str(workdir),
                "--results-dir",
                str(results),
            ),
            "log": logs / f"{spec.stem}.log",
            "needs": f"pretrain:{proxy}" if proxy else None,
        }
    return jobs


def _priority(name: str) -> int:
    return next((i for i, k in enumerate(ORDER) if k in name), len(ORDER))


def _schedule(jobs: dict[str, dict], parallel: int) -> dict[str, tuple[float, int]]:
    """Run the jobs, ``parallel`` at a time; a free slot takes the first ready job in ORDER."""
    pending = sorted(jobs, key=_priority)
    done: dict[str, tuple[float, int]] = {}
    running: dict = {}
    with ThreadPoolExecutor(parallel) as pool:
        while pending or running:
            ready = [n for n in pending if jobs[n]["needs"] in (None, *done)]
            while ready and len(running) < parallel:
                name = ready.pop(0)
                pending.remove(name)
                running[pool.submit(_run, jobs[name]["cmd"], jobs[name]["log"])] = name
            if not running:  # a job needs a proxy whose pretraining failed
                for name in pending:
                    done[name] = (0.0, 1)
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                done[running.pop(fut)] = fut.result()
    return done


if __name__ == "__main__":
    main()
