"""Metric speed on realistic inputs: stdlib docstrings as references, perturbed as predictions.

Prints examples per second (median of several runs) for each text metric on 1,000 summaries and
for the code metrics on 200 stdlib functions.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from slr.evaluate.datasets import load_dataset
from slr.evaluate.metrics import get_metric

REPEATS = 3


def perturb(text: str, rng: random.Random) -> str:
    words = text.split()
    for _ in range(max(1, len(words) // 4)):
        i = rng.randrange(len(words))
        words[i] = rng.choice(["returns", "the", "value", "list", "of", "given", "object"])
    return " ".join(words)


def rate(n: int, fn: Callable[[], float]) -> tuple[float, float]:
    times, value = [], 0.0
    for _ in range(REPEATS):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return n / statistics.median(times), value


def main() -> None:
    rng = random.Random(0)
    pairs = load_dataset("stdlib-docstrings").all()
    refs = list(pairs["summary"][:1000])
    preds = [perturb(r, rng) for r in refs]
    print(f"text metrics on {len(refs)} stdlib docstring summaries (perturbed predictions):")
    for name in ("codexglue_bleu", "rouge_l", "meteor", "chrf", "bleu", "exact_match"):
        metric = get_metric(name)
        get_metric(name)(preds[:5], refs[:5])  # warm-up: imports, WordNet load
        per_s, value = rate(len(refs), lambda m=metric: m(preds, refs))
        print(f"  {name:16s} {per_s:10.0f} examples/s   (score {value:.2f})")
    code = list(pairs["code"][:200])
    mutated = [c.replace("return", "return  ", 1) for c in code]
    print(f"code metrics on {len(code)} stdlib functions:")
    for name, args in (
        ("codebleu", (mutated, code)),
        ("static_findings", (code,)),
        ("cyclomatic_complexity", (code,)),
    ):
        metric = get_metric(name)
        per_s, value = rate(len(code), lambda m=metric, a=args: m(*a))
        print(f"  {name:22s} {per_s:8.0f} programs/s   (value {value:.2f})")


if __name__ == "__main__":
    main()
