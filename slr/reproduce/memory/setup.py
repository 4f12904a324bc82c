"""The shapes and numerics of one training step, and the estimate the memory model returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Precision = Literal["fp32", "bf16", "fp16", "amp-bf16", "amp-fp16"]
Optimizer = Literal["adamw", "adamw-8bit", "sgd", "adafactor"]

GIB = 1024**3


class TrainingSetup(BaseModel):
    """The shapes and numerics of one training step."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    batch_size: int = Field(default=8, ge=1)
    seq_len: int = Field(default=512, ge=1, description="input tokens (encoder tokens for seq2seq)")
    target_len: int | None = Field(
        default=None, ge=1, description="decoder tokens of seq2seq models"
    )
    precision: Precision = "bf16"
    optimizer: Optimizer = "adamw"
    gradient_checkpointing: bool = False
    attention: Literal["auto", "fused", "math"] = Field(
        default="auto",
        description="fused: what CUDA's flash/memory-efficient kernels save; math: the explicit "
        "softmax path; auto: fused on cuda, on cpu fused without attention dropout, else math",
    )
    device: Literal["cuda", "cpu"] = "cuda"

    @property
    def param_dtype(self) -> str:
        return "fp32" if self.precision in ("fp32", "amp-bf16", "amp-fp16") else self.precision

    @property
    def activation_dtype(self) -> str:
        return self.precision.removeprefix("amp-")

    def tokens(self, decoder: bool = False) -> int:
        if decoder and self.target_len is not None:
            return self.batch_size * self.target_len
        return self.batch_size * self.seq_len


@dataclass
class MemoryEstimate:
    """Predicted peak training memory in bytes, with its parts."""

    weights: int
    gradients: int
    optimizer_states: int
    activations: int
    outputs: int
    backward_transient: int
    optimizer_transient: int
    peak: int
    peak_phase: str
    trainable_params: int
    total_params: int
    activations_per_layer: list[int] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def peak_gib(self) -> float:
        return self.peak / GIB


_BYTES = {"fp32": 4, "bf16": 2, "fp16": 2}
