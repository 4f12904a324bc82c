"""Full fine-tuning and the selective methods (BitFit, Telly-K layer freezing).

Neither BitFit nor layer freezing is in peft (BEFT and ``LoraConfig(bias=...)`` are different
methods) or in AdapterHub, so both are ``requires_grad`` switches on the base model, as the
papers' own code does (Pass-Tuning's ``freeze_lm_finetune_bias``; Telly's partial freezing).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from slr.reproduce.methods.base import (
    ApplyContext,
    MethodConfig,
    MethodNotApplicable,
    freeze_all,
    register_method,
    unfreeze_heads,
    unwrap,
)

# names of the per-layer ModuleLists, per model_type (encoder first)
LAYER_STACKS: dict[str, tuple[str, ...]] = {
    "roberta": ("encoder.layer",),
    "bert": ("encoder.layer",),
    "t5": ("encoder.block", "decoder.block"),
    "bart": ("model.encoder.layers", "model.decoder.layers"),
    "plbart": ("model.encoder.layers", "model.decoder.layers"),
    "xglm": ("model.layers",),
    "gpt2": ("transformer.h",),
    "gpt_bigcode": ("transformer.h",),
    "codegen": ("transformer.h",),
    "llama": ("model.layers",),
}


def layer_stacks(model: Any, model_type: str) -> list[Any]:
    """The ModuleLists holding the transformer layers (one per stack)."""
    names = LAYER_STACKS.get(model_type)
    if names is None:
        raise MethodNotApplicable(
            f"no layer list known for model_type '{model_type}'; add it to "
            "slr/reproduce/methods/selective.py:LAYER_STACKS"
        )
    base = unwrap(model)
    # the LM class, or its backbone (heads wrap it: RobertaForSequenceClassification.roberta);
    # backbone classes drop the 'model.'/'transformer.' prefix of LM classes
    roots = [base, getattr(base, "base_model", base)]
    out = []
    for name in names:
        found = None
        for root in roots:
            for candidate in (name, name.split(".", 1)[-1]):
                try:
                    found = root.get_submodule(candidate)
                    break
                except AttributeError:
                    continue
            if found is not None:
                break
        if found is None:
            raise MethodNotApplicable(f"{type(base).__name__} has no layer list '{name}'")
        out.append(found)
    return out


FULL_FINE_TUNING = "Full Fine-Tuning"  # the baseline a claim names when it names none


@register_method
class FullFineTuningConfig(MethodConfig):
    """Every parameter is trained (the baseline)."""

    method: ClassVar[str] = FULL_FINE_TUNING
    kind: ClassVar[str] = "full"

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        for p in model.parameters():
            p.requires_grad_(True)
        return model


@register_method
class BitFitConfig(MethodConfig):
    """BitFit (Ben Zaken et al. 2022): train only the bias terms (all of them, incl. LayerNorm)."""

    method: ClassVar[str] = "BitFit"
    kind: ClassVar[str] = "selective"

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        freeze_all(model)
        n_bias = 0
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.requires_grad_(True)
                n_bias += p.numel()
        if n_bias == 0:
            ctx.notes.append(
                f"{type(model).__name__} has no bias parameters: BitFit trains nothing"
                + (" but the task head" if ctx.head_modules else "")
            )
        unfreeze_heads(model, ctx)
        return model


@register_method
class TellyKConfig(MethodConfig):
    """Telly-K (Shi et al. 2023): freeze the embeddings and the bottom K layers.

    Only the layers K..L-1 of each stack are trained (plus a task head); embeddings, pooler and
    final norms stay frozen. This is what the Telly artifact's counts imply: UniXcoder has
    125.93M parameters and Telly-0 trains 85.05M = the 12 encoder layers without embeddings and
    pooler (notes part 3.3). For encoder-decoder models K applies to each stack.
    """

    method: ClassVar[str] = "Telly-K"
    kind: ClassVar[str] = "selective"
    k: int = Field(ge=0, description="number of bottom layers frozen (besides the embeddings)")

    @classmethod
    def table_default(cls, dims: Any) -> MethodConfig:
        """Half of the layers frozen (k = layers per stack // 2): the method has no default K
        (the Telly paper sweeps K = 0..11)."""
        per_stack = dims.encoder_layers or dims.decoder_layers
        return cls(k=per_stack // 2)

    def apply(self, model: Any, ctx: ApplyContext) -> Any:
        stacks = layer_stacks(model, ctx.model_type)
        freeze_all(model)
        for stack in stacks:
            if self.k > len(stack):
                raise MethodNotApplicable(
                    f"Telly-K with k={self.k} but the model has {len(stack)} layers per stack; "
                    f"use k between 0 and {len(stack)}"
                )
            for layer in list(stack)[self.k :]:
                for p in layer.parameters():
                    p.requires_grad_(True)
        unfreeze_heads(model, ctx)
        return model
