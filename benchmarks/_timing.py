"""Timing helpers for the benchmarks: run a command N times, print min / median / max."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Sequence


def time_command(cmd: Sequence[str], runs: int = 7, warmup: int = 1, **kwargs) -> list[float]:
    for _ in range(warmup):
        subprocess.run(cmd, check=True, capture_output=True, **kwargs)
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, **kwargs)
        out.append(time.perf_counter() - t0)
    return out


def report(label: str, seconds: list[float], target: float | None = None) -> None:
    med = statistics.median(seconds)
    line = f"{label}: median {med:.3f} s  (min {min(seconds):.3f}, max {max(seconds):.3f}, n={len(seconds)})"
    if target is not None:
        line += f"  target < {target} s: {'met' if med < target else 'NOT met'}"
    print(line)
    sys.stdout.flush()
