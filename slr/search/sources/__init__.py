"""Registry of search-export formats: one module per format in this package.

Adding a format = adding one module here that defines a :class:`SourceFormat` subclass decorated
with :func:`register`; modules are discovered automatically, and the registry tests in
``tests/search/test_sources.py`` cover every registered format (sniffing, fuzzing, accounting).
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from pathlib import Path
from typing import TypeVar

from slr.errors import ConfigError, InputFormatError, display_path
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

_REGISTRY: dict[str, SourceFormat] = {}
_LOADED = False
F = TypeVar("F", bound=type[SourceFormat])


def register(cls: F) -> F:
    """Class decorator: register one instance of the format under ``cls.name``."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    if cls.name in _REGISTRY and type(_REGISTRY[cls.name]) is not cls:
        raise ValueError(f"source format {cls.name!r} registered twice")
    _REGISTRY[cls.name] = cls()
    return cls


def _load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    for mod in pkgutil.iter_modules(__path__):
        if mod.name != "base":
            importlib.import_module(f"{__name__}.{mod.name}")
    _LOADED = True


def source_formats() -> dict[str, SourceFormat]:
    """All registered formats by name."""
    _load_all()
    return dict(sorted(_REGISTRY.items()))


def get_format(name: str) -> SourceFormat:
    formats = source_formats()
    if name in formats:
        return formats[name]
    close = difflib.get_close_matches(name, list(formats), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise ConfigError(f"unknown source format '{name}'; {hint}known: {', '.join(formats)}")


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
