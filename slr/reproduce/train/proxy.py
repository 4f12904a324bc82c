"""Small code models pretrained here, offline, on the Python standard library: *proxies*.

No pretrained generative code model ships inside a PyPI package, so generative claims are
tested on small models pretrained here for a few CPU minutes. They are a **small-scale proxy**:
their results say how methods compare on a small model that knows some code, never what the
papers' models (CodeT5, CodeLlama...) do. Every result of a spec that uses one says so.

Recipes (:data:`RECIPES`): a GPT-2-architecture decoder (causal LM on contiguous chunks) and a
T5-architecture encoder-decoder (half T5 span corruption - 15 % noise, mean span 3 - and half
prefix LM: first half of a chunk in, the rest out), each with a
byte-level BPE tokenizer trained on the same text. The pretraining text is the standard library's
source (the files :mod:`slr.evaluate.datasets.stdlib_pairs` mines) **minus every function in the
valid and test splits of the two offline stdlib sets**, so evaluation functions are never seen
in pretraining (training-split functions are, as in real pretraining corpora).

Pretraining is deterministic for a seed on one machine, resumable (the training loop's
checkpoints), and cached: ``<cache>/proxy/<name>-<recipe hash>/`` holds a ``save_pretrained``
folder plus ``recipe.json`` (recipe, corpus size, losses, time). ``slr reproduce pretrain-proxy NAME``
builds it ahead of a run; a run builds it on first use.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from slr.errors import ConfigError


@dataclass(frozen=True)
class ProxyRecipe:
    name: str
    model_type: str  # "gpt2" | "t5" | "llama"
    config: dict[str, Any]
    description: str
    architecture: str | None = None  # start from reproductions/models/<this> (config overrides)
    precision: str = "fp32"  # bf16 for the GPU recipes (accelerate mixed precision)
    vocab_size: int = 2048
    seq_len: int = 128
    steps: int = 400
    batch_size: int = 16
    threads: int = 1  # torch CPU threads (fixed: CPU results depend on the thread count)
    lr: float = 1e-3
    corpus_chars: int = 8_000_000
    seed: int = 0
    noise_density: float = 0.15
    mean_span: float = 3.0
    prefix_lm: float = 0.0  # T5: share of chunks trained as prefix LM (first half -> the rest)
    extra: dict[str, Any] = field(default_factory=dict)

    def digest(self) -> str:
        values = asdict(self)
        for key, default in _OPTIONAL_AT_DEFAULT.items():  # fields added later: a recipe that
            if values.get(key) == default:  # leaves them at their default keeps its digest
                values.pop(key)
        text = json.dumps(values, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:10]


_OPTIONAL_AT_DEFAULT: dict[str, Any] = {"architecture": None, "precision": "fp32", "prefix_lm": 0.0}

RECIPES: dict[str, ProxyRecipe] = {
    r.name: r
    for r in (
        ProxyRecipe(
            name="stdlib-gpt2",
            model_type="gpt2",
            config=dict(n_embd=128, n_layer=4, n_head=4, n_positions=256, n_inner=512),
            description="GPT-2 architecture (CodeGPT family), 4 layers, hidden 128, causal LM",
        ),
        # GPU recipes (item 9 of issue 5): real small architectures, the whole corpus, bf16
        ProxyRecipe(
            name="stdlib-codet5-small",
            model_type="t5",
            architecture="CodeT5-small",
            config={},
            description="CodeT5-small architecture (6+6 layers, hidden 512), span corruption; "
            "for a GPU (about 5 min on one H100)",
            vocab_size=16384,
            seq_len=256,
            steps=3000,
            batch_size=64,
            lr=5e-4,
            corpus_chars=40_000_000,
            precision="bf16",
        ),
        ProxyRecipe(
            name="stdlib-llama-small",
            model_type="llama",
            architecture="DeepSeek-Coder-1.3B",
            config=dict(
                hidden_size=512,
                num_hidden_layers=8,
                num_attention_heads=8,
                num_key_value_heads=8,
                intermediate_size=1408,
                max_position_embeddings=1024,
            ),
            description="DeepSeek-Coder (Llama) family shape scaled to 8 layers x 512 "
            "(nn.Linear layers: QLoRA can quantize them), causal LM; for a GPU",
            vocab_size=16384,
            seq_len=256,
            steps=3000,
            batch_size=64,
            lr=5e-4,
            corpus_chars=40_000_000,
            precision="bf16",
        ),
        ProxyRecipe(
            name="stdlib-t5",
            model_type="t5",
            config=dict(
                d_model=128,
                d_kv=32,
                d_ff=512,
                num_layers=3,
                num_decoder_layers=3,
                num_heads=4,
                feed_forward_proj="relu",
                dropout_rate=0.1,
            ),
            description="T5 architecture (CodeT5 family), 3+3 layers, hidden 128; half span "
            "corruption, half prefix LM (the decoder learns to write fluent continuations)",
            prefix_lm=0.5,
        ),
    )
}


def recipe(name: str) -> ProxyRecipe:
    if name not in RECIPES:
        raise ConfigError(f"unknown proxy model '{name}'; known: {', '.join(RECIPES)}")
    return RECIPES[name]


def proxy_config(name: str) -> Any:
    """The transformers config of a proxy (no weights needed: preflight, counting)."""
    from transformers import AutoConfig

    from slr.reproduce.train.tokenization import BOS_ID, EOS_ID, PAD_ID

    r = recipe(name)
    ids: dict[str, Any] = dict(pad_token_id=PAD_ID, bos_token_id=BOS_ID, eos_token_id=EOS_ID)
    if r.model_type == "t5":
        ids["decoder_start_token_id"] = PAD_ID
    values: dict[str, Any] = {}
    if r.architecture is not None:
        from slr.reproduce.architectures import architecture

        values.update(architecture(r.architecture).config)
    values.update(r.config)
    values.update(vocab_size=r.vocab_size, **ids)
    values.pop("tie_word_embeddings", None) if r.model_type == "t5" else None
    return AutoConfig.for_model(r.model_type, **values)


def proxy_dir(name: str) -> Path:
    from slr.evaluate.cache import cache_dir

    r = recipe(name)
    return cache_dir() / "proxy" / f"{r.name}-{r.digest()}"


def ensure_proxy(name: str, *, progress: Any = None) -> Path:
    """The folder of the pretrained proxy, pretraining it first if it is not cached."""
    folder = proxy_dir(name)
    if (folder / "recipe.json").is_file():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with _lock(folder.parent / f".{folder.name}.lock"):
        if not (folder / "recipe.json").is_file():
            pretrain(name, folder, progress=progress)
    return folder


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    import fcntl

    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# --- the pretraining corpus ---------------------------------------------------------------------


def held_out_functions() -> set[str]:
    """Ids (module:qualname) of every function in the valid/test splits of the stdlib sets."""
    from slr.evaluate.datasets import load_dataset

    out: set[str] = set()
    docs = load_dataset("stdlib-docstrings")
    defects = load_dataset("stdlib-defects")
    for split in ("valid", "test"):
        out.update(docs.splits[split]["id"].astype(str))
        out.update(defects.splits[split]["function"].astype(str))
    return out


def corpus_texts(max_chars: int) -> tuple[list[str], dict[str, int]]:
    """Standard-library files without the held-out functions (sorted by path), up to max_chars."""
    from slr.evaluate.datasets.stdlib_pairs import _functions, _module_name, stdlib_files

    held = held_out_functions()
    texts, total, removed, files = [], 0, 0, 0
    for path in stdlib_files():
        try:
            text = path.read_text(encoding="utf-8")
            tree = ast.parse(text)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        module = _module_name(path)
        lines = text.splitlines(keepends=True)
        drop: set[int] = set()
        for qualname, node in _functions(tree):
            if f"{module}:{qualname}" in held:
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                drop.update(range(first - 1, node.end_lineno or node.lineno))
                removed += 1
        kept = "".join(line for i, line in enumerate(lines) if i not in drop)
        if total + len(kept) > max_chars:
            kept = kept[: max_chars - total]
        texts.append(kept)
        total += len(kept)
        files += 1
        if total >= max_chars:
            break
    return texts, {"files": files, "chars": total, "held_out_functions_removed": removed}


def _chunks(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids) - size + 1, size)]


def span_corrupt(
    tokens: list[int], rng: Any, density: float, mean_span: float, sentinels: list[int], eos: int
) -> tuple[list[int], list[int]]:
    """T5 span corruption of one chunk: (input with sentinels, target of sentinel + span...)."""
    n = len(tokens)
    n_noise = max(1, round(n * density))
    n_spans = max(1, min(len(sentinels), round(n_noise / mean_span)))

    def segments(total: int, parts: int) -> list[int]:
        cuts = (
            sorted(rng.choice(range(1, total), size=parts - 1, replace=False)) if parts > 1 else []
        )
        bounds = [0, *cuts, total]
        return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]

    noise = segments(n_noise, n_spans)
    keep = segments(n - n_noise, n_spans)
    inp, tgt, pos = [], [], 0
    for i in range(n_spans):
        inp.extend(tokens[pos : pos + keep[i]])
        pos += keep[i]
        inp.append(sentinels[i])
        tgt.append(sentinels[i])
        tgt.extend(tokens[pos : pos + noise[i]])
        pos += noise[i]
    return inp + [eos], tgt + [eos]


def pretrain(name: str, folder: Path, *, progress: Any = None) -> dict[str, Any]:
    """Pretrain proxy ``name`` into ``folder`` (resumable through checkpoints)."""
    import numpy as np
    import torch
    import transformers

    from slr.reproduce.specs.train import TrainingLoop
    from slr.reproduce.train.checkpoint import CheckpointStore
    from slr.reproduce.train.data import BatchPlan, collate
    from slr.reproduce.train.loop import StepFunctions, make_accelerator, run_loop
    from slr.reproduce.train.tokenization import N_SENTINELS, train_bpe

    r = recipe(name)
    t0 = time.perf_counter()
    if not torch.cuda.is_available():
        torch.set_num_threads(r.threads)
    texts, corpus = corpus_texts(r.corpus_chars)
    work = folder.parent / f".{folder.name}.work"
    work.mkdir(parents=True, exist_ok=True)
    tok_dir = work / "tokenizer"
    if (tok_dir / "tokenizer.json").is_file():
        tokenizer = transformers.AutoTokenizer.from_pretrained(tok_dir, local_files_only=True)
    else:
        tokenizer = train_bpe(texts, r.vocab_size)
        tokenizer.save_pretrained(tok_dir)
    ids: list[int] = []
    for text in texts:
        ids.extend(tokenizer(text, add_special_tokens=False)["input_ids"])
        ids.append(tokenizer.eos_token_id)
    rng = np.random.default_rng(r.seed)
    if r.model_type == "t5":
        vocab = tokenizer.get_vocab()
        sentinels = [int(vocab[f"<extra_id_{i}>"]) for i in range(N_SENTINELS)]
        items = []
        for chunk in _chunks(ids, r.seq_len):
            if rng.random() < r.prefix_lm:
                cut = len(chunk) // 2
                inp, tgt = chunk[:cut] + [tokenizer.eos_token_id], chunk[cut:]
            else:
                inp, tgt = span_corrupt(
                    chunk, rng, r.noise_density, r.mean_span, sentinels, tokenizer.eos_token_id
                )
            items.append({"input_ids": inp, "labels": tgt})
        head = "seq2seq"
    else:
        items = [{"input_ids": c, "labels": c} for c in _chunks(ids, r.seq_len)]
        head = "causal"
    config = proxy_config(name)
    transformers.set_seed(r.seed)
    cls = (
        transformers.AutoModelForSeq2SeqLM
        if head == "seq2seq"
        else transformers.AutoModelForCausalLM
    )
    model = cls.from_config(config)  # type: ignore[no-untyped-call]  # untyped in transformers
    training = TrainingLoop.model_validate(
        dict(
            max_steps=r.steps,
            batch_size=r.batch_size,
            lr=r.lr,
            warmup_ratio=0.05,
            scheduler="cosine",
            checkpoint_every=50,
            weight_decay=0.01,
            log_every=25,
        )
    )
    fingerprint = f"{name}-{r.digest()}"
    store = CheckpointStore(work, fingerprint)
    pad = tokenizer.pad_token_id

    def make_batch(idx: list[int]) -> dict[str, Any]:
        return collate(head, [items[i] for i in idx], pad)

    def loss(m: Any, b: dict[str, Any]) -> Any:
        return m(**b).loss

    step_cb = progress.step if progress is not None else None
    model, outcome = run_loop(
        model,
        training=training,
        total_steps=r.steps,
        plan=BatchPlan(len(items), r.batch_size, r.seed),
        fns=StepFunctions(make_batch, loss),
        accelerator=make_accelerator("fp32"),
        store=store,
        on_step=step_cb,
    )
    tmp = folder.parent / f".{folder.name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    info = {
        "recipe": asdict(r),
        "digest": r.digest(),
        "corpus": {**corpus, "tokens": len(ids), "examples": len(items)},
        "losses": outcome.losses,
        "seconds": round(time.perf_counter() - t0, 1),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "note": "small-scale proxy pretrained by slr on standard-library source; not a "
        "published model",
    }
    (tmp / "recipe.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(tmp, folder)
    shutil.rmtree(work, ignore_errors=True)
    return info
