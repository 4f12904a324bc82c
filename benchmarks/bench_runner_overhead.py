"""The measured training loop's own overhead against a bare PyTorch loop doing the same work.

Target (issue 4, item 8): under 5 % per training step. Both loops train the same CPU model (a
CodeLlama-shaped model shrunk to 4 layers x 256 hidden, LoRA r=8, batch 4 x 64 tokens) on the same batch with the same
optimizer, on one CPU thread; trials alternate bare/runner so that load from other processes on a
shared machine hits both alike. Prints medians of the per-step times (and the fastest trials).
"""

from __future__ import annotations

import statistics
import time
import warnings

STEPS = 20
WARMUP = 3
TRIALS = 7
TARGET_PCT = 5.0


def setup():  # type: ignore[no-untyped-def]
    import torch
    import transformers

    from slr.reproduce.architectures import architecture
    from slr.reproduce.memory import TrainingSetup, make_batch
    from slr.reproduce.methods import apply_method, method_config
    from slr.reproduce.runtime.building import build_model

    transformers.logging.set_verbosity_error()
    torch.set_num_threads(1)  # one thread: less sensitive to other processes on a shared machine
    overrides = dict(hidden_size=256, intermediate_size=1024, num_hidden_layers=4, vocab_size=4000)
    model = build_model(
        architecture("CodeLlama-7B"), device="cpu", tiny=True, overrides=overrides, seed=0
    )
    model = apply_method(model, method_config("LoRA"))
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    batch = make_batch(model, TrainingSetup(batch_size=4, seq_len=64, device="cpu"), device="cpu")
    return model, opt, batch


def bare_loop(model, opt, batch, steps):  # type: ignore[no-untyped-def]
    for _ in range(steps):
        out = model(**batch)
        loss = out.loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)


def main() -> None:
    warnings.simplefilter("ignore")
    from slr.reproduce.measure.loop import run_steps
    from slr.reproduce.memory import loss_of

    model, opt, batch = setup()
    bare_loop(model, opt, batch, WARMUP)
    bare, runner = [], []
    for _ in range(TRIALS):
        t = time.perf_counter()
        bare_loop(model, opt, batch, WARMUP + STEPS)
        bare.append((time.perf_counter() - t) / (WARMUP + STEPS))
        t = time.perf_counter()
        run_steps(
            model, batch, opt, steps=STEPS, warmup_steps=WARMUP, device="cpu", loss_fn=loss_of
        )
        runner.append((time.perf_counter() - t) / (WARMUP + STEPS))
    b, r = statistics.median(bare), statistics.median(runner)
    overhead = 100.0 * (r - b) / b
    print(
        f"bare PyTorch loop: median {b * 1000:.2f} ms/step (min {min(bare) * 1000:.2f}, max {max(bare) * 1000:.2f}, n={TRIALS})"
    )
    print(
        f"slr run_steps:     median {r * 1000:.2f} ms/step (min {min(runner) * 1000:.2f}, max {max(runner) * 1000:.2f}, n={TRIALS})"
    )
    best = 100.0 * (min(runner) - min(bare)) / min(bare)
    print(
        f"runner overhead: {overhead:+.2f} % per step (medians; {best:+.2f} % between the fastest trials)  target < {TARGET_PCT} %: {'met' if overhead < TARGET_PCT else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
