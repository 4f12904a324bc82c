"""Smoke matrix: every architecture kind x every method trains a few steps and evaluates.

Tiny random-initialised models (``architecture: ... tiny: true``, byte-level tokens), 2 steps,
a handful of stdlib examples: this checks that each combination runs end to end through the
runner (preflight, peft/adapters, accelerate loop, evaluation with registry metrics, results
JSON), not what it scores.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from . import train_specs as S

# minutes of CPU training in all: outside `make test-fast`
pytestmark = pytest.mark.slow

ALL_METHODS = {"full", "lora", "adalora", "ia3", "prefix", "prompt", "ptuning", "adapter", "bitfit"}


def _run(path: Path, tmp: Path) -> dict:
    from slr.reproduce import RunOptions, run

    options = RunOptions(workdir=tmp / "runs", results_dir=tmp / "results")
    doc = run(path, options).model_dump(mode="json")
    return {**doc, "_path": str(tmp / "results" / f"{path.stem}.json")}


def _check_document(doc: dict, expected_arms: set[str], metric_keys: set[str]) -> None:
    arms = {a["name"]: a for a in doc["arms"]}
    assert set(arms) == expected_arms
    full = arms.get("full")
    for name, arm in arms.items():
        assert set(arm["summary"]) == metric_keys, name
        for key, s in arm["summary"].items():
            assert math.isfinite(s["mean"]), (name, key)
        for job in arm["jobs"]:
            assert job["final_loss"] is not None and math.isfinite(job["final_loss"]), name
        if full is not None and name != "full":
            # every PEFT arm trains fewer parameters than full fine-tuning
            assert arm["trainable_percent_of_base"] < full["trainable_percent_of_base"], name
    assert doc["manifest"]["spec"]["title"].startswith("smoke")
    assert Path(doc["_path"]).is_file()
    assert json.loads(Path(doc["_path"]).read_text())["spec"] == doc["spec"]


def _prefix_tuning_reaches_encoder_backbones() -> bool:
    """Does peft's prefix forward accept an encoder-only classifier under the installed versions?

    Under transformers 5.24 with peft 0.21 it does not (the backbones' ``past_key_values`` argument
    became ``cache``); under the lowest supported versions (``make test-lowest``) it does.
    """
    from slr.reproduce.architectures import architecture
    from slr.reproduce.methods import MethodNotApplicable, apply_method, method_config
    from slr.reproduce.runtime.building import Head, build_model

    model = build_model(architecture("CodeBERT"), head=Head(kind="classification"), tiny=True)
    try:
        apply_method(model, method_config("Prefix Tuning", num_virtual_tokens=4))
    except MethodNotApplicable:
        return False
    return True


def test_encoder_only_classification_and_search_every_method(tmp_path):
    from slr.errors import ValidationError

    tasks = S.defect_task() + S.search_task()
    if _prefix_tuning_reaches_encoder_backbones():
        arms, methods = S.ARMS, ALL_METHODS
    else:
        # refused by the pre-flight check, before anything trains, with the versions and a fix
        prefix_only = "  - {name: prefix, method: Prefix Tuning, params: {num_virtual_tokens: 4}}\n"
        path = S.write(
            tmp_path,
            "enc-prefix",
            S.spec_text("{architecture: CodeBERT, tiny: true}", tasks, prefix_only),
        )
        with pytest.raises(ValidationError) as err:
            _run(path, tmp_path)
        message = str(err.value)
        assert "arm 'prefix'" in message and "past_key_values" in message
        assert "transformers<5.24" in message and "enc-prefix.yaml:" in message
        assert not (tmp_path / "results").exists() or not any((tmp_path / "results").iterdir())
        arms = "\n".join(ln for ln in S.ARMS.splitlines() if "name: prefix" not in ln)
        methods = ALL_METHODS - {"prefix"}
    path = S.write(
        tmp_path, "enc", S.spec_text("{architecture: CodeBERT, tiny: true}", tasks, arms)
    )
    doc = _run(path, tmp_path)
    _check_document(
        doc, methods, {"defect-detection:accuracy", "defect-detection:f1", "code-search:mrr"}
    )


def test_decoder_only_generation_every_method_and_multitask(tmp_path):
    arms = S.ARMS + "  - {name: mt-lora, method: LoRA, params: {r: 2}, multitask: true}\n"
    path = S.write(
        tmp_path,
        "dec",
        S.spec_text(
            "{architecture: CodeGPT-small-py, tiny: true}",
            S.summarization_task() + S.generation_task(),
            arms,
        ),
    )
    doc = _run(path, tmp_path)
    keys = {
        "summarize:codexglue_bleu",
        "summarize:rouge_l",
        "summarize:chrf",
        "generate:chrf",
        "generate:exact_match",
    }
    _check_document(doc, ALL_METHODS | {"mt-lora"}, keys)
    mt = next(a for a in doc["arms"] if a["name"] == "mt-lora")
    # one job over both tasks (one shared adapter), trained on both tasks' examples
    assert [j["group"] for j in mt["jobs"]] == ["multitask"]
    assert mt["jobs"][0]["train_examples"] == 32
    single = next(a for a in doc["arms"] if a["name"] == "lora")
    assert sorted(j["group"] for j in single["jobs"]) == ["generate", "summarize"]


def test_encoder_decoder_generation_every_method(tmp_path):
    arms = "\n".join(line for line in S.ARMS.splitlines() if "bitfit" not in line)
    path = S.write(
        tmp_path,
        "t5",
        S.spec_text("{architecture: CodeT5-small, tiny: true}", S.summarization_task(), arms),
    )
    doc = _run(path, tmp_path)
    _check_document(
        doc,
        ALL_METHODS - {"bitfit"},
        {"summarize:codexglue_bleu", "summarize:rouge_l", "summarize:chrf"},
    )


def test_encoder_decoder_bitfit_on_a_model_with_biases(tmp_path):
    # T5 has no bias terms (preflight refuses BitFit there, see test_train_spec); PLBART has them
    arms = "  - {name: full, method: Full Fine-Tuning}\n  - {name: bitfit, method: BitFit}\n"
    path = S.write(
        tmp_path,
        "plbart",
        S.spec_text("{architecture: PLBART-base, tiny: true}", S.summarization_task(), arms),
    )
    doc = _run(path, tmp_path)
    _check_document(
        doc, {"full", "bitfit"}, {"summarize:codexglue_bleu", "summarize:rouge_l", "summarize:chrf"}
    )


@pytest.mark.gpu
def test_qlora_on_cuda(tmp_path):
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("QLoRA needs a CUDA device")
    pytest.importorskip("bitsandbytes")
    arms = "  - {name: qlora, method: QLoRA, params: {r: 2}}\n"
    path = S.write(
        tmp_path,
        "qlora",
        S.spec_text("{architecture: CodeGPT-small-py, tiny: true}", S.summarization_task(), arms),
    )
    doc = _run(path, tmp_path)
    assert doc["arms"][0]["method"] == "QLoRA"


def test_models_built_after_a_meta_device_count_are_initialised():
    # regression: counting on the meta device (preflight) used to leave transformers' table of
    # torch.nn.init functions patched to no-ops when transformers.initialization was first
    # imported inside the patch, so later real models held uninitialised memory. A fresh
    # interpreter, so that nothing imported it before.
    import subprocess
    import sys

    code = """
import torch
from slr.reproduce.runtime.building import Head
from slr.reproduce.specs import ModelSpec
from slr.reproduce.train.models import build_meta, load_model, resolve_model
source = resolve_model(ModelSpec(offline="all-MiniLM-L6-v2"))
build_meta(source, Head(kind="classification"))
model = load_model(source, Head(kind="classification"), seed=0)
# a buffer from_pretrained re-creates with init.zeros_ (not in the checkpoint)
assert torch.all(model.bert.embeddings.token_type_ids == 0), "uninitialised buffer"
std = float(model.classifier.weight.std())  # the new head: normal(0, initializer_range=0.02)
assert 0.01 < std < 0.03, std
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_a_soft_prompt_trained_with_the_backbone_runs_end_to_end(tmp_path, monkeypatch):
    """``backbone: trained`` (PT4Code's prompt tuning, freeze_plm=False) through the runner: the
    model each job trains has every weight trainable, the prompt besides."""
    from slr.reproduce.train import jobs

    trained: dict[str, tuple[int, int]] = {}
    model_of = jobs.Session._model

    def spy(self, job):
        model, cfg = model_of(self, job)
        params = list(model.parameters())
        trained[job.plan.arm.name] = (sum(p.requires_grad for p in params), len(params))
        return model, cfg

    monkeypatch.setattr(jobs.Session, "_model", spy)
    arms = (
        "  - {name: full, method: Full Fine-Tuning}\n"
        "  - {name: prompt-ft, method: Prompt Tuning, params: {num_virtual_tokens: 4},\n"
        "     backbone: trained}\n"
    )
    text = S.spec_text("{architecture: CodeT5-small, tiny: true}", S.summarization_task(), arms)
    doc = _run(S.write(tmp_path, "backbone", text), tmp_path)
    arms_by_name = {a["name"]: a for a in doc["arms"]}
    assert (
        arms_by_name["prompt-ft"]["trainable_percent_of_base"]
        > arms_by_name["full"]["trainable_percent_of_base"]
    )
    for job in arms_by_name["prompt-ft"]["jobs"]:
        assert job["final_loss"] is not None and math.isfinite(job["final_loss"])
    n_trainable, n_all = trained["prompt-ft"]
    assert n_trainable == n_all and n_all > trained["full"][1]  # base weights + the prompt
