"""The one optimizer factory (measured runs and training loops)."""

from __future__ import annotations

from typing import Any

from slr.errors import ConfigError

OPTIMIZERS = ("adamw", "sgd", "adafactor", "adamw-8bit")


def make_optimizer(params: list[Any], name: str = "adamw", *, lr: float) -> Any:
    """``name`` over ``params`` (tensors, or param groups with their own ``weight_decay``).

    AdamW and SGD are torch's (AdamW's default weight decay 0.01 applies to plain tensors);
    Adafactor is transformers' with a fixed learning rate; ``adamw-8bit`` is bitsandbytes'.
    """
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
    raise ConfigError(f"unknown optimizer '{name}'; use one of {', '.join(OPTIMIZERS)}")


def decay_groups(model: Any, weight_decay: float) -> list[dict[str, Any]]:
    """Trainable parameters in two groups: weight decay on matrices, none on biases and norms."""
    decay: list[Any] = []
    no_decay: list[Any] = []
    for _, p in model.named_parameters():
        if p.requires_grad:
            (decay if p.ndim >= 2 else no_decay).append(p)
    if not decay and not no_decay:
        raise ConfigError("the method leaves no trainable parameter in this model")
    groups = [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return [g for g in groups if g["params"]]
