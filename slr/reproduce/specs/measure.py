"""Measured-run specs (``kind: measure``): train a few steps, measure peak memory and speed.

A spec is data: model, method and hyper-parameters, the training set-up (batch, sequence length,
precision, optimizer, checkpointing), steps, device, seed, tags::

    kind: measure
    model: CodeT5-base
    method: LoRA
    setup: {batch_size: 16, seq_len: 512, target_len: 128, precision: bf16, optimizer: adamw}
    steps: 20
    device: cuda
    tags: [gpu, item-9]

The model is built from its architecture file with random weights (memory and speed do not depend
on the weights' values); :mod:`slr.reproduce.measure` runs it and records the measurement next to
the analytical prediction. This module imports pydantic only.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from slr.reproduce.memory.setup import TrainingSetup
from slr.reproduce.runtime.building import Head
from slr.reproduce.specs.common import Strict


class MeasureSpec(Strict):
    """One measured run (a file of ``reproductions/specs/`` with ``kind: measure``)."""

    kind: Literal["measure"] = "measure"
    model: str
    method: str
    hyperparameters: dict[str, Any] = Field(default_factory=dict)
    setup: TrainingSetup = TrainingSetup()
    head: Head | Literal["auto"] = "auto"
    steps: int = Field(default=10, ge=1)
    warmup_steps: int = Field(default=2, ge=1)
    device: Literal["auto", "cpu", "cuda"] = "auto"
    tiny: bool = Field(default=False, description="shrink the architecture (tests, CPU smoke runs)")
    config_overrides: dict[str, Any] = Field(default_factory=dict)
    seed: int = 0
    learning_rate: float = Field(default=1e-4, gt=0)
    tags: list[str] = Field(default_factory=list)
    claim: str | None = None
    tolerance: float = Field(
        default=0.10, gt=0, description="analytical vs measured peak, relative"
    )
    timeout_s: int = Field(default=3600, ge=10)
    description: str = ""

    def claim_ids(self) -> list[str]:
        return [self.claim] if self.claim else []

    def hash_payload(self) -> dict[str, Any]:
        """What of the spec decides the outcome (``kind`` is implied by the runner)."""
        return self.model_dump(mode="json", exclude={"kind"})
