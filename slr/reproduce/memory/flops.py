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
    layer_of, decoder_layers, n_layers = _layer_map(model)
    lowest = _lowest_trained_layer(model, layer_of, n_layers)
    fwd, bwd_in, bwd_w = _linear_flops(model, setup, layer_of, decoder_layers, lowest, n_layers)
    attn_fwd, attn_bwd = _attention_flops(model, setup, decoder_layers, n_layers, lowest)
    return {
        "forward": fwd + attn_fwd,
        "backward_inputs": bwd_in + attn_bwd,
        "backward_weights": bwd_w,
        "total": fwd + attn_fwd + bwd_in + attn_bwd + bwd_w,
    }


def _layer_map(model: Any) -> tuple[dict[int, int], set[int], int]:
    """(module id -> layer index, the decoder layers, the number of layers), all stacks."""
    from slr.reproduce.methods.selective import layer_stacks

    stacks = layer_stacks(model, model.config.model_type)
    decoder_only = len(stacks) == 1 and not getattr(model.config, "is_encoder_decoder", False)
    layer_of: dict[int, int] = {}
    decoder_layers: set[int] = set()
    idx = 0
    for s_i, stack in enumerate(stacks):
        for layer in stack:
            for m in layer.modules():
                layer_of[id(m)] = idx
            if s_i == 1 or decoder_only:
                decoder_layers.add(idx)
            idx += 1
    return layer_of, decoder_layers, idx


def _lowest_trained_layer(model: Any, layer_of: dict[int, int], n_layers: int) -> int:
    """The lowest layer input gradients must reach (0 when inputs or embeddings train)."""
    trainable_layers = set()
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        owner = None
        for mname, m in model.named_modules():
            if name.startswith(mname + ".") and id(m) in layer_of:
                owner = layer_of[id(m)]
                break
        trainable_layers.add(owner if owner is not None else -1)
    prompt = getattr(getattr(model, "slr_method", None), "kind", "") == "prompt"
    embeddings = -1 in trainable_layers and any(
        p.requires_grad
        for n, p in model.named_parameters()
        if "embed" in n or "wte" in n or "shared" in n
    )
    if prompt or embeddings:
        return 0
    return min((i for i in trainable_layers if i is not None and i >= 0), default=n_layers)


def _linear_flops(
    model: Any,
    setup: TrainingSetup,
    layer_of: dict[int, int],
    decoder_layers: set[int],
    lowest: int,
    n_layers: int,
) -> tuple[float, float, float]:
    """(forward, backward to inputs, backward to weights) FLOPs of the linear layers."""
    from torch import nn

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
    return fwd, bwd_in, bwd_w


def _attention_flops(
    model: Any, setup: TrainingSetup, decoder_layers: set[int], n_layers: int, lowest: int
) -> tuple[float, float]:
    """(forward, backward) FLOPs of attention scores and their use (self and cross)."""
    from slr.reproduce.runtime.building import dimensions

    enc_dec = getattr(model.config, "is_encoder_decoder", False)
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
    return attn_fwd, attn_bwd


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
