"""The measured training loop: N optimizer steps on a fixed batch, timed, with peak memory.

Kept deliberately thin (a perf_counter pair and, on CUDA, one synchronize per step) so that its
own overhead stays within a few percent of a bare PyTorch loop doing the same work
(``benchmarks/bench_runner_overhead.py`` measures it).

Memory: on CUDA the allocator's peaks are reset after the warm-up steps (optimizer states exist
by then) and ``max_memory_allocated`` / ``max_memory_reserved`` are read at the end. On CPU the
process's peak resident set size is reset the same way (``/proc/self/clear_refs``) and read from
``/proc/self/status`` (VmHWM); :func:`cpu_allocated_peak` gives a precise allocated-bytes peak of
one extra step from PyTorch's memory profiler.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StepStats:
    step_seconds: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    peak_allocated: int | None = None
    peak_reserved: int | None = None
    peak_rss: int | None = None
    rss_before: int | None = None

    @property
    def median_step_seconds(self) -> float:
        import statistics

        return statistics.median(self.step_seconds) if self.step_seconds else float("nan")


def _proc_status(key: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def reset_peak_rss() -> bool:
    """Reset the process's peak RSS (VmHWM) on Linux; False where not possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def run_steps(
    model: Any,
    batch: dict[str, Any],
    optimizer: Any,
    *,
    steps: int,
    warmup_steps: int = 1,
    device: str = "cpu",
    loss_fn: Callable[[Any, Any], Any],
    autocast: Any = None,
    scaler: Any = None,
    on_step: Callable[[int, float], None] | None = None,
) -> StepStats:
    """Run ``warmup_steps + steps`` optimizer steps; time and measure the last ``steps``."""
    import contextlib

    import torch

    cuda = device == "cuda"
    stats = StepStats()
    ctx = autocast if autocast is not None else contextlib.nullcontext()
    total = warmup_steps + steps
    for i in range(total):
        if i == warmup_steps:
            if cuda:
                torch.cuda.synchronize()
                torch.cuda.reset_peak_memory_stats()
            else:
                stats.rss_before = _proc_status("VmRSS")
                reset_peak_rss()
        start = time.perf_counter()
        with ctx:
            out = model(**batch)
            loss = loss_fn(model, out)
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
        else:
            loss.backward()
            optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        del out
        if cuda:
            torch.cuda.synchronize()
        elapsed = time.perf_counter() - start
        if i >= warmup_steps:
            stats.step_seconds.append(elapsed)
            stats.losses.append(float(loss.detach()))
        if on_step is not None:
            on_step(i, elapsed)
    if cuda:
        stats.peak_allocated = int(torch.cuda.max_memory_allocated())
        stats.peak_reserved = int(torch.cuda.max_memory_reserved())
    else:
        stats.peak_rss = _proc_status("VmHWM")
    return stats


def cpu_allocated_peak(
    model: Any, batch: dict[str, Any], optimizer: Any, loss_fn: Callable[[Any, Any], Any]
) -> int | None:
    """Peak allocated bytes of one more training step on CPU (PyTorch's memory profiler).

    Uses ``torch.profiler``'s memory timeline (a private helper of ``export_memory_timeline``);
    returns None where this PyTorch does not provide it.
    """
    try:
        import torch
        from torch.profiler import ProfilerActivity, profile
        from torch.profiler._memory_profiler import MemoryProfileTimeline
    except ImportError:  # pragma: no cover
        return None
    try:
        with profile(
            activities=[ProfilerActivity.CPU],
            profile_memory=True,
            record_shapes=True,
            with_stack=True,
        ) as prof:
            out = model(**batch)
            loss = loss_fn(model, out)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            del out, loss
        timeline = MemoryProfileTimeline(prof._memory_profile())
        _, sizes = timeline._coalesce_timeline(torch.device("cpu"))
        return int(max(sum(row) for row in sizes)) if sizes else None
    except Exception:  # pragma: no cover - private API drift
        return None
