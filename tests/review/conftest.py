"""One build of the review for every test that only reads it (a build takes half a minute)."""

from __future__ import annotations

from pathlib import Path

import pytest

from slr.build import build_review


@pytest.fixture(scope="session")
def built_review(tmp_path_factory) -> Path:
    return build_review(tmp_path_factory.mktemp("built") / "build", quiet=True)
