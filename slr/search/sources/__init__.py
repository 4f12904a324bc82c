"""Registry of search-export formats: one module per format in this package.

Adding a format = adding one module here that defines a :class:`SourceFormat` subclass decorated
with :func:`register`; modules are discovered automatically, and the registry tests in
``tests/search/test_sources.py`` cover every registered format (sniffing, fuzzing, accounting).
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from slr.errors import InputFormatError, display_path
from slr.registry import Registry
from slr.search.sources.base import (
    CsvFormat,
    MappedFields,
    RawNote,
    RawRecord,
    RawRejection,
    SourceFormat,
)

__all__ = [
    "CsvFormat",
    "MappedFields",
    "RawNote",
    "RawRecord",
    "RawRejection",
    "SourceFormat",
    "detect_format",
    "get_format",
    "register",
    "source_formats",
]

FORMATS: Registry[SourceFormat] = Registry(
    "source format",
    discover=__name__,
    skip=("base",),
    describe=lambda fmt: fmt.description,
    identity=type,  # re-importing a format's module registers the same class again: harmless
)
F = TypeVar("F", bound=type[SourceFormat])


def register(cls: F) -> F:
    """Class decorator: register one instance of the format under ``cls.name``."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    FORMATS.add(cls.name, cls())
    return cls


def source_formats() -> dict[str, SourceFormat]:
    """All registered formats by name."""
    return dict(sorted(FORMATS.items()))


def get_format(name: str) -> SourceFormat:
    return FORMATS.get(name)


def detect_format(text: str, path: str | Path) -> SourceFormat:
    """The registered format that recognises the text (highest priority wins)."""
    suffix = Path(path).suffix.lower()
    matches = [f for f in source_formats().values() if f.sniff(text, suffix)]
    if not matches:
        first = text.lstrip("\ufeff").splitlines()[0][:80] if text.strip() else ""
        raise InputFormatError(
            f"{display_path(path)}:1: unknown export format (first line: {first!r}); supported: "
            f"{', '.join(source_formats())}. Pass --format NAME if the file is one of them with "
            "an unusual header; for a CSV with other column names, say which column holds "
            "which field: --map 'title=COLUMN,abstract=COLUMN,authors=COLUMN'"
        )
    return max(matches, key=lambda f: f.priority)
