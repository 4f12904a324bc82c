"""Training and effectiveness: fine-tune code models with PEFT methods from specs, judge claims.

* :mod:`~slr.reproduce.train.spec` - the spec files (``reproductions/specs/effectiveness/``);
* :mod:`~slr.reproduce.train.preflight` - every check made before training starts;
* :mod:`~slr.reproduce.train.models`, :mod:`~slr.reproduce.train.tokenization`,
  :mod:`~slr.reproduce.train.proxy` - models from the hub, local folders, architecture files
  (random init), the offline encoder, or small proxies pretrained here on stdlib source;
* :mod:`~slr.reproduce.train.data` - task data, encoding, multi-task mixing, batch order;
* :mod:`~slr.reproduce.train.loop`, :mod:`~slr.reproduce.train.checkpoint`,
  :mod:`~slr.reproduce.train.oom` - the accelerate training loop, checkpoints, OOM advice;
* :mod:`~slr.reproduce.train.evaluation` - metrics of the registry on the test split;
* :mod:`~slr.reproduce.train.runner` - one spec: jobs, results JSON, verdicts
  (:mod:`~slr.reproduce.train.verdict`);
* :mod:`~slr.reproduce.train.results` - ``effectiveness_frame(root)`` for the report.

Importing this package imports nothing heavy; torch/transformers/peft load inside functions.
"""

from __future__ import annotations

from typing import Any

__all__ = ["effectiveness_frame", "load_spec", "run_spec"]


def __getattr__(name: str) -> Any:
    if name == "effectiveness_frame":
        from slr.reproduce.train.results import effectiveness_frame

        return effectiveness_frame
    if name == "load_spec":
        from slr.reproduce.train.spec import load_spec

        return load_spec
    if name == "run_spec":
        from slr.reproduce.train.runner import run_spec

        return run_spec
    raise AttributeError(name)
