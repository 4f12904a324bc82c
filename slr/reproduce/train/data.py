"""Task data for training runs: load, sub-sample, encode, batch (single- and multi-task).

A task's rows come from :mod:`slr.evaluate.datasets` (offline sets, hub sets by name, local
files) and are turned into examples of one of four kinds:

* ``classification`` (defect detection: code -> label) and ``pair-classification`` (clone
  detection: code1, code2 -> label);
* ``search`` (code search: query, code; bi-encoder with in-batch negatives);
* ``generation`` (summarization, generation, translation: source text -> target text).

Multi-task training puts the task tag (``<summarization>``...) before every input and trains on
one shuffled stream of all tasks' examples, so batches mix tasks (MFTCoder; the multi-task QLoRA
study). :class:`BatchPlan` is the deterministic order of examples: batch ``k`` depends only on
the seed and ``k``, which makes the data position of a checkpoint a single number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slr.errors import ConfigError
from slr.reproduce.specs.train import DataSpec, TaskSpec

# canonical task -> (kind, default source column, default second/target column)
TASK_KINDS: dict[str, tuple[str, str, str | None]] = {
    "Defect Detection": ("classification", "code", "label"),
    "Code Clone Detection": ("pair-classification", "code1", "code2"),
    "Code Search": ("search", "query", "code"),
    "Code Summarization": ("generation", "code", "summary"),
    "Code Generation": ("generation", "prompt", "reference"),
    "Code Translation": ("generation", "source", "target"),
}
IGNORE = -100


def task_kind(task: str) -> str:
    from slr.evaluate.tasks import resolve_task

    return TASK_KINDS[resolve_task(task)][0]


@dataclass
class TaskData:
    """One task's examples per split (plain dicts) and where they came from."""

    spec: TaskSpec
    task: str
    kind: str
    splits: dict[str, list[dict[str, Any]]]
    provenance: str
    available: dict[str, int] = field(default_factory=dict)

    def sizes(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.splits.items()}


def load_task_data(task: TaskSpec, base_dir: Path | None = None) -> TaskData:
    """Rows of ``task`` with the columns its kind needs; unknown datasets/columns raise."""
    from slr.evaluate.datasets import TASK_COLUMNS, load_dataset, load_local
    from slr.evaluate.tasks import resolve_task

    canonical = resolve_task(task.task)
    kind, src_default, tgt_default = TASK_KINDS[canonical]
    data: DataSpec = task.data
    view = resolve_task(data.view) if data.view else canonical
    if data.dataset:
        ds = load_dataset(data.dataset, task=view, modules=data.modules)
    else:
        assert data.file is not None
        path = Path(data.file)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        ds = load_local(path, view)
    columns = set(TASK_COLUMNS[view])
    if view != canonical and not (data.source_column and data.target_column):
        raise ConfigError(
            f"task '{task.key}' reads the {view} view of {data.dataset or data.file}: give "
            f"source_column and target_column from its columns {sorted(columns)}"
        )
    src = data.source_column or src_default
    tgt = data.target_column or tgt_default
    for col in (src, tgt):
        if col is not None and col not in columns and col != "label":
            raise ConfigError(
                f"task '{task.key}': column '{col}' is not in the {view} view "
                f"(columns: {sorted(columns)})"
            )
    limits = {"train": data.train_size, "valid": data.valid_size, "test": data.test_size}
    splits: dict[str, list[dict[str, Any]]] = {}
    available: dict[str, int] = {}
    for split, limit in limits.items():
        frame = ds.splits.get(split)
        if frame is None or len(frame) == 0:
            splits[split] = []
            available[split] = 0
            continue
        available[split] = len(frame)
        if limit is not None and len(frame) > limit:
            frame = frame.sample(n=limit, random_state=data.sample_seed)
        splits[split] = [_example(kind, row, src, tgt) for row in frame.to_dict("records")]
    if not splits["train"] or not splits["test"]:
        raise ConfigError(
            f"task '{task.key}': {ds.name} has {available['train']} training and "
            f"{available['test']} test examples; both must be non-empty"
        )
    return TaskData(task, canonical, kind, splits, ds.provenance, available)


def _example(kind: str, row: dict[str, Any], src: str, tgt: str | None) -> dict[str, Any]:
    ident = str(row.get("id", ""))
    if kind == "classification":
        return {"id": ident, "source": str(row[src]), "label": int(row["label"])}
    assert tgt is not None
    if kind == "pair-classification":
        return {
            "id": ident,
            "source": str(row[src]),
            "source2": str(row[tgt]),
            "label": int(row["label"]),
        }
    if kind == "search":
        return {"id": ident, "query": str(row[src]), "code": str(row[tgt])}
    out = {"id": ident, "source": str(row[src]), "target": str(row[tgt])}
    for key in ("test", "entry_point"):  # execution-based metrics (HumanEval, MBPP)
        if isinstance(row.get(key), str):
            out[key] = row[key]
    return out


# --- encoding -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Encoder:
    """Turns examples into token ids for one head; ``tagged`` puts the task tag first."""

    tokenizer: Any
    head: str

    def _ids(self, text: str) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def _separator(self) -> list[int]:
        tok = self.tokenizer
        if tok.sep_token_id is not None:
            return [tok.sep_token_id]
        return self._ids("\n### Output:\n")

    def encode(self, ex: dict[str, Any], task: TaskSpec, tagged: bool) -> dict[str, Any]:
        tok = self.tokenizer
        tag = f"{task.input_tag} " if tagged else ""
        out: dict[str, Any] = {"task": task.key}
        if self.head == "classification":
            args = [tag + ex["source"]] + ([ex["source2"]] if "source2" in ex else [])
            enc = tok(*args, truncation=True, max_length=task.max_source_len)
            out.update(input_ids=list(enc["input_ids"]), label=ex["label"])
        elif self.head == "encoder":
            q = tok(tag + ex["query"], truncation=True, max_length=task.max_target_len)
            c = tok(ex["code"], truncation=True, max_length=task.max_source_len)
            out.update(q_ids=list(q["input_ids"]), c_ids=list(c["input_ids"]))
        elif self.head == "causal":
            bos = [tok.bos_token_id] if tok.bos_token_id is not None else []
            prompt = bos + self._ids(tag + ex["source"])[: task.max_source_len] + self._separator()
            target = self._ids(ex["target"])[: task.max_target_len] + [tok.eos_token_id]
            out.update(
                input_ids=prompt + target,
                labels=[IGNORE] * len(prompt) + target,
                prompt_ids=prompt,
                reference=ex["target"],
            )
        else:  # seq2seq
            source = self._ids(tag + ex["source"])[: task.max_source_len - 1] + [tok.eos_token_id]
            target = self._ids(ex["target"])[: task.max_target_len - 1] + [tok.eos_token_id]
            out.update(input_ids=source, labels=target, reference=ex["target"])
        return out


def _pad(rows: list[list[int]], value: int, left: bool = False) -> tuple[Any, Any]:
    """Padded ids and attention mask (one tensor built from padded lists: fast)."""
    import torch

    width = max(len(r) for r in rows)
    if left:
        ids = [[value] * (width - len(r)) + r for r in rows]
        mask = [[0] * (width - len(r)) + [1] * len(r) for r in rows]
    else:
        ids = [r + [value] * (width - len(r)) for r in rows]
        mask = [[1] * len(r) + [0] * (width - len(r)) for r in rows]
    return torch.tensor(ids, dtype=torch.long), torch.tensor(mask, dtype=torch.long)


def collate(head: str, items: list[dict[str, Any]], pad_id: int) -> dict[str, Any]:
    """A training batch (tensors) for ``head`` from encoded examples."""
    import torch

    if head == "classification":
        ids, mask = _pad([x["input_ids"] for x in items], pad_id)
        labels = torch.tensor([x["label"] for x in items], dtype=torch.long)
        return {"input_ids": ids, "attention_mask": mask, "labels": labels}
    if head == "encoder":
        q, qm = _pad([x["q_ids"] for x in items], pad_id)
        c, cm = _pad([x["c_ids"] for x in items], pad_id)
        return {"q_ids": q, "q_mask": qm, "c_ids": c, "c_mask": cm}
    ids, mask = _pad([x["input_ids"] for x in items], pad_id)
    labels, _ = _pad([x["labels"] for x in items], IGNORE)
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


class BatchPlan:
    """Deterministic example order: epoch ``e`` is a permutation seeded by ``(seed, e)``.

    ``indices(k, part, parts)`` gives the examples of micro-batch ``part`` of optimizer step
    ``k``; the stream runs over epoch boundaries, so any step can be produced without replaying
    the ones before it (resuming needs only the step number).
    """

    def __init__(self, n_examples: int, batch_size: int, seed: int):
        if n_examples < 1:
            raise ConfigError("no training examples")
        self.n = n_examples
        self.batch_size = batch_size
        self.seed = seed
        self._perms: dict[int, list[int]] = {}

    def _perm(self, epoch: int) -> list[int]:
        if epoch not in self._perms:
            import torch

            g = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
            if len(self._perms) >= 2:  # a batch spans at most two epochs
                self._perms.pop(min(self._perms))
            self._perms[epoch] = torch.randperm(self.n, generator=g).tolist()
        return self._perms[epoch]

    def global_batch(self, step: int) -> list[int]:
        start = step * self.batch_size
        out = []
        for pos in range(start, start + self.batch_size):
            out.append(self._perm(pos // self.n)[pos % self.n])
        return out

    def indices(self, step: int, part: int = 0, parts: int = 1) -> list[int]:
        batch = self.global_batch(step)
        size = self.batch_size // parts
        return batch[part * size : (part + 1) * size]


def steps_for(training: Any, n_examples: int) -> int:
    """Optimizer steps of a run: ``max_steps``, or ``epochs`` over ``n_examples``."""
    import math

    if training.max_steps is not None:
        return int(training.max_steps)
    return max(1, int(math.ceil(training.epochs * n_examples / training.batch_size)))
