"""Base-model architectures as data: ``reproductions/models/<slug>.yaml``.

One small file per base model with a public architecture. It names the model as the taxonomy does
(``taxonomy_model:``; the taxonomy already carries the hub id and the published parameter count),
gives the transformers ``model_type``, the class to build and the config values, and cites where each
value comes from (``sources:``, with a status: confirmed / partial / unconfirmed).

:func:`build_model` turns a spec into a transformers model on the meta device (no weights, no
download: parameter counts and shapes only) or with random weights on a real device (memory and
speed do not depend on the weights' values). :func:`tiny_overrides` shrinks any architecture to a
few thousand parameters while keeping its family traits (GQA, multi-query, gated MLP, tied
embeddings), for tests and CPU runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from slr.errors import ConfigError, ValidationReport
from slr.paths import reproductions_dir
from slr.validation import validate_item
from slr.yamlio import load_yaml, pop_line, strip_lines

Status = Literal["confirmed", "partial", "unconfirmed"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ValueSource(_Strict):
    """Where some config values come from."""

    keys: list[str] = Field(description="config keys this source covers; ['*'] for all of them")
    status: Status
    source: str


class SizeCheck(_Strict):
    """What the published-size test expects.

    ``match``: the built model's total parameters equal the taxonomy's published count within its
    rounding. ``mismatch``: a documented disagreement (the explanation says why); the test then
    asserts the disagreement, so that fixing the config turns it into a visible change.
    """

    expect: Literal["match", "mismatch"] = "match"
    explanation: str = ""


class ArchitectureSpec(_Strict):
    """One file of ``reproductions/models/``."""

    taxonomy_model: str
    model_type: str
    model_class: str = Field(
        description="transformers class built for counting: the backbone for encoder models "
        "(the published sizes count it), the LM class for generative models"
    )
    config: dict[str, Any]
    sources: list[ValueSource]
    size_check: SizeCheck = SizeCheck()
    notes: str = ""

    @property
    def name(self) -> str:
        return self.taxonomy_model


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


def slug(name: str) -> str:
    """File name of a model's spec: ``CodeT5+ 220M`` -> ``codet5p-220m``, ``DeepSeek-Coder-1.3B`` -> ``deepseek-coder-1-3b``."""
    text = name.replace("+", "p").casefold()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def models_dir(root: Path | None = None) -> Path:
    return reproductions_dir(root) / "models"


def load_architectures(
    root: Path | None = None, *, check_transformers: bool = True
) -> dict[str, ArchitectureSpec]:
    """Every spec of ``reproductions/models/``, keyed by canonical model name.

    All problems of all files are collected into one report: unknown keys, a model the taxonomy
    does not know, a config key with no source, a config key transformers does not know (a typo
    would otherwise be accepted silently), a file name that does not match the model.
    """
    folder = models_dir(root)
    return dict(_load_cached(folder.resolve(), check_transformers))


@lru_cache(maxsize=4)
def _load_cached(
    folder: Path, check_transformers: bool
) -> tuple[tuple[str, ArchitectureSpec], ...]:
    from slr.taxonomy import load_taxonomy

    tax = load_taxonomy(folder.parent.parent / "taxonomy")
    report = ValidationReport()
    out: dict[str, ArchitectureSpec] = {}
    files = sorted(folder.glob("*.yaml"))
    if not files:
        report.add(
            folder, "no model specs found", fix="add reproductions/models/<model>.yaml files"
        )
    for path in files:
        raw = load_yaml(path)
        if not isinstance(raw, dict):
            report.add(
                path, "expected a mapping with taxonomy_model, model_type, config...", line=1
            )
            continue
        line = pop_line(raw)
        spec = validate_item(
            ArchitectureSpec,
            strip_lines(raw),
            report=report,
            file=path,
            line=line,
            what="model spec",
        )
        if spec is None:
            continue
        canon = tax.vocab["models"].resolve(spec.taxonomy_model)
        if canon is None:
            msg, fix = tax.vocab["models"].unknown_message(spec.taxonomy_model)
            report.add(path, f"taxonomy_model: {msg}", line=line, fix=fix)
            continue
        if canon != spec.taxonomy_model:
            report.add(
                path,
                f"taxonomy_model '{spec.taxonomy_model}' is a spelling of '{canon}'",
                line=line,
                fix=f"write the canonical name '{canon}'",
            )
            continue
        if path.stem != slug(canon):
            report.add(
                path,
                "file name does not match the model",
                line=line,
                fix=f"rename it to {slug(canon)}.yaml",
            )
        if canon in out:
            report.add(path, f"second spec for '{canon}'", line=line, fix="keep one file per model")
        covered = {k for s in spec.sources for k in s.keys}
        if "*" not in covered:
            for key in spec.config:
                if key not in covered:
                    report.add(
                        path,
                        f"config key '{key}' has no source",
                        line=line,
                        fix="list it under sources: (with its status) or use keys: ['*']",
                    )
        for key in covered - set(spec.config) - {"*"}:
            report.add(
                path, f"sources name '{key}', which is not in config", line=line, fix="remove it"
            )
        if check_transformers:
            for problem in _transformers_problems(spec):
                report.add(path, problem, line=line)
        out[canon] = spec
    report.raise_if_any("reproductions/models")
    return tuple(out.items())


def _transformers_problems(spec: ArchitectureSpec) -> list[str]:
    import dataclasses

    import transformers
    from transformers import CONFIG_MAPPING

    if spec.model_type not in CONFIG_MAPPING:
        return [
            f"model_type '{spec.model_type}' is unknown to transformers {transformers.__version__}"
        ]
    problems = []
    if not hasattr(transformers, spec.model_class):
        problems.append(f"model_class '{spec.model_class}' is not a transformers class")
    cfg_cls = CONFIG_MAPPING[spec.model_type]
    known = (
        {f.name for f in dataclasses.fields(cfg_cls)} if dataclasses.is_dataclass(cfg_cls) else None
    )
    if known is not None:
        known |= set(getattr(cfg_cls, "attribute_map", {}))
        for key in spec.config:
            if key not in known:
                problems.append(
                    f"config key '{key}' is not a field of {cfg_cls.__name__}; check its spelling"
                )
    if not problems:
        level = transformers.logging.get_verbosity()
        transformers.logging.set_verbosity_error()
        try:
            cfg_cls(**spec.config)
        except Exception as err:  # transformers validates types (strict dataclasses)
            first = str(err).strip().splitlines()
            problems.append(f"transformers rejects the config: {' '.join(first[-2:])}")
        finally:
            transformers.logging.set_verbosity(level)
    return problems


def architecture(name: str, root: Path | None = None) -> ArchitectureSpec:
    """The spec of one model, by any spelling the taxonomy knows; unknown -> suggestions."""
    from slr.taxonomy import load_taxonomy

    archs = load_architectures(root)
    tax = load_taxonomy(None if root is None else root / "taxonomy")
    canon = tax.vocab["models"].resolve(name)
    if canon in archs:
        return archs[canon]
    if canon is not None:
        raise ConfigError(
            f"model '{name}' ({canon}) has no architecture spec in reproductions/models/; "
            f"add {slug(canon)}.yaml (known: {', '.join(archs)})"
        )
    msg, fix = tax.vocab["models"].unknown_message(name)
    raise ConfigError(f"{msg}; {fix}")


def tiny_overrides(spec: ArchitectureSpec) -> dict[str, Any]:
    """Config overrides that shrink ``spec`` to a tiny model of the same family."""
    if spec.model_type not in _TINY:
        raise ConfigError(
            f"no tiny configuration for model_type '{spec.model_type}' ({spec.name}); "
            "add one to slr/reproduce/architectures.py:_TINY"
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
    return cls


def peft_task_type(cls: type) -> str:
    """peft's task type for a model class (FEATURE_EXTRACTION for bare backbones)."""
    for suffix, task in _TASK_TYPES.items():
        if cls.__name__.endswith(suffix):
            return task
    return "FEATURE_EXTRACTION"


def build_model(
    spec: ArchitectureSpec,
    *,
    device: str = "meta",
    dtype: str | None = None,
    overrides: dict[str, Any] | None = None,
    tiny: bool = False,
    head: str = "base",
    num_labels: int = 2,
    pooler: bool = True,
    seed: int | None = None,
) -> Any:
    """A transformers model of ``spec``: on ``meta`` (shapes only) or random weights on a device.

    ``head='base'`` builds ``spec.model_class``; ``head='classification'`` the matching
    *ForSequenceClassification class with ``num_labels``. ``pooler=False`` drops the pooler of
    encoder backbones (RobertaModel(add_pooling_layer=False)).
    """
    import torch

    config = make_config(spec, overrides, tiny=tiny)
    if head == "classification":
        config.num_labels = num_labels
    cls = model_class(spec, head)
    kwargs: dict[str, Any] = {}
    if not pooler:
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


def published_tolerance(published: int) -> int:
    """Allowed |computed - published| for a published (rounded) size.

    One unit of the last significant digit: "125M" -> 1M, "6.7B" -> 100M, "220M" -> 10M. A figure
    rounded to the nearest unit is off by at most half a unit, a truncated one ("2.7B" for 2.78B)
    by less than one unit; one unit accepts both conventions and nothing coarser.
    """
    unit = 1
    value = published
    while value and value % 10 == 0:
        value //= 10
        unit *= 10
    return unit
