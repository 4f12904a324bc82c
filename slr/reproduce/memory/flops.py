"""Matmul FLOPs of one training step (the time claims' analytical model)."""

from __future__ import annotations

from typing import Any

from slr.reproduce.memory.estimate import prepared_meta_model
from slr.reproduce.memory.setup import TrainingSetup


def step_flops(model: Any, setup: TrainingSetup) -> dict[str, float]:
    """Matmul FLOPs of one training step: forward, backward to inputs, backward to weights.

    Linear layers only (2 FLOPs per weight per token), plus attention scores (4 * s^2 * width per
    layer and sequence). The backward pass computes input gradients only from the lowest layer
    with something trainable upward, and weight gradients only for trainable weights: this is why
    layer freezing (Telly-K) saves time and LoRA saves little.
    """
    from torch import nn

    from slr.reproduce.methods.selective import layer_stacks

    mt = model.config.model_type
    stacks = layer_stacks(model, mt)
    layer_of: dict[int, int] = {}
    decoder_layers: set[int] = set()
    idx = 0
    for s_i, stack in enumerate(stacks):
        for layer in stack:
            for m in layer.modules():
                layer_of[id(m)] = idx
            if (
                s_i == 1
                or len(stacks) == 1
                and not getattr(model.config, "is_encoder_decoder", False)
            ):
                decoder_layers.add(idx)
            idx += 1
    n_layers = idx
    trainable_layers = set()
    prompt = getattr(getattr(model, "slr_method", None), "kind", "") == "prompt"
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        owner = None
        for mname, m in model.named_modules():
            if name.startswith(mname + ".") and id(m) in layer_of:
                owner = layer_of[id(m)]
                break
        trainable_layers.add(owner if owner is not None else -1)
    if (
        prompt
        or -1 in trainable_layers
        and any(
            p.requires_grad
            for n, p in model.named_parameters()
            if "embed" in n or "wte" in n or "shared" in n
        )
    ):
        lowest = 0
    else:
        lowest = min((i for i in trainable_layers if i is not None and i >= 0), default=n_layers)
    enc_dec = getattr(model.config, "is_encoder_decoder", False)
    fwd = bwd_in = bwd_w = 0.0
    for m in model.modules():
        weight = getattr(m, "weight", None)
        is_linear = isinstance(m, nn.Linear) or type(m).__name__ == "Conv1D"
        if not is_linear or weight is None:
            continue
        layer = layer_of.get(id(m))
        decoder = layer in decoder_layers if layer is not None else True
        tokens = setup.tokens(decoder=enc_dec and decoder)
        f = 2.0 * weight.numel() * tokens
        fwd += f
        in_grad_region = layer is None or layer >= lowest
        if in_grad_region and lowest < n_layers:
            bwd_in += f
        if weight.requires_grad:
            bwd_w += f
    from slr.reproduce.runtime.building import dimensions

    d = dimensions(model.config)
    s_src = setup.seq_len
    s_dec = setup.target_len or setup.seq_len
    attn_fwd = 0.0
    attn_bwd = 0.0
    for i in range(n_layers):
        s = s_dec if (enc_dec and i in decoder_layers) else s_src
        a = 4.0 * setup.batch_size * s * s * d.heads * d.head_dim
        if enc_dec and i in decoder_layers:
            a += 4.0 * setup.batch_size * s * s_src * d.heads * d.head_dim
        attn_fwd += a
        if i >= lowest:
            attn_bwd += 2 * a
    return {
        "forward": fwd + attn_fwd,
        "backward_inputs": bwd_in + attn_bwd,
        "backward_weights": bwd_w,
        "total": fwd + attn_fwd + bwd_in + attn_bwd + bwd_w,
    }


def predict_step_flops(
    model_name: str, method: Any, setup: TrainingSetup, *, head: Any = None
) -> dict[str, float]:
    import warnings

    from slr.reproduce.methods import MethodConfig, method_config

    cfg = method if isinstance(method, MethodConfig) else method_config(method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = prepared_meta_model(model_name, cfg, setup, head=head)
    return step_flops(model, setup)
