"""Reading spec files: one file or the whole ``reproductions/specs/`` folder, located errors."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError as PydanticValidationError

from slr.errors import ConfigError, InputFormatError, ValidationReport, display_path
from slr.paths import reproductions_dir
from slr.reproduce.specs.checks import measure_problems, train_problems
from slr.reproduce.specs.common import add_pydantic_problem, key_lines, line_for
from slr.reproduce.specs.loaded import LoadedSpec
from slr.reproduce.specs.measure import MeasureSpec
from slr.reproduce.specs.train import TrainSpec
from slr.yamlio import load_yaml, strip_lines

KINDS: dict[str, type[MeasureSpec] | type[TrainSpec]] = {
    "measure": MeasureSpec,
    "train": TrainSpec,
}
_KIND_FIX = "add 'kind: measure' (a measured run) or 'kind: train' (a training run)"


def specs_dir(root: Path | None = None) -> Path:
    return reproductions_dir(root) / "specs"


def load_spec(path: str | Path) -> LoadedSpec:
    """Read and validate one spec file; every problem of the file in one located report."""
    report = ValidationReport()
    loaded = _read(Path(path), report)
    report.raise_if_any("spec")
    assert loaded is not None
    return loaded


def _read(file: Path, report: ValidationReport) -> LoadedSpec | None:
    if not file.is_file():
        raise ConfigError(
            f"{display_path(file)}: spec file not found; specs live in reproductions/specs/"
        )
    try:
        data = strip_lines(load_yaml(file))
    except yaml.YAMLError as err:  # e.g. control characters: not a MarkedYAMLError
        raise InputFormatError(
            f"{display_path(file)}: invalid YAML ({err}); save the spec as plain UTF-8 text"
        ) from None
    lines = key_lines(file.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        report.add(file, "a spec is a mapping (kind, model, ...)", line=1, fix=_KIND_FIX)
        return None
    kind = data.get("kind")
    if kind not in KINDS:
        problem = "missing key 'kind'" if kind is None else f"unknown kind {kind!r}"
        report.add(file, problem, line=line_for(lines, ("kind",)), fix=_KIND_FIX)
        return None
    model = KINDS[kind]
    try:
        spec = model.model_validate(data)
    except PydanticValidationError as err:
        for e in err.errors():
            add_pydantic_problem(report, file, lines, e, model)
        return None
    loaded = LoadedSpec(spec=spec, path=file, raw=data, lines=lines)
    before = len(report)
    if isinstance(spec, TrainSpec):
        train_problems(loaded, report)
    else:
        measure_problems(loaded, report)
    return loaded if len(report) == before else None


def load_specs(root: Path | None = None) -> dict[str, LoadedSpec]:
    """Every spec of ``reproductions/specs/`` (subfolders included), by name, all validated.

    Problems of all files come in one report; two files with the same name are one of them.
    """
    folder = specs_dir(root)
    return dict(_load_cached(folder.resolve(), _stamp(folder)))


def _stamp(folder: Path) -> tuple[tuple[str, int], ...]:
    return tuple((str(p), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*.yaml")))


@lru_cache(maxsize=4)
def _load_cached(folder: Path, _stamp: Any) -> tuple[tuple[str, LoadedSpec], ...]:
    report = ValidationReport()
    out: dict[str, LoadedSpec] = {}
    for path in sorted(folder.rglob("*.yaml")):
        if path.stem in out:
            report.add(
                path,
                f"a second spec named '{path.stem}' (first: {display_path(out[path.stem].path)})",
                line=1,
                fix="spec names are file names and must be unique; rename one",
            )
            continue
        loaded = _read(path, report)
        if loaded is not None:
            out[path.stem] = loaded
    report.raise_if_any("reproductions/specs")
    return tuple(out.items())


def select_specs(
    specs: dict[str, LoadedSpec],
    names: Iterable[str] = (),
    tags: Iterable[str] = (),
    kind: str | None = None,
) -> list[LoadedSpec]:
    """The specs named (all when none is), then those with one of ``tags``, then of ``kind``."""
    names, tags = list(names), list(tags)
    unknown = [n for n in names if n not in specs]
    if unknown:
        raise ConfigError(
            f"unknown run spec(s) {', '.join(unknown)}; known: {', '.join(sorted(specs)) or 'none'}"
        )
    chosen = [specs[n] for n in names] if names else list(specs.values())
    if tags:
        chosen = [s for s in chosen if set(tags) & set(s.spec.tags)]
    if kind is not None:
        chosen = [s for s in chosen if s.kind == kind]
    return chosen
