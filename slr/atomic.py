"""The one atomic writer: a file appears whole or not at all.

Every output the toolkit writes (corpus tables, records, clusters, results JSON, caches) goes
through here: the content is written to a temporary file in the target's folder and renamed over
the target (``os.replace``, atomic on POSIX), so an interrupted or failed write leaves the previous
file, or none, never a half-written one.

Usage::

    atomic_write_text(path, text)
    atomic_write_json(path, document)
    with atomic_writer(path) as fh:      # streamed writes; renamed only if the block succeeds
        for line in lines:
            fh.write(line)
    with atomic_batch() as batch:        # several outputs: all appear, or none
        with batch.writer(records_path) as fh: ...
        with batch.writer(rejections_path) as fh: ...

Before a command reads anything it checks its outputs with :func:`slr.outputs.check_outputs`
(an output that is also an input, a folder where a file is wanted, a folder it cannot write).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


@contextlib.contextmanager
def _temporary(path: Path, *, binary: bool, encoding: str) -> Iterator[tuple[IO[Any], Path]]:
    """A temporary file in ``path``'s folder (created if missing); deleted if the block fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if binary:
            fh: IO[Any] = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding=encoding, newline="")
        with fh:
            yield fh, Path(tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_writer(
    path: Path, *, binary: bool = False, encoding: str = "utf-8"
) -> Iterator[IO[Any]]:
    """Open a temporary file next to ``path``; on success rename it to ``path``, else delete it."""
    path = Path(path)
    with _temporary(path, binary=binary, encoding=encoding) as (fh, tmp):
        yield fh
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class AtomicBatch:
    """Outputs of one command that appear together: each is written to a temporary file, and
    all are renamed into place only when every one of them was written."""

    def __init__(self) -> None:
        self._done: list[tuple[Path, Path]] = []

    @contextlib.contextmanager
    def writer(
        self, path: Path, *, binary: bool = False, encoding: str = "utf-8"
    ) -> Iterator[IO[Any]]:
        path = Path(path)
        with _temporary(path, binary=binary, encoding=encoding) as (fh, tmp):
            yield fh
        self._done.append((tmp, path))

    def _commit(self) -> None:
        for tmp, path in self._done:
            os.replace(tmp, path)
        self._done.clear()

    def _discard(self) -> None:
        for tmp, _ in self._done:
            tmp.unlink(missing_ok=True)
        self._done.clear()


@contextlib.contextmanager
def atomic_batch() -> Iterator[AtomicBatch]:
    """Several outputs written all-or-nothing (see :class:`AtomicBatch`)."""
    batch = AtomicBatch()
    try:
        yield batch
        batch._commit()
    finally:
        batch._discard()


def atomic_write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    with atomic_writer(path, encoding=encoding) as fh:
        fh.write(text)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_writer(path, binary=True) as fh:
        fh.write(data)


def atomic_write_json(path: Path, document: Any, *, indent: int | None = 2) -> None:
    """``document`` as JSON (UTF-8, keys in insertion order, trailing newline)."""
    atomic_write_text(path, json.dumps(document, indent=indent, ensure_ascii=False) + "\n")
