"""Analytical peak training memory (and step FLOPs) for full fine-tuning and every method.

Peak memory of one training step, steady state (optimizer states exist, gradients are freed with
``zero_grad(set_to_none=True)`` before the forward pass), as ``torch.cuda.max_memory_allocated``
counts it (no CUDA context, no allocator cache)::

    peak = weights + optimizer states + max(
        activations + live outputs + dlogits + first gradients,    # start of the backward pass
        gradients + optimizer temporaries,                         # optimizer step
    )

* **weights**: every base parameter at the training dtype; QLoRA's quantized linear layers at
  4 bits + NF4 block constants (blocksize 64; double quantization 8-bit constants with an fp32
  constant per 256 blocks) or 8 bits + fp32 row scales, with the remaining parameters in fp32
  (peft's ``prepare_model_for_kbit_training``); adapters as peft stores them (fp32 next to a
  half-precision base); AMP keeps fp32 weights plus the half-precision copies autocast caches;
* **gradients**: one per trainable parameter, in its dtype;
* **optimizer states**: AdamW two per trainable parameter in its dtype (torch keeps states in the
  parameter dtype), 8-bit AdamW two bytes, Adafactor factored second moments, SGD none;
  optimizer temporaries: one extra state-sized buffer (foreach AdamW's ``sqrt``);
* **activations**: the tensors autograd saves for the backward pass, taken from a forward pass on
  the meta device at the exact batch and sequence shapes (no memory is used: meta tensors carry
  only shapes). This follows the real implementation of every architecture and method (which
  linear inputs a LoRA layer keeps, a norm's fp32 upcast, a frozen bottom layer that keeps
  nothing...). Attention is emulated as the fused CUDA kernels save (q, k, v, output,
  log-sum-exp) or as the plain math path (scores, probabilities, dropout masks), per
  ``TrainingSetup.attention``. Gradient checkpointing keeps each layer's input plus one layer's
  activations during recomputation;
* **outputs and dlogits**: the logits the model returns and the fp32 gradient of the loss with
  respect to them (``vocab x tokens``), alive at the start of the backward pass;
* **backward working set**: the gradients of the top layer's activations while its backward runs,
  two FFN-sized buffers (``2 x tokens x ffn`` at the activation dtype). This one term is
  calibrated, not derived: against PyTorch's CPU memory profiler, across the eight families, the
  measured excess over the other terms was 1.6-2.5 such buffers with a frozen backbone.

Assumptions (stated in every estimate's ``assumptions``): no padding, no activation offloading;
bitsandbytes' 4/8-bit matmuls keep no copy of their input (like a frozen ``nn.Linear``); one
dequantized weight matrix exists at a time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Precision = Literal["fp32", "bf16", "fp16", "amp-bf16", "amp-fp16"]
Optimizer = Literal["adamw", "adamw-8bit", "sgd", "adafactor"]

GIB = 1024**3


class TrainingSetup(BaseModel):
    """The shapes and numerics of one training step."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    batch_size: int = Field(default=8, ge=1)
    seq_len: int = Field(default=512, ge=1, description="input tokens (encoder tokens for seq2seq)")
    target_len: int | None = Field(
        default=None, ge=1, description="decoder tokens of seq2seq models"
    )
    precision: Precision = "bf16"
    optimizer: Optimizer = "adamw"
    gradient_checkpointing: bool = False
    attention: Literal["auto", "fused", "math"] = Field(
        default="auto",
        description="fused: what CUDA's flash/memory-efficient kernels save; math: the explicit "
        "softmax path; auto: fused on cuda, on cpu fused without attention dropout, else math",
    )
    device: Literal["cuda", "cpu"] = "cuda"

    @property
    def param_dtype(self) -> str:
        return "fp32" if self.precision in ("fp32", "amp-bf16", "amp-fp16") else self.precision

    @property
    def activation_dtype(self) -> str:
        return self.precision.removeprefix("amp-")

    def tokens(self, decoder: bool = False) -> int:
        if decoder and self.target_len is not None:
            return self.batch_size * self.target_len
        return self.batch_size * self.seq_len


@dataclass
class MemoryEstimate:
    """Predicted peak training memory in bytes, with its parts."""

    weights: int
    gradients: int
    optimizer_states: int
    activations: int
    outputs: int
    backward_transient: int
    optimizer_transient: int
    peak: int
    peak_phase: str
    trainable_params: int
    total_params: int
    activations_per_layer: list[int] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def peak_gib(self) -> float:
        return self.peak / GIB


_BYTES = {"fp32": 4, "bf16": 2, "fp16": 2}


def _torch_dtype(name: str) -> Any:
    from slr.reproduce.architectures import resolve_dtype

    return resolve_dtype(name)


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
        return FusedSDPA.apply(q, k, v, attn_mask if isinstance(attn_mask, torch.Tensor) else None)

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


def trace_activations(
    model: Any, setup: TrainingSetup, *, emulate_attention: bool = True
) -> ActivationTrace:
    """Forward ``model`` and account every tensor saved for backward (deduplicated by storage).

    On the meta device this costs no memory. ``emulate_attention=False`` keeps the installed
    attention kernels (for checking the emulation against a real CPU model).
    """
    import torch

    from slr.reproduce.methods.selective import layer_stacks

    mt = model.config.model_type
    stacks = layer_stacks(model, mt)
    layers = [layer for stack in stacks for layer in stack]
    current: list[int] = [-1]
    per_layer = [0] * len(layers)
    inputs = [0] * len(layers)
    handles = []
    for i, layer in enumerate(layers):

        def pre(module: Any, args: Any, kwargs: Any, i: int = i) -> None:
            current[0] = i
            hidden = args[0] if args else kwargs.get("hidden_states")
            if isinstance(hidden, torch.Tensor):
                inputs[i] = hidden.numel() * hidden.element_size()

        def post(module: Any, args: Any, out: Any, i: int = i) -> None:
            current[0] = -1

        handles.append(layer.register_forward_pre_hook(pre, with_kwargs=True))
        handles.append(layer.register_forward_hook(post))

    excluded = {p.untyped_storage()._cdata for p in model.parameters()}
    excluded |= {b.untyped_storage()._cdata for b in model.buffers()}
    seen: dict[int, int] = {}

    def pack(t: Any) -> Any:
        storage = t.untyped_storage()
        key = storage._cdata
        if key not in excluded and key not in seen:
            seen[key] = storage.nbytes()
            if current[0] >= 0:
                per_layer[current[0]] += storage.nbytes()
        return t

    device = next(model.parameters()).device.type
    batch = make_batch(model, setup, device=device)
    model.train()
    emulation = (
        _attention_emulation(setup.attention, setup.device)
        if emulate_attention
        else contextlib.nullcontext()
    )
    try:
        with (
            emulation,
            _meta_friendly_masks() if device == "meta" else contextlib.nullcontext(),
            torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t),
        ):
            output = model(**batch)
            loss_of(model, output)
    finally:
        for h in handles:
            h.remove()
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
        layer_inputs=inputs,
        outputs=outputs,
        logits_elements=logits_elements,
    )


# --- parameters ---------------------------------------------------------------------------------


def _quantizable(model: Any) -> set[int]:
    """Storages of the frozen nn.Linear weights bitsandbytes would quantize (not the heads)."""
    from torch import nn

    from slr.reproduce.quantize import SKIP

    out = set()
    for name, module in model.named_modules():
        leaf = name.rsplit(".", 1)[-1]
        if isinstance(module, nn.Linear) and leaf not in SKIP and "lora_" not in name:
            w = module.weight
            if not w.requires_grad:
                out.add(w.untyped_storage()._cdata)
    return out


@dataclass
class _ParamBytes:
    weights: int
    gradients: int
    states: int
    opt_transient: int
    trainable: int
    total: int
    largest_quantized: int
    first_grads: int


def _parameter_bytes(model: Any, setup: TrainingSetup, bits: int) -> _ParamBytes:
    amp = setup.precision.startswith("amp-")
    quantized = _quantizable(model) if bits < 16 else set()
    weights = grads = states = transient = trainable = total = 0
    largest_q = 0
    seen: set[int] = set()
    largest_trainable = 0
    for _, p in model.named_parameters():
        key = p.untyped_storage()._cdata
        if key in seen:
            continue
        seen.add(key)
        n = p.numel()
        total += n
        size = 4 if amp else p.element_size()
        if key in quantized:
            # nf4 + double-quantized absmax (4 bits), or int8 + fp32 row scales (8 bits)
            size_q = n * 0.5 + n * ((1 + 4 / 256) / 64) if bits == 4 else n + 4 * p.shape[0]
            weights += int(size_q)
            largest_q = max(largest_q, n * _BYTES[setup.activation_dtype])
            continue
        if bits < 16 and not p.requires_grad:
            size = 4  # prepare_model_for_kbit_training casts the rest to fp32
        weights += n * size
        if p.requires_grad:
            trainable += n
            grads += n * size
            largest_trainable = max(largest_trainable, n * size)
            if setup.optimizer == "adamw":
                states += 2 * n * size
                transient += n * size
            elif setup.optimizer == "adamw-8bit":
                states += 2 * n + 2 * 4 * (n // 256 + 1)
            elif setup.optimizer == "adafactor":
                states += 4 * (sum(p.shape[:1]) + sum(p.shape[1:2])) if p.dim() >= 2 else 4 * n
    return _ParamBytes(
        weights=weights,
        gradients=grads,
        states=states,
        opt_transient=transient,
        trainable=trainable,
        total=total,
        largest_quantized=largest_q,
        first_grads=largest_trainable,
    )


def _amp_weight_copies(model: Any, setup: TrainingSetup) -> int:
    """Half-precision copies of linear weights that autocast caches for the backward pass."""
    if not setup.precision.startswith("amp-"):
        return 0
    from torch import nn

    n = sum(m.weight.numel() for m in model.modules() if isinstance(m, nn.Linear))
    return n * 2


# --- the estimate -------------------------------------------------------------------------------


def prepared_meta_model(
    model_name: str,
    method: Any,
    setup: TrainingSetup,
    *,
    head: Any = None,
    tiny: bool = False,
    overrides: dict[str, Any] | None = None,
) -> Any:
    """The meta-device model with ``method`` applied, in the setup's parameter dtype."""
    from slr.reproduce.architectures import (
        architecture,
        build_model,
        check_sequence_fits,
        skip_init_on_meta,
    )
    from slr.reproduce.counting import HeadSpec
    from slr.reproduce.methods import apply_method

    head = head or HeadSpec()
    spec = architecture(model_name)
    trace_dtype = (
        setup.activation_dtype if setup.precision.startswith("amp-") else setup.param_dtype
    )
    model = build_model(
        spec,
        device="meta",
        dtype=trace_dtype,
        tiny=tiny,
        overrides=overrides,
        head="classification" if head.kind != "none" else "base",
        num_labels=head.num_labels,
        pooler=head.pooler,
    )
    check_sequence_fits(
        model.config,
        max(setup.seq_len, setup.target_len or 0),
        virtual_tokens=virtual_tokens(method),
    )
    with skip_init_on_meta("meta"):
        return apply_method(model, method)


def virtual_tokens(method: Any) -> int:
    """Soft-prompt tokens a method prepends to the input (prompt tuning, P-tuning)."""
    if getattr(method, "method", "") in ("Prompt Tuning", "P-Tuning"):
        return int(getattr(method, "num_virtual_tokens", 0))
    return 0


def estimate_from_model(model: Any, setup: TrainingSetup, bits: int = 16) -> MemoryEstimate:
    """The estimate for an already prepared (meta-device) model."""
    from slr.reproduce.architectures import dimensions

    params = _parameter_bytes(model, setup, bits)
    trace = trace_activations(model, setup)
    assumptions = [
        f"{setup.precision}, {setup.optimizer}, batch {setup.batch_size} x {setup.seq_len} tokens"
        + (f" -> {setup.target_len}" if setup.target_len else ""),
        f"attention saved as the {setup.attention} kernel would ({setup.device})",
        "no padding; gradients freed before each forward pass (zero_grad(set_to_none=True))",
    ]
    activations = trace.saved_total
    if setup.gradient_checkpointing:
        active = [i for i, b in enumerate(trace.per_layer) if b > 0]
        non_layer = trace.saved_total - sum(trace.per_layer)
        kept_inputs = sum(trace.layer_inputs[i] for i in active)
        recompute = max((trace.per_layer[i] for i in active), default=0)
        activations = non_layer + kept_inputs + recompute
        assumptions.append("gradient checkpointing per layer: layer inputs + one layer recomputed")
    weights = params.weights + _amp_weight_copies(model, setup)
    if bits < 16:
        weights += params.largest_quantized  # one dequantized matrix at a time
        assumptions.append(
            f"{bits}-bit base: bitsandbytes keeps no input copy; other parameters fp32"
        )
    dlogits = 0
    if trace.logits_elements:
        dlogits = trace.logits_elements * 4
        if setup.activation_dtype != "fp32":
            dlogits += trace.logits_elements * _BYTES[setup.activation_dtype]
    # gradients of the top layer's activations during its backward pass: about two FFN-sized
    # buffers (calibrated on CPU against PyTorch's memory profiler for the eight families:
    # 1.6-2.5 x tokens x ffn x bytes with a frozen backbone)
    dims = dimensions(_unwrap(model).config)
    tokens = max(setup.tokens(), setup.tokens(decoder=True))
    working = 2 * tokens * dims.ffn * _BYTES[setup.activation_dtype] if params.trainable else 0
    backward_start = activations + trace.outputs + dlogits + params.first_grads + working
    step = params.gradients + params.opt_transient
    peak_body = max(backward_start, step)
    return MemoryEstimate(
        weights=weights,
        gradients=params.gradients,
        optimizer_states=params.states,
        activations=activations,
        outputs=trace.outputs,
        backward_transient=dlogits + params.first_grads + working,
        optimizer_transient=params.opt_transient,
        peak=weights + params.states + peak_body,
        peak_phase="backward start" if backward_start >= step else "optimizer step",
        trainable_params=params.trainable,
        total_params=params.total,
        activations_per_layer=list(trace.per_layer),
        assumptions=assumptions,
    )


def predict_memory(
    model_name: str,
    method: Any,
    setup: TrainingSetup,
    *,
    head: Any = None,
    tiny: bool = False,
    overrides: dict[str, Any] | None = None,
) -> MemoryEstimate:
    """Predicted peak training memory of ``model_name`` + ``method`` (name or config) under ``setup``."""
    import warnings

    from slr.reproduce.methods import MethodConfig, method_config

    cfg = method if isinstance(method, MethodConfig) else method_config(method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = prepared_meta_model(
            model_name, cfg, setup, head=head, tiny=tiny, overrides=overrides
        )
        return estimate_from_model(model, setup, bits=cfg.quantization_bits())


def memory_reduction(method_estimate: MemoryEstimate, baseline: MemoryEstimate) -> float:
    """Percent of the baseline's peak memory saved by the method."""
    return 100.0 * (1.0 - method_estimate.peak / baseline.peak)


# --- FLOPs ---------------------------------------------------------------------------------------


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
    from slr.reproduce.architectures import dimensions

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
