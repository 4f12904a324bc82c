"""Verbatim copies of the published artifacts inside the repository (``corpus/sources/``).

The import reads these copies, so a clean clone rebuilds and re-checks its corpus without the
workplace's ``shared/`` folder. ``SOURCES.json`` records each file's SHA-256; ``refresh_sources``
copies the files byte for byte from a folder of the published artifacts and updates the record.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from slr.corpus import sources as src
from slr.errors import ConfigError, ValidationReport, display_path

ARTIFACTS = (src.FINAL_SELECTION, src.V3_CODING, src.EARLY_CODING, src.EARLY_DRAFT, "SOURCE.md")
RECORD = "SOURCES.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refresh_sources(published: Path, vendored: Path) -> dict[str, str]:
    """Copy the published artifacts verbatim into ``vendored``; return name -> sha256."""
    folder = published / "slr-peft" if (published / "slr-peft").is_dir() else published
    missing = [n for n in ARTIFACTS if not (folder / n).is_file()]
    if missing:
        raise ConfigError(
            f"{display_path(folder)} lacks {', '.join(missing)}; point it at the slr-peft folder"
        )
    vendored.mkdir(parents=True, exist_ok=True)
    record = {}
    for name in ARTIFACTS:
        shutil.copyfile(folder / name, vendored / name)
        record[name] = sha256(vendored / name)
    (vendored / RECORD).write_text(
        json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return record


def vendor_folder(src_folder: Path, dest: Path) -> dict[str, str]:
    """Copy every file of a folder of published data verbatim into ``dest`` (e.g. a labelled set)."""
    if not src_folder.is_dir():
        raise ConfigError(f"{display_path(src_folder)} is not a folder")
    files = sorted(p for p in src_folder.iterdir() if p.is_file())
    if not files:
        raise ConfigError(f"{display_path(src_folder)} holds no files")
    dest.mkdir(parents=True, exist_ok=True)
    record = {}
    for f in files:
        shutil.copyfile(f, dest / f.name)
        record[f.name] = sha256(dest / f.name)
    (dest / RECORD).write_text(
        json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return record


def check_sources(vendored: Path) -> ValidationReport:
    """Each vendored file still has the hash it was copied with (nobody edited it)."""
    report = ValidationReport()
    path = vendored / RECORD
    if not path.exists():
        report.add(
            path,
            "missing record of the vendored artifacts",
            fix="run 'slr corpus import --from <slr-peft>'",
        )
        return report
    for name, digest in json.loads(path.read_text(encoding="utf-8")).items():
        f = vendored / name
        if not f.exists():
            report.add(
                f, "vendored artifact missing", fix="run 'slr corpus import --from <slr-peft>'"
            )
        elif sha256(f) != digest:
            report.add(
                f,
                "vendored artifact was edited (its SHA-256 differs from SOURCES.json)",
                fix="the published files are kept verbatim; record corrections in corpus/decisions.yaml",
            )
    return report
