"""Base-model architectures as data: ``reproductions/models/<slug>.yaml``.

One small file per base model with a public architecture. It names the model as the taxonomy does
(``taxonomy_model:``; the taxonomy already carries the hub id and the published parameter count),
gives the transformers ``model_type``, the class to build and the config values, and cites where each
value comes from (``sources:``, with a status: confirmed / partial / unconfirmed).

Every file is validated on load (:func:`load_architectures`): unknown keys, a model the taxonomy
does not know, a config value without a source, a config key transformers does not know. Building
the models is :mod:`slr.reproduce.runtime.building`'s job.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from slr.errors import ConfigError, ValidationReport
from slr.paths import reproductions_dir
from slr.validation import validate_item
from slr.yamlio import load_yaml, pop_line, strip_lines

Status = Literal["confirmed", "partial", "unconfirmed"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ValueSource(_Strict):
    """Where some config values come from."""

    keys: list[str] = Field(description="config keys this source covers; ['*'] for all of them")
    status: Status
    source: str


class SizeCheck(_Strict):
    """What the published-size test expects.

    ``match``: the built model's total parameters equal the taxonomy's published count within its
    rounding. ``mismatch``: a documented disagreement (the explanation says why); the test then
    asserts the disagreement, so that fixing the config turns it into a visible change.
    """

    expect: Literal["match", "mismatch"] = "match"
    explanation: str = ""


class ArchitectureSpec(_Strict):
    """One file of ``reproductions/models/``."""

    taxonomy_model: str
    model_type: str
    model_class: str = Field(
        description="transformers class built for counting: the backbone for encoder models "
        "(the published sizes count it), the LM class for generative models"
    )
    config: dict[str, Any]
    sources: list[ValueSource]
    size_check: SizeCheck = SizeCheck()
    notes: str = ""

    @property
    def name(self) -> str:
        return self.taxonomy_model


def slug(name: str) -> str:
    """File name of a model's spec: ``CodeT5+ 220M`` -> ``codet5p-220m``, ``DeepSeek-Coder-1.3B`` -> ``deepseek-coder-1-3b``."""
    text = name.replace("+", "p").casefold()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def models_dir(root: Path | None = None) -> Path:
    return reproductions_dir(root) / "models"


def load_architectures(
    root: Path | None = None, *, check_transformers: bool = True
) -> dict[str, ArchitectureSpec]:
    """Every spec of ``reproductions/models/``, keyed by canonical model name.

    All problems of all files are collected into one report: unknown keys, a model the taxonomy
    does not know, a config key with no source, a config key transformers does not know (a typo
    would otherwise be accepted silently), a file name that does not match the model.
    """
    folder = models_dir(root)
    return dict(_load_cached(folder.resolve(), check_transformers))


@lru_cache(maxsize=4)
def _load_cached(
    folder: Path, check_transformers: bool
) -> tuple[tuple[str, ArchitectureSpec], ...]:
    from slr.taxonomy import load_taxonomy

    vocab = load_taxonomy(folder.parent.parent / "taxonomy").vocab["models"]
    report = ValidationReport()
    out: dict[str, ArchitectureSpec] = {}
    files = sorted(folder.glob("*.yaml"))
    if not files:
        report.add(
            folder, "no model specs found", fix="add reproductions/models/<model>.yaml files"
        )
    for path in files:
        read = _read_spec(path, vocab, report)
        if read is None:
            continue
        spec, line = read
        if spec.name in out:
            report.add(
                path, f"second spec for '{spec.name}'", line=line, fix="keep one file per model"
            )
        _source_problems(spec, path, line, report)
        if check_transformers:
            for problem in _transformers_problems(spec):
                report.add(path, problem, line=line)
        out[spec.name] = spec
    report.raise_if_any("reproductions/models")
    return tuple(out.items())


def _read_spec(
    path: Path, vocab: Any, report: ValidationReport
) -> tuple[ArchitectureSpec, int | None] | None:
    """One file's spec and line, if it validates and names a canonical taxonomy model."""
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        report.add(path, "expected a mapping with taxonomy_model, model_type, config...", line=1)
        return None
    line = pop_line(raw)
    spec = validate_item(
        ArchitectureSpec, strip_lines(raw), report=report, file=path, line=line, what="model spec"
    )
    if spec is None:
        return None
    canon = vocab.resolve(spec.taxonomy_model)
    if canon is None:
        msg, fix = vocab.unknown_message(spec.taxonomy_model)
        report.add(path, f"taxonomy_model: {msg}", line=line, fix=fix)
        return None
    if canon != spec.taxonomy_model:
        report.add(
            path,
            f"taxonomy_model '{spec.taxonomy_model}' is a spelling of '{canon}'",
            line=line,
            fix=f"write the canonical name '{canon}'",
        )
        return None
    if path.stem != slug(canon):
        report.add(
            path,
            "file name does not match the model",
            line=line,
            fix=f"rename it to {slug(canon)}.yaml",
        )
    return spec, line


def _source_problems(
    spec: ArchitectureSpec, path: Path, line: int | None, report: ValidationReport
) -> None:
    """Every config value has a source, and every source names a config key."""
    covered = {k for s in spec.sources for k in s.keys}
    if "*" not in covered:
        for key in spec.config:
            if key not in covered:
                report.add(
                    path,
                    f"config key '{key}' has no source",
                    line=line,
                    fix="list it under sources: (with its status) or use keys: ['*']",
                )
    for key in covered - set(spec.config) - {"*"}:
        report.add(
            path, f"sources name '{key}', which is not in config", line=line, fix="remove it"
        )


def _transformers_problems(spec: ArchitectureSpec) -> list[str]:
    import dataclasses

    import transformers
    from transformers import CONFIG_MAPPING

    if spec.model_type not in CONFIG_MAPPING:
        return [
            f"model_type '{spec.model_type}' is unknown to transformers {transformers.__version__}"
        ]
    problems = []
    if not hasattr(transformers, spec.model_class):
        problems.append(f"model_class '{spec.model_class}' is not a transformers class")
    cfg_cls = CONFIG_MAPPING[spec.model_type]
    known = (
        {f.name for f in dataclasses.fields(cfg_cls)} if dataclasses.is_dataclass(cfg_cls) else None
    )
    if known is not None:
        known |= set(getattr(cfg_cls, "attribute_map", {}))
        for key in spec.config:
            if key not in known:
                problems.append(
                    f"config key '{key}' is not a field of {cfg_cls.__name__}; check its spelling"
                )
    if not problems:
        level = transformers.logging.get_verbosity()
        transformers.logging.set_verbosity_error()
        try:
            cfg_cls(**spec.config)
        except Exception as err:  # transformers validates types (strict dataclasses)
            first = str(err).strip().splitlines()
            problems.append(f"transformers rejects the config: {' '.join(first[-2:])}")
        finally:
            transformers.logging.set_verbosity(level)
    return problems


def architecture(name: str, root: Path | None = None) -> ArchitectureSpec:
    """The spec of one model, by any spelling the taxonomy knows; unknown -> suggestions."""
    from slr.taxonomy import load_taxonomy

    archs = load_architectures(root)
    tax = load_taxonomy(None if root is None else root / "taxonomy")
    canon = tax.vocab["models"].resolve(name)
    if canon in archs:
        return archs[canon]
    if canon is not None:
        raise ConfigError(
            f"model '{name}' ({canon}) has no architecture spec in reproductions/models/; "
            f"add {slug(canon)}.yaml (known: {', '.join(archs)})"
        )
    msg, fix = tax.vocab["models"].unknown_message(name)
    raise ConfigError(f"{msg}; {fix}")


def published_tolerance(published: int) -> int:
    """Allowed |computed - published| for a published (rounded) size.

    One unit of the last significant digit: "125M" -> 1M, "6.7B" -> 100M, "220M" -> 10M. A figure
    rounded to the nearest unit is off by at most half a unit, a truncated one ("2.7B" for 2.78B)
    by less than one unit; one unit accepts both conventions and nothing coarser.
    """
    unit = 1
    value = published
    while value and value % 10 == 0:
        value //= 10
        unit *= 10
    return unit
