"""Where slr keeps files it derives once and reuses (WordNet copy, mined offline datasets)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(value, fh)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache only costs time
    return value
