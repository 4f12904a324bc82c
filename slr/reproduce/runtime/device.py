"""The device a run uses, and its memory: one place for CUDA checks and capacity figures."""

from __future__ import annotations

from typing import Any


def cuda_available() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def resolve_device(requested: str) -> str:
    """``auto`` -> ``cuda`` where a CUDA device is present, else ``cpu``; other names unchanged."""
    if requested == "auto":
        return "cuda" if cuda_available() else "cpu"
    return requested


def device_capacity(device: str) -> int | None:
    """Bytes a run may use: the GPU's total memory, or the RAM available now on CPU."""
    if device == "cuda":
        import torch

        return int(torch.cuda.get_device_properties(0).total_memory)
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except ImportError:  # pragma: no cover - psutil is in the ml extra
        return None


def free_memory(device: Any) -> tuple[int | None, int | None, str]:
    """(free bytes, total bytes, what) of ``device`` (a torch device or its name)."""
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
