"""Methods implemented by Hugging Face ``peft``: LoRA and its variants, IA3, soft prompts.

One generic class, :class:`PeftMethod`, applies any of them: a subclass declares its peft config
class, which of its fields peft knows under another name, the table of default target modules it
uses, and whether it is a prompt-learning method; the fields themselves are the hyper-parameters
(with peft's defaults). Defaults follow peft's own (LoRA ``r=8, lora_alpha=8`` on peft's default
target modules for the model type; 20 virtual tokens for the soft-prompt methods in this
project's default table). Where peft has no default targets for a model type (PLBART, XGLM/InCoder,
IA3 on CodeGen), the modules with the same role are used and the row says so
(:mod:`~slr.reproduce.methods.targets`).
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
from slr.reproduce.methods.targets import (
    FALLBACK_FEEDFORWARD,
    Targets,
    check_past_key_values,
    prompt_dimensions,
    resolve_targets,
)


class PeftMethod(MethodConfig):
    """A method peft implements; subclasses only declare what differs.

    * ``peft_config``: the name of peft's config class (``LoraConfig``...);
    * ``peft_names``: our field -> peft's keyword, where they differ (``alpha`` -> ``lora_alpha``);
    * ``peft_fixed``: keywords always passed (DoRA: ``use_dora=True``);
    * ``local_fields``: fields that are ours only (QLoRA's quantization settings);
    * ``omit_if_none``: fields left to peft's default when None;
    * ``targets_table``: peft's default-target table for ``target_modules`` (``lora``, ``ia3``...);
    * ``prompt_learning``: soft prompts (peft wants the task type as is, and the model's sizes).
    """

    peft_config: ClassVar[str] = ""
    peft_names: ClassVar[dict[str, str]] = {}
    peft_fixed: ClassVar[dict[str, Any]] = {}
    local_fields: ClassVar[frozenset[str]] = frozenset()
    omit_if_none: ClassVar[frozenset[str]] = frozenset()
    targets_table: ClassVar[str | None] = None
    prompt_learning: ClassVar[bool] = False

    def peft_kwargs(self, model: Any, ctx: ApplyContext) -> dict[str, Any]:
        """The keyword arguments of :attr:`peft_config` for ``model``."""
        out: dict[str, Any] = {}
        for name, value in self.model_dump().items():
            if name in self.local_fields or (value is None and name in self.omit_if_none):
                continue
            if name == "target_modules" and self.targets_table is not None:
                value = resolve_targets(self.targets_table, value, ctx)
            out[self.peft_names.get(name, name)] = value
        out.update(self.peft_fixed)
        if self.prompt_learning:
            out["task_type"] = ctx.task_type
            out.update(prompt_dimensions(ctx, model, self.method))
        else:
            out["task_type"] = None if ctx.task_type == "FEATURE_EXTRACTION" else ctx.task_type
        return out

    def prepare(self, model: Any, ctx: ApplyContext) -> Any:
        """The base model to wrap (QLoRA quantizes it here)."""
        return model

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        import peft

        model = self.prepare(model, ctx)
        config = getattr(peft, self.peft_config)(**self.peft_kwargs(model, ctx))
        try:
            out = peft.get_peft_model(model, config)
        except (ValueError, TypeError, KeyError, AttributeError, RuntimeError) as err:
            raise MethodNotApplicable(
                f"peft cannot apply {type(config).__name__} to {type(model).__name__}: {err}"
            ) from err
        if self.requires_past_key_values:
            check_past_key_values(out, self.method)
        return out


_LORA_NAMES = {"alpha": "lora_alpha", "dropout": "lora_dropout"}


@register_method
class LoRAConfig(PeftMethod):
    """LoRA (Hu et al. 2022): trainable low-rank update B·A on the target linear layers."""

    method: ClassVar[str] = "LoRA"
    peft_config: ClassVar[str] = "LoraConfig"
    peft_names: ClassVar[dict[str, str]] = _LORA_NAMES
    targets_table: ClassVar[str | None] = "lora"
    r: int = Field(default=8, ge=1)
    alpha: int = Field(default=8, gt=0, description="lora_alpha (peft default 8)")
    dropout: float = Field(default=0.0, ge=0, lt=1)
    target_modules: Targets = None
    bias: Literal["none", "all", "lora_only"] = "none"
    use_rslora: bool = False


@register_method
class DoRAConfig(LoRAConfig):
    """DoRA (Liu et al. 2024): LoRA plus a trainable magnitude vector per output feature."""

    method: ClassVar[str] = "DoRA"
    peft_fixed: ClassVar[dict[str, Any]] = {"use_dora": True}


@register_method
class QLoRAConfig(LoRAConfig):
    """QLoRA (Dettmers et al. 2023): LoRA on a 4-bit (NF4) or 8-bit quantized frozen base.

    On the meta device the base is not quantized: parameter counts are logical (the number of
    weights, as peft reports them after its x2 correction for packed 4-bit storage); the memory
    model accounts for the 4/8-bit storage. Real quantization needs bitsandbytes on CUDA.
    """

    method: ClassVar[str] = "QLoRA"
    requires_cuda: ClassVar[bool] = True
    cuda_reason: ClassVar[str] = "quantizes the base with bitsandbytes on a CUDA device"
    cpu_alternative: ClassVar[str] = "LoRA (same trainable parameters)"
    local_fields: ClassVar[frozenset[str]] = frozenset(
        {"bits", "quant_type", "double_quant", "compute_dtype"}
    )
    bits: Literal[4, 8] = 4
    quant_type: Literal["nf4", "fp4"] = "nf4"
    double_quant: bool = True
    compute_dtype: Literal["bf16", "fp16", "fp32"] = "bf16"

    def quantization_bits(self) -> int:
        return self.bits

    def prepare(self, model: Any, ctx: ApplyContext) -> Any:
        device = next(model.parameters()).device.type
        if device == "meta":
            ctx.notes.append(
                f"base weights would be {self.bits}-bit; counts are logical parameters"
            )
            return model
        if device == "cuda":
            from slr.reproduce.quantize import quantize_for_training

            return quantize_for_training(model, self)
        raise MethodNotApplicable(
            f"QLoRA quantizes the base with bitsandbytes on a CUDA device; this model is on "
            f"{device}. Count on the meta device, run on a GPU, or use LoRA (same trainable "
            "parameters) on CPU"
        )


@register_method
class AdaLoRAConfig(PeftMethod):
    """AdaLoRA (Zhang et al. 2023): SVD-form LoRA whose rank budget is pruned from init_r to target_r.

    Bound to the total steps (its budget schedule), and acts after every optimizer step (peft's
    ``update_and_allocate``), whose importance scores a checkpoint must keep.
    """

    method: ClassVar[str] = "AdaLoRA"
    peft_config: ClassVar[str] = "AdaLoraConfig"
    peft_names: ClassVar[dict[str, str]] = _LORA_NAMES
    targets_table: ClassVar[str | None] = "adalora"
    total_steps_param: ClassVar[str | None] = "total_step"
    init_r: int = Field(default=12, ge=1)
    target_r: int = Field(default=8, ge=1)
    alpha: int = Field(default=8, gt=0)
    dropout: float = Field(default=0.0, ge=0, lt=1)
    target_modules: Targets = None
    total_step: int = Field(default=1000, ge=1, description="training steps (peft requires it)")

    def after_step(self) -> Any:
        return _update_and_allocate

    def training_state(self, model: Any) -> Any:
        allocator = getattr(getattr(model, "base_model", None), "rankallocator", None)
        if allocator is None:
            return None
        keys = ("ipt", "exp_avg_ipt", "exp_avg_unc")
        return {
            k: {n: t.detach().cpu().clone() for n, t in getattr(allocator, k).items()} for k in keys
        }

    def restore_training_state(self, model: Any, state: Any) -> None:
        allocator = getattr(getattr(model, "base_model", None), "rankallocator", None)
        if allocator is None or state is None:
            return
        device = next(model.parameters()).device
        for key, values in state.items():
            setattr(allocator, key, {n: t.to(device) for n, t in values.items()})


def _update_and_allocate(model: Any, step: int) -> None:
    model.base_model.update_and_allocate(step)


@register_method
class LoHaConfig(PeftMethod):
    """LoHa (FedPara): Hadamard product of two low-rank updates."""

    method: ClassVar[str] = "LoHa"
    peft_config: ClassVar[str] = "LoHaConfig"
    targets_table: ClassVar[str | None] = "loha"
    r: int = Field(default=8, ge=1)
    alpha: int = Field(default=8, gt=0)
    target_modules: Targets = None


@register_method
class LoKrConfig(PeftMethod):
    """LoKr (KronA/LyCORIS): Kronecker product of a small factor and a low-rank factor."""

    method: ClassVar[str] = "LoKr"
    peft_config: ClassVar[str] = "LoKrConfig"
    targets_table: ClassVar[str | None] = "lokr"
    r: int = Field(default=8, ge=1)
    alpha: int = Field(default=8, gt=0)
    decompose_factor: int = -1
    target_modules: Targets = None


@register_method
class VeRAConfig(PeftMethod):
    """VeRA (Kopiczko et al. 2024): shared frozen random matrices, trainable scaling vectors."""

    method: ClassVar[str] = "VeRA"
    peft_config: ClassVar[str] = "VeraConfig"
    targets_table: ClassVar[str | None] = "vera"
    r: int = Field(default=256, ge=1)
    target_modules: Targets = None


@register_method
class IA3Config(PeftMethod):
    """(IA)3 (Liu et al. 2022): learned vectors rescaling keys, values and FFN activations."""

    method: ClassVar[str] = "IA3"
    peft_config: ClassVar[str] = "IA3Config"
    targets_table: ClassVar[str | None] = "ia3"
    target_modules: list[str] | None = None
    feedforward_modules: list[str] | None = None

    def peft_kwargs(self, model: Any, ctx: ApplyContext) -> dict[str, Any]:
        out = super().peft_kwargs(model, ctx)
        ff = self.feedforward_modules
        if ff is None and self.target_modules is None and out["target_modules"] is not None:
            ff = FALLBACK_FEEDFORWARD.get(ctx.model_type)
        if self.target_modules is not None and ff is None:
            raise MethodNotApplicable(
                "IA3 with explicit target_modules needs feedforward_modules too (the subset of "
                "targets that are feed-forward layers)"
            )
        out["feedforward_modules"] = ff
        return out


# --- soft prompts -------------------------------------------------------------------------------


@register_method
class PromptTuningConfig(PeftMethod):
    """Prompt tuning (Lester et al. 2021): trainable virtual-token embeddings at the input."""

    method: ClassVar[str] = "Prompt Tuning"
    kind: ClassVar[str] = "prompt"
    peft_config: ClassVar[str] = "PromptTuningConfig"
    prompt_learning: ClassVar[bool] = True
    num_virtual_tokens: int = Field(default=20, ge=1)

    def virtual_tokens(self) -> int:
        return self.num_virtual_tokens


@register_method
class PTuningConfig(PeftMethod):
    """P-Tuning (Liu et al. 2021): virtual tokens produced by a trainable prompt encoder (MLP/LSTM)."""

    method: ClassVar[str] = "P-Tuning"
    kind: ClassVar[str] = "prompt"
    peft_config: ClassVar[str] = "PromptEncoderConfig"
    prompt_learning: ClassVar[bool] = True
    omit_if_none: ClassVar[frozenset[str]] = frozenset({"encoder_hidden_size"})
    num_virtual_tokens: int = Field(default=20, ge=1)
    encoder_hidden_size: int | None = Field(
        default=None, description="None: peft's default (token_dim)"
    )
    encoder_reparameterization_type: Literal["MLP", "LSTM"] = "MLP"

    def virtual_tokens(self) -> int:
        return self.num_virtual_tokens


@register_method
class PrefixTuningConfig(PeftMethod):
    """Prefix tuning (Li & Liang 2021): trainable key/value prefixes in every attention layer.

    ``prefix_projection=True`` adds the reparameterization MLP (trained, not stored) of the paper;
    its hidden size is ``encoder_hidden_size``. The prefixes reach every attention layer as
    ``past_key_values`` (peft's prefix forward), not as input positions.
    """

    method: ClassVar[str] = "Prefix Tuning"
    kind: ClassVar[str] = "prompt"
    peft_config: ClassVar[str] = "PrefixTuningConfig"
    prompt_learning: ClassVar[bool] = True
    requires_past_key_values: ClassVar[bool] = True
    omit_if_none: ClassVar[frozenset[str]] = frozenset({"encoder_hidden_size"})
    local_fields: ClassVar[frozenset[str]] = frozenset({"implementation", "mid_dim"})
    num_virtual_tokens: int = Field(default=20, ge=1)
    prefix_projection: bool = False
    encoder_hidden_size: int | None = None
    implementation: Literal["peft", "petl"] = Field(
        "peft",
        description="peft's PrefixTuning, or the petl prefix of He et al. 2022 (P31's artifact: "
        "head-size prefixes shared over heads; counting only, see methods/petl_prefix.py)",
    )
    mid_dim: int = Field(default=512, ge=1, description="petl only: the MLP's hidden size")

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        if self.implementation == "petl":
            from slr.reproduce.methods.petl_prefix import apply_petl_prefix

            return apply_petl_prefix(model, ctx, self.num_virtual_tokens, self.mid_dim)
        return super().apply(model, ctx)


@register_method
class PTuningV2Config(PrefixTuningConfig):
    """P-Tuning v2 (Liu et al. 2022): deep prompts = prefix tuning without reparameterization."""

    method: ClassVar[str] = "P-Tuning v2"
    in_default_table: ClassVar[bool] = False  # = Prefix Tuning with its default set-up
