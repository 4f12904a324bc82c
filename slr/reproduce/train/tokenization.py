"""Tokenizers for models that have none: byte-level (random-init models) and BPE (proxies).

Both are Hugging Face fast tokenizers built with the ``tokenizers`` library, so the rest of the
code treats every model the same way (``tokenizer(text)``, ``decode``, ``save_pretrained``).
Special tokens take the first ids, in this order: ``<pad> <s> </s> <sep> <mask>``, then T5-style
sentinels ``<extra_id_0..N>`` (span-corruption pretraining of encoder-decoder proxies).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

SPECIALS = ("<pad>", "<s>", "</s>", "<sep>", "<mask>")
N_SENTINELS = 16
PAD_ID, BOS_ID, EOS_ID, SEP_ID, MASK_ID = range(len(SPECIALS))


def special_tokens() -> list[str]:
    return [*SPECIALS, *(f"<extra_id_{i}>" for i in range(N_SENTINELS))]


def byte_vocab_size() -> int:
    """Vocabulary of :func:`byte_tokenizer`: the specials plus 256 byte symbols."""
    return len(special_tokens()) + 256


def _wrap(tok: Any) -> Any:
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        pad_token="<pad>",
        bos_token="<s>",
        eos_token="</s>",
        sep_token="<sep>",
        mask_token="<mask>",
        additional_special_tokens=[f"<extra_id_{i}>" for i in range(N_SENTINELS)],
    )


def _train(texts: Iterable[str], vocab_size: int) -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=special_tokens(),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer)
    return tok


def byte_tokenizer() -> Any:
    """Byte-level tokenizer with no merges: any text, ``byte_vocab_size()`` ids."""
    return _wrap(_train([""], byte_vocab_size()))


def train_bpe(texts: Iterable[str], vocab_size: int) -> Any:
    """A byte-level BPE tokenizer trained on ``texts`` (deterministic for the same texts)."""
    if vocab_size <= byte_vocab_size():
        raise ValueError(f"vocab_size must exceed {byte_vocab_size()} (specials + bytes)")
    return _wrap(_train(texts, vocab_size))


def set_special_ids(config: Any, tokenizer: Any) -> None:
    """Make a model config agree with the tokenizer's special ids (random-init models)."""
    config.pad_token_id = tokenizer.pad_token_id
    if tokenizer.bos_token_id is not None:
        config.bos_token_id = tokenizer.bos_token_id
    if tokenizer.eos_token_id is not None:
        config.eos_token_id = tokenizer.eos_token_id
    if getattr(config, "is_encoder_decoder", False):
        config.decoder_start_token_id = tokenizer.pad_token_id
