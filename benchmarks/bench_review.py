"""Speed of the metadata path (issue #2): `slr --help` < 0.3 s, the full build < 10 s (2 cores)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import report, time_command  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SLR = str(Path(sys.executable).parent / "slr")


def main() -> None:
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    report("slr --help", time_command([SLR, "--help"], runs=15), target=0.3)
    tmp = Path(tempfile.mkdtemp())
    try:
        report(
            "slr build (full review)",
            time_command([SLR, "build", "--out", str(tmp / "build")], runs=5, cwd=ROOT),
            target=10.0,
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
