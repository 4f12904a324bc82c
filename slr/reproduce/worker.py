"""One measured run in its own process: ``python -m slr.reproduce.worker SPEC.json OUT.json``.

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


def make_optimizer(params: list[Any], name: str, lr: float) -> Any:
    import torch

    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "adafactor":
        from transformers.optimization import Adafactor

        return Adafactor(
            params, lr=lr, scale_parameter=False, relative_step=False, warmup_init=False
        )
    if name == "adamw-8bit":
        import bitsandbytes as bnb

        return bnb.optim.AdamW8bit(params, lr=lr)
    raise ValueError(f"unknown optimizer {name}")


def limit_memory_from_env() -> None:
    """``SLR_MEMORY_LIMIT`` (bytes): cap the address space this worker may add (CPU runs).

    Emulates a smaller machine: allocations beyond the cap fail and the run reports out of memory
    instead of pushing a shared machine into swap or the OOM killer.
    """
    import os
    import resource

    extra = os.environ.get("SLR_MEMORY_LIMIT")
    if not extra:
        return
    from slr.reproduce.loop import _proc_status

    current = _proc_status("VmSize") or 0
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    _SAVED_LIMIT.append((soft, hard))
    resource.setrlimit(resource.RLIMIT_AS, (current + int(extra), hard))


_SAVED_LIMIT: list[tuple[int, int]] = []


def _lift_memory_limit() -> None:
    """Give the address space back after an out-of-memory error, to write the report."""
    import resource

    if _SAVED_LIMIT:
        resource.setrlimit(resource.RLIMIT_AS, _SAVED_LIMIT[-1])


def execute(fspec: dict[str, Any]) -> dict[str, Any]:
    import torch

    from slr.reproduce.architectures import architecture, build_model, check_sequence_fits
    from slr.reproduce.counting import HeadSpec, count_model
    from slr.reproduce.loop import cpu_allocated_peak, run_steps
    from slr.reproduce.memory import loss_of, make_batch, virtual_tokens
    from slr.reproduce.methods import apply_method, method_config
    from slr.reproduce.methods.base import unwrap
    from slr.reproduce.runner import RunSpec

    run = RunSpec.model_validate(fspec["run"])
    device = fspec["resolved"]["device"]
    head = HeadSpec(**fspec["resolved"]["head"])
    setup = run.setup.model_copy(update={"device": device})
    random.seed(run.seed)
    torch.manual_seed(run.seed)
    cfg = method_config(run.method, **run.hyperparameters)
    quantized = cfg.quantization_bits() < 16
    # import everything the run needs before a memory cap applies (imports under a cap fail oddly)
    import peft  # noqa: F401

    from slr.reproduce.architectures import model_class
    from slr.reproduce.runner import device_capacity

    model_class(architecture(run.model), "classification" if head.kind != "none" else "base")
    device_capacity(device)
    limit_memory_from_env()
    try:
        model = build_model(
            architecture(run.model),
            device=device,
            dtype="bf16" if quantized else setup.param_dtype,
            overrides=run.config_overrides or None,
            tiny=run.tiny,
            head="classification" if head.kind != "none" else "base",
            num_labels=head.num_labels,
            pooler=head.pooler,
            seed=run.seed,
        )
        check_sequence_fits(
            model.config,
            max(setup.seq_len, setup.target_len or 0),
            virtual_tokens=virtual_tokens(cfg),
        )
        model = apply_method(model, cfg)  # QLoRA quantizes here (CUDA only, clear error elsewhere)
        if setup.gradient_checkpointing:
            unwrap(model).gradient_checkpointing_enable(
                gradient_checkpointing_kwargs={"use_reentrant": False}
            )
        total, trainable, head_params = count_model(model, model.slr_head_modules)
        params = [p for p in model.parameters() if p.requires_grad]
        if not params:
            return {
                "status": "failed",
                "error": f"{cfg.method} leaves nothing to train on {run.model}: "
                + "; ".join(model.slr_notes),
            }
        optimizer = make_optimizer(params, setup.optimizer, run.learning_rate)
        batch = make_batch(model, setup, device=device, num_labels=head.num_labels)
        autocast = scaler = None
        if setup.precision.startswith("amp-"):
            half = torch.bfloat16 if setup.precision == "amp-bf16" else torch.float16
            autocast = torch.autocast(device_type=device, dtype=half)
            if half == torch.float16:
                scaler = torch.amp.GradScaler(device)
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
    except (torch.OutOfMemoryError, MemoryError) as err:
        return _oom(err, device)
    except RuntimeError as err:
        text = str(err).lower()
        if "out of memory" in text or "can't allocate memory" in text:
            return _oom(err, device)
        raise


def _oom(err: BaseException, device: str) -> dict[str, Any]:
    _lift_memory_limit()
    from slr.reproduce.runner import device_capacity

    return {
        "status": "oom",
        "error": (str(err).strip().splitlines() or [type(err).__name__])[0][:500],
        "device_memory": device_capacity(device),
    }


def _is_memory_error(err: BaseException | None) -> bool:
    """An error caused (directly or along its chain) by running out of memory."""
    seen = 0
    while err is not None and seen < 10:
        text = str(err).lower()
        if (
            isinstance(err, MemoryError)
            or "out of memory" in text
            or "can't allocate memory" in text
        ):
            return True
        err = err.__cause__ or err.__context__
        seen += 1
    return False


def main(argv: list[str]) -> int:
    spec_file, out_file = argv
    with open(spec_file, encoding="utf-8") as fh:
        fspec = json.load(fh)
    import warnings

    warnings.simplefilter("ignore")
    try:
        import torch  # noqa: F401 - imported before the memory cap is set
        import transformers

        transformers.logging.set_verbosity_error()
        result = execute(fspec)
    except Exception as err:  # reported as a failed run, with the traceback tail
        if _is_memory_error(err):
            _lift_memory_limit()
            result = _oom(err, fspec["resolved"]["device"])
            result["traceback_tail"] = traceback.format_exc().strip().splitlines()[-6:]
        else:
            result = {
                "status": "failed",
                "error": f"{type(err).__name__}: {err}"[:1000],
                "traceback_tail": traceback.format_exc().strip().splitlines()[-12:],
            }
    with open(out_file, "w", encoding="utf-8") as fh:
        json.dump(result, fh, default=str)
    return 0


if __name__ == "__main__":  # pragma: no cover - subprocess entry
    sys.exit(main(sys.argv[1:]))
