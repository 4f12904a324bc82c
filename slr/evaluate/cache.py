"""Where slr keeps files it derives once and reuses (WordNet copy, mined offline datasets)."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from slr.atomic import atomic_write_json


def cache_dir() -> Path:
    """``$SLR_CACHE``, else ``$XDG_CACHE_HOME/slr``, else ``~/.cache/slr``."""
    env = os.environ.get("SLR_CACHE")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "slr"


def cached_json(name: str, build: Callable[[], Any]) -> Any:
    """Load ``name`` from the cache, or build it and store it atomically."""
    path = cache_dir() / "datasets" / f"{name}.json"
    if path.is_file():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            pass  # rebuilt below
    value = build()
    with contextlib.suppress(OSError):  # a read-only cache only costs time
        atomic_write_json(path, value, indent=None)
    return value
