"""4/8-bit quantization of a model's linear layers with bitsandbytes (CUDA only), for QLoRA runs.

The model is built with random weights (memory and speed do not depend on their values), so the
checkpoint-loading path of transformers (``BitsAndBytesConfig``) does not apply; this replaces
every ``nn.Linear`` except the LM head by a bitsandbytes layer holding the same weights, then
follows peft's recipe (``prepare_model_for_kbit_training``: norms and embeddings in fp32).
Not exercised on CPU: the ``gpu``-marked test covers it where a GPU is present.
"""

from __future__ import annotations

from typing import Any

SKIP = ("lm_head", "score", "classifier")


def quantize_for_training(model: Any, cfg: Any) -> Any:
    import torch
    from torch import nn

    try:
        import bitsandbytes as bnb
    except ImportError as err:  # pragma: no cover - GPU machines only
        from slr.reproduce.methods.base import MethodNotApplicable

        raise MethodNotApplicable(
            "QLoRA needs bitsandbytes: pip install bitsandbytes (CUDA machines)"
        ) from err
    compute = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[
        cfg.compute_dtype
    ]
    device = next(model.parameters()).device
    for parent in list(model.modules()):
        for child_name, child in list(parent.named_children()):
            if not isinstance(child, nn.Linear) or child_name in SKIP:
                continue
            weight = child.weight.data.to("cpu")
            bias = child.bias
            if cfg.bits == 4:
                q = bnb.nn.Linear4bit(
                    child.in_features,
                    child.out_features,
                    bias=bias is not None,
                    compute_dtype=compute,
                    compress_statistics=cfg.double_quant,
                    quant_type=cfg.quant_type,
                    device="cpu",
                )
                q.weight = bnb.nn.Params4bit(
                    weight,
                    requires_grad=False,
                    compress_statistics=cfg.double_quant,
                    quant_type=cfg.quant_type,
                )
            else:
                q = bnb.nn.Linear8bitLt(
                    child.in_features,
                    child.out_features,
                    bias=bias is not None,
                    has_fp16_weights=False,
                    threshold=6.0,
                    device="cpu",
                )
                q.weight = bnb.nn.Int8Params(weight, requires_grad=False, has_fp16_weights=False)
            if bias is not None:
                q.bias = nn.Parameter(bias.data.to("cpu"), requires_grad=False)
            setattr(parent, child_name, q.to(device))
            del child
    torch.cuda.empty_cache()
    from peft import prepare_model_for_kbit_training

    return prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
