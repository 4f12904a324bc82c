"""TEMPORARY: stands in for slr.reproduce.manifest (eff stage) until that module is merged."""

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

PACKAGES = ("slr", "torch", "transformers", "peft", "accelerate", "bitsandbytes", "numpy")


def spec_hash(spec: Any) -> str:
    text = json.dumps(spec, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def manifest(root: Path, *, device: str, dtype: str, seeds: Any, spec: Any) -> dict[str, Any]:
    def git(*args: str) -> str | None:
        try:
            return subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    status = git("status", "--porcelain", "--untracked-files=no")
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": {
            "commit": git("rev-parse", "HEAD"),
            "dirty": bool(status) if status is not None else None,
        },
        "packages": versions,
        "device": {
            "kind": device,
            "platform": platform.platform(),
            "python": sys.version.split()[0],
        },
        "dtype": dtype,
        "seeds": seeds,
        "spec": spec,
    }
