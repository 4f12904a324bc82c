"""Where a peft method goes in a model: target modules, soft-prompt sizes, prefix reach.

peft resolves default target modules per model type; where it has none (PLBART, XGLM/InCoder,
IA3 on CodeGen) the modules with the same role are used and the model's notes say so. Soft
prompts need the model's layer count, width and head count, which peft reads under a few config
names only. Prefix tuning needs a backbone whose forward takes ``past_key_values``.
"""

from __future__ import annotations

from typing import Any, Literal

from slr.reproduce.methods.base import ApplyContext, MethodNotApplicable

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
FALLBACK_FEEDFORWARD = {"plbart": ["fc2"], "xglm": ["fc2"], "codegen": ["fc_out"]}
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
