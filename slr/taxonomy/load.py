"""Loading and cross-checking ``taxonomy/*.yaml``.

All problems of all taxonomy files are collected into one report: unknown keys, missing keys,
a method whose family or parent does not exist, a spelling claimed by two terms, a model whose
architecture is unknown...
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from slr.errors import ValidationReport
from slr.paths import taxonomy_dir
from slr.taxonomy.schema import (
    Architecture,
    Dataset,
    Family,
    Gpu,
    Method,
    Metric,
    Model,
    Task,
    Venue,
)
from slr.taxonomy.vocab import Vocabulary
from slr.validation import validate_item
from slr.yamlio import load_yaml, pop_line

T = TypeVar("T", bound=BaseModel)

FILES: dict[str, tuple[str, str, type[BaseModel]]] = {
    "methods": ("peft_methods.yaml", "methods", Method),
    "families": ("peft_methods.yaml", "families", Family),
    "tasks": ("se_tasks.yaml", "tasks", Task),
    "architectures": ("architectures.yaml", "architectures", Architecture),
    "models": ("models.yaml", "models", Model),
    "venues": ("venues.yaml", "venues", Venue),
    "gpus": ("hardware.yaml", "gpus", Gpu),
    "datasets": ("datasets.yaml", "datasets", Dataset),
    "metrics": ("metrics.yaml", "metrics", Metric),
}


@dataclass
class Taxonomy:
    """The whole coding vocabulary, with lookups by any spelling and hierarchy queries."""

    families: list[Family]
    methods: list[Method]
    tasks: list[Task]
    architectures: list[Architecture]
    models: list[Model]
    venues: list[Venue]
    gpus: list[Gpu]
    datasets: list[Dataset]
    metrics: list[Metric]
    root: Path
    lines: dict[tuple[str, str], tuple[str, int | None]] = field(default_factory=dict)
    vocab: dict[str, Vocabulary] = field(default_factory=dict)

    # -- lookups ---------------------------------------------------------------------------------
    def method(self, name: str) -> Method:
        return _by_name(self.methods, self.vocab["methods"], name)

    def task(self, name: str) -> Task:
        return _by_name(self.tasks, self.vocab["tasks"], name)

    def model(self, name: str) -> Model:
        return _by_name(self.models, self.vocab["models"], name)

    def venue(self, name: str) -> Venue:
        return _by_name(self.venues, self.vocab["venues"], name)

    def architecture(self, name: str) -> Architecture:
        return _by_name(self.architectures, self.vocab["architectures"], name)

    def gpu(self, name: str) -> Gpu:
        return _by_name(self.gpus, self.vocab["gpus"], name)

    def task_by_abbreviation(self, abbreviation: str) -> Task | None:
        for t in self.tasks:
            if t.abbreviation.casefold() == abbreviation.casefold():
                return t
        return None

    # -- hierarchy queries -----------------------------------------------------------------------
    def variants_of(self, method: str, *, include_self: bool = True) -> list[str]:
        """A method and every method below it (``variants_of("LoRA")``: LoRA, QLoRA, AdaLoRA...)."""
        root = self.method(method).name
        out = [root] if include_self else []
        frontier = [root]
        while frontier:
            cur = frontier.pop()
            for m in self.methods:
                if m.parent == cur and m.name not in out:
                    out.append(m.name)
                    frontier.append(m.name)
        return out

    def methods_in_family(self, family: str) -> list[str]:
        fam = family.casefold()
        if fam not in {f.name for f in self.families}:
            from slr.errors import ConfigError

            raise ConfigError(
                f"unknown PEFT family '{family}'; known: {', '.join(f.name for f in self.families)}"
            )
        return [m.name for m in self.methods if m.family == fam]

    def tasks_of_type(self, task_type: str) -> list[str]:
        return [t.name for t in self.tasks if t.type == task_type]

    def root_method(self, method: str) -> str:
        m = self.method(method)
        while m.parent:
            m = self.method(m.parent)
        return m.name

    def method_graph(self) -> Any:
        """networkx DiGraph family -> method -> variant."""
        import networkx as nx

        g = nx.DiGraph()
        for f in self.families:
            g.add_node(f.name, kind="family")
        for m in self.methods:
            g.add_node(m.name, kind="method", family=m.family)
        for m in self.methods:
            g.add_edge(m.parent or m.family, m.name)
        return g

    def frame(self, kind: str) -> Any:
        """The entries of one kind as a pandas DataFrame (``kind`` as in FILES)."""
        import pandas as pd

        rows = [e.model_dump() for e in getattr(self, kind)]
        return pd.DataFrame(rows)


def _by_name(items: Iterable[T], vocab: Vocabulary, name: str) -> T:
    canon = vocab.resolve(name)
    if canon is not None:
        for item in items:
            if getattr(item, "name", None) == canon:
                return item
    from slr.errors import ConfigError

    msg, fix = vocab.unknown_message(name)
    raise ConfigError(f"{msg}; {fix}")


def load_taxonomy(root: Path | None = None) -> Taxonomy:
    """Read and cross-check every taxonomy file; raise one report with all problems."""
    folder = root or taxonomy_dir()
    return _load_cached(folder.resolve())


@lru_cache(maxsize=4)
def _load_cached(folder: Path) -> Taxonomy:
    report = ValidationReport()
    parsed: dict[str, list[Any]] = {}
    lines: dict[tuple[str, str], tuple[str, int | None]] = {}
    docs: dict[str, Any] = {}
    for kind, (fname, key, model) in FILES.items():
        path = folder / fname
        if fname not in docs:
            docs[fname] = load_yaml(path)
        parsed[kind] = _entries(docs[fname], path, kind, key, model, report, lines)
    tax = Taxonomy(
        families=parsed["families"],
        methods=parsed["methods"],
        tasks=parsed["tasks"],
        architectures=parsed["architectures"],
        models=parsed["models"],
        venues=parsed["venues"],
        gpus=parsed["gpus"],
        datasets=parsed["datasets"],
        metrics=parsed["metrics"],
        root=folder,
        lines=lines,
    )
    _build_vocabularies(tax, report)
    _cross_check(tax, report)
    report.raise_if_any("taxonomy")
    return tax


def _entries(
    doc: Any,
    path: Path,
    kind: str,
    key: str,
    model: type[Any],
    report: ValidationReport,
    lines: dict[tuple[str, str], tuple[str, int | None]],
) -> list[Any]:
    """The validated entries under ``key`` of one file (each entry's line kept in ``lines``)."""
    items: list[Any] = []
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        report.add(
            path, f"expected a top-level list '{key}:'", line=1, fix=f"start the file with '{key}:'"
        )
        return items
    for raw in doc[key]:
        if not isinstance(raw, dict):
            report.add(path, f"each entry of '{key}' must be a mapping, got {raw!r}")
            continue
        raw = dict(raw)
        line = pop_line(raw)
        item = validate_item(model, raw, report=report, file=path, line=line, what=f"{key} entry")
        if item is not None:
            items.append(item)
            lines[(kind, getattr(item, "name"))] = (str(path), line)  # noqa: B009
    extra = set(doc) - {k for f, k, _ in FILES.values() if f == path.name} - {"__line__"}
    if extra:
        report.add(path, f"unknown top-level key(s) {sorted(extra)}", line=1)
    return items


_KIND_WORDS = {
    "methods": "PEFT method",
    "families": "PEFT family",
    "tasks": "SE task",
    "architectures": "architecture",
    "models": "base model",
    "venues": "venue",
    "gpus": "GPU",
    "datasets": "dataset",
    "metrics": "metric",
}


def _build_vocabularies(tax: Taxonomy, report: ValidationReport) -> None:
    """Each kind's names and synonyms; a name twice or a spelling of two names is a problem."""
    for kind, word in _KIND_WORDS.items():
        vocab = Vocabulary(word)
        for item in getattr(tax, kind):
            file, line = tax.lines[(kind, item.name)]
            if item.name in vocab.canonical:
                report.add(file, f"duplicate {word} '{item.name}'", line=line, fix="keep one entry")
            for clash in vocab.add(item.name, getattr(item, "synonyms", [])):
                report.add(
                    file, f"ambiguous spelling: {clash}", line=line, fix="remove one of them"
                )
        tax.vocab[kind] = vocab


def _cross_check(tax: Taxonomy, report: ValidationReport) -> None:
    _check_method_references(tax, report)
    _check_parent_chains(tax, report)
    _check_abbreviations(tax, report)
    _check_models(tax, report)


def _check_method_references(tax: Taxonomy, report: ValidationReport) -> None:
    """A method's family, parent and components exist."""
    fams = {f.name for f in tax.families}
    methods = tax.vocab["methods"]
    for m in tax.methods:
        file, line = tax.lines[("methods", m.name)]
        if m.family not in fams:
            report.add(
                file,
                f"method '{m.name}' has unknown family '{m.family}'",
                line=line,
                fix=f"use one of: {', '.join(sorted(fams))}",
            )
        for ref, what in [(m.parent, "parent"), *((c, "component") for c in m.components)]:
            if ref is not None and methods.resolve(ref) != ref:
                msg, fix = methods.unknown_message(ref)
                report.add(file, f"{what} of '{m.name}': {msg}", line=line, fix=fix)


def _check_parent_chains(tax: Taxonomy, report: ValidationReport) -> None:
    """Parent chains must end (no cycles)."""
    methods = tax.vocab["methods"]
    for m in tax.methods:
        seen = {m.name}
        cur = m
        while cur.parent and methods.resolve(cur.parent) == cur.parent:
            if cur.parent in seen:
                file, line = tax.lines[("methods", m.name)]
                report.add(
                    file, f"parent cycle through '{m.name}'", line=line, fix="fix the parent chain"
                )
                break
            seen.add(cur.parent)
            cur = next(x for x in tax.methods if x.name == cur.parent)


def _check_abbreviations(tax: Taxonomy, report: ValidationReport) -> None:
    abbrevs: dict[str, str] = {}
    for t in tax.tasks:
        file, line = tax.lines[("tasks", t.name)]
        key = t.abbreviation.casefold()
        if key in abbrevs:
            report.add(
                file,
                f"abbreviation '{t.abbreviation}' used by '{abbrevs[key]}' and '{t.name}'",
                line=line,
                fix="give each task its own abbreviation",
            )
        abbrevs[key] = t.name


def _check_models(tax: Taxonomy, report: ValidationReport) -> None:
    """A model's architecture exists, and its size is given unless it is generic."""
    archs = tax.vocab["architectures"]
    for mo in tax.models:
        file, line = tax.lines[("models", mo.name)]
        if archs.resolve(mo.architecture) != mo.architecture:
            msg, fix = archs.unknown_message(mo.architecture)
            report.add(file, f"model '{mo.name}': {msg}", line=line, fix=fix)
        if mo.params is None and not mo.generic:
            report.add(
                file,
                f"model '{mo.name}' has no params and is not marked generic",
                line=line,
                fix="give its published parameter count, or set generic: true",
            )
