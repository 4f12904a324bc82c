"""How a result was made: commit and dirty flag, package versions, device, dtype, seeds, the spec."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = (
    "slr",
    "torch",
    "transformers",
    "peft",
    "accelerate",
    "bitsandbytes",
    "numpy",
    "pydantic",
)


def spec_hash(spec: Any) -> str:
    """sha256 of the canonical JSON of a spec (sorted keys); any change re-runs the check."""
    text = json.dumps(spec, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def git_state(root: Path) -> dict[str, Any]:
    def run(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=True
            )
            return out.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    commit = run("rev-parse", "HEAD")
    # results being written by this very command are not a change to what produced them
    status = run(
        "status", "--porcelain", "--untracked-files=no", "--", ".", ":!reproductions/results"
    )
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def package_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def device_info(device: str) -> dict[str, Any]:
    info: dict[str, Any] = {
        "kind": device,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "cpu": platform.processor() or platform.machine(),
    }
    try:
        import os

        info["cpu_count"] = os.cpu_count()
    except Exception:  # pragma: no cover
        pass
    try:
        import torch

        info["torch_threads"] = torch.get_num_threads()
    except ImportError:  # pragma: no cover
        pass
    if device == "cuda":
        import torch

        props = torch.cuda.get_device_properties(0)
        info.update(
            gpu=props.name,
            gpu_memory_bytes=int(props.total_memory),
            cuda=torch.version.cuda,
            capability=f"{props.major}.{props.minor}",
        )
    return info


def code_root() -> Path:
    """The checkout holding the slr package (the commit that made a result)."""
    import slr

    return Path(slr.__file__).resolve().parent.parent


def manifest(
    root: Path, *, device: str, dtype: str, seeds: dict[str, int], spec: Any
) -> dict[str, Any]:
    """``root`` is the data root (recorded); the git state is the code's checkout."""
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": git_state(code_root()),
        "data_root": str(root),
        "packages": package_versions(),
        "device": device_info(device),
        "dtype": dtype,
        "seeds": seeds,
        "spec": spec,
    }
