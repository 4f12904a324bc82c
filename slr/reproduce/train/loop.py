"""The training loop: plain PyTorch steps through accelerate, resumable, interruptible.

One optimizer step = ``grad_accum`` micro-batches of ``batch_size / (grad_accum x processes)``
examples on each process; ``accelerate`` places the model, wraps it for several GPUs (DDP when
launched with ``accelerate launch``), handles mixed precision and gradient scaling. The loop
adds nothing per step but the loss bookkeeping (kept on the device; read every ``log_every``
steps) and a flag check; ``benchmarks/bench_train_loop.py`` measures its overhead against a bare
PyTorch loop.

Checkpoints every ``checkpoint_every`` steps (:mod:`~slr.reproduce.train.checkpoint`). Ctrl-C
or SIGTERM finish the current step, write a checkpoint and raise
:class:`~slr.reproduce.train.errors.TrainingInterrupted`; a SIGKILL loses the steps since the
last checkpoint. Running the same spec again resumes. Out of memory becomes
:class:`~slr.reproduce.runtime.oom.OutOfMemory` with the numbers (``on_oom``).
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from slr.errors import ConfigError
from slr.reproduce.specs.train import TrainingLoop
from slr.reproduce.train.checkpoint import CheckpointStore
from slr.reproduce.train.data import BatchPlan
from slr.reproduce.train.errors import TrainingInterrupted


@dataclass
class LoopOutcome:
    steps: int
    losses: list[tuple[int, float]]
    seconds: float
    resumed_from: int | None = None
    checkpoints: int = 0


@dataclass
class StepFunctions:
    """What the loop needs from the task: a batch from example indices, and the loss."""

    make_batch: Callable[[list[int]], dict[str, Any]]
    loss: Callable[[Any, dict[str, Any]], Any]
    after_step: Callable[[Any, int], None] | None = None  # the method's (MethodConfig.after_step)


@dataclass
class _StopFlag:
    requested: bool = False
    signals: list[int] = field(default_factory=list)


@contextlib.contextmanager
def _graceful_stop() -> Iterator[_StopFlag]:
    """First Ctrl-C/SIGTERM: finish the step and checkpoint; a second one stops at once."""
    flag = _StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    previous: dict[int, Any] = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

    def handler(signum: int, frame: Any) -> None:
        if flag.requested:
            signal.signal(signum, previous[signum])
            raise KeyboardInterrupt
        flag.requested = True
        flag.signals.append(signum)

    for s in previous:
        signal.signal(s, handler)
    try:
        yield flag
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def _fast_paths(
    accelerator: Any,
) -> tuple[Callable[[Any], None], Callable[[Any, float], Any], bool]:
    """``backward``, ``clip`` and whether to wrap the optimizer, for the step.

    accelerate's own backward, clipping and optimizer wrapper are needed with a gradient scaler
    (fp16), DeepSpeed, FSDP or Megatron. Without them (one device, or DDP, which averages the
    gradients inside ``backward``) they reduce to ``loss.backward()``, torch's
    ``clip_grad_norm_`` and the plain optimizer, but cost ~1-2 ms of checks per step (package
    look-ups, version compares): several percent of a small model's step. Call torch directly
    then.
    """
    import torch
    from accelerate.utils import DistributedType

    special = {DistributedType.DEEPSPEED, DistributedType.FSDP, DistributedType.MEGATRON_LM}
    if getattr(accelerator, "scaler", None) is not None or accelerator.distributed_type in special:
        return accelerator.backward, accelerator.clip_grad_norm_, True

    def backward(loss: Any) -> None:
        loss.backward()

    return backward, torch.nn.utils.clip_grad_norm_, False


def make_accelerator(precision: str) -> Any:
    """An ``Accelerator`` for ``precision`` (fp32 / bf16 / fp16), on CPU where there is no GPU."""
    import torch
    from accelerate import Accelerator
    from accelerate.state import AcceleratorState

    mixed = {"fp32": "no", "bf16": "bf16", "fp16": "fp16"}[precision]
    state = AcceleratorState._shared_state
    if state and str(state.get("_mixed_precision", mixed)) != mixed:
        AcceleratorState._reset_state(True)
    return Accelerator(cpu=not torch.cuda.is_available(), mixed_precision=mixed)


def make_optimizer(model: Any, training: TrainingLoop) -> Any:
    """AdamW over the trainable parameters; no weight decay on biases and norms (1-d tensors)."""
    from slr.reproduce.runtime.optim import decay_groups
    from slr.reproduce.runtime.optim import make_optimizer as optimizer_for

    return optimizer_for(decay_groups(model, training.weight_decay), "adamw", lr=training.lr)


def make_scheduler(optimizer: Any, training: TrainingLoop, total_steps: int) -> Any:
    from transformers import get_scheduler

    return get_scheduler(
        training.scheduler,
        optimizer,
        num_warmup_steps=int(training.warmup_ratio * total_steps),
        num_training_steps=total_steps,
    )


def run_loop(
    model: Any,
    *,
    training: TrainingLoop,
    total_steps: int,
    plan: BatchPlan,
    fns: StepFunctions,
    accelerator: Any,
    store: CheckpointStore | None,
    on_step: Callable[[int, float | None], None] | None = None,
    on_oom: Callable[[BaseException], Exception] | None = None,
) -> tuple[Any, LoopOutcome]:
    """Train ``model`` for ``total_steps`` optimizer steps; returns (prepared model, outcome)."""
    from slr.reproduce.runtime.oom import is_oom

    loop = _Loop(model, training, total_steps, plan, fns, accelerator, store)
    start = loop.resume()
    loop.model.train()
    t0 = time.perf_counter()
    with _graceful_stop() as stop:
        try:
            for step in range(start, total_steps):
                done = step + 1
                logged = loop.step(step)
                if on_step is not None:
                    on_step(done, logged)
                if stop.requested:
                    loop.save(done)
                    raise TrainingInterrupted(
                        f"interrupted after step {done} of {total_steps}; checkpoint written to "
                        f"{store.path if store else '(no checkpoint folder)'}; run the same "
                        "command again to resume"
                    )
                if loop.checkpoint_due(done):
                    loop.save(done)
        except TrainingInterrupted:
            raise
        except Exception as err:
            if on_oom is not None and is_oom(err):
                raise on_oom(err) from None
            raise
    seconds = time.perf_counter() - t0
    outcome = LoopOutcome(total_steps, loop.losses, seconds, loop.resumed, loop.checkpoints)
    return loop.model, outcome


class _Loop:
    """The state of one training loop: prepared model and optimizer, loss bookkeeping."""

    def __init__(
        self,
        model: Any,
        training: TrainingLoop,
        total_steps: int,
        plan: BatchPlan,
        fns: StepFunctions,
        accelerator: Any,
        store: CheckpointStore | None,
    ) -> None:
        self.training, self.total_steps, self.plan, self.fns = training, total_steps, plan, fns
        self.accelerator, self.store = accelerator, store
        self.optimizer = make_optimizer(model, training)
        self.scheduler = make_scheduler(self.optimizer, training, total_steps)
        self.backward, self.clip, wrap_optimizer = _fast_paths(accelerator)
        if wrap_optimizer:
            model, self.optimizer = accelerator.prepare(model, self.optimizer)
        else:  # DDP or one device: the optimizer needs no wrapper (see _fast_paths)
            model = accelerator.prepare(model)
        self.model = model
        self.unwrapped = accelerator.unwrap_model(model)
        self.scaler = getattr(accelerator, "scaler", None)
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.world, self.rank = accelerator.num_processes, accelerator.process_index
        self.device = accelerator.device
        self.parts = training.grad_accum * self.world
        if training.batch_size % self.parts:
            raise ConfigError(
                f"batch_size {training.batch_size} does not split into {training.grad_accum} "
                f"micro-batches on {self.world} processes; use a multiple of {self.parts}"
            )
        self.losses: list[tuple[int, float]] = []
        self.resumed: int | None = None
        self.running: Any = None
        self.count = 0
        self.checkpoints = 0

    def resume(self) -> int:
        """Restore the checkpoint, if there is one; the step to start from."""
        if self.store is None or not self.store.exists():
            return 0
        import torch

        state = self.store.load()
        self.store.restore(
            state,
            model=self.unwrapped,
            optimizer=self.optimizer,
            scheduler=self.scheduler,
            scaler=self.scaler,
        )
        self.resumed = int(state["step"])
        self.losses = [(int(s), float(v)) for s, v in state["losses"]]
        extra = state.get("extra", {})
        self.count = int(extra.get("count", 0))
        if extra.get("running") is not None:
            self.running = torch.tensor(extra["running"], dtype=torch.float32, device=self.device)
        return self.resumed

    def step(self, step: int) -> float | None:
        """One optimizer step (``grad_accum`` micro-batches); the mean loss when it is logged."""
        training, accelerator = self.training, self.accelerator
        step_loss = None
        for part in range(training.grad_accum):
            idx = self.plan.indices(step, part * self.world + self.rank, self.parts)
            batch = {k: v.to(self.device) for k, v in self.fns.make_batch(idx).items()}
            sync = part == training.grad_accum - 1
            ctx = contextlib.nullcontext() if sync else accelerator.no_sync(self.model)
            with ctx, accelerator.autocast():
                loss = self.fns.loss(self.model, batch)
                if training.grad_accum > 1:
                    loss = loss / training.grad_accum
            self.backward(loss)
            detached = loss.detach().float()
            step_loss = detached if step_loss is None else step_loss + detached
        if training.max_grad_norm is not None:
            self.clip(self.params, training.max_grad_norm)
        self.optimizer.step()
        self.scheduler.step()
        if self.fns.after_step is not None:
            self.fns.after_step(self.unwrapped, step)
        self.optimizer.zero_grad(set_to_none=True)
        self.running = step_loss if self.running is None else self.running + step_loss
        self.count += 1
        done = step + 1
        if done % training.log_every == 0 or done == self.total_steps:
            logged = float(self.running) / self.count
            self.losses.append((done, logged))
            self.running, self.count = None, 0
            return logged
        return None

    def checkpoint_due(self, done: int) -> bool:
        every = self.training.checkpoint_every
        return bool(
            self.store is not None and every and done % every == 0 and done < self.total_steps
        )

    def save(self, step: int) -> None:
        if self.store is None:
            return
        running = None if self.running is None else float(self.running)
        self.store.save(
            model=self.unwrapped,
            optimizer=self.optimizer,
            scheduler=self.scheduler,
            scaler=self.scaler,
            step=step,
            losses=self.losses,
            extra={"running": running, "count": self.count},
        )
        self.checkpoints += 1
