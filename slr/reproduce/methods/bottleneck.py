"""Bottleneck adapters (Houlsby, Pfeiffer) as a small wrapper.

AdapterHub's ``adapters`` package implements them, but its latest release (1.3.0) requires
``transformers~=4.57`` and fails to import with transformers 5 / huggingface_hub 2 (it imports the
removed ``huggingface_hub.HfFolder``); peft has no bottleneck adapters. So this module wraps the
output projection of the attention block and/or of the feed-forward block of every layer:

    y = f(x);  y' = y + up(act(down(y)))       (down: d -> b, up: b -> d, both with bias)

``up`` starts at zero, so the wrapped model computes exactly what the base computes until
training moves it. Placement follows AdapterHub's configs: Pfeiffer (``SeqBnConfig``) one adapter
after the FFN, ReLU, reduction factor 16; Houlsby (``DoubleSeqBnConfig``) one after attention and
one after the FFN, swish, reduction factor 16. Parameters per adapter: ``2*d*b + b + d``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from slr.reproduce.methods.base import (
    ApplyContext,
    MethodConfig,
    MethodNotApplicable,
    freeze_all,
    register_method,
    unfreeze_heads,
)

# model_type -> (attention output projection, FFN output projection), as module-name regexes
PLACEMENTS: dict[str, dict[str, str]] = {
    "roberta": {
        "attention": r"layer\.\d+\.attention\.output\.dense$",
        "ffn": r"layer\.\d+\.output\.dense$",
    },
    "bert": {
        "attention": r"layer\.\d+\.attention\.output\.dense$",
        "ffn": r"layer\.\d+\.output\.dense$",
    },
    "t5": {"attention": r"layer\.0\.SelfAttention\.o$", "ffn": r"DenseReluDense\.wo$"},
    "bart": {"attention": r"self_attn\.out_proj$", "ffn": r"\.fc2$"},
    "plbart": {"attention": r"self_attn\.out_proj$", "ffn": r"\.fc2$"},
    "xglm": {"attention": r"self_attn\.out_proj$", "ffn": r"\.fc2$"},
    "gpt2": {"attention": r"\.attn\.c_proj$", "ffn": r"\.mlp\.c_proj$"},
    "gpt_bigcode": {"attention": r"\.attn\.c_proj$", "ffn": r"\.mlp\.c_proj$"},
    "codegen": {"attention": r"\.attn\.out_proj$", "ffn": r"\.mlp\.fc_out$"},
    "llama": {"attention": r"self_attn\.o_proj$", "ffn": r"mlp\.down_proj$"},
}

Placement = Literal["attention", "ffn"]


def _both() -> list[Placement]:
    return ["attention", "ffn"]


def _ffn_only() -> list[Placement]:
    return ["ffn"]


def _make_adapter_classes() -> tuple[type, type]:
    import torch
    from torch import nn

    class BottleneckAdapter(nn.Module):
        def __init__(self, dim: int, bottleneck: int, act: str, device: Any, dtype: Any):
            super().__init__()
            self.down = nn.Linear(dim, bottleneck, device=device, dtype=dtype)
            self.up = nn.Linear(bottleneck, dim, device=device, dtype=dtype)
            self.act = {"relu": nn.ReLU(), "swish": nn.SiLU(), "gelu": nn.GELU()}[act]
            if device != torch.device("meta"):
                nn.init.zeros_(self.up.weight)
                nn.init.zeros_(self.up.bias)

        def forward(self, y: Any) -> Any:
            h = self.up(self.act(self.down(y.to(self.down.weight.dtype))))
            return y + h.to(y.dtype)

    class AdapterWrapped(nn.Module):
        """A projection followed by its adapter; exposes the projection's weight/bias."""

        def __init__(self, base: nn.Module, adapter: nn.Module):
            super().__init__()
            self.base = base
            self.adapter = adapter

        @property
        def weight(self) -> Any:
            return self.base.weight

        @property
        def bias(self) -> Any:
            return self.base.bias

        def forward(self, *args: Any, **kwargs: Any) -> Any:
            return self.adapter(self.base(*args, **kwargs))

    return BottleneckAdapter, AdapterWrapped


def _out_features(module: Any) -> int:
    out = getattr(module, "out_features", None)
    if out is None:
        out = getattr(module, "nf", None)  # transformers Conv1D (GPT-2 style)
    if out is None:
        raise MethodNotApplicable(f"cannot tell the output size of {type(module).__name__}")
    return int(out)


@register_method
class AdapterConfig(MethodConfig):
    """Bottleneck adapter with configurable placement (generic 'Adapter' of the codings).

    Size: give ``bottleneck_size`` (absolute, as most code papers do: OpenDelta's bottleneck_dim,
    petl's ffn_bn) or ``reduction_factor`` (hidden / bottleneck, AdapterHub style).
    """

    method: ClassVar[str] = "Adapter"
    in_default_table: ClassVar[bool] = False  # = Houlsby Adapter with its default set-up
    placement: list[Placement] = Field(default_factory=_both)
    bottleneck_size: int | None = Field(default=None, ge=1)
    reduction_factor: int | None = Field(default=None, ge=1)
    non_linearity: Literal["relu", "swish", "gelu"] = "swish"

    @model_validator(mode="after")
    def _one_size(self) -> AdapterConfig:
        if {"bottleneck_size", "reduction_factor"} <= self.model_fields_set and (
            self.bottleneck_size is not None and self.reduction_factor is not None
        ):
            raise ValueError("give bottleneck_size or reduction_factor, not both")
        if not self.placement:
            raise ValueError("placement needs 'attention' and/or 'ffn'")
        return self

    def bottleneck(self, hidden: int) -> int:
        if self.bottleneck_size is not None:
            return self.bottleneck_size
        return max(1, hidden // (self.reduction_factor or 16))

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        import torch

        if ctx.model_type not in PLACEMENTS:
            raise MethodNotApplicable(
                f"no adapter placement known for model_type '{ctx.model_type}'; add it to "
                "slr/reproduce/methods/bottleneck.py:PLACEMENTS"
            )
        adapter_cls, wrapped_cls = _make_adapter_classes()
        freeze_all(model)
        patterns = [re.compile(PLACEMENTS[ctx.model_type][p]) for p in self.placement]
        targets = [
            (name, module)
            for name, module in model.named_modules()
            if any(p.search(name) for p in patterns)
        ]
        if not targets:
            raise MethodNotApplicable(
                f"no module of {type(model).__name__} matches the adapter placement {self.placement}"
            )
        for name, module in targets:
            parent_name, _, child = name.rpartition(".")
            parent = model.get_submodule(parent_name) if parent_name else model
            weight = module.weight
            dtype = (
                torch.float32 if weight.dtype in (torch.float16, torch.bfloat16) else weight.dtype
            )
            dim = _out_features(module)
            adapter = adapter_cls(
                dim, self.bottleneck(dim), self.non_linearity, weight.device, dtype
            )
            setattr(parent, child, wrapped_cls(module, adapter))
        unfreeze_heads(model, ctx)
        return model


@register_method
class HoulsbyAdapterConfig(AdapterConfig):
    """Houlsby et al. 2019 (AdapterHub DoubleSeqBnConfig): after attention and after the FFN."""

    method: ClassVar[str] = "Houlsby Adapter"
    in_default_table: ClassVar[bool] = True
    placement: list[Placement] = Field(default_factory=_both)
    reduction_factor: int | None = Field(default=16, ge=1)
    non_linearity: Literal["relu", "swish", "gelu"] = "swish"


@register_method
class PfeifferAdapterConfig(AdapterConfig):
    """Pfeiffer et al. 2021 (AdapterHub SeqBnConfig): one adapter after the FFN."""

    method: ClassVar[str] = "Pfeiffer Adapter"
    in_default_table: ClassVar[bool] = True
    placement: list[Placement] = Field(default_factory=_ffn_only)
    reduction_factor: int | None = Field(default=16, ge=1)
    non_linearity: Literal["relu", "swish", "gelu"] = "relu"
