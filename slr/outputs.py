"""Output safety: check every output of a command before it reads anything.

An output never replaces one of the command's inputs (``slr ingest feed.bib -o feed.bib`` would
turn the user's export into JSON Lines), a file output is never a folder, and a folder the command
cannot write is named before the work starts, not after it. Commands call :func:`check_outputs`
first, then write through :mod:`slr.atomic`.

    check_outputs({"--out": out, "--rejections": rejections}, inputs=files)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from slr.errors import OutputError, UsageError, display_path


def check_outputs(
    files: Mapping[str, Path | None] | None = None,
    *,
    folders: Mapping[str, Path | None] | None = None,
    inputs: Iterable[Path | None] = (),
) -> None:
    """Refuse outputs that would destroy an input or cannot be written.

    ``files`` and ``folders`` map the option that names each output (for the message) to its
    path (``None``: not asked for). ``inputs`` are the files and folders the command reads.
    Raises :class:`UsageError` (exit status 2) for an output that is an input, a folder given for
    a file or a file for a folder, and :class:`OutputError` (exit status 1) for a place that
    cannot be written.
    """
    ins = [Path(p) for p in inputs if p is not None]
    seen: dict[Path, str] = {}
    for option, path in (files or {}).items():
        if path is None:
            continue
        path = Path(path)
        _check_not_an_input(option, path, ins)
        if path.is_dir():
            raise UsageError(
                f"{option} {display_path(path)} is a folder; give a file name, e.g. "
                f"{display_path(path / _example_name(option))}"
            )
        _check_unique(option, path, seen)
        _check_writable(option, path)
    for option, path in (folders or {}).items():
        if path is None:
            continue
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise UsageError(
                f"{option} {display_path(path)} is a file, not a folder; give a folder to write into"
            )
        for inp in ins:
            if inp.is_dir() and _same_or_inside(path, inp):
                raise UsageError(
                    f"{option} {display_path(path)} lies in the input folder {display_path(inp)}; "
                    "writing there would mix outputs into the review's data; choose another folder"
                )
        _check_unique(option, path, seen)
        _check_writable(option, path, start=path)


def _example_name(option: str) -> str:
    return {"--rejections": "rejected.csv", "--clusters": "clusters.csv"}.get(
        option, "records.jsonl"
    )


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file (equal after resolving links, or the same inode)."""
    if _resolved(a) == _resolved(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _same_or_inside(path: Path, folder: Path) -> bool:
    p, f = _resolved(path), _resolved(folder)
    return p == f or f in p.parents


def _check_not_an_input(option: str, path: Path, inputs: list[Path]) -> None:
    for inp in inputs:
        if not inp.is_dir() and same_file(path, inp):
            raise UsageError(
                f"{option} {display_path(path)} is also an input of this command; writing it "
                "would destroy the input. Choose another output name"
            )


def _check_unique(option: str, path: Path, seen: dict[Path, str]) -> None:
    key = _resolved(path)
    if key in seen:
        raise UsageError(
            f"{option} and {seen[key]} both name {display_path(path)}; give each output its own path"
        )
    seen[key] = option


def _check_writable(option: str, path: Path, *, start: Path | None = None) -> None:
    """The nearest existing folder at or above ``start`` (default: ``path``'s folder) must be a
    folder this process may write."""
    parent = start if start is not None else path.parent
    while not parent.exists():
        if parent.parent == parent:
            break
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(
            f"{option} {display_path(path)}: {display_path(parent)} is a file, not a folder"
        )
    try:
        fd, probe = tempfile.mkstemp(prefix=".slr-write-check.", dir=parent)
    except OSError as err:
        raise OutputError(
            f"{option} {display_path(path)}: cannot write into {display_path(parent)} "
            f"({err.strerror or err}); choose a folder you can write"
        ) from err
    os.close(fd)
    os.unlink(probe)
