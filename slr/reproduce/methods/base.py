"""The PEFT method registry: one small typed config class per method.

Each class is registered under the method's canonical taxonomy name (``taxonomy/peft_methods.yaml``)
and carries the method's hyper-parameters with their usual defaults. ``cfg.apply(model, ctx)`` turns
a transformers model into the model to train (peft's ``get_peft_model`` for the peft-backed methods,
module wrappers for bottleneck adapters, ``requires_grad`` switches for selective methods). The same
configs serve parameter counting on the meta device, the measured runs, and a later training runner.

Usage::

    cfg = method_config("LoRA", r=16, target_modules=["query", "value"])
    model = apply_method(model, cfg)            # real weights or meta device

Unknown method names are resolved through the taxonomy (any spelling it knows) and otherwise
rejected with suggestions; unknown or ill-typed hyper-parameters are rejected with the list of
allowed ones. A method that cannot apply to an architecture raises :class:`MethodNotApplicable`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from slr.errors import ConfigError
from slr.registry import Registry

# canonical method name -> config class; the modules of this package register their classes
# (found on first use; importing them needs pydantic only)
METHODS: Registry[type[MethodConfig]] = Registry(
    "PEFT method", discover="slr.reproduce.methods", skip=("base",)
)

C = TypeVar("C", bound="type[MethodConfig]")

# Modules that are task heads (trained in full next to any method; peft: modules_to_save).
HEAD_MODULE_NAMES = ("classifier", "score", "qa_outputs")


class MethodNotApplicable(ConfigError):
    """A method cannot be applied to this architecture (says why and what to do)."""


class MethodConfig(BaseModel):
    """Base of every method config: strict (unknown keys are errors) and immutable.

    What is special about a method is declared here, on its class, and asked by the code that
    needs it (no code outside this package tests a method's name):

    * ``kind``: the memory model's view of the method: "full", "adapter" (small added modules,
      frozen base), "prompt" (trainable inputs feeding every layer), "selective" (a subset of base
      parameters);
    * ``base_bits`` / :meth:`quantization_bits`: bits of the frozen base weights (QLoRA: 4 or 8);
    * ``requires_cuda``: the method only applies on a CUDA device (``cuda_reason`` says why,
      ``cpu_alternative`` what to use without one); the model is moved to the device before the
      method is applied;
    * ``requires_past_key_values``: its prefixes reach attention as ``past_key_values``;
    * ``total_steps_param``: a hyper-parameter bound to the run's total optimizer steps
      (:meth:`bind_total_steps`);
    * :meth:`virtual_tokens`: soft-prompt tokens prepended to every input (positions they take);
    * :meth:`after_step`: what the method does after each optimizer step (None: nothing);
    * :meth:`training_state` / :meth:`restore_training_state`: state outside ``state_dict`` that
      a checkpoint must keep;
    * ``in_default_table`` and :meth:`table_default`: the parameter table's set-up.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: ClassVar[str] = ""
    kind: ClassVar[str] = "adapter"
    base_bits: ClassVar[int] = 16
    requires_cuda: ClassVar[bool] = False
    cuda_reason: ClassVar[str] = ""
    cpu_alternative: ClassVar[str] = ""
    requires_past_key_values: ClassVar[bool] = False
    total_steps_param: ClassVar[str | None] = None
    in_default_table: ClassVar[bool] = True

    def apply(self, model: Any, ctx: ApplyContext) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def setup(self) -> str:
        """Short human description of the set-up (for tables): only non-default values."""
        values = self.model_dump(exclude_defaults=True)
        if not values:
            return "defaults"
        return ", ".join(f"{k}={_short(v)}" for k, v in values.items())

    def quantization_bits(self) -> int:
        return self.base_bits

    def virtual_tokens(self) -> int:
        """Soft-prompt tokens the method prepends to the input (0: none)."""
        return 0

    def after_step(self) -> Callable[[Any, int], None] | None:
        """``hook(model, step)`` to call after each optimizer step, or None."""
        return None

    def training_state(self, model: Any) -> Any:
        """State the method keeps outside ``state_dict`` (None: none), for checkpoints."""
        return None

    def restore_training_state(self, model: Any, state: Any) -> None:
        """Put back what :meth:`training_state` returned."""

    @classmethod
    def bind_total_steps(cls, params: dict[str, Any], total_steps: int) -> dict[str, Any]:
        """``params`` with the run's total steps filled in where the method is bound to them."""
        if cls.total_steps_param is None or cls.total_steps_param in params:
            return dict(params)
        return {**params, cls.total_steps_param: total_steps}

    @classmethod
    def table_default(cls, dims: Any) -> MethodConfig:
        """The set-up of the default parameter table for a model of ``dims``."""
        return cls()


def _short(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ",".join(str(v) for v in value) + "]"
    return str(value)


@dataclass
class ApplyContext:
    """What a method needs to know about the model it is applied to."""

    model_type: str
    task_type: str
    dims: Any  # slr.reproduce.architectures.Dimensions
    head_modules: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def register_method(cls: C) -> C:
    """Class decorator: register a config class under its canonical method name."""
    name = cls.method
    if not name:
        raise TypeError(f"{cls.__name__} has no 'method' name")
    METHODS.add(name, cls)
    return cls


def registered_methods() -> dict[str, type[MethodConfig]]:
    """Canonical method name -> config class (registration order)."""
    return dict(METHODS.items())


def resolve_method_name(name: str) -> str:
    """Canonical registry name for any spelling the taxonomy knows; errors with suggestions."""
    implemented = METHODS.names()
    if name in implemented:
        return name
    from slr.taxonomy import load_taxonomy

    vocab = load_taxonomy().vocab["methods"]
    canon = vocab.resolve(name)
    if canon in implemented:
        return str(canon)
    if canon is not None:
        raise ConfigError(
            f"PEFT method '{name}' ({canon}) has no implementation in the reproduction registry; "
            f"implemented: {', '.join(implemented)}"
        )
    msg, fix = vocab.unknown_message(name)
    raise ConfigError(f"{msg}; {fix}")


def method_config(name: str, /, **params: Any) -> MethodConfig:
    """A validated config for method ``name`` (any taxonomy spelling) with ``params``."""
    canon = resolve_method_name(name)
    cls = METHODS[canon]
    try:
        return cls(**params)
    except PydanticValidationError as err:
        problems = []
        for e in err.errors():
            loc = ".".join(str(p) for p in e["loc"])
            if e["type"] == "extra_forbidden":
                problems.append(f"unknown hyper-parameter '{loc}'")
            else:
                problems.append(f"'{loc}': {e['msg']} (got {e.get('input')!r})")
        allowed = ", ".join(
            k if v.is_required() else f"{k}={v.get_default(call_default_factory=True)!r}"
            for k, v in cls.model_fields.items()
        )
        raise ConfigError(
            f"bad set-up for {canon}: {'; '.join(problems)}; allowed (with defaults): {allowed}"
        ) from None


def context_for(model: Any) -> ApplyContext:
    """The :class:`ApplyContext` of a transformers model."""
    from slr.reproduce.runtime.building import dimensions, peft_task_type

    config = model.config
    heads = [name for name, _ in model.named_children() if name in HEAD_MODULE_NAMES]
    return ApplyContext(
        model_type=config.model_type,
        task_type=peft_task_type(type(model)),
        dims=dimensions(config),
        head_modules=heads,
    )


def apply_method(model: Any, cfg: MethodConfig) -> Any:
    """Prepare ``model`` for training with ``cfg``; returns the model to train.

    Works on meta-device models (counting) and on real weights (training). Like peft, it modifies
    the given model in place (freezing, wrapping) and may return a wrapper (a ``PeftModel``). The
    returned model carries ``slr_method`` (the config) and ``slr_notes`` (plain-language remarks,
    e.g. "model has no bias parameters").
    """
    import warnings

    ctx = context_for(model)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", message=".*already.*modified.*")
        out = cfg.apply(model, ctx)
    out.slr_method = cfg
    out.slr_notes = list(ctx.notes)
    out.slr_head_modules = list(ctx.head_modules)
    return out


def unwrap(model: Any) -> Any:
    """The transformers model inside a peft wrapper (PeftModel -> LoraModel -> model)."""
    for _ in range(4):
        if type(model).__module__.startswith("transformers"):
            break
        children = model._modules  # peft forwards attribute lookups, so read the children
        inner = children.get("base_model") or children.get("model")
        if inner is None:
            break
        model = inner
    return model


def freeze_all(model: Any) -> None:
    for p in model.parameters():
        p.requires_grad_(False)


def unfreeze_heads(model: Any, ctx: ApplyContext) -> None:
    for name in ctx.head_modules:
        for p in getattr(model, name).parameters():
            p.requires_grad_(True)
