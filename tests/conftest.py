"""Shared fixtures: the repository root, the published artifacts, a scratch copy of the data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _workplace_shared() -> Path | None:
    for p in (ROOT, *ROOT.parents):
        if (p / "shared" / "data" / "slr-peft").is_dir():
            return p / "shared" / "data" / "slr-peft"
    return None


# The published artifacts, verbatim, as vendored in the repository (slr corpus import --from ...).
VENDORED = ROOT / "corpus" / "sources"
WORKPLACE_SHARED = _workplace_shared()


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared() -> Path:
    """The published artifacts the corpus is imported from (the vendored verbatim copies)."""
    return VENDORED


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


@pytest.fixture(scope="session")
def built_review(tmp_path_factory) -> Path:
    """One build of the review for the tests that only read it (a build takes half a minute)."""
    from slr.build import build_review

    return build_review(tmp_path_factory.mktemp("built") / "build", quiet=True)
