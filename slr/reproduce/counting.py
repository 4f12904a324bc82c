"""Exact parameter counts: build on the meta device, apply a method, count.

Conventions (notes part 1c):

* ``total_params`` = base + added parameters, each shared tensor once (``named_parameters``
  de-duplicates tied weights) - peft's ``all_param``;
* ``trainable_percent`` = trainable / total x 100 (peft's ``print_trainable_parameters``);
  ``trainable_percent_of_base`` = trainable / base x 100 (what papers usually report);
* task heads (peft ``modules_to_save`` copies, ``classifier``/``score`` modules, the pair
  classification head of clone detection) are trainable and also reported as ``head_params``;
* 4-bit bitsandbytes weights count twice their packed numel (peft's rule for uint8 storage).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from slr.errors import ConfigError
from slr.reproduce.runtime.building import Head


@dataclass(frozen=True)
class ParameterCount:
    model: str
    method: str
    setup: str
    base_params: int
    total_params: int
    trainable_params: int
    head_params: int
    notes: tuple[str, ...] = ()

    @property
    def added_params(self) -> int:
        return self.total_params - self.base_params

    @property
    def trainable_percent(self) -> float:
        return 100.0 * self.trainable_params / self.total_params if self.total_params else 0.0

    @property
    def trainable_percent_of_base(self) -> float:
        return 100.0 * self.trainable_params / self.base_params if self.base_params else 0.0

    @property
    def method_trainable_params(self) -> int:
        """Trainable parameters without the task head."""
        return self.trainable_params - self.head_params

    def row(self) -> dict[str, Any]:
        out = asdict(self)
        out["notes"] = "; ".join(self.notes)
        out["added_params"] = self.added_params
        out["trainable_percent"] = round(self.trainable_percent, 6)
        out["trainable_percent_of_base"] = round(self.trainable_percent_of_base, 6)
        return out


def _numel(p: Any) -> int:
    n = int(p.numel())
    if type(p).__name__ == "Params4bit":
        n *= 2 * getattr(getattr(p, "quant_storage", None), "itemsize", 1)
    return n


def is_head(name: str, head_modules: Iterable[str]) -> bool:
    """Is parameter ``name`` part of a task head (or peft's copy of one)?"""
    if "modules_to_save" in name:
        return True
    parts = name.split(".")
    # peft prefixes: base_model.model.<name>...
    while parts and parts[0] in ("base_model", "model"):
        parts = parts[1:]
    return bool(parts) and parts[0] in set(head_modules)


def count_model(model: Any, head_modules: Iterable[str] = ()) -> tuple[int, int, int]:
    """(total, trainable, trainable head) parameters of a model, shared tensors once."""
    heads = list(head_modules)
    total = trainable = head = 0
    for name, p in model.named_parameters():
        n = _numel(p)
        total += n
        if p.requires_grad:
            trainable += n
            if is_head(name, heads):
                head += n
    return total, trainable, head


def pair_head_params(hidden: int, num_labels: int) -> int:
    """Parameters of the pair-classification head: Linear(2h, h) + Linear(h, labels)."""
    return (2 * hidden * hidden + hidden) + (hidden * num_labels + num_labels)


def count_parameters(
    model_name: str,
    method: str | Any,
    params: dict[str, Any] | None = None,
    *,
    head: Head | None = None,
    tiny: bool = False,
) -> ParameterCount:
    """Exact counts for ``model_name`` (taxonomy spelling) with ``method`` and its ``params``.

    ``method`` is a name (any taxonomy spelling) or a ready :class:`MethodConfig`.
    Builds on the meta device: no weights, no download.
    """
    from slr.reproduce.architectures import architecture
    from slr.reproduce.methods import MethodConfig, apply_method, method_config
    from slr.reproduce.runtime.building import build_model, dimensions, skip_init_on_meta

    spec = architecture(model_name)
    cfg = method if isinstance(method, MethodConfig) else method_config(method, **(params or {}))
    head = head or Head()
    model = build_model(spec, head=head, device="meta", tiny=tiny)
    extra_head = 0
    if head.kind == "pair-classification":
        extra_head = pair_head_params(dimensions(model.config).hidden, head.num_labels)
    base_total, _, _ = count_model(model)
    with skip_init_on_meta("meta"):
        out = apply_method(model, cfg)
    total, trainable, head_n = count_model(out, out.slr_head_modules)
    return ParameterCount(
        model=spec.name,
        method=cfg.method,
        setup=cfg.setup(),
        base_params=base_total + extra_head,
        total_params=total + extra_head,
        trainable_params=trainable + extra_head,
        head_params=head_n + extra_head,
        notes=tuple(out.slr_notes),
    )


def default_method_config(method: str, model_name: str, dims: Any = None) -> Any:
    """The default set-up of the parameter table for one model (the method's ``table_default``).

    LoRA-family r=8 on peft's default targets, 20 virtual tokens for prefix/prompt/P-tuning (the
    config defaults); Telly-K freezes half of the layers. ``dims``: the model's
    :class:`~slr.reproduce.runtime.building.Dimensions`, when the caller has them already.
    """
    from slr.reproduce.methods import registered_methods, resolve_method_name

    cls = registered_methods()[resolve_method_name(method)]
    return cls.table_default(dims if dims is not None else model_dimensions(model_name))


def model_dimensions(model_name: str) -> Any:
    """The :class:`~slr.reproduce.runtime.building.Dimensions` of a model's architecture file."""
    from slr.reproduce.architectures import architecture
    from slr.reproduce.runtime.building import dimensions, make_config

    return dimensions(make_config(architecture(model_name)))


def table_methods() -> list[str]:
    """Methods of the default table: every registered method except pure aliases."""
    from slr.reproduce.methods import registered_methods

    return [name for name, cls in registered_methods().items() if cls.in_default_table]


def params_table(
    models: list[str] | None = None,
    methods: list[str] | None = None,
    *,
    on_row: Callable[[dict[str, Any]], None] | None = None,
) -> Any:
    """One row per model x method with the default set-up; a pandas DataFrame.

    A method that does not apply to an architecture gets a row with empty counts and the reason
    in ``notes``.
    """
    import warnings

    import pandas as pd

    from slr.reproduce.architectures import load_architectures
    from slr.reproduce.methods import MethodNotApplicable, resolve_method_name

    archs = load_architectures()
    model_names = list(archs) if models is None else [_canonical_model(m, archs) for m in models]
    method_names = table_methods() if methods is None else [resolve_method_name(m) for m in methods]
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for model_name in model_names:
            dims = model_dimensions(model_name)  # once per model, not per method
            for method in method_names:
                cfg = default_method_config(method, model_name, dims)
                try:
                    row = count_parameters(model_name, cfg).row()
                except MethodNotApplicable as err:
                    row = {
                        "model": model_name,
                        "method": method,
                        "setup": cfg.setup(),
                        "notes": f"not applicable: {err}",
                    }
                rows.append(row)
                if on_row is not None:
                    on_row(row)
    columns = [
        "model",
        "method",
        "total_params",
        "trainable_params",
        "trainable_percent",
        "trainable_percent_of_base",
        "base_params",
        "added_params",
        "head_params",
        "setup",
        "notes",
    ]
    frame = pd.DataFrame(rows)
    for col in columns:
        if col not in frame:
            frame[col] = None
    frame = frame[columns]
    for col in ("total_params", "trainable_params", "base_params", "added_params", "head_params"):
        frame[col] = frame[col].astype("Int64")
    return frame


def _canonical_model(name: str, archs: dict[str, Any]) -> str:
    from slr.reproduce.architectures import architecture

    spec = architecture(name)
    if spec.name not in archs:  # pragma: no cover - architecture() already raised
        raise ConfigError(f"no architecture spec for {name}")
    return spec.name
