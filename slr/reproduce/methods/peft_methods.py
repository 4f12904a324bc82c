"""Methods implemented by Hugging Face ``peft``: LoRA and its variants, IA3, soft prompts.

Defaults follow peft's own (LoRA ``r=8, lora_alpha=8`` on peft's default target modules for the
model type; 20 virtual tokens for the soft-prompt methods in this project's default table).
Where peft has no default targets for a model type (PLBART, XGLM/InCoder, IA3 on CodeGen), the
modules with the same role are used and the row says so (``_FALLBACK_TARGETS``).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from slr.reproduce.methods.base import (
    ApplyContext,
    MethodConfig,
    MethodNotApplicable,
    register_method,
)

# model_type -> modules with the same role as peft's defaults for the nearest family
_FALLBACK_TARGETS: dict[str, dict[str, list[str]]] = {
    "lora": {
        "plbart": ["q_proj", "v_proj"],
        "xglm": ["q_proj", "v_proj"],
        "codegen": ["qkv_proj"],  # only reached for AdaLoRA (peft's LoRA default has codegen)
    },
    "ia3": {
        "plbart": ["q_proj", "v_proj", "fc2"],
        "xglm": ["k_proj", "v_proj", "fc2"],
        "codegen": ["qkv_proj", "fc_out"],
    },
}
_FALLBACK_FEEDFORWARD = {"plbart": ["fc2"], "xglm": ["fc2"], "codegen": ["fc_out"]}
_FALLBACK_WHY = {
    "plbart": "same module names and roles as peft's BART default",
    "xglm": "same roles as peft's OPT/BART defaults",
    "codegen": "the fused qkv projection (peft's LoRA default for codegen), plus the FFN output for IA3",
}

Targets = list[str] | Literal["all-linear"] | None


def _peft_default_targets(kind: str, model_type: str) -> list[str] | None:
    from peft.utils import constants

    table = getattr(constants, f"TRANSFORMERS_MODELS_TO_{kind.upper()}_TARGET_MODULES_MAPPING")
    value = table.get(model_type)
    return list(value) if isinstance(value, list) else value


def resolve_targets(kind: str, requested: Targets, ctx: ApplyContext) -> Targets:
    """``requested`` if given; else peft's default for the model type; else a documented fallback."""
    if requested is not None:
        return requested
    if _peft_default_targets(kind, ctx.model_type) is not None:
        return None  # peft resolves its own default
    lookup = "ia3" if kind == "ia3" else "lora"
    fallback = _FALLBACK_TARGETS.get(lookup, {}).get(ctx.model_type)
    if fallback is None:
        raise MethodNotApplicable(
            f"peft has no default target modules for model_type '{ctx.model_type}'; "
            "give target_modules explicitly"
        )
    ctx.notes.append(
        f"peft has no default {kind} targets for {ctx.model_type}; used {fallback} "
        f"({_FALLBACK_WHY.get(ctx.model_type, 'same roles')})"
    )
    return fallback


def _peft_task_type(ctx: ApplyContext) -> str | None:
    return None if ctx.task_type == "FEATURE_EXTRACTION" else ctx.task_type


def _wrap(model: Any, peft_config: Any) -> Any:
    from peft import get_peft_model

    try:
        return get_peft_model(model, peft_config)
    except (ValueError, TypeError, KeyError, AttributeError, RuntimeError) as err:
        raise MethodNotApplicable(
            f"peft cannot apply {type(peft_config).__name__} to {type(model).__name__}: {err}"
        ) from err


@register_method
class LoRAConfig(MethodConfig):
    """LoRA (Hu et al. 2022): trainable low-rank update B·A on the target linear layers."""

    method: ClassVar[str] = "LoRA"
    r: int = Field(default=8, ge=1)
    alpha: int = Field(default=8, gt=0, description="lora_alpha (peft default 8)")
    dropout: float = Field(default=0.0, ge=0, lt=1)
    target_modules: Targets = None
    bias: Literal["none", "all", "lora_only"] = "none"
    use_rslora: bool = False

    def _lora_kwargs(self, ctx: ApplyContext) -> dict[str, Any]:
        return dict(
            r=self.r,
            lora_alpha=self.alpha,
            lora_dropout=self.dropout,
            target_modules=resolve_targets("lora", self.target_modules, ctx),
            bias=self.bias,
            use_rslora=self.use_rslora,
            task_type=_peft_task_type(ctx),
        )

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        from peft import LoraConfig

        return _wrap(model, LoraConfig(**self._lora_kwargs(ctx)))


@register_method
class DoRAConfig(LoRAConfig):
    """DoRA (Liu et al. 2024): LoRA plus a trainable magnitude vector per output feature."""

    method: ClassVar[str] = "DoRA"

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        from peft import LoraConfig

        return _wrap(model, LoraConfig(**self._lora_kwargs(ctx), use_dora=True))


@register_method
class QLoRAConfig(LoRAConfig):
    """QLoRA (Dettmers et al. 2023): LoRA on a 4-bit (NF4) or 8-bit quantized frozen base.

    On the meta device the base is not quantized: parameter counts are logical (the number of
    weights, as peft reports them after its x2 correction for packed 4-bit storage); the memory
    model accounts for the 4/8-bit storage. Real quantization needs bitsandbytes on CUDA.
    """

    method: ClassVar[str] = "QLoRA"
    bits: Literal[4, 8] = 4
    quant_type: Literal["nf4", "fp4"] = "nf4"
    double_quant: bool = True
    compute_dtype: Literal["bf16", "fp16", "fp32"] = "bf16"

    def quantization_bits(self) -> int:
        return self.bits

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        from peft import LoraConfig

        device = next(model.parameters()).device.type
        if device == "meta":
            ctx.notes.append(
                f"base weights would be {self.bits}-bit; counts are logical parameters"
            )
        elif device == "cuda":
            from slr.reproduce.quantize import quantize_for_training

            model = quantize_for_training(model, self)
        else:
            raise MethodNotApplicable(
                f"QLoRA quantizes the base with bitsandbytes on a CUDA device; this model is on "
                f"{device}. Count on the meta device, run on a GPU, or use LoRA (same trainable "
                "parameters) on CPU"
            )
        return _wrap(model, LoraConfig(**self._lora_kwargs(ctx)))


@register_method
class AdaLoRAConfig(MethodConfig):
    """AdaLoRA (Zhang et al. 2023): SVD-form LoRA whose rank budget is pruned from init_r to target_r."""

    method: ClassVar[str] = "AdaLoRA"
    init_r: int = Field(default=12, ge=1)
    target_r: int = Field(default=8, ge=1)
    alpha: int = Field(default=8, gt=0)
    dropout: float = Field(default=0.0, ge=0, lt=1)
    target_modules: Targets = None
    total_step: int = Field(default=1000, ge=1, description="training steps (peft requires it)")

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        from peft import AdaLoraConfig

        return _wrap(
            model,
            AdaLoraConfig(
                init_r=self.init_r,
                target_r=self.target_r,
                lora_alpha=self.alpha,
                lora_dropout=self.dropout,
                target_modules=resolve_targets("adalora", self.target_modules, ctx),
                total_step=self.total_step,
                task_type=_peft_task_type(ctx),
            ),
        )


@register_method
class LoHaConfig(MethodConfig):
    """LoHa (FedPara): Hadamard product of two low-rank updates."""

    method: ClassVar[str] = "LoHa"
    r: int = Field(default=8, ge=1)
    alpha: int = Field(default=8, gt=0)
    target_modules: Targets = None

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        from peft import LoHaConfig as PeftLoHa

        return _wrap(
            model,
            PeftLoHa(
                r=self.r,
                alpha=self.alpha,
                target_modules=resolve_targets("loha", self.target_modules, ctx),
                task_type=_peft_task_type(ctx),
            ),
        )


@register_method
class LoKrConfig(MethodConfig):
    """LoKr (KronA/LyCORIS): Kronecker product of a small factor and a low-rank factor."""

    method: ClassVar[str] = "LoKr"
    r: int = Field(default=8, ge=1)
    alpha: int = Field(default=8, gt=0)
    decompose_factor: int = -1
    target_modules: Targets = None

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        from peft import LoKrConfig as PeftLoKr

        return _wrap(
            model,
            PeftLoKr(
                r=self.r,
                alpha=self.alpha,
                decompose_factor=self.decompose_factor,
                target_modules=resolve_targets("lokr", self.target_modules, ctx),
                task_type=_peft_task_type(ctx),
            ),
        )


@register_method
class VeRAConfig(MethodConfig):
    """VeRA (Kopiczko et al. 2024): shared frozen random matrices, trainable scaling vectors."""

    method: ClassVar[str] = "VeRA"
    r: int = Field(default=256, ge=1)
    target_modules: Targets = None

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        from peft import VeraConfig

        return _wrap(
            model,
            VeraConfig(
                r=self.r,
                target_modules=resolve_targets("vera", self.target_modules, ctx),
                task_type=_peft_task_type(ctx),
            ),
        )


@register_method
class IA3Config(MethodConfig):
    """(IA)3 (Liu et al. 2022): learned vectors rescaling keys, values and FFN activations."""

    method: ClassVar[str] = "IA3"
    target_modules: list[str] | None = None
    feedforward_modules: list[str] | None = None

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        from peft import IA3Config as PeftIA3

        targets = resolve_targets("ia3", self.target_modules, ctx)
        ff = self.feedforward_modules
        if ff is None and self.target_modules is None and targets is not None:
            ff = _FALLBACK_FEEDFORWARD.get(ctx.model_type)
        if self.target_modules is not None and ff is None:
            raise MethodNotApplicable(
                "IA3 with explicit target_modules needs feedforward_modules too (the subset of "
                "targets that are feed-forward layers)"
            )
        return _wrap(
            model,
            PeftIA3(target_modules=targets, feedforward_modules=ff, task_type=_peft_task_type(ctx)),
        )


# --- soft prompts -------------------------------------------------------------------------------


def prompt_dimensions(ctx: ApplyContext, model: Any, method: str) -> dict[str, Any]:
    """num_layers / token_dim / num_attention_heads for peft's prompt-learning configs.

    peft reads them from the config *dict* under a few names; XGLM (InCoder) names its head count
    ``attention_heads`` and peft fails. We pass them explicitly whenever peft would not find them,
    from the config's attribute map; a config with no head count at all cannot host the method.
    """
    config = model.config
    raw = config.to_dict()
    out: dict[str, Any] = {}
    if not any(
        k in raw for k in ("num_attention_heads", "n_head", "num_heads", "encoder_attention_heads")
    ):
        heads = getattr(config, "num_attention_heads", None)
        if heads is None:
            raise MethodNotApplicable(
                f"{method} needs the number of attention heads, and the {config.model_type} config "
                "has none (no num_attention_heads/n_head/num_heads); add it to the model's config "
                "in reproductions/models/ or pick a method that does not touch attention"
            )
        out["num_attention_heads"] = int(heads)
    if not any(k in raw for k in ("num_hidden_layers", "num_layers", "n_layer")):
        out["num_layers"] = int(ctx.dims.layers)
    if not any(k in raw for k in ("hidden_size", "n_embd", "d_model")):
        out["token_dim"] = int(ctx.dims.hidden)
    return out


def _prompt_task_type(ctx: ApplyContext) -> str:
    return ctx.task_type


@register_method
class PromptTuningConfig(MethodConfig):
    """Prompt tuning (Lester et al. 2021): trainable virtual-token embeddings at the input."""

    method: ClassVar[str] = "Prompt Tuning"
    kind: ClassVar[str] = "prompt"
    num_virtual_tokens: int = Field(default=20, ge=1)

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        from peft import PromptTuningConfig as PeftPT

        return _wrap(
            model,
            PeftPT(
                num_virtual_tokens=self.num_virtual_tokens,
                task_type=_prompt_task_type(ctx),
                **prompt_dimensions(ctx, model, self.method),
            ),
        )


@register_method
class PTuningConfig(MethodConfig):
    """P-Tuning (Liu et al. 2021): virtual tokens produced by a trainable prompt encoder (MLP/LSTM)."""

    method: ClassVar[str] = "P-Tuning"
    kind: ClassVar[str] = "prompt"
    num_virtual_tokens: int = Field(default=20, ge=1)
    encoder_hidden_size: int | None = Field(
        default=None, description="None: peft's default (token_dim)"
    )
    encoder_reparameterization_type: Literal["MLP", "LSTM"] = "MLP"

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        from peft import PromptEncoderConfig

        extra: dict[str, Any] = {}
        if self.encoder_hidden_size is not None:
            extra["encoder_hidden_size"] = self.encoder_hidden_size
        return _wrap(
            model,
            PromptEncoderConfig(
                num_virtual_tokens=self.num_virtual_tokens,
                encoder_reparameterization_type=self.encoder_reparameterization_type,
                task_type=_prompt_task_type(ctx),
                **extra,
                **prompt_dimensions(ctx, model, self.method),
            ),
        )


@register_method
class PrefixTuningConfig(MethodConfig):
    """Prefix tuning (Li & Liang 2021): trainable key/value prefixes in every attention layer.

    ``prefix_projection=True`` adds the reparameterization MLP (trained, not stored) of the paper;
    its hidden size is ``encoder_hidden_size``.
    """

    method: ClassVar[str] = "Prefix Tuning"
    kind: ClassVar[str] = "prompt"
    # The prefixes reach every attention layer as ``past_key_values`` (peft's prefix forward).
    requires_past_key_values: ClassVar[bool] = True
    num_virtual_tokens: int = Field(default=20, ge=1)
    prefix_projection: bool = False
    encoder_hidden_size: int | None = None

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        from peft import PrefixTuningConfig as PeftPrefix

        extra: dict[str, Any] = {}
        if self.encoder_hidden_size is not None:
            extra["encoder_hidden_size"] = self.encoder_hidden_size
        out = _wrap(
            model,
            PeftPrefix(
                num_virtual_tokens=self.num_virtual_tokens,
                prefix_projection=self.prefix_projection,
                task_type=_prompt_task_type(ctx),
                **extra,
                **prompt_dimensions(ctx, model, self.method),
            ),
        )
        if self.requires_past_key_values:
            check_past_key_values(out, self.method)
        return out


def check_past_key_values(peft_model: Any, method: str) -> None:
    """Refuse now what peft's prefix forward would refuse at the first training step.

    For classification-style heads (sequence and token classification, question answering) peft
    hands the prefixes to the model, or else to its backbone, as ``past_key_values`` and raises
    "Model does not support past key values" when neither forward names that argument. This is the
    same test, made when the method is applied (meta device included), so the pre-flight check
    reports it before anything trains. transformers 5.24 renamed the argument to ``cache`` in the
    encoder-only backbones (BERT, RoBERTa), which peft 0.21 does not know.
    """
    import inspect

    if not hasattr(type(peft_model), "_prefix_tuning_forward"):
        return  # causal LM, seq2seq, feature extraction: peft passes the prefixes as kwargs
    backbone_name = getattr(peft_model, "transformer_backbone_name", None)
    base = peft_model.base_model
    if "past_key_values" in inspect.signature(base.forward).parameters:
        return
    backbone = base.get_submodule(backbone_name) if backbone_name else base
    if "past_key_values" in inspect.signature(backbone.forward).parameters:
        return
    import peft
    import transformers

    raise MethodNotApplicable(
        f"{method} on {type(base).__name__} needs the backbone's forward to take "
        f"past_key_values, and under transformers {transformers.__version__} "
        f"{type(backbone).__name__}.forward does not (transformers 5.24 renamed it to 'cache'; "
        f"peft {peft.__version__} looks for the old name); install transformers<5.24 "
        "(locks/lowest.txt has 5.17.0), or use a method without key/value prefixes "
        "(Prompt Tuning, P-Tuning, LoRA)"
    )


@register_method
class PTuningV2Config(PrefixTuningConfig):
    """P-Tuning v2 (Liu et al. 2022): deep prompts = prefix tuning without reparameterization."""

    method: ClassVar[str] = "P-Tuning v2"
