"""Overhead per step of slr's training loop against a bare PyTorch loop (target: < 5 %).

Both loops train the same model from the same seed on the same examples with the same maths
(forward, loss, backward, gradient clipping, AdamW step, linear schedule, zero_grad). The bare
loop iterates over batches collated beforehand; slr's loop (``run_loop``) collates each batch
on the fly from its deterministic batch plan, goes through accelerate (device placement,
autocast context, ``accelerator.backward``, clipping), keeps the loss on the device, checks the
stop flag, and optionally writes checkpoints. Per-step time = wall time of steps 2..N / (N-1).
The loops run interleaved ``--repeats`` times, in alternating order (ABC, CBA...); medians are
reported, and the median of the per-repeat (paired) overheads.

    python benchmarks/bench_train_loop.py [--steps 120] [--repeats 5] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from functools import partial
from pathlib import Path
from typing import Any

warnings.simplefilter("ignore")

CASES = {
    # name: (GPT-2 config, batch, sequence length)
    "tiny (GPT-2 2x64, batch 8x64)": (dict(n_embd=64, n_layer=2, n_head=4, n_positions=128), 8, 64),
    "proxy (GPT-2 4x128, batch 16x128)": (
        dict(n_embd=128, n_layer=4, n_head=4, n_positions=256, n_inner=512),
        16,
        128,
    ),
}


def _model(cfg: dict[str, Any]) -> Any:
    import transformers

    transformers.set_seed(0)
    config = transformers.AutoConfig.for_model(
        "gpt2", vocab_size=2048, bos_token_id=1, eos_token_id=2, pad_token_id=0, **cfg
    )
    return transformers.AutoModelForCausalLM.from_config(config)


def _items(n: int, length: int) -> list[dict[str, Any]]:
    import torch

    g = torch.Generator().manual_seed(0)
    out = []
    for _ in range(n):
        ids = torch.randint(5, 2048, (length,), generator=g).tolist()
        out.append({"input_ids": ids, "labels": ids})
    return out


def bare(cfg: dict[str, Any], items: list[dict[str, Any]], batch: int, steps: int) -> float:
    import torch
    from transformers import get_scheduler

    from slr.reproduce.train.data import BatchPlan, collate

    model = _model(cfg)
    plan = BatchPlan(len(items), batch, 0)
    batches = [collate("causal", [items[i] for i in plan.indices(s)], 0) for s in range(steps)]
    decay = [p for p in model.parameters() if p.ndim >= 2]
    no_decay = [p for p in model.parameters() if p.ndim < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.0}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-3
    )
    sched = get_scheduler("linear", opt, num_warmup_steps=0, num_training_steps=steps)
    model.train()
    t1 = 0.0
    for s, b in enumerate(batches):
        loss = model(**b).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        if s == 0:
            t1 = time.perf_counter()
    return (time.perf_counter() - t1) / (steps - 1)


def ours(
    cfg: dict[str, Any],
    items: list[dict[str, Any]],
    batch: int,
    steps: int,
    checkpoint_every: int,
    folder: Path,
) -> float:
    from slr.reproduce.specs import TrainingLoop
    from slr.reproduce.train.checkpoint import CheckpointStore
    from slr.reproduce.train.data import BatchPlan, collate
    from slr.reproduce.train.loop import StepFunctions, make_accelerator, run_loop

    model = _model(cfg)
    training = TrainingLoop.model_validate(
        dict(
            max_steps=steps,
            batch_size=batch,
            lr=1e-3,
            checkpoint_every=checkpoint_every,
            log_every=10,
        )
    )
    marks: list[float] = []
    store = None
    if checkpoint_every:
        store = CheckpointStore(folder, "bench")
        store.clear()
    run_loop(
        model,
        training=training,
        total_steps=steps,
        plan=BatchPlan(len(items), batch, 0),
        fns=StepFunctions(
            lambda idx: collate("causal", [items[i] for i in idx], 0), lambda m, b: m(**b).loss
        ),
        accelerator=make_accelerator("fp32"),
        store=store,
        on_step=lambda done, loss: marks.append(time.perf_counter()),
    )
    return (marks[-1] - marks[0]) / (steps - 1)


def main() -> None:
    import tempfile

    import torch

    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=120)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(
        f"torch {torch.__version__}, {args.threads} thread(s), {args.steps} steps x "
        f"{args.repeats} repeats, load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name, (cfg, batch, length) in CASES.items():
            steps = args.steps if "tiny" in name else max(12, args.steps // 5)
            items = _items(4 * batch, length)
            rows: dict[str, list[float]] = {"bare": [], "slr": [], "slr+ckpt": []}
            runs = {
                "bare": partial(bare, cfg, items, batch, steps),
                "slr": partial(ours, cfg, items, batch, steps, 0, Path(tmp)),
                "slr+ckpt": partial(ours, cfg, items, batch, steps, 50, Path(tmp)),
            }
            for rep in range(args.repeats):
                # alternate the order (ABC, CBA, ...) so drifts of the machine cancel out
                for key in list(runs) if rep % 2 == 0 else list(runs)[::-1]:
                    rows[key].append(runs[key]())
            med = {k: statistics.median(v) for k, v in rows.items()}
            print(f"{name}: bare {1e3 * med['bare']:.2f} ms/step")
            for key in ("slr", "slr+ckpt"):
                over = 100 * (med[key] / med["bare"] - 1)
                # paired per repeat (same load conditions), then the median
                paired = statistics.median(
                    100 * (a / b - 1) for a, b in zip(rows[key], rows["bare"], strict=True)
                )
                verdict = "met" if paired < 5 else "NOT met"
                extra = " (a checkpoint every 50 steps, the default)" if key == "slr+ckpt" else ""
                print(
                    f"  {key}{extra}: {1e3 * med[key]:.2f} ms/step, overhead "
                    f"{over:+.1f} % (median of paired {paired:+.1f} %; target < 5 %: {verdict})"
                )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
