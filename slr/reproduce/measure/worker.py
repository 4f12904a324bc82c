"""One measured run in its own process: ``python -m slr.reproduce.measure.worker SPEC.json OUT.json``.

Builds the architecture with random weights on the device (memory and speed do not depend on the
weights' values), applies the method, trains ``steps`` optimizer steps on a fixed random batch and
writes the measurement. Out of memory is caught and reported as a result.
"""

from __future__ import annotations

import json
import random
import sys
import traceback
from typing import Any


class _AddressSpace:
    """``SLR_MEMORY_LIMIT`` (bytes): cap the address space this worker may add (CPU runs).

    Emulates a smaller machine: allocations beyond the cap fail and the run reports out of memory
    instead of pushing a shared machine into swap or the OOM killer. The cap is lifted after an
    out-of-memory error, to write the report.
    """

    def __init__(self) -> None:
        self.saved: tuple[int, int] | None = None

    def limit_from_env(self) -> None:
        import os
        import resource

        extra = os.environ.get("SLR_MEMORY_LIMIT")
        if not extra:
            return
        from slr.reproduce.measure.loop import _proc_status

        current = _proc_status("VmSize") or 0
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        self.saved = (soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (current + int(extra), hard))

    def lift(self) -> None:
        import resource

        if self.saved is not None:
            resource.setrlimit(resource.RLIMIT_AS, self.saved)


def _prepare(fspec: dict[str, Any]) -> tuple[Any, Any, Any, Any, str]:
    """(spec, head, setup, method config, device) of the full spec; imports what the run needs
    before a memory cap applies (imports under a cap fail oddly)."""
    import peft  # noqa: F401
    import torch

    from slr.reproduce.architectures import architecture
    from slr.reproduce.methods import method_config
    from slr.reproduce.runtime.building import Head, model_class
    from slr.reproduce.runtime.device import device_capacity
    from slr.reproduce.specs import MeasureSpec

    run = MeasureSpec.model_validate(fspec["run"])
    device = fspec["resolved"]["device"]
    head = Head(**fspec["resolved"]["head"])
    setup = run.setup.model_copy(update={"device": device})
    random.seed(run.seed)
    torch.manual_seed(run.seed)
    cfg = method_config(run.method, **run.hyperparameters)
    model_class(architecture(run.model), "classification" if head.kind != "none" else "base")
    device_capacity(device)
    return run, head, setup, cfg, device


def _build(run: Any, head: Any, setup: Any, cfg: Any, device: str) -> Any:
    from slr.reproduce.architectures import architecture
    from slr.reproduce.methods import apply_method
    from slr.reproduce.methods.base import unwrap
    from slr.reproduce.runtime.building import build_model, check_sequence_fits

    quantized = cfg.quantization_bits() < 16
    model = build_model(
        architecture(run.model),
        head=head.as_sequence_classifier(),
        device=device,
        dtype="bf16" if quantized else setup.param_dtype,
        overrides=run.config_overrides or None,
        tiny=run.tiny,
        seed=run.seed,
    )
    check_sequence_fits(
        model.config,
        max(setup.seq_len, setup.target_len or 0),
        virtual_tokens=cfg.virtual_tokens(),
    )
    model = apply_method(model, cfg)  # QLoRA quantizes here (CUDA only, clear error elsewhere)
    if setup.gradient_checkpointing:
        unwrap(model).gradient_checkpointing_enable(
            gradient_checkpointing_kwargs={"use_reentrant": False}
        )
    return model


def _amp(setup: Any, device: str) -> tuple[Any, Any]:
    """(autocast context, gradient scaler) of an ``amp-*`` precision, else (None, None)."""
    import torch

    if not setup.precision.startswith("amp-"):
        return None, None
    half = torch.bfloat16 if setup.precision == "amp-bf16" else torch.float16
    scaler = torch.amp.GradScaler(device) if half == torch.float16 else None
    return torch.autocast(device_type=device, dtype=half), scaler


def execute(fspec: dict[str, Any], space: _AddressSpace | None = None) -> dict[str, Any]:
    """Build, apply the method, train and measure; a dict of the result's measured parts."""
    from slr.reproduce.counting import count_model
    from slr.reproduce.measure.loop import cpu_allocated_peak, run_steps
    from slr.reproduce.memory import loss_of, make_batch
    from slr.reproduce.runtime.oom import is_oom
    from slr.reproduce.runtime.optim import make_optimizer

    space = space or _AddressSpace()
    run, head, setup, cfg, device = _prepare(fspec)
    space.limit_from_env()
    try:
        model = _build(run, head, setup, cfg, device)
        total, trainable, head_params = count_model(model, model.slr_head_modules)
        params = [p for p in model.parameters() if p.requires_grad]
        if not params:
            return {
                "status": "failed",
                "error": f"{cfg.method} leaves nothing to train on {run.model}: "
                + "; ".join(model.slr_notes),
            }
        optimizer = make_optimizer(params, setup.optimizer, lr=run.learning_rate)
        batch = make_batch(model, setup, device=device, num_labels=head.num_labels)
        autocast, scaler = _amp(setup, device)
        stats = run_steps(
            model,
            batch,
            optimizer,
            steps=run.steps,
            warmup_steps=run.warmup_steps,
            device=device,
            loss_fn=loss_of,
            autocast=autocast,
            scaler=scaler,
        )
        memory: dict[str, Any] = {
            "peak_allocated": stats.peak_allocated,
            "peak_reserved": stats.peak_reserved,
            "peak_rss": stats.peak_rss,
            "rss_before_steps": stats.rss_before,
        }
        if device == "cpu" and total < 200_000_000 and autocast is None:
            memory["cpu_allocated_peak"] = cpu_allocated_peak(model, batch, optimizer, loss_of)
        tokens = setup.batch_size * (setup.seq_len + (setup.target_len or 0))
        median = stats.median_step_seconds
        return {
            "status": "ok",
            "memory": memory,
            "speed": {
                "median_step_seconds": median,
                "step_seconds": stats.step_seconds,
                "tokens_per_step": tokens,
                "tokens_per_second": tokens / median if median else None,
            },
            "params": {"total": total, "trainable": trainable, "head": head_params},
            "losses": stats.losses,
            "notes": list(model.slr_notes),
        }
    except Exception as err:
        if is_oom(err):
            return _oom(err, device, space)
        raise


def _oom(err: BaseException, device: str, space: _AddressSpace) -> dict[str, Any]:
    space.lift()
    from slr.reproduce.runtime.device import device_capacity

    return {
        "status": "oom",
        "error": (str(err).strip().splitlines() or [type(err).__name__])[0][:500],
        "device_memory": device_capacity(device),
    }


def main(argv: list[str]) -> int:
    spec_file, out_file = argv
    with open(spec_file, encoding="utf-8") as fh:
        fspec = json.load(fh)
    import warnings

    warnings.simplefilter("ignore")
    space = _AddressSpace()
    try:
        import torch  # noqa: F401 - imported before the memory cap is set
        import transformers

        transformers.logging.set_verbosity_error()
        result = execute(fspec, space)
    except Exception as err:  # reported as a failed run, with the traceback tail
        from slr.reproduce.runtime.oom import is_oom

        if is_oom(err):
            result = _oom(err, fspec["resolved"]["device"], space)
            result["traceback_tail"] = traceback.format_exc().strip().splitlines()[-6:]
        else:
            result = {
                "status": "failed",
                "error": f"{type(err).__name__}: {err}"[:1000],
                "traceback_tail": traceback.format_exc().strip().splitlines()[-12:],
            }
    from pathlib import Path

    from slr.atomic import atomic_write_text

    atomic_write_text(Path(out_file), json.dumps(result, default=str))  # whole, or not at all
    return 0


if __name__ == "__main__":  # pragma: no cover - subprocess entry
    sys.exit(main(sys.argv[1:]))
