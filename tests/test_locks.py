"""The lock files: made from the current pyproject.toml, satisfying it, and what is installed.

These run in the suite itself, so a dependency added to pyproject.toml without `make lock`, or a
virtualenv that was not installed from the lock (packages already there hiding a missing pin),
fails `make test` with the command that fixes it.
"""

from __future__ import annotations

import importlib.metadata
import re
import runpy
import shutil
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCKS = runpy.run_path(str(ROOT / "scripts" / "locks.py"))


def _pins(lock: str) -> dict[str, Version]:
    text = (ROOT / "locks" / f"{lock}.txt").read_text(encoding="utf-8")
    return {
        canonicalize_name(m.group(1)): Version(m.group(2))
        for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.MULTILINE)
    }


def _requirements(extras: tuple[str, ...]) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in extras:
        reqs += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return reqs


def test_every_lock_was_made_from_this_pyproject():
    assert LOCKS["check"](list(LOCKS["LOCK_NAMES"])) == 0


@pytest.mark.parametrize(
    ("lock", "extras"), [("review", ()), ("test", ("ml", "test")), ("lowest", ("ml", "test"))]
)
def test_each_lock_pins_every_requirement_inside_its_range(lock, extras):
    pins = _pins(lock)
    env = {"python_version": "3.11", "sys_platform": "linux", "platform_machine": "x86_64"}
    for req in _requirements(extras):
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        name = canonicalize_name(req.name)
        assert name in pins, f"locks/{lock}.txt lacks {req.name}: run `make lock`"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"locks/{lock}.txt pins {name}=={pins[name]} outside pyproject's {req}"
        )


def test_review_and_test_locks_agree_on_shared_packages():
    review, test = _pins("review"), _pins("test")
    assert {n: v for n, v in review.items() if test.get(n) != v} == {}


def test_lowest_lock_is_at_the_lower_bounds():
    # the lower bounds of pyproject.toml's ranges, as scripts/locks.py reads them
    pins = _pins("lowest")
    for pin in LOCKS["lowest_constraints"]():
        name, version = pin.split("==")
        assert pins[canonicalize_name(name)] == Version(version), pin
    assert pins["torch"] < _pins("test")["torch"]


def test_installed_packages_are_the_locked_versions():
    """The running environment is the lock (or the lowest lock), not whatever was installed."""
    import torch  # noqa: F401  (the ML extra is part of make test)

    version = importlib.metadata.version("transformers")
    lock = "lowest" if Version(version) == _pins("lowest")["transformers"] else "test"
    wrong = {}
    for name, pinned in _pins(lock).items():
        try:
            have = Version(importlib.metadata.version(name))
        except importlib.metadata.PackageNotFoundError:
            wrong[name] = "missing"
            continue
        if have != pinned:
            wrong[name] = f"{have} (lock {pinned})"
    assert wrong == {}, f"not installed from locks/{lock}.txt: {wrong}; run `make test`"


def test_a_dependency_added_without_relocking_is_caught(tmp_path, capsys):
    (tmp_path / "locks").mkdir()
    for name in ("build.in", *(f"{n}.txt" for n in LOCKS["LOCK_NAMES"])):
        shutil.copy(ROOT / "locks" / name, tmp_path / "locks" / name)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    assert LOCKS["check"](["test"], tmp_path) == 0
    (tmp_path / "pyproject.toml").write_text(
        text.replace('"rapidfuzz>=3.6",', '"rapidfuzz>=3.6",\n    "tabulate>=0.9",'),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert LOCKS["check"](["test"], tmp_path) == 1
    err = capsys.readouterr().err
    assert "locks/test.txt:1" in err and "make lock" in err


def test_the_bootstrap_installer_pin_is_hashed():
    line = LOCKS["bootstrap_requirement"]()
    assert line.startswith("uv==") and "--hash=sha256:" in line
