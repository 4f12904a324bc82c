"""Out-of-memory errors turned into numbers and advice.

torch reports CUDA OOM as ``torch.OutOfMemoryError`` ("Tried to allocate 2.00 GiB ...") and
CPU allocation failures as ``RuntimeError`` ("DefaultCPUAllocator: can't allocate memory: you
tried to allocate 123 bytes"). :func:`oom_error` reads the requested size from the message, asks
the device what is free, and says what to try for this run.
"""

from __future__ import annotations

import re
from typing import Any

from slr.reproduce.train.errors import TrainingOutOfMemory

_CPU = re.compile(r"(can't allocate memory|not enough memory|out of memory)", re.I)
_REQ_CUDA = re.compile(r"Tried to allocate ([\d.]+) ?([KMGT]i?B)")
_REQ_CPU = re.compile(r"tried to allocate (\d+) bytes")
_UNITS = {
    "KiB": 2**10,
    "MiB": 2**20,
    "GiB": 2**30,
    "TiB": 2**40,
    "KB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "TB": 10**12,
}
GIB = 2**30


def is_oom(err: BaseException) -> bool:
    import torch

    if isinstance(err, torch.OutOfMemoryError):
        return True
    return isinstance(err, RuntimeError) and bool(_CPU.search(str(err)))


def requested_bytes(message: str) -> int | None:
    m = _REQ_CUDA.search(message)
    if m:
        return int(float(m.group(1)) * _UNITS[m.group(2)])
    m = _REQ_CPU.search(message)
    return int(m.group(1)) if m else None


def free_memory(device: Any) -> tuple[int | None, int | None, str]:
    """(free bytes, total bytes, what) of ``device``."""
    import torch

    if getattr(device, "type", str(device)) == "cuda" and torch.cuda.is_available():
        free, total = torch.cuda.mem_get_info(device)
        return int(free), int(total), f"GPU {torch.cuda.get_device_name(device)}"
    try:
        import psutil

        vm = psutil.virtual_memory()
        return int(vm.available), int(vm.total), "CPU RAM"
    except ImportError:  # pragma: no cover - psutil is in the ml extra
        return None, None, "CPU RAM"


def _gib(n: int | None) -> str:
    return "unknown" if n is None else f"{n / GIB:.2f} GiB"


def oom_error(
    err: BaseException,
    *,
    device: Any,
    where: str,
    training: Any,
    method: str,
    max_source_len: int | None = None,
) -> TrainingOutOfMemory:
    """A :class:`TrainingOutOfMemory` with the numbers and the things to try."""
    import torch

    requested = requested_bytes(str(err))
    free, total, what = free_memory(device)
    allocated = ""
    if getattr(device, "type", "") == "cuda" and torch.cuda.is_available():
        allocated = (
            f", {_gib(torch.cuda.memory_allocated(device))} held by tensors, peak "
            f"{_gib(torch.cuda.max_memory_allocated(device))}"
        )
        torch.cuda.empty_cache()
    tries = []
    bs, acc = training.batch_size, training.grad_accum
    if bs // acc > 1:
        tries.append(
            f"a smaller micro-batch with the same effective batch: training: {{batch_size: {bs}, "
            f"grad_accum: {acc * 2}}}"
            if bs % (acc * 2) == 0
            else f"a smaller batch: training: {{batch_size: {max(1, bs // 2)}}}"
        )
    if where == "evaluation":
        tries.insert(
            0,
            f"a smaller eval batch: training: {{eval_batch_size: "
            f"{max(1, training.eval_batch_size // 2)}}}",
        )
    if not training.gradient_checkpointing and where == "training":
        tries.append("gradient checkpointing: training: {gradient_checkpointing: true}")
    if method not in ("QLoRA",) and where == "training":
        tries.append("QLoRA (4-bit frozen base, CUDA + bitsandbytes): method: QLoRA")
    if training.precision == "fp32" and getattr(device, "type", "") == "cuda":
        tries.append("mixed precision: training: {precision: bf16}")
    if max_source_len:
        tries.append(f"shorter inputs: max_source_len below {max_source_len}")
    return TrainingOutOfMemory(
        f"out of memory during {where} on {what}: requested {_gib(requested)}, free "
        f"{_gib(free)} of {_gib(total)}{allocated}. Try: " + "; ".join(tries)
    )
