"""Checkpoints of a training run: everything needed to continue as if never stopped.

One file, ``checkpoint.pt``, written atomically (:mod:`slr.atomic`, flushed to disk before the
rename): a kill during the write leaves the previous checkpoint intact. It holds

* the trainable parameters (frozen ones are rebuilt from the seed or the pretrained weights);
* the optimizer, scheduler and gradient-scaler states;
* the RNG states (Python, NumPy, torch CPU, every CUDA device), so dropout continues identically;
* the step (the data position: :class:`~slr.reproduce.train.data.BatchPlan` derives the batches
  from it), the loss log, and the state a method keeps outside ``state_dict`` (AdaLoRA's
  importance scores: :meth:`~slr.reproduce.methods.MethodConfig.training_state`);
* a fingerprint of the run's set-up: resuming a different set-up is refused.

With several processes, rank 0 writes the file and every rank writes its RNG states beside it.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slr.atomic import atomic_writer
from slr.reproduce.train.errors import CheckpointMismatch

FORMAT = 2  # 2: the method's own state under "method_state" (was "adalora")


def rng_state() -> dict[str, Any]:
    import numpy as np
    import torch

    state: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    import numpy as np
    import torch

    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _atomic_save(obj: Any, path: Path) -> None:
    import torch

    with atomic_writer(path, binary=True) as fh:
        torch.save(obj, fh)
        fh.flush()
        os.fsync(fh.fileno())


def trainable_state(model: Any) -> dict[str, Any]:
    return {
        name: p.detach().to("cpu", copy=True)
        for name, p in model.named_parameters()
        if p.requires_grad
    }


def _method(model: Any) -> Any:
    """The method config :func:`~slr.reproduce.methods.apply_method` put on the model, if any."""
    return getattr(model, "slr_method", None)


@dataclass
class CheckpointStore:
    """The checkpoint of one run directory."""

    folder: Path
    fingerprint: str
    rank: int = 0
    world: int = 1

    @property
    def path(self) -> Path:
        return self.folder / "checkpoint.pt"

    def rng_path(self, rank: int) -> Path:
        return self.folder / f"rng-{rank}.pt"

    def exists(self) -> bool:
        return self.path.is_file()

    def save(
        self,
        *,
        model: Any,
        optimizer: Any,
        scheduler: Any,
        scaler: Any,
        step: int,
        losses: list[tuple[int, float]],
        extra: dict[str, Any] | None = None,
    ) -> None:
        if self.world > 1:
            _atomic_save(rng_state(), self.rng_path(self.rank))
        if self.rank != 0:
            return
        method = _method(model)
        _atomic_save(
            {
                "format": FORMAT,
                "fingerprint": self.fingerprint,
                "step": step,
                "losses": list(losses),
                "trainable": trainable_state(model),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "scaler": scaler.state_dict() if scaler is not None else None,
                "rng": rng_state(),
                "method_state": method.training_state(model) if method else None,
                "world": self.world,
                "extra": dict(extra or {}),
            },
            self.path,
        )

    def load(self) -> dict[str, Any]:
        import torch

        state = torch.load(self.path, map_location="cpu", weights_only=False)
        if state.get("format") != FORMAT or state.get("fingerprint") != self.fingerprint:
            raise CheckpointMismatch(
                f"{self.path} was written for a different set-up of this run (spec, arm, seed or "
                "versions changed); delete the folder or run with --fresh"
            )
        if state.get("world", 1) != self.world:
            raise CheckpointMismatch(
                f"{self.path} was written with {state.get('world')} processes, now {self.world}; "
                "resume with the same number of processes or run with --fresh"
            )
        return dict(state)

    def restore(
        self, state: dict[str, Any], *, model: Any, optimizer: Any, scheduler: Any, scaler: Any
    ) -> None:
        import torch

        params = dict(model.named_parameters())
        missing = [n for n, p in params.items() if p.requires_grad and n not in state["trainable"]]
        if missing:
            raise CheckpointMismatch(
                f"{self.path} lacks trainable parameters {missing[:3]}...; delete it or use --fresh"
            )
        with torch.no_grad():
            for name, value in state["trainable"].items():
                params[name].copy_(value.to(params[name].device))
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        if scaler is not None and state.get("scaler") is not None:
            scaler.load_state_dict(state["scaler"])
        method = _method(model)
        if method is not None:
            method.restore_training_state(model, state.get("method_state"))
        rng = state["rng"]
        if self.world > 1 and self.rng_path(self.rank).is_file():
            rng = torch.load(self.rng_path(self.rank), weights_only=False)
        set_rng_state(rng)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
        for rank in range(self.world):
            self.rng_path(rank).unlink(missing_ok=True)
