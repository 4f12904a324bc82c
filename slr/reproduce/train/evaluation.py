"""Evaluate a trained model on a task's test split with the metrics of the registry.

By task kind: classification -> predicted labels (argmax) for ``accuracy``/``f1``; search ->
a queries x candidates matrix of cosine similarities (mean-pooled embeddings; every test code is
a candidate for every test query) for ``mrr``; generation -> greedy (or beam) decoding for the
text metrics (``codexglue_bleu``, ``rouge_l``, ``meteor``, ``chrf``, ``bleu``, ``exact_match``,
``codebleu``), the static-analysis metrics on the generated programs, and ``pass@k`` by running
the programs in :mod:`slr.evaluate.sandbox` (data with tests only: HumanEval, MBPP).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from slr.errors import ConfigError
from slr.reproduce.specs.train import TrainingLoop
from slr.reproduce.train.data import TaskData, _pad


def mean_pool(hidden: Any, mask: Any) -> Any:
    """Mean of the token states under ``mask``; virtual tokens (prompt tuning) are dropped."""
    import torch

    if hidden.shape[1] != mask.shape[1]:  # peft prompt learning prepends virtual tokens
        hidden = hidden[:, -mask.shape[1] :]
    m = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=-1)


def embed(model: Any, ids: Any, mask: Any) -> Any:
    out = model(input_ids=ids, attention_mask=mask)
    return mean_pool(out.last_hidden_state, mask)


def _batches(n: int, size: int) -> list[range]:
    return [range(i, min(n, i + size)) for i in range(0, n, size)]


def predict_labels(
    model: Any, encoded: list[dict[str, Any]], pad_id: int, size: int, device: Any
) -> list[int]:
    import torch

    preds: list[int] = []
    for rows in _batches(len(encoded), size):
        ids, mask = _pad([encoded[i]["input_ids"] for i in rows], pad_id)
        logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits
        preds.extend(torch.argmax(logits.float(), dim=-1).tolist())
    return preds


def search_scores(
    model: Any, encoded: list[dict[str, Any]], pad_id: int, size: int, device: Any
) -> Any:
    import torch

    qs, cs = [], []
    for rows in _batches(len(encoded), size):
        q, qm = _pad([encoded[i]["q_ids"] for i in rows], pad_id)
        c, cm = _pad([encoded[i]["c_ids"] for i in rows], pad_id)
        qs.append(embed(model, q.to(device), qm.to(device)).float().cpu())
        cs.append(embed(model, c.to(device), cm.to(device)).float().cpu())
    return (torch.cat(qs) @ torch.cat(cs).T).numpy()


def generate(
    model: Any,
    head: str,
    encoded: list[dict[str, Any]],
    tokenizer: Any,
    training: TrainingLoop,
    max_new_tokens: int,
    device: Any,
    num_samples: int = 1,
) -> list[list[str]]:
    """Generated texts per example (``num_samples`` each; sampling when more than one)."""
    pad = tokenizer.pad_token_id
    out: list[list[str]] = []
    sample = num_samples > 1
    for rows in _batches(len(encoded), training.eval_batch_size):
        if head == "causal":
            ids, mask = _pad([encoded[i]["prompt_ids"] for i in rows], pad, left=True)
        else:
            ids, mask = _pad([encoded[i]["input_ids"] for i in rows], pad)
        kwargs: dict[str, Any] = dict(
            input_ids=ids.to(device),
            attention_mask=mask.to(device),
            max_new_tokens=max_new_tokens,
            num_beams=1 if sample else training.num_beams,
            do_sample=sample,
            num_return_sequences=num_samples,
            pad_token_id=pad,
            eos_token_id=tokenizer.eos_token_id,
        )
        if sample:
            kwargs.update(temperature=0.8, top_p=0.95)
        seqs = model.generate(**kwargs)
        if head == "causal":
            seqs = seqs[:, ids.shape[1] :]
        texts = tokenizer.batch_decode(seqs, skip_special_tokens=True)
        for j in range(len(rows)):
            out.append([t.strip() for t in texts[j * num_samples : (j + 1) * num_samples]])
    return out


def metric_value(
    metric: Any,
    *,
    task: TaskData,
    preds: Any,
    examples: list[dict[str, Any]],
    sandbox_runner: Callable[..., float] | None = None,
) -> float:
    """One metric of the registry on the predictions of its input kind."""
    from slr.evaluate.metrics import MetricInput

    kind = metric.inputs
    if kind == MetricInput.LABELS:
        return float(metric(preds, [e["label"] for e in examples]))
    if kind == MetricInput.RANKING:
        return float(metric(preds))
    if kind == MetricInput.REFERENCES:
        return float(metric([p[0] for p in preds], [e["target"] for e in examples]))
    if kind == MetricInput.PROGRAMS:
        return float(metric([p[0] for p in preds]))
    if kind == MetricInput.EXECUTIONS:
        return execution_metric(metric, preds, examples)
    raise ConfigError(f"metric {metric.name} takes {kind}, which training runs cannot produce")


def execution_metric(metric: Any, preds: list[list[str]], examples: list[dict[str, Any]]) -> float:
    """pass@k: every completion runs in the sandbox against the example's tests."""
    from slr.evaluate.humaneval import Problem, Sample, evaluate_samples
    from slr.evaluate.metrics.generation import estimate_pass_at_k
    from slr.evaluate.sandbox import Sandbox

    problems: dict[str, Any] = {}
    samples: list[Any] = []
    for ex, completions in zip(examples, preds, strict=True):
        problems[ex["id"]] = Problem(
            ex["id"], ex["source"], ex["target"], ex["test"], ex["entry_point"]
        )
        samples.extend(Sample(ex["id"], c, 0) for c in completions)
    results = evaluate_samples(samples, problems, Sandbox())
    n_c: dict[str, list[int]] = {}
    for r in results:
        pair = n_c.setdefault(r.task_id, [0, 0])
        pair[0] += 1
        pair[1] += int(r.passed)
    k = int(metric.name.split("@")[1])
    ns = [v[0] for v in n_c.values()]
    cs = [v[1] for v in n_c.values()]
    return 100.0 * float(estimate_pass_at_k(ns, cs, k).mean())


def samples_needed(metrics: Sequence[str]) -> int:
    ks = [int(m.split("@")[1]) for m in metrics if m.startswith("pass@")]
    return max(ks, default=1)


def evaluate_task(
    model: Any,
    head: str,
    task: TaskData,
    encoded: list[dict[str, Any]],
    tokenizer: Any,
    training: TrainingLoop,
    device: Any,
    item_metrics: Sequence[str] = (),
) -> tuple[dict[str, float], list[dict[str, Any]], dict[str, list[list[float]]]]:
    """``{metric: value}`` of one task's test split, a few predictions to look at, and the
    per-item statistics (:mod:`~slr.reproduce.train.itemstats`) of ``item_metrics``."""
    import torch

    from slr.evaluate.metrics import get_metric
    from slr.reproduce.train.itemstats import item_statistic

    examples = task.splits["test"]
    pad = tokenizer.pad_token_id
    model.eval()
    with torch.no_grad():
        if task.kind in ("classification", "pair-classification"):
            preds: Any = predict_labels(model, encoded, pad, training.eval_batch_size, device)
        elif task.kind == "search":
            preds = search_scores(model, encoded, pad, training.eval_batch_size, device)
        else:
            max_new = training.max_new_tokens or task.spec.max_target_len
            preds = generate(
                model,
                head,
                encoded,
                tokenizer,
                training,
                max_new,
                device,
                num_samples=samples_needed(task.spec.metrics),
            )
    model.train()
    values = {
        name: metric_value(get_metric(name), task=task, preds=preds, examples=examples)
        for name in task.spec.metrics
    }
    stats = {m: item_statistic(m).stats(preds, examples).tolist() for m in item_metrics}
    shown: list[dict[str, Any]] = []
    if task.kind == "generation":
        shown = [
            {
                "id": e["id"],
                "source": e["source"][:300],
                "reference": e["target"],
                "prediction": p[0],
            }
            for e, p in list(zip(examples, preds, strict=True))[:3]
        ]
    return values, shown, stats
