"""Verdicts on the efficiency claims: claim vs exact count vs analytical prediction vs run.

* :mod:`~slr.reproduce.verdicts.checks` - :func:`check_claim`, one check per claimed quantity;
* :mod:`~slr.reproduce.verdicts.indicative` - rough figures for claims without a stated set-up;
* :mod:`~slr.reproduce.verdicts.verify` - :func:`verify` writes ``verdicts.json``.

``verdicts_frame(root)`` (:mod:`slr.reproduce.results.frames`) reads the stored verdicts into a
DataFrame without importing torch, for the report. Importing this package imports pydantic and
pandas only.
"""

from __future__ import annotations

from slr.reproduce.results.frames import verdicts_frame
from slr.reproduce.results.store import verdicts_path
from slr.reproduce.verdicts.checks import (
    FAILS,
    HOLDS,
    MEMORY_TOLERANCE_PP,
    TIME_TOLERANCE_PP,
    UNCHECKABLE,
    check_claim,
)
from slr.reproduce.verdicts.verify import CHECK_VERSION, check_spec, verify

__all__ = [
    "CHECK_VERSION",
    "FAILS",
    "HOLDS",
    "MEMORY_TOLERANCE_PP",
    "TIME_TOLERANCE_PP",
    "UNCHECKABLE",
    "check_claim",
    "check_spec",
    "verdicts_frame",
    "verdicts_path",
    "verify",
]
