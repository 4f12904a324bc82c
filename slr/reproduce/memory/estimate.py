"""The estimate: parameter bytes in closed form plus the traced activations (see the package)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slr.reproduce.memory.setup import _BYTES, MemoryEstimate, TrainingSetup
from slr.reproduce.memory.trace import _unwrap, trace_activations

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
    from slr.reproduce.architectures import architecture
    from slr.reproduce.methods import apply_method
    from slr.reproduce.runtime.building import (
        Head,
        build_model,
        check_sequence_fits,
        skip_init_on_meta,
    )

    head = head or Head()
    spec = architecture(model_name)
    trace_dtype = (
        setup.activation_dtype if setup.precision.startswith("amp-") else setup.param_dtype
    )
    model = build_model(
        spec,
        head=head.as_sequence_classifier(),
        device="meta",
        dtype=trace_dtype,
        tiny=tiny,
        overrides=overrides,
    )
    check_sequence_fits(
        model.config,
        max(setup.seq_len, setup.target_len or 0),
        virtual_tokens=method.virtual_tokens(),
    )
    with skip_init_on_meta("meta"):
        return apply_method(model, method)


def estimate_from_model(model: Any, setup: TrainingSetup, bits: int = 16) -> MemoryEstimate:
    """The estimate for an already prepared (meta-device) model."""
    from slr.reproduce.runtime.building import dimensions

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
