#!/usr/bin/env python3
"""Download the wheels that the GPU machine's image lacks, for `make gpu-check` there.

The GPU machine (one H200, no network) runs Python 3.12 with torch 2.11.0 (CUDA 13),
transformers 5.17.0, accelerate 1.15.0 and peft preinstalled, plus pandas, numpy, matplotlib,
networkx, scikit-learn, typer, rich, jinja2, pyyaml and more; it lacks a few pure-Python (or small
binary) packages that slr's metadata layer imports. This script downloads exactly those, at the
versions of ``locks/test.txt``, as CPython 3.12 manylinux x86-64 wheels into ``.whl/`` (ignored by
git; at most 64 MiB may travel with the working tree). `scripts/gpu-check` installs them there with
``pip install --no-index --no-deps --target``, leaving the image's torch, transformers and peft as
they are.

Usage::

    python scripts/gpu_wheels.py [--out .whl] [--python-version 3.12]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What the image lacks of locks/review.txt (the image's package list as read on 2026-11-17, in the
# device tool's KINDS.md): `comm -23` of the two lists. gpu-check verifies every import there.
IMAGE_LACKS = (
    "annotated-types",
    "bibtexparser",
    "pydantic",
    "pydantic-core",
    "pylatexenc",
    "rapidfuzz",
    "rispy",
    "typing-inspection",
)
PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64")
LIMIT_BYTES = 64 * 1024 * 1024


def locked_versions(lock: Path) -> dict[str, str]:
    text = lock.read_text(encoding="utf-8")
    return {
        m.group(1).lower(): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.MULTILINE)
    }


def download(out: Path, python_version: str) -> list[Path]:
    pins = locked_versions(ROOT / "locks" / "test.txt")
    missing = [name for name in IMAGE_LACKS if name not in pins]
    if missing:
        sys.exit(f"locks/test.txt pins none of {missing}; run `make lock`")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.whl"):
        old.unlink()
    platform_args = [arg for p in PLATFORMS for arg in ("--platform", p)]
    for name in IMAGE_LACKS:
        requirement = f"{name}=={pins[name]}"
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
               "--python-version", python_version, "--implementation", "cp", *platform_args,
               "-d", str(out), requirement]  # fmt: skip
        if subprocess.run(cmd, capture_output=True).returncode == 0:
            continue
        # an sdist-only release (pylatexenc): build the pure-Python wheel here
        with tempfile.TemporaryDirectory() as tmp:
            build = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp,
                     requirement]  # fmt: skip
            if subprocess.run(build).returncode != 0:
                sys.exit(f"could not download or build a wheel of {requirement}")
            for wheel in Path(tmp).glob("*.whl"):
                if not wheel.name.endswith("-py3-none-any.whl"):
                    sys.exit(f"{wheel.name} is not pure Python; it cannot travel to cp312")
                shutil.move(str(wheel), out / wheel.name)
    wheels = sorted(out.glob("*.whl"))
    total = sum(w.stat().st_size for w in wheels)
    if total > LIMIT_BYTES:
        sys.exit(f"{total / 2**20:.1f} MiB of wheels: over the 64 MiB that may travel")
    return wheels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / ".whl")
    parser.add_argument("--python-version", default="3.12")
    args = parser.parse_args(argv)
    wheels = download(args.out, args.python_version)
    size = sum(w.stat().st_size for w in wheels) / 2**20
    for w in wheels:
        print(f"  {w.name}")
    print(f"{len(wheels)} wheels, {size:.1f} MiB in {args.out} (carry it: `.whl`)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
