"""Models for training runs: resolve a spec's ``model:`` to a config, a tokenizer and weights.

Every source ends as a transformers model of one of four heads
(:class:`~slr.reproduce.runtime.building.Head`):

* ``classification``: ``AutoModelForSequenceClassification`` (defect and clone detection);
* ``encoder``: ``AutoModel`` without pooler (code search: mean-pooled embeddings, encoder-only);
* ``causal``: ``AutoModelForCausalLM`` (generative tasks on decoder-only models);
* ``seq2seq``: ``AutoModelForSeq2SeqLM`` (generative tasks on encoder-decoder models).

:func:`load_config` reads only the configuration (no weights): preflight checks and parameter
counts on the meta device use it. :func:`load_model` builds the real model, seeded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from slr.errors import ConfigError, SlrError
from slr.reproduce.runtime.building import Head
from slr.reproduce.specs.train import ModelSpec

Kind = Literal["encoder-only", "decoder-only", "encoder-decoder"]

_ENCODER_TYPES = {
    "bert",
    "roberta",
    "xlm-roberta",
    "distilbert",
    "electra",
    "deberta",
    "deberta-v2",
}


class ModelUnavailableError(SlrError):
    """The model cannot be found or loaded here (unknown id, offline, missing folder)."""


@dataclass
class ModelSource:
    """A resolved ``model:``: its config, how to load weights, and its tokenizer."""

    spec: ModelSpec
    config: Any
    kind: Kind
    pretrained_path: str | None  # from_pretrained argument (None: random init from config)
    tokenizer_path: str | None  # None: the byte-level tokenizer
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.spec.label()


def architecture_kind(config: Any) -> Kind:
    if getattr(config, "is_encoder_decoder", False):
        return "encoder-decoder"
    if config.model_type in _ENCODER_TYPES:
        return "encoder-only"
    return "decoder-only"


def resolve_model(ms: ModelSpec, base_dir: Path | None = None) -> ModelSource:
    """Config and loading plan of ``ms``; unknown or unreachable models raise before training."""
    from transformers import AutoConfig

    if ms.offline:
        from slr.reproduce.encoder import offline_encoder_path

        path = str(offline_encoder_path())
        config = AutoConfig.from_pretrained(path, local_files_only=True)
        return ModelSource(ms, config, architecture_kind(config), path, path)
    if ms.architecture:
        from slr.reproduce.architectures import architecture
        from slr.reproduce.runtime.building import make_config
        from slr.reproduce.train.tokenization import (
            byte_tokenizer,
            byte_vocab_size,
            set_special_ids,
        )

        arch = architecture(ms.architecture)
        overrides = dict(ms.overrides)
        if ms.tiny:
            overrides.setdefault("vocab_size", byte_vocab_size())
        config = make_config(arch, overrides, tiny=ms.tiny)
        if int(config.vocab_size) < byte_vocab_size():
            raise ConfigError(
                f"model {ms.architecture}: vocab_size {config.vocab_size} is smaller than the "
                f"byte-level tokenizer ({byte_vocab_size()}); set overrides: {{vocab_size: "
                f"{byte_vocab_size()}}}"
            )
        set_special_ids(config, byte_tokenizer())
        return ModelSource(
            ms,
            config,
            architecture_kind(config),
            None,
            None,
            ["random initialisation (seeded); byte-level tokenizer"],
        )
    if ms.proxy:
        from slr.reproduce.train.proxy import proxy_config

        config = proxy_config(ms.proxy)
        for key, value in ms.overrides.items():
            setattr(config, key, value)
        return ModelSource(
            ms,
            config,
            architecture_kind(config),
            f"proxy:{ms.proxy}",
            f"proxy:{ms.proxy}",
            [
                "small code model pretrained here on standard-library source "
                "(small-scale proxy, not a paper's model)"
            ],
        )
    if ms.path:
        folder = Path(ms.path)
        if not folder.is_absolute() and base_dir is not None:
            folder = base_dir / folder
        if not (folder / "config.json").is_file():
            raise ModelUnavailableError(
                f"model path {folder} has no config.json; give a folder written by "
                "save_pretrained (config.json, weights, tokenizer files)"
            )
        config = AutoConfig.from_pretrained(folder, local_files_only=True)
        return ModelSource(ms, config, architecture_kind(config), str(folder), str(folder))
    assert ms.hub is not None
    config = _hub_config(ms.hub, ms.revision)
    return ModelSource(ms, config, architecture_kind(config), ms.hub, ms.hub)


def _hub_config(hub_id: str, revision: str | None) -> Any:
    from transformers import AutoConfig

    try:
        return AutoConfig.from_pretrained(hub_id, revision=revision, local_files_only=True)
    except (OSError, ValueError):
        pass
    if os.environ.get("HF_HUB_OFFLINE") == "1":
        raise ModelUnavailableError(
            f"model '{hub_id}' is not in the local Hugging Face cache and HF_HUB_OFFLINE=1; "
            "download it on a connected machine (huggingface-cli download) or use path:"
        )
    try:
        return AutoConfig.from_pretrained(hub_id, revision=revision)
    except (OSError, ValueError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ModelUnavailableError(
            f"cannot load model '{hub_id}' from the hub ({first}); check the id "
            "(owner/name), the network, or give a local path:"
        ) from None


def head_for(task_kind: str, kind: Kind) -> Head:
    """The head a task needs on an architecture kind (errors for pairs that do not fit)."""
    if task_kind in ("classification", "pair-classification"):
        return Head(kind="classification")
    if task_kind == "search":
        if kind != "encoder-only":
            raise ConfigError(
                f"code search runs on encoder-only models here (bi-encoder, mean pooling); "
                f"this model is {kind}"
            )
        # token states are pooled here: an unused pooler would get no gradient, which
        # AdaLoRA's rank allocation cannot handle
        return Head(kind="encoder", pooler=False)
    if kind == "encoder-only":
        raise ConfigError(
            "generative tasks need a decoder-only or encoder-decoder model; this model is "
            "encoder-only"
        )
    return Head(kind="seq2seq") if kind == "encoder-decoder" else Head(kind="causal")


def _auto_class(head: Head) -> Any:
    import transformers

    return {
        "classification": transformers.AutoModelForSequenceClassification,
        "encoder": transformers.AutoModel,
        "causal": transformers.AutoModelForCausalLM,
        "seq2seq": transformers.AutoModelForSeq2SeqLM,
    }[head.kind]


def _head_config(source: ModelSource, head: Head) -> Any:
    import copy

    config = copy.deepcopy(source.config)
    if head.kind == "classification":
        config.num_labels = head.num_labels
        if getattr(config, "pad_token_id", None) is None:
            config.pad_token_id = getattr(config, "eos_token_id", None)
    return config


def _head_kwargs(source: ModelSource, head: Head) -> dict[str, Any]:
    """``pooler: false`` builds the encoders that have one without it."""
    if not head.pooler and source.config.model_type in ("bert", "roberta", "xlm-roberta"):
        return {"add_pooling_layer": False}
    return {}


def build_meta(source: ModelSource, head: Head) -> Any:
    """The model on the meta device (shapes only): parameter counts and method checks."""
    import torch

    from slr.reproduce.runtime.building import skip_init_on_meta

    config = _head_config(source, head)
    with torch.device("meta"), skip_init_on_meta("meta"):
        return _auto_class(head).from_config(config, **_head_kwargs(source, head))


def load_model(source: ModelSource, head: Head, *, seed: int) -> Any:
    """The model with its weights (pretrained or seeded random), on CPU, in fp32."""
    import transformers

    transformers.set_seed(seed)
    cls = _auto_class(head)
    config = _head_config(source, head)
    path = source.pretrained_path
    if path is None:
        return cls.from_config(config, **_head_kwargs(source, head))
    if path.startswith("proxy:"):
        from slr.reproduce.train.proxy import ensure_proxy

        path = str(ensure_proxy(path.removeprefix("proxy:")))
    kwargs: dict[str, Any] = {"config": config, **_head_kwargs(source, head)}
    if source.spec.revision:
        kwargs["revision"] = source.spec.revision
    local = source.spec.hub is None or os.environ.get("HF_HUB_OFFLINE") == "1"
    try:
        return cls.from_pretrained(path, local_files_only=local, **kwargs)
    except OSError as err:
        raise ModelUnavailableError(f"cannot load weights of {source.label}: {err}") from None


def load_tokenizer(source: ModelSource) -> Any:
    """The model's tokenizer (a pad token is set when the tokenizer has none)."""
    from slr.reproduce.train.tokenization import byte_tokenizer

    path = source.tokenizer_path
    if path is None:
        return byte_tokenizer()
    if path.startswith("proxy:"):
        from slr.reproduce.train.proxy import ensure_proxy

        path = str(ensure_proxy(path.removeprefix("proxy:")))
    from transformers import AutoTokenizer

    local = source.spec.hub is None or os.environ.get("HF_HUB_OFFLINE") == "1"
    tok = AutoTokenizer.from_pretrained(path, local_files_only=local)
    if tok.pad_token_id is None:
        tok.pad_token = tok.eos_token
    return tok
