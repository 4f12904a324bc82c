"""Transformers configs and models of the architecture files, and the one head model.

:func:`build_model` turns an :class:`~slr.reproduce.architectures.ArchitectureSpec` into a
transformers model on the meta device (no weights, no download: parameter counts and shapes only)
or with random weights on a real device (memory and speed do not depend on the weights' values).
:func:`tiny_overrides` shrinks any architecture to a few thousand parameters while keeping its
family traits (GQA, multi-query, gated MLP, tied embeddings), for tests and CPU runs.
:func:`dimensions` reads the few numbers the memory model and the methods need from any config.
:class:`Head` says what the model ends in, for every kind of run (counts, measured runs, claims,
training).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from slr.errors import ConfigError

if TYPE_CHECKING:
    from slr.reproduce.architectures import ArchitectureSpec

HeadKind = Literal["none", "classification", "pair-classification", "encoder", "causal", "seq2seq"]


class Head(BaseModel):
    """What the model ends in: the one head model of counts, measured runs, claims and training.

    * ``none``: the architecture file's ``model_class`` (the backbone of encoder models, the LM of
      generative ones);
    * ``classification``: the transformers *ForSequenceClassification class with ``num_labels``
      (peft puts its head in ``modules_to_save``);
    * ``pair-classification``: the clone-detection head of the CodeXGLUE / GraphCodeBERT /
      UniXcoder code (dense 2h -> h, tanh, out_proj h -> labels on two concatenated [CLS]
      vectors), counted analytically;
    * ``encoder``: the backbone, mean-pooled into embeddings (code search);
    * ``causal`` / ``seq2seq``: the decoder-only / encoder-decoder LM (generation).

    ``pooler: false`` builds encoder backbones without their pooler.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: HeadKind = "none"
    num_labels: int = Field(default=2, ge=1)
    pooler: bool = True

    @property
    def generative(self) -> bool:
        return self.kind in ("causal", "seq2seq")

    def as_sequence_classifier(self) -> Head:
        """The head a measured run or the memory model builds: any task head is measured as a
        *ForSequenceClassification head (the pair head's extra dense layer is not built)."""
        if self.kind == "none":
            return self
        return Head(kind="classification", num_labels=self.num_labels, pooler=self.pooler)


@dataclass(frozen=True)
class Dimensions:
    """The few numbers of an architecture the memory model and the methods need."""

    model_type: str
    hidden: int
    ffn: int
    heads: int
    kv_heads: int
    head_dim: int
    vocab: int
    encoder_layers: int
    decoder_layers: int
    gated_mlp: bool
    tied_embeddings: bool
    is_encoder_decoder: bool
    has_lm_head: bool

    @property
    def layers(self) -> int:
        return self.encoder_layers + self.decoder_layers

    @property
    def kv_dim(self) -> int:
        return self.kv_heads * self.head_dim


# Shrunk dimensions per model_type (tests, CPU runs). Applied on top of the real config, so family
# traits (multi_query, tie_word_embeddings, rope scaling, relu/gelu...) are kept.

_TINY: dict[str, dict[str, Any]] = {
    "roberta": dict(
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        vocab_size=128,
        max_position_embeddings=258,
    ),
    "t5": dict(
        d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2, num_heads=4, vocab_size=128
    ),
    "plbart": dict(
        d_model=32,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        vocab_size=128,
        max_position_embeddings=256,
    ),
    "gpt2": dict(n_embd=32, n_layer=2, n_head=4, vocab_size=128, n_positions=256),
    "llama": dict(
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        vocab_size=128,
        max_position_embeddings=256,
    ),
    "gpt_bigcode": dict(
        n_embd=32, n_layer=2, n_head=4, n_inner=64, vocab_size=128, n_positions=256
    ),
    "codegen": dict(
        n_embd=32, n_layer=2, n_head=4, rotary_dim=4, vocab_size=128, n_positions=256, n_ctx=256
    ),
    "xglm": dict(
        d_model=32,
        num_layers=2,
        attention_heads=4,
        ffn_dim=64,
        vocab_size=128,
        max_position_embeddings=256,
    ),
}

# peft task types of the classes we build
_TASK_TYPES = {
    "ForCausalLM": "CAUSAL_LM",
    "LMHeadModel": "CAUSAL_LM",
    "ForConditionalGeneration": "SEQ_2_SEQ_LM",
    "ForSequenceClassification": "SEQ_CLS",
}


def tiny_overrides(spec: ArchitectureSpec) -> dict[str, Any]:
    """Config overrides that shrink ``spec`` to a tiny model of the same family."""
    if spec.model_type not in _TINY:
        raise ConfigError(
            f"no tiny configuration for model_type '{spec.model_type}' ({spec.name}); "
            "add one to slr/reproduce/runtime/building.py:_TINY"
        )
    over = dict(_TINY[spec.model_type])
    if spec.model_type == "llama":
        heads = int(spec.config.get("num_attention_heads", 32))
        kv = int(spec.config.get("num_key_value_heads", heads))
        over["num_key_value_heads"] = 2 if kv < heads else 4
        if "head_dim" in spec.config:
            over["head_dim"] = 8
    return over


def make_config(
    spec: ArchitectureSpec, overrides: dict[str, Any] | None = None, *, tiny: bool = False
) -> Any:
    """The transformers config object of ``spec`` (plus ``overrides``)."""
    from transformers import AutoConfig

    values = dict(spec.config)
    if tiny:
        values.update(tiny_overrides(spec))
    values.update(overrides or {})
    config = AutoConfig.for_model(spec.model_type, **values)
    if getattr(config, "is_encoder_decoder", False) and _missing(config, "decoder_start_token_id"):
        # T5 convention (the decoder starts from the pad token); needed to shift labels right.
        config.decoder_start_token_id = config.pad_token_id
    vocab = int(config.vocab_size)
    for key in ("bos_token_id", "eos_token_id", "pad_token_id"):
        value = getattr(config, key, None)
        if isinstance(value, int) and value >= vocab:
            # class defaults (GPT-2's 50256) outside a smaller vocabulary: ids have no parameters,
            # and tiny models shrink the vocabulary
            setattr(config, key, None)
    return config


def _missing(config: Any, key: str) -> bool:
    try:
        return getattr(config, key) is None
    except AttributeError:
        return True


def model_class(spec: ArchitectureSpec, head: str = "base") -> type:
    """The transformers class for ``spec``; ``head='classification'`` -> *ForSequenceClassification."""
    import transformers

    name = spec.model_class
    if head == "classification":
        prefix = re.sub(
            r"(Model|ForCausalLM|LMHeadModel|ForConditionalGeneration|ForMaskedLM)$", "", name
        )
        name = prefix + "ForSequenceClassification"
    cls = getattr(transformers, name, None)
    if cls is None:
        raise ConfigError(f"transformers has no class {name} for {spec.name}")
    return cls  # type: ignore[no-any-return]  # getattr on the transformers module


def peft_task_type(cls: type) -> str:
    """peft's task type for a model class (FEATURE_EXTRACTION for bare backbones)."""
    for suffix, task in _TASK_TYPES.items():
        if cls.__name__.endswith(suffix):
            return task
    return "FEATURE_EXTRACTION"


def build_model(
    spec: ArchitectureSpec,
    *,
    head: Head | None = None,
    device: str = "meta",
    dtype: str | None = None,
    overrides: dict[str, Any] | None = None,
    tiny: bool = False,
    seed: int | None = None,
) -> Any:
    """A transformers model of ``spec``: on ``meta`` (shapes only) or random weights on a device.

    A ``classification`` head builds the matching *ForSequenceClassification class with
    ``num_labels``; any other head builds ``spec.model_class``. ``pooler=False`` drops the pooler
    of encoder backbones (RobertaModel(add_pooling_layer=False)).
    """
    import torch

    head = head or Head()
    config = make_config(spec, overrides, tiny=tiny)
    hf_head = "classification" if head.kind == "classification" else "base"
    if hf_head == "classification":
        config.num_labels = head.num_labels
    cls = model_class(spec, hf_head)
    kwargs: dict[str, Any] = {}
    if not head.pooler:
        kwargs["add_pooling_layer"] = False
    if seed is not None:
        torch.manual_seed(seed)
    torch_dtype = resolve_dtype(dtype) if dtype else None
    previous = torch.get_default_dtype()
    try:
        if torch_dtype is not None and torch_dtype.is_floating_point:
            torch.set_default_dtype(torch_dtype)
        with torch.device(device), skip_init_on_meta(device):
            model = cls(config, **kwargs)
    finally:
        torch.set_default_dtype(previous)
    return model


@contextmanager
def skip_init_on_meta(device: str) -> Iterator[None]:
    """On the meta device, skip weight initialisation (there are no values to initialise).

    ``torch.nn.init`` functions still dispatch on meta tensors (transformers skips its own model-level
    init on meta, but not the per-layer ``reset_parameters``); replacing them by an identity makes
    counting about twice as fast. Weight tying is untouched.
    """
    if device != "meta":
        yield
        return
    import torch.nn.init as init
    import transformers.initialization  # noqa: F401 - its table of torch.nn.init functions
    # is taken at import: imported inside the patch it would keep the stubs for good

    def keep(tensor: Any = None, *args: Any, **kwargs: Any) -> Any:
        return tensor

    names = [n for n in dir(init) if n.endswith("_") and not n.startswith("_")]
    saved = {n: getattr(init, n) for n in names}
    try:
        for n in names:
            setattr(init, n, keep)
        yield
    finally:
        for n, f in saved.items():
            setattr(init, n, f)


def resolve_dtype(name: str) -> Any:
    import torch

    table = {
        "fp32": torch.float32,
        "float32": torch.float32,
        "bf16": torch.bfloat16,
        "bfloat16": torch.bfloat16,
        "fp16": torch.float16,
        "float16": torch.float16,
    }
    if name not in table:
        raise ConfigError(f"unknown dtype '{name}'; use one of {', '.join(table)}")
    return table[name]


def dimensions(config: Any) -> Dimensions:
    """Hidden size, FFN size, heads, layers... of a transformers config, whatever its field names."""
    mt = config.model_type
    hidden = int(config.hidden_size)
    heads = int(config.num_attention_heads)
    if mt == "t5":
        ffn = int(config.d_ff)
        head_dim = int(config.d_kv)
        enc, dec = int(config.num_layers), int(config.num_decoder_layers or config.num_layers)
        gated = str(getattr(config, "feed_forward_proj", "relu")).startswith("gated")
    elif mt in ("bart", "plbart", "mbart"):
        ffn = int(config.encoder_ffn_dim)
        head_dim = hidden // heads
        enc, dec = int(config.encoder_layers), int(config.decoder_layers)
        gated = False
    else:
        ffn_value = (
            getattr(config, "intermediate_size", None)
            or getattr(config, "ffn_dim", None)
            or getattr(config, "n_inner", None)
        )
        ffn = int(ffn_value) if ffn_value else 4 * hidden
        head_dim = int(getattr(config, "head_dim", None) or hidden // heads)
        enc, dec = 0, int(config.num_hidden_layers)
        gated = mt in ("llama", "mistral", "qwen2")
        if mt in ("roberta", "bert"):
            enc, dec = dec, 0
    if getattr(config, "multi_query", False):
        kv = 1
    else:
        kv = int(getattr(config, "num_key_value_heads", None) or heads)
    return Dimensions(
        model_type=mt,
        hidden=hidden,
        ffn=ffn,
        heads=heads,
        kv_heads=kv,
        head_dim=head_dim,
        vocab=int(config.vocab_size),
        encoder_layers=enc,
        decoder_layers=dec,
        gated_mlp=gated,
        tied_embeddings=bool(getattr(config, "tie_word_embeddings", False)),
        is_encoder_decoder=bool(getattr(config, "is_encoder_decoder", False)),
        has_lm_head=mt not in ("roberta", "bert"),
    )


def max_positions(config: Any) -> int | None:
    """Longest input the model's position embeddings allow (None: relative/rotary positions)."""
    mt = config.model_type
    if mt == "t5":
        return None  # relative position buckets
    if mt in ("llama", "codegen"):
        return None  # rotary: no position parameters (max_position_embeddings is a soft limit)
    value = getattr(config, "max_position_embeddings", None)
    if value is None:
        return None
    if mt in ("roberta", "bert"):
        return int(value) - (
            2 if mt == "roberta" else 0
        )  # RoBERTa offsets positions by padding_idx+1
    return int(value)


def check_sequence_fits(config: Any, tokens: int, *, virtual_tokens: int = 0) -> None:
    """Raise a ConfigError when ``tokens`` (+ soft-prompt tokens) exceed the position embeddings."""
    limit = max_positions(config)
    if limit is not None and tokens + virtual_tokens > limit:
        extra = f" + {virtual_tokens} virtual tokens" if virtual_tokens else ""
        raise ConfigError(
            f"{tokens} tokens{extra} exceed the {limit} positions of this {config.model_type} model; "
            f"use seq_len <= {limit - virtual_tokens}"
        )
