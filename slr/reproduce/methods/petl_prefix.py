"""Prefix tuning as the ``petl`` code of He et al. (2022) builds it, the code P31's artifact uses.

P31 (anonymous-ase23/CodeModelParameterEfficientFinetuning @ e683b573) tunes prefixes with its
own module, ``petl/petl_factory.py`` class ``Prefix`` (lines 46-99), not with peft's
``PrefixTuningConfig``. The two differ in what trains:

* petl: an embedding of ``attn_bn x submodules`` vectors of the *head* size (hidden / heads, 64
  for CodeBERT), shared by every head (``repeat(match_n_head)``), then ``Linear(head_dim,
  mid_dim) - Tanh - Linear(mid_dim, layers x 2 x head_dim)`` (lines 66-74); ``submodules`` is 1
  for RoBERTa configs and 3 for encoder-decoder ones (self, cross, encoder attention);
* peft: an embedding of the full hidden size and an MLP to ``layers x 2 x hidden``.

So on CodeBERT with ``attn_bn 16`` and ``mid_dim 400`` (``clone/run-prefix.sh`` lines 20, 125)
petl trains 16 x 64 + (64 x 400 + 400) + (400 x 1536 + 1536) = 642,960 parameters, peft's
projection 7,711,120. Everything else of the model is frozen (the artifact unfreezes only names
with ``ef_``, ``petl/petl_enc_model.py`` lines 38-62, so the classification head stays frozen:
the claim's ``head`` decides whether it is counted).

This module builds the petl prefix network for **counting** (meta device): its forward (petl's
attention concat of ``prev_key`` / ``prev_value``) is not wired into transformers' attention, so
applying it to real weights for training is refused.
"""

from __future__ import annotations

from typing import Any

from slr.reproduce.methods.base import ApplyContext, MethodNotApplicable, freeze_all


def petl_submodules(ctx: ApplyContext) -> int:
    """petl's ``num_transformer_submodules``: 1 for encoder (RoBERTa) models, 3 otherwise."""
    return 3 if ctx.dims.is_encoder_decoder else 1


def petl_prefix_params(ctx: ApplyContext, attn_bn: int, mid_dim: int) -> int:
    """The closed form of the petl prefix network's parameters (for the docs and tests)."""
    d = ctx.dims
    layers = d.decoder_layers if d.is_encoder_decoder else d.encoder_layers
    head = d.hidden // d.heads
    emb = attn_bn * petl_submodules(ctx) * head
    return int(emb + (head * mid_dim + mid_dim) + (mid_dim * layers * 2 * head + layers * 2 * head))


def apply_petl_prefix(model: Any, ctx: ApplyContext, attn_bn: int, mid_dim: int) -> Any:
    """Freeze ``model`` and attach petl's prefix network as ``petl_prefix`` (meta device only)."""
    import torch
    from torch import nn

    device = next(model.parameters()).device
    if device.type != "meta":
        raise MethodNotApplicable(
            "the petl prefix (implementation: petl) is built for parameter counting only: its "
            "forward is petl's own attention concat, not wired into transformers here; train "
            "prefix tuning with implementation: peft"
        )
    d = ctx.dims
    # petl's match_n_layer is config.num_hidden_layers (the decoder's in T5 configs)
    layers = d.decoder_layers if d.is_encoder_decoder else d.encoder_layers
    head = d.hidden // d.heads
    freeze_all(model)
    with torch.device("meta"):
        prefix = nn.Module()
        prefix.embedding = nn.Embedding(attn_bn * petl_submodules(ctx), head)
        prefix.transform = nn.Sequential(
            nn.Linear(head, mid_dim), nn.Tanh(), nn.Linear(mid_dim, layers * 2 * head)
        )
    model.add_module("petl_prefix", prefix)
    ctx.notes.append(
        f"petl prefix (P31's artifact): {attn_bn} x {petl_submodules(ctx)} vectors of the head "
        f"size {head}, shared over {d.heads} heads, MLP {head} -> {mid_dim} -> {layers}x2x{head}"
    )
    return model
