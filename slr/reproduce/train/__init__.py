"""Training runs (``kind: train``): fine-tune code models with PEFT methods, judge claims.

* :mod:`~slr.reproduce.train.preflight` - every check made before training starts;
* :mod:`~slr.reproduce.train.models`, :mod:`~slr.reproduce.train.tokenization`,
  :mod:`~slr.reproduce.train.proxy` - models from the hub, local folders, architecture files
  (random init), the offline encoder, or small proxies pretrained here on stdlib source;
* :mod:`~slr.reproduce.train.data` - task data, encoding, multi-task mixing, batch order;
* :mod:`~slr.reproduce.train.loop`, :mod:`~slr.reproduce.train.checkpoint` - the accelerate
  training loop and its checkpoints;
* :mod:`~slr.reproduce.train.evaluation` - metrics of the registry on the test split;
* :mod:`~slr.reproduce.train.jobs`, :mod:`~slr.reproduce.train.runner` - one spec: jobs, the
  result, verdicts (:mod:`~slr.reproduce.train.verdict`).

The spec model is :class:`slr.reproduce.specs.TrainSpec`; the entry is :func:`slr.reproduce.run`.
``effectiveness_frame``, ``load_spec`` and ``run_spec`` stay here as aliases of
:func:`slr.reproduce.results.effectiveness_frame`, :func:`slr.reproduce.specs.load_spec` and
:func:`slr.reproduce.train.runner.run_train`. Importing this package imports nothing heavy.
"""

from __future__ import annotations

from typing import Any

__all__ = ["effectiveness_frame", "load_spec", "run_spec"]


def __getattr__(name: str) -> Any:
    if name == "effectiveness_frame":
        from slr.reproduce.results.frames import effectiveness_frame

        return effectiveness_frame
    if name == "load_spec":
        from slr.reproduce.specs import load_spec

        return load_spec
    if name == "run_spec":
        from slr.reproduce.train.runner import run_train

        return run_train
    raise AttributeError(name)
