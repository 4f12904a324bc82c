"""Batch order, multi-task mixing and task tags (pure Python and torch tensors; fast)."""

from __future__ import annotations

from collections import Counter

import pytest

from slr.reproduce.train.data import IGNORE, BatchPlan, Encoder, collate


def test_batch_plan_is_a_permutation_per_epoch_and_depends_only_on_seed_and_step():
    plan = BatchPlan(10, 4, seed=3)
    stream = [i for step in range(5) for i in plan.global_batch(step)]  # 20 = two epochs
    assert sorted(stream[:10]) == list(range(10)) and sorted(stream[10:]) == list(range(10))
    again = BatchPlan(10, 4, seed=3)
    assert again.global_batch(4) == plan.global_batch(4)  # no replay of earlier steps needed
    assert BatchPlan(10, 4, seed=4).global_batch(0) != plan.global_batch(0)
    # micro-batches (gradient accumulation x processes) partition the global batch
    parts = [plan.indices(2, p, 2) for p in range(2)]
    assert parts[0] + parts[1] == plan.global_batch(2)


def test_multitask_batches_mix_tasks():
    # 2 tasks x 32 examples in one stream: nearly every batch of 8 holds both tasks
    tasks = ["summarize"] * 32 + ["generate"] * 32
    plan = BatchPlan(len(tasks), 8, seed=0)
    mixed = sum(len({tasks[i] for i in plan.global_batch(s)}) == 2 for s in range(8))
    assert mixed >= 6


class _Tok:
    """A whitespace tokenizer with the special ids the encoder uses."""

    pad_token_id, bos_token_id, eos_token_id, sep_token_id = 0, 1, 2, 3

    def __call__(self, text, *pair, add_special_tokens=True, truncation=False, max_length=None):
        ids = [10 + len(w) for w in (text + " " + " ".join(pair)).split()]
        return {"input_ids": ids[:max_length] if truncation else ids}


def test_causal_encoding_masks_the_prompt_and_puts_the_tag_first():
    from slr.reproduce.specs import DataSpec, TaskSpec

    task = TaskSpec(
        task="Code Summarization",
        name="summarize",
        data=DataSpec(dataset="x"),
        metrics=["chrf"],
        max_source_len=8,
        max_target_len=3,
    )
    enc = Encoder(_Tok(), "causal")
    ex = {"source": "def f ( x ) : return x", "target": "identity of x now"}
    out = enc.encode(ex, task, tagged=True)
    prompt = out["prompt_ids"]
    # bos, then the tag '<summarize>' (11 chars -> id 21), source cut to 8 ids, then sep
    assert prompt[0] == 1 and prompt[1] == 10 + len("<summarize>") and prompt[-1] == 3
    assert len(prompt) == 1 + 8 + 1
    assert out["labels"][: len(prompt)] == [IGNORE] * len(prompt)
    # "identity of x" (8, 2, 1 characters) cut to 3 ids, then eos
    assert out["labels"][len(prompt) :] == [10 + 8, 10 + 2, 10 + 1, 2]
    untagged = enc.encode(ex, task, tagged=False)["prompt_ids"]
    assert untagged[1] == 10 + len("def")


def test_collate_pads_right_with_ignored_labels():
    items = [{"input_ids": [5, 6, 7], "labels": [IGNORE, 6, 7]}, {"input_ids": [5], "labels": [5]}]
    batch = collate("causal", items, pad_id=0)
    assert batch["input_ids"].tolist() == [[5, 6, 7], [5, 0, 0]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    assert batch["labels"].tolist() == [[IGNORE, 6, 7], [5, IGNORE, IGNORE]]
    assert Counter(batch["labels"].flatten().tolist())[IGNORE] == 3


@pytest.mark.parametrize("kind", ["classification", "search", "generation"])
def test_examples_carry_the_columns_of_their_kind(kind):
    from slr.reproduce.train.data import _example

    row = {"id": "a", "code": "x", "label": 1, "query": "q", "summary": "s"}
    cols = {
        "classification": ("code", "label"),
        "search": ("query", "code"),
        "generation": ("code", "summary"),
    }[kind]
    ex = _example(kind, row, *cols)
    assert ex["id"] == "a"
    assert (
        set(ex)
        == {
            "classification": {"id", "source", "label"},
            "search": {"id", "query", "code"},
            "generation": {"id", "source", "target"},
        }[kind]
    )
