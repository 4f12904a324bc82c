"""Shared fixtures: the repository root, the published artifacts, a scratch copy of the data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _shared() -> Path | None:
    for p in (ROOT, *ROOT.parents):
        if (p / "shared" / "data" / "slr-peft").is_dir():
            return p / "shared" / "data" / "slr-peft"
    return None


SHARED = _shared()
needs_shared = pytest.mark.skipif(
    SHARED is None, reason="the published artifacts (../shared/data/slr-peft) are not here"
)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared() -> Path:
    if SHARED is None:
        pytest.skip("the published artifacts (../shared/data/slr-peft) are not here")
    return SHARED


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of taxonomy/ and corpus/ (to break on purpose)."""
    for name in ("taxonomy", "corpus"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.fixture(scope="session")
def review():
    from slr.review import Review

    return Review.load(ROOT)
