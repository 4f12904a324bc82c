"""Out of memory: the one detector, the numbers, and what to try.

torch reports CUDA OOM as ``torch.OutOfMemoryError`` ("Tried to allocate 2.00 GiB ...") and CPU
allocation failures as ``RuntimeError`` ("DefaultCPUAllocator: can't allocate memory: you tried
to allocate 123 bytes"); a capped address space raises ``MemoryError``; libraries wrap them in
their own errors. :func:`is_oom` recognises all of these along the exception chain.
:func:`requested_bytes` reads the requested size from the message and :func:`free_memory` asks
the device what is free. Advice depends on what ran: :func:`setup_advice` for a measured run
(the analytical prediction by part), :func:`loop_advice` for a training loop (its settings).
"""

from __future__ import annotations

import re
from typing import Any

from slr.errors import SlrError
from slr.reproduce.runtime.device import free_memory

_TEXT = re.compile(r"(can't allocate memory|not enough memory|out of memory)", re.I)
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

SETUP_ADVICE = [
    "enable gradient checkpointing (setup.gradient_checkpointing: true)",
    "halve the batch size or the sequence length (activations scale with batch x tokens)",
    "use bf16 instead of fp32 or AMP (halves weights, gradients and optimizer states)",
    "use 8-bit AdamW (optimizer states 2 bytes per trainable parameter)",
    "use a parameter-efficient method, or QLoRA for a 4-bit frozen base",
]


class OutOfMemory(SlrError):
    """The device ran out of memory; the message has the numbers and what to try."""


def is_oom(err: BaseException | None) -> bool:
    """An error caused (directly or along its chain) by running out of memory."""
    import torch

    seen = 0
    while err is not None and seen < 10:
        if isinstance(err, torch.OutOfMemoryError | MemoryError) or _TEXT.search(str(err)):
            return True
        err = err.__cause__ or err.__context__
        seen += 1
    return False


def requested_bytes(message: str) -> int | None:
    m = _REQ_CUDA.search(message)
    if m:
        return int(float(m.group(1)) * _UNITS[m.group(2)])
    m = _REQ_CPU.search(message)
    return int(m.group(1)) if m else None


def gib(n: int | None) -> str:
    return "unknown" if n is None else f"{n / GIB:.2f} GiB"


def setup_advice(prediction: dict[str, Any], capacity: int | None, device: str) -> list[str]:
    """For a measured run: the predicted peak by part against the device, then what to try."""
    head = (
        f"predicted peak {prediction['peak'] / GIB:.1f} GiB (weights "
        f"{prediction['weights'] / GIB:.1f}, optimizer states "
        f"{prediction['optimizer_states'] / GIB:.1f}, activations "
        f"{prediction['activations'] / GIB:.1f}, gradients {prediction['gradients'] / GIB:.1f})"
    )
    if capacity:
        head += f" vs {capacity / GIB:.1f} GiB on the {device} device"
    return [head, *SETUP_ADVICE]


def loop_advice(
    training: Any, *, device: Any, where: str, quantized: bool, max_source_len: int | None
) -> list[str]:
    """For a training loop: settings of this run that lower its peak."""
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
    if not quantized and where == "training":
        tries.append("QLoRA (4-bit frozen base, CUDA + bitsandbytes): method: QLoRA")
    if training.precision == "fp32" and getattr(device, "type", "") == "cuda":
        tries.append("mixed precision: training: {precision: bf16}")
    if max_source_len:
        tries.append(f"shorter inputs: max_source_len below {max_source_len}")
    return tries


def oom_error(err: BaseException, *, device: Any, where: str, tries: list[str]) -> OutOfMemory:
    """An :class:`OutOfMemory` with what was requested, what is free, and ``tries``."""
    import torch

    requested = requested_bytes(str(err))
    free, total, what = free_memory(device)
    allocated = ""
    if getattr(device, "type", "") == "cuda" and torch.cuda.is_available():
        allocated = (
            f", {gib(torch.cuda.memory_allocated(device))} held by tensors, peak "
            f"{gib(torch.cuda.max_memory_allocated(device))}"
        )
        torch.cuda.empty_cache()
    return OutOfMemory(
        f"out of memory during {where} on {what}: requested {gib(requested)}, free "
        f"{gib(free)} of {gib(total)}{allocated}. Try: " + "; ".join(tries)
    )
