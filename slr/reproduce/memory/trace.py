"""Activations on the meta device: every tensor autograd saves, at the exact shapes.

Attention is emulated as the fused CUDA kernels save (q, k, v, output, log-sum-exp) or as the plain
math path (scores, probabilities, dropout masks), per ``TrainingSetup.attention``; transformers'
mask shortcuts that read tensor values are answered for unpadded batches.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from slr.reproduce.memory.setup import TrainingSetup

# --- attention emulation on the meta device ---------------------------------------------------


def _fused_sdpa_fn() -> Any:
    import torch

    class FusedSDPA(torch.autograd.Function):
        """What CUDA's flash / memory-efficient attention saves: q, k, v, output, log-sum-exp."""

        @staticmethod
        def forward(ctx: Any, q: Any, k: Any, v: Any, mask: Any) -> Any:
            out = q.new_empty((*q.shape[:-1], v.shape[-1]))
            lse = q.new_empty(q.shape[:-1], dtype=torch.float32)
            saved = [q, k, v, out, lse]
            if mask is not None:
                saved.append(mask)
            ctx.save_for_backward(*saved)
            return out

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:  # pragma: no cover - never run (meta trace)
            raise RuntimeError("meta trace only")

    def sdpa(q: Any, k: Any, v: Any, attn_mask: Any = None, dropout_p: float = 0.0,
             is_causal: bool = False, scale: Any = None, enable_gqa: bool = False) -> Any:  # fmt: skip
        if isinstance(attn_mask, torch.Tensor) and attn_mask.requires_grad:
            attn_mask = attn_mask.detach()
        mask = attn_mask if isinstance(attn_mask, torch.Tensor) else None
        return FusedSDPA.apply(q, k, v, mask)  # type: ignore[no-untyped-call]  # torch leaves apply untyped

    return sdpa


def _math_sdpa(q: Any, k: Any, v: Any, attn_mask: Any = None, dropout_p: float = 0.0,
               is_causal: bool = False, scale: Any = None, enable_gqa: bool = False,
               upcast: bool = False) -> Any:  # fmt: skip
    """PyTorch's math attention path; ``upcast``: as on CPU, half-precision inputs go to fp32."""
    import math

    import torch

    dtype = q.dtype
    if upcast and dtype in (torch.float16, torch.bfloat16):
        q, k, v = q.float(), k.float(), v.float()
        if isinstance(attn_mask, torch.Tensor) and attn_mask.is_floating_point():
            attn_mask = attn_mask.float()
    if enable_gqa and k.shape[-3] != q.shape[-3]:
        rep = q.shape[-3] // k.shape[-3]
        k = k.repeat_interleave(rep, dim=-3)
        v = v.repeat_interleave(rep, dim=-3)
    scale = scale if scale is not None else 1.0 / math.sqrt(q.shape[-1])
    scores = torch.matmul(q * scale, k.transpose(-2, -1))
    if isinstance(attn_mask, torch.Tensor):
        scores = scores + attn_mask if attn_mask.dtype != torch.bool else scores
    probs = torch.softmax(scores, dim=-1)
    if dropout_p > 0:
        probs = torch.nn.functional.dropout(probs, p=dropout_p, training=True)
    return torch.matmul(probs, v).to(dtype)


@contextlib.contextmanager
def _attention_emulation(mode: str, device: str) -> Iterator[None]:
    import torch.nn.functional as F

    original = F.scaled_dot_product_attention
    fused = _fused_sdpa_fn()

    def dispatch(q: Any, k: Any, v: Any, attn_mask: Any = None, dropout_p: float = 0.0,
                 is_causal: bool = False, scale: Any = None, enable_gqa: bool = False) -> Any:  # fmt: skip
        use = mode
        if mode == "auto":
            use = "fused" if device == "cuda" or dropout_p == 0 else "math"
        if use == "fused":
            return fused(q, k, v, attn_mask, dropout_p, is_causal, scale, enable_gqa)
        return _math_sdpa(
            q, k, v, attn_mask, dropout_p, is_causal, scale, enable_gqa, upcast=device == "cpu"
        )

    setattr(F, "scaled_dot_product_attention", dispatch)  # noqa: B010 - typed stub differs
    try:
        yield
    finally:
        setattr(F, "scaled_dot_product_attention", original)  # noqa: B010


@contextlib.contextmanager
def _meta_friendly_masks() -> Iterator[None]:
    """transformers checks ``padding_mask.all()`` to skip masks; meta tensors have no values.

    The traced batches have no padding, so "all ones" is the true answer.
    """
    try:
        from transformers import masking_utils
    except ImportError:  # pragma: no cover
        yield
        return
    original = getattr(masking_utils, "fast_all", None)
    if original is None:
        yield
        return
    setattr(masking_utils, "fast_all", lambda tensor: True)  # noqa: B010
    try:
        yield
    finally:
        setattr(masking_utils, "fast_all", original)  # noqa: B010


# --- the trace ------------------------------------------------------------------------------


@dataclass
class ActivationTrace:
    saved_total: int  # bytes autograd keeps for backward (deduplicated by storage)
    per_layer: list[int]  # of which, per transformer layer (all stacks, bottom to top)
    layer_inputs: list[int]  # bytes of each layer's input hidden states (checkpointing keeps them)
    outputs: int  # model outputs alive but not saved (e.g. half-precision logits)
    logits_elements: int  # vocab x tokens of the LM head (0 for encoders)


def make_batch(
    model: Any, setup: TrainingSetup, *, device: str, num_labels: int = 2
) -> dict[str, Any]:
    """A batch of random token ids (and labels) for ``model`` at the setup's shapes."""
    import torch

    config = model.config
    vocab = int(config.vocab_size)
    b, s = setup.batch_size, setup.seq_len
    hi = max(4, vocab - 1)
    with torch.device(device):
        ids = torch.randint(3, hi, (b, s))
        batch: dict[str, Any] = {"input_ids": ids}
        if getattr(config, "is_encoder_decoder", False):
            batch["labels"] = torch.randint(3, hi, (b, setup.target_len or s))
        elif _is_classifier(model):
            batch["labels"] = torch.randint(0, num_labels, (b,))
        elif _has_lm_head(model):
            batch["labels"] = ids.clone()
    return batch


def _is_classifier(model: Any) -> bool:
    return type(_unwrap(model)).__name__.endswith("ForSequenceClassification")


def _has_lm_head(model: Any) -> bool:
    name = type(_unwrap(model)).__name__
    return name.endswith(("ForCausalLM", "LMHeadModel", "ForConditionalGeneration"))


def _unwrap(model: Any) -> Any:
    from slr.reproduce.methods.base import unwrap

    return unwrap(model)


def loss_of(model: Any, output: Any) -> Any:
    """The training loss: the model's own (LM/classification), or a surrogate for backbones."""
    loss = getattr(output, "loss", None)
    if loss is not None:
        return loss
    hidden = output.last_hidden_state
    return hidden.float().pow(2).mean()


class _LayerTracker:
    """Which transformer layer runs now, and the size of each layer's input hidden states."""

    def __init__(self, model: Any) -> None:
        from slr.reproduce.methods.selective import layer_stacks

        stacks = layer_stacks(model, model.config.model_type)
        self.layers = [layer for stack in stacks for layer in stack]
        self.current = -1
        self.inputs = [0] * len(self.layers)
        self.handles: list[Any] = []

    def __enter__(self) -> _LayerTracker:
        import torch

        for i, layer in enumerate(self.layers):

            def pre(module: Any, args: Any, kwargs: Any, i: int = i) -> None:
                self.current = i
                hidden = args[0] if args else kwargs.get("hidden_states")
                if isinstance(hidden, torch.Tensor):
                    self.inputs[i] = hidden.numel() * hidden.element_size()

            def post(module: Any, args: Any, out: Any) -> None:
                self.current = -1

            self.handles.append(layer.register_forward_pre_hook(pre, with_kwargs=True))
            self.handles.append(layer.register_forward_hook(post))
        return self

    def __exit__(self, *exc: Any) -> None:
        for h in self.handles:
            h.remove()


def trace_activations(
    model: Any, setup: TrainingSetup, *, emulate_attention: bool = True
) -> ActivationTrace:
    """Forward ``model`` and account every tensor saved for backward (deduplicated by storage).

    On the meta device this costs no memory. ``emulate_attention=False`` keeps the installed
    attention kernels (for checking the emulation against a real CPU model).
    """
    import torch

    excluded = {p.untyped_storage()._cdata for p in model.parameters()}
    excluded |= {b.untyped_storage()._cdata for b in model.buffers()}
    seen: dict[int, int] = {}
    device = next(model.parameters()).device.type
    batch = make_batch(model, setup, device=device)
    model.train()
    emulation = (
        _attention_emulation(setup.attention, setup.device)
        if emulate_attention
        else contextlib.nullcontext()
    )
    with _LayerTracker(model) as tracker:
        per_layer = [0] * len(tracker.layers)

        def pack(t: Any) -> Any:
            storage = t.untyped_storage()
            key = storage._cdata
            if key not in excluded and key not in seen:
                seen[key] = storage.nbytes()
                if tracker.current >= 0:
                    per_layer[tracker.current] += storage.nbytes()
            return t

        with (
            emulation,
            _meta_friendly_masks() if device == "meta" else contextlib.nullcontext(),
            torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t),
        ):
            output = model(**batch)
            loss_of(model, output)
    outputs = 0
    logits_elements = 0
    logits = getattr(output, "logits", None)
    if isinstance(logits, torch.Tensor) and _has_lm_head(model):
        logits_elements = logits.numel()
        if logits.untyped_storage()._cdata not in seen:
            outputs += logits.numel() * logits.element_size()
    return ActivationTrace(
        saved_total=sum(seen.values()),
        per_layer=per_layer,
        layer_inputs=tracker.inputs,
        outputs=outputs,
        logits_elements=logits_elements,
    )
