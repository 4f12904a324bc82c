#!/usr/bin/env python3
"""The lock files of slr: make them, check them against pyproject.toml, bootstrap their installer.

Three locks, each with exact versions and hashes of every package (direct and transitive), made by
``uv pip compile`` for CPython 3.11 on Linux x86-64 (the machines CI runs on):

- ``locks/review.txt``: what ``make review`` installs (no extras);
- ``locks/test.txt``: what ``make test`` installs (extras ``ml`` and ``test``; torch is the CPU
  build, found with ``--find-links`` where the machine keeps it, e.g. ``/opt/wheels``);
- ``locks/lowest.txt``: the same extras with torch, transformers, peft and accelerate at the lower
  bounds of their ranges in pyproject.toml (``make test-lowest``).

Each lock carries a fingerprint of the dependency tables of pyproject.toml (and of
``locks/build.in``); ``check`` compares it, so a dependency added without re-locking stops
``make review`` and ``make test`` with the command that fixes it. Only the standard library is used:
this runs before anything is installed.

Usage::

    python scripts/locks.py compile --uv .venv/bin/uv [--find-links /opt/wheels]
    python scripts/locks.py check
    python scripts/locks.py bootstrap-requirement        # the hashed uv pin of locks/test.txt
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ROOT / "locks"
PYPROJECT = ROOT / "pyproject.toml"
BUILD_IN = LOCKS / "build.in"
PYTHON_VERSION = "3.11"
PLATFORM = "x86_64-manylinux_2_28"
# The packages whose lowest supported versions locks/lowest.txt installs (issue 9: the ranges of
# the reproduction stack are tested at both ends).
LOWEST_PACKAGES = ("torch", "transformers", "peft", "accelerate")
FINGERPRINT_PREFIX = "# pyproject-fingerprint: "
LOCK_NAMES = ("review", "test", "lowest")


def fingerprint(root: Path = ROOT) -> str:
    """sha256 of everything a lock is compiled from: pyproject's dependency tables, build.in."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    inputs = {
        "requires-python": project["project"].get("requires-python"),
        "dependencies": project["project"].get("dependencies", []),
        "optional-dependencies": project["project"].get("optional-dependencies", {}),
        "build-system": project.get("build-system", {}).get("requires", []),
        "build.in": _requirement_lines((root / "locks" / "build.in").read_text(encoding="utf-8")),
        "lowest": list(LOWEST_PACKAGES),
    }
    blob = json.dumps(inputs, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _requirement_lines(text: str) -> list[str]:
    return [ln.split("#", 1)[0].strip() for ln in text.splitlines() if ln.split("#", 1)[0].strip()]


def lowest_constraints() -> list[str]:
    """``name==X`` for each of LOWEST_PACKAGES, X the lower bound of its range in pyproject."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    requirements = list(project["project"].get("dependencies", []))
    for extra in project["project"].get("optional-dependencies", {}).values():
        requirements.extend(extra)
    pins = []
    for name in LOWEST_PACKAGES:
        bound = None
        for req in requirements:
            m = re.match(rf"^{re.escape(name)}\s*(?:\[[^\]]*\])?\s*(.*)$", req, re.IGNORECASE)
            if not m:
                continue
            for spec in m.group(1).split(","):
                spec = spec.strip()
                if spec.startswith((">=", "==")):
                    bound = spec[2:].strip()
        if bound is None:
            sys.exit(f"pyproject.toml: {name} has no lower bound (>=X); locks/lowest.txt needs one")
        pins.append(f"{name}=={_full_version(bound)}")
    return pins


def _full_version(version: str) -> str:
    # '>=5.17' means 5.17.0: the lowest release the range admits
    parts = version.split(".")
    while len(parts) < 3:
        parts.append("0")
    return ".".join(parts)


def compile_locks(uv: str, find_links: list[str]) -> None:
    """Write locks/test.txt, locks/review.txt (same versions) and locks/lowest.txt."""
    common = [
        uv,
        "pip",
        "compile",
        "--quiet",
        "--generate-hashes",
        "--python-version",
        PYTHON_VERSION,
        "--python-platform",
        PLATFORM,
        "--custom-compile-command",
        "make lock",
    ]
    links = [arg for path in find_links for arg in ("--find-links", path)]
    test = LOCKS / "test.txt"
    _run([*common, *links, str(PYPROJECT), str(BUILD_IN), "--extra", "ml", "--extra", "test",
          "-o", str(test)])  # fmt: skip
    _run([*common, *links, str(PYPROJECT), str(BUILD_IN), "-c", str(test),
          "-o", str(LOCKS / "review.txt")])  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        constraints = Path(tmp) / "lowest-constraints.txt"
        constraints.write_text("\n".join(lowest_constraints()) + "\n", encoding="utf-8")
        _run([*common, str(PYPROJECT), str(BUILD_IN), "--extra", "ml", "--extra", "test",
              "-c", str(constraints), "-o", str(LOCKS / "lowest.txt")])  # fmt: skip
    stamp = fingerprint()
    for name in LOCK_NAMES:
        path = LOCKS / f"{name}.txt"
        text = path.read_text(encoding="utf-8")
        text = re.sub(rf"^{re.escape(FINGERPRINT_PREFIX)}.*\n", "", text, flags=re.MULTILINE)
        path.write_text(
            f"{FINGERPRINT_PREFIX}{stamp} (scripts/locks.py; re-lock with `make lock`)\n" + text,
            encoding="utf-8",
        )
        print(f"wrote {path.relative_to(ROOT)}")


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, cwd=ROOT)
    if proc.returncode:
        sys.exit(f"lock: {' '.join(cmd[:3])} failed (exit {proc.returncode})")


def check(names: list[str], root: Path = ROOT) -> int:
    """0 if every named lock was made from the current pyproject.toml, else 1 with the fix."""
    want = fingerprint(root)
    stale = []
    for name in names:
        path = root / "locks" / f"{name}.txt"
        if not path.exists():
            stale.append(f"{path.relative_to(root)} is missing")
            continue
        first = path.read_text(encoding="utf-8").splitlines()[:1]
        have = (
            first[0][len(FINGERPRINT_PREFIX) :].split()[0]
            if first and first[0].startswith(FINGERPRINT_PREFIX)
            else None
        )
        if have != want:
            stale.append(
                f"{path.relative_to(root)}:1: made from another pyproject.toml "
                f"(fingerprint {have or 'none'}, pyproject.toml now {want})"
            )
    if stale:
        print(
            "error: the lock files do not match pyproject.toml (a dependency or range changed "
            "without re-locking):\n  - "
            + "\n  - ".join(stale)
            + "\nfix: run `make lock` (re-resolves every lock with uv) and commit locks/*.txt",
            file=sys.stderr,
        )
        return 1
    return 0


def bootstrap_requirement() -> str:
    """The ``uv==X --hash=...`` block of locks/test.txt, to install the installer hash-checked."""
    text = (LOCKS / "test.txt").read_text(encoding="utf-8")
    m = re.search(r"^uv==\S+(?: \\\n\s+--hash=\S+)+", text, re.MULTILINE)
    if not m:
        sys.exit("locks/test.txt pins no uv; run `make lock`")
    return m.group(0).replace("\\\n", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_compile = sub.add_parser("compile", help="re-resolve every lock")
    p_compile.add_argument("--uv", required=True)
    p_compile.add_argument("--find-links", action="append", default=[])
    p_check = sub.add_parser("check", help="are the locks made from the current pyproject.toml?")
    p_check.add_argument("names", nargs="*", default=list(LOCK_NAMES))
    sub.add_parser("bootstrap-requirement", help="print the hashed uv pin")
    args = parser.parse_args(argv)
    if args.command == "compile":
        compile_locks(args.uv, args.find_links)
        return check(list(LOCK_NAMES))
    if args.command == "check":
        return check(args.names)
    print(bootstrap_requirement())
    return 0


if __name__ == "__main__":
    sys.exit(main())
