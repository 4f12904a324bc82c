"""Where the review's data lives.

The data folders (``corpus/``, ``taxonomy/``, ``reproductions/``) sit at the repository root. The root
is found from ``$SLR_ROOT``, else by walking up from the current directory to a folder holding
``taxonomy/`` and ``corpus/``, else next to the installed package (editable install).
"""

from __future__ import annotations

import os
from pathlib import Path

from slr.errors import ConfigError

_MARKERS = ("taxonomy", "corpus")


def _is_root(p: Path) -> bool:
    return all((p / m).is_dir() for m in _MARKERS)


def project_root(start: Path | None = None) -> Path:
    env = os.environ.get("SLR_ROOT")
    if env:
        root = Path(env)
        if not _is_root(root):
            raise ConfigError(
                f"SLR_ROOT={env} has no taxonomy/ and corpus/ folders; unset it or fix it"
            )
        return root
    here = (start or Path.cwd()).resolve()
    for p in (here, *here.parents):
        if _is_root(p):
            return p
    pkg_parent = Path(__file__).resolve().parent.parent
    if _is_root(pkg_parent):
        return pkg_parent
    raise ConfigError(
        "cannot find the review's data (taxonomy/ and corpus/): run slr inside the repository "
        "or set SLR_ROOT to its path"
    )


def taxonomy_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "taxonomy"


def corpus_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "corpus"


def reproductions_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "reproductions"


def shared_data_dir(root: Path | None = None) -> Path:
    """The review's published artifacts, read by ``slr corpus import`` (never edited)."""
    env = os.environ.get("SLR_SHARED_DATA")
    if env:
        return Path(env)
    base = root or project_root()
    for p in (base, *base.parents):
        if (p / "shared" / "data").is_dir():
            return p / "shared" / "data"
    raise ConfigError(
        f"cannot find shared/data next to {base} or above it; set SLR_SHARED_DATA to the folder "
        "holding slr-peft/ and screening/"
    )
