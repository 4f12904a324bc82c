"""Reproductions: re-check the reviewed papers' efficiency and effectiveness claims.

One system, two kinds of run, one spec folder, one result model:

* :mod:`~slr.reproduce.specs` - one spec file per reproduction (``reproductions/specs/``) with a
  ``kind``: ``measure`` (peak memory and speed of a few steps) or ``train`` (fine-tune,
  evaluate, judge claims over seeds);
* :func:`run` (:mod:`~slr.reproduce.entry`) - the one entry, for either kind;
  :mod:`~slr.reproduce.measure` and :mod:`~slr.reproduce.train` execute them;
* :mod:`~slr.reproduce.runtime` - what both share: device, model building and the one head
  model, the optimizer factory, out-of-memory handling, the manifest;
* :mod:`~slr.reproduce.results` - typed results and verdicts, stored as JSON and read back by
  :func:`results_frame` (and its views :func:`verdicts_frame`, :func:`effectiveness_frame`);
* :mod:`~slr.reproduce.architectures` - base-model architectures as data
  (``reproductions/models/``);
* :mod:`~slr.reproduce.methods` - the PEFT method registry: one typed config per method, what
  is special about it declared on it;
* :mod:`~slr.reproduce.counting`, :mod:`~slr.reproduce.memory` - exact parameter counts, the
  analytical peak-memory and FLOPs model;
* :mod:`~slr.reproduce.claims`, :mod:`~slr.reproduce.verdicts` - claims as data, efficiency
  verdicts.

Heavy libraries (torch, transformers, peft) are imported inside functions only, so importing this
package (and the claims, results and verdict tables) stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "Progress",
    "RunOptions",
    "effectiveness_frame",
    "load_spec",
    "load_specs",
    "results_frame",
    "run",
    "select_specs",
    "verdicts_frame",
]

_LAZY = {
    "run": "slr.reproduce.entry",
    "RunOptions": "slr.reproduce.options",
    "Progress": "slr.reproduce.options",
    "load_spec": "slr.reproduce.specs",
    "load_specs": "slr.reproduce.specs",
    "select_specs": "slr.reproduce.specs",
    "results_frame": "slr.reproduce.results.frames",
    "verdicts_frame": "slr.reproduce.results.frames",
    "effectiveness_frame": "slr.reproduce.results.frames",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(_LAZY[name]), name)
