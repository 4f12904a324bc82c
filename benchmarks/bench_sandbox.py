"""Sandbox throughput: programs per second, serial latency, HumanEval canonical solutions.

Prints medians of several runs. Baseline: a bare ``python -I -B -c pass`` subprocess, to show the
sandbox's own overhead (namespaces, re-mounts, supervisor).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from slr.evaluate.humaneval import check_program, load_problems
from slr.evaluate.sandbox import Sandbox, SandboxLimits

REPEATS = 3
SERIAL_RUNS = 30


def serial_latency(box: Sandbox) -> tuple[float, str]:
    times = []
    isolation = ""
    for _ in range(SERIAL_RUNS):
        t = time.perf_counter()
        isolation = box.run_python("pass").isolation
        times.append(time.perf_counter() - t)
    return statistics.median(times), isolation


def bare_python_latency() -> float:
    times = []
    for _ in range(SERIAL_RUNS):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-I", "-B", "-c", "pass"], check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def humaneval_throughput(box: Sandbox, workers: int) -> tuple[float, int, int]:
    problems = load_problems()
    programs = [check_program(p, p.canonical_solution) for p in problems.values()]
    rates, passed = [], 0
    for _ in range(REPEATS):
        t = time.perf_counter()
        results = box.map_python(programs, workers=workers)
        rates.append(len(programs) / (time.perf_counter() - t))
        passed = sum(r.passed for r in results)
    return statistics.median(rates), passed, len(programs)


def main() -> None:
    box = Sandbox(SandboxLimits(timeout_s=3.0))
    workers = os.cpu_count() or 1
    latency, isolation = serial_latency(box)
    bare = bare_python_latency()
    rate, passed, total = humaneval_throughput(box, workers)
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, isolation={isolation}")
    print(f"serial latency, trivial program (median of {SERIAL_RUNS}): {latency * 1000:.1f} ms")
    print(f"bare python -I -B -c pass subprocess (median of {SERIAL_RUNS}): {bare * 1000:.1f} ms")
    print(f"sandbox overhead over bare subprocess: {(latency - bare) * 1000:.1f} ms per program")
    print(
        f"HumanEval canonical solutions, {workers} workers (median of {REPEATS}): "
        f"{rate:.1f} programs/s; {passed}/{total} passed"
    )


if __name__ == "__main__":
    main()
