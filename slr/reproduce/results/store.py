"""Where results live, reading and writing them (atomically), and the schema-1 migration.

``reproductions/results/runs/<spec>.json`` holds the result of every spec, either kind (schema 2:
``schema``, ``kind`` and ``spec`` first). Files older versions wrote are read too: schema-1
measured runs (``runs/<spec>.json`` with a ``name``) and schema-1 training results
(``effectiveness/<spec>.json`` with ``spec_id``), upgraded in memory with a warning naming
``slr reproduce migrate``, which rewrites them in place of the old files. A file of an unknown
schema, or that does not validate, is skipped with a warning, never half-read. Imports pydantic
only (no torch): the report reads results through here.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from slr.atomic import atomic_write_json
from slr.errors import SlrError, display_path
from slr.paths import reproductions_dir
from slr.reproduce.results.models import (
    SCHEMA,
    MeasureResult,
    Result,
    TrainResult,
)
from slr.reproduce.results.verdict_models import VerdictsDocument

_RESULT: TypeAdapter[MeasureResult | TrainResult] = TypeAdapter(Result)
LEGACY_TRAIN_FOLDER = "effectiveness"  # schema 1 kept training results apart


def results_dir(root: Path | None = None) -> Path:
    return reproductions_dir(root) / "results"


def runs_dir(root: Path | None = None) -> Path:
    """``reproductions/results/runs``: one result file per spec."""
    return results_dir(root) / "runs"


def verdicts_path(root: Path | None = None) -> Path:
    return results_dir(root) / "verdicts.json"


def result_path(name: str, root: Path | None = None) -> Path:
    return runs_dir(root) / f"{name}.json"


def upgrade(doc: Any) -> tuple[dict[str, Any], bool]:
    """``doc`` in schema 2, and whether it was older; raises ValueError for an unknown schema."""
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    schema = doc.get("schema")
    if schema == SCHEMA:
        return doc, False
    if schema is None and "name" in doc and "prediction" in doc:  # schema-1 measured run
        rest = {k: v for k, v in doc.items() if k != "name"}
        return {"schema": SCHEMA, "kind": "measure", "spec": doc["name"], **rest}, True
    if schema == 1 and "spec_id" in doc:  # schema-1 training result
        rest = {k: v for k, v in doc.items() if k not in ("schema", "spec_id")}
        spec_hash = (doc.get("manifest") or {}).get("spec_hash")
        return {
            "schema": SCHEMA,
            "kind": "train",
            "spec": doc["spec_id"],
            "spec_hash": spec_hash,
            **rest,
        }, True
    raise ValueError(f"unknown result schema {schema!r}")


def parse_result(doc: Any) -> MeasureResult | TrainResult:
    """A result document (any known schema) as its typed model."""
    upgraded, _ = upgrade(doc)
    return _RESULT.validate_python(upgraded)


def read_result(path: Path) -> MeasureResult | TrainResult | None:
    """The result in ``path`` (None when absent); a broken file is an error naming it."""
    if not path.exists():
        return None
    try:
        return parse_result(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, ValueError) as err:  # pydantic errors are ValueErrors
        raise SlrError(
            f"{display_path(path)}: not a result this version can read ({_first_line(err)}); "
            "delete it to re-run the spec"
        ) from err


def write_result(result: MeasureResult | TrainResult, path: Path) -> None:
    """``result`` as JSON, atomically (training results, the large ones, indented by one)."""
    indent = 1 if isinstance(result, TrainResult) else 2
    atomic_write_json(path, result.model_dump(mode="json"), indent=indent)


def _first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]


def _result_files(root: Path | None) -> list[Path]:
    folders = [runs_dir(root), results_dir(root) / LEGACY_TRAIN_FOLDER]
    return [p for folder in folders if folder.is_dir() for p in sorted(folder.glob("*.json"))]


def load_results(
    root: Path | None = None, *, kind: str | None = None
) -> list[MeasureResult | TrainResult]:
    """Every result (of ``kind``), sorted by file name; unreadable files skipped with a warning."""
    return [result for _, result in load_result_files(root, kind=kind)]


def load_result_files(
    root: Path | None = None, *, kind: str | None = None
) -> list[tuple[Path, MeasureResult | TrainResult]]:
    """(file, result) of every result (of ``kind``), sorted by file name."""
    out: list[tuple[Path, MeasureResult | TrainResult]] = []
    for path in _result_files(root):
        try:
            doc, old = upgrade(json.loads(path.read_text(encoding="utf-8")))
            result = _RESULT.validate_python(doc)
        except (OSError, json.JSONDecodeError) as err:
            warnings.warn(f"{path}: unreadable result ({err}); skipped", stacklevel=2)
            continue
        except PydanticValidationError as err:
            warnings.warn(f"{path}: not a valid result ({_first_line(err)}); skipped", stacklevel=2)
            continue
        except ValueError as err:
            warnings.warn(f"{path}: {err}; skipped", stacklevel=2)
            continue
        if old:
            warnings.warn(
                f"{path}: written by an older slr (schema 1); run `slr reproduce migrate`",
                stacklevel=2,
            )
        if kind is None or result.kind == kind:
            out.append((path, result))
    return sorted(out, key=lambda item: item[0].name)


def read_verdicts(root: Path | None = None) -> VerdictsDocument | None:
    path = verdicts_path(root)
    if not path.exists():
        return None
    return VerdictsDocument.model_validate_json(path.read_text(encoding="utf-8"))


def write_verdicts(document: VerdictsDocument, root: Path | None = None) -> None:
    atomic_write_json(verdicts_path(root), document.model_dump(mode="json"))


def migrate(root: Path | None = None) -> list[tuple[Path, Path]]:
    """Rewrite every schema-1 result as schema 2 under ``runs/``; returns (old, new) paths.

    The new file is written (atomically) before the old one is removed; a file that does not
    validate stops the migration with its name, leaving it as it was.
    """
    moved = []
    for path in _result_files(root):
        doc, old = upgrade(json.loads(path.read_text(encoding="utf-8")))
        if not old:
            continue
        try:
            result = _RESULT.validate_python(doc)
        except PydanticValidationError as err:
            raise SlrError(f"{display_path(path)}: cannot migrate: {_first_line(err)}") from err
        target = result_path(result.spec, root)
        if target != path and target.exists():
            raise SlrError(
                f"{display_path(path)}: cannot migrate: {display_path(target)} exists; "
                "move one of them away"
            )
        write_result(result, target)
        if target != path:
            path.unlink()
        moved.append((path, target))
    legacy = results_dir(root) / LEGACY_TRAIN_FOLDER
    if legacy.is_dir() and not any(legacy.iterdir()):
        legacy.rmdir()
    return moved
