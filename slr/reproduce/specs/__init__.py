"""Reproduction specs: one YAML file per reproduction in ``reproductions/specs/``, with a ``kind``.

* ``kind: measure`` (:class:`~slr.reproduce.specs.measure.MeasureSpec`): a few training steps of
  an architecture with random weights, peak memory and speed measured next to the analytical
  prediction (efficiency claims);
* ``kind: train`` (:class:`~slr.reproduce.specs.train.TrainSpec`): fine-tune a model with PEFT
  methods, evaluate on test data, judge effectiveness claims over seeds.

A spec's name is its file name; subfolders only group files (``gpu/``); ``tags`` select specs.
Unknown keys and ill-typed values are errors naming ``file:line`` (the line of the offending
key); all problems of a file, or of the folder, come in one report. Importing this package imports
pydantic and PyYAML only.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from slr.reproduce.specs.loaded import LoadedSpec
from slr.reproduce.specs.loading import load_spec, load_specs, select_specs, specs_dir
from slr.reproduce.specs.measure import MeasureSpec
from slr.reproduce.specs.train import (
    ArmSpec,
    CheckSpec,
    CompositeSpec,
    DataSpec,
    ModelSpec,
    TaskSpec,
    TrainingLoop,
    TrainSpec,
    split_metric_key,
)

ReproductionSpec = Annotated[MeasureSpec | TrainSpec, Field(discriminator="kind")]

__all__ = [
    "ArmSpec",
    "CheckSpec",
    "CompositeSpec",
    "DataSpec",
    "LoadedSpec",
    "MeasureSpec",
    "ModelSpec",
    "ReproductionSpec",
    "TaskSpec",
    "TrainSpec",
    "TrainingLoop",
    "load_spec",
    "load_specs",
    "select_specs",
    "specs_dir",
    "split_metric_key",
]
