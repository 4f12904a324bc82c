"""Broken specs, unknown datasets/models/methods, metrics that do not fit: one located report,
before any training starts."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slr.errors import SlrError, ValidationError

from . import train_specs as S

GOOD = S.spec_text(
    "{architecture: CodeBERT, tiny: true}",
    S.defect_task(),
    "  - {name: full, method: Full Fine-Tuning}\n  - {name: lora, method: LoRA}\n",
)


def _problems(err: ValidationError) -> list[str]:
    return [str(p) for p in err.problems]


def test_unknown_keys_and_bad_values_are_reported_together_with_their_lines(tmp_path):
    from slr.reproduce.specs import load_spec

    text = GOOD.replace("train_size: 16", "train_sise: 16").replace(
        "{name: lora, method: LoRA}", "{name: lora, method: LoRA, training: {lrr: 1}}"
    )
    text += "checks:\n  - {claim: X, arm: lora, baseline: full, metric: accuracy, relation: same}\n"
    path = S.write(tmp_path, "bad", text)
    with pytest.raises(ValidationError) as info:
        load_spec(path)
    problems = _problems(info.value)
    lines = text.splitlines()
    # each problem names the file and the line of the offending key (1-based)
    sise = next(i for i, ln in enumerate(lines, 1) if "train_sise" in ln)
    lrr = next(i for i, ln in enumerate(lines, 1) if "lrr" in ln)
    same = next(i for i, ln in enumerate(lines, 1) if "relation: same" in ln)
    assert len(problems) == 3
    assert any(
        f"bad.yaml:{sise}: unknown key 'train_sise'" in p and "train_size" in p for p in problems
    )
    assert any(f"bad.yaml:{lrr}:" in p and "unknown training key(s) ['lrr']" in p for p in problems)
    assert any(f"bad.yaml:{same}:" in p and "relation" in p for p in problems)


def test_cross_references_inside_the_file(tmp_path):
    from slr.reproduce.specs import load_spec

    text = GOOD.replace("seeds: [0]", "seeds: [0, 0]")
    text = text.replace(
        "{name: lora, method: LoRA}", "{name: lora, method: LoRA, multitask: true, tasks: [nope]}"
    )
    text += "checks:\n  - {claim: X, arm: lora, baseline: ful, metric: f1x, relation: better}\n"
    path = S.write(tmp_path, "refs", text)
    with pytest.raises(ValidationError) as info:
        load_spec(path)
    joined = "\n".join(_problems(info.value))
    for expected in (
        "seeds repeat",
        "unknown task 'nope'",
        "multitask but has one task",
        "check baseline 'ful' is not an arm",
        "check metric 'f1x' is not among task 'defect-detection' metrics",
    ):
        assert expected in joined


def test_registry_problems_are_found_before_training(tmp_path):
    from slr.reproduce import RunOptions
    from slr.reproduce import run as run_spec

    text = S.spec_text(
        "{architecture: CodeBERTa, tiny: true}",
        S.defect_task()
        .replace("stdlib-defects", "stdlib-defect")
        .replace("[accuracy, f1]", "[accuracy, codexglue_bleu]"),
        "  - {name: full, method: Full Fine-Tuning}\n"
        "  - {name: lora, method: LoRAx}\n"
        "  - {name: lora2, method: LoRA, params: {rank: 4}}\n",
    )
    path = S.write(tmp_path, "registry", text)
    with pytest.raises(ValidationError) as info:
        run_spec(path, RunOptions(workdir=tmp_path / "runs", results_dir=tmp_path / "res"))
    joined = "\n".join(_problems(info.value))
    assert "unknown base model 'CodeBERTa'; did you mean 'CodeBERT'" in joined
    assert "unknown dataset 'stdlib-defect'; did you mean 'stdlib-defects'" in joined
    assert "metric 'codexglue_bleu' does not fit task 'Defect Detection'" in joined
    assert "unknown PEFT method 'LoRAx'; did you mean 'LoRA'" in joined
    assert "unknown hyper-parameter 'rank'" in joined
    assert not (tmp_path / "runs").exists() and not (tmp_path / "res").exists()  # nothing ran


def test_methods_and_tasks_that_do_not_fit_the_model(tmp_path):
    from slr.reproduce.specs import load_spec
    from slr.reproduce.train.preflight import preflight

    t5 = S.spec_text(
        "{architecture: CodeT5-small, tiny: true}",
        S.summarization_task() + S.search_task(),
        "  - {name: bitfit, method: BitFit, tasks: [summarize]}\n"
        "  - {name: q, method: QLoRA, tasks: [summarize]}\n",
    )
    with pytest.raises(ValidationError) as info:
        preflight(load_spec(S.write(tmp_path, "t5", t5)))
    joined = "\n".join(_problems(info.value))
    assert "code search runs on encoder-only models" in joined
    assert "BitFit trains no parameter" in joined and "no bias parameters" in joined
    import torch

    if not torch.cuda.is_available():
        assert "QLoRA quantizes the base with bitsandbytes on a CUDA device" in joined
    enc = S.spec_text(
        "{architecture: CodeBERT, tiny: true}",
        S.summarization_task(),
        "  - {name: full, method: Full Fine-Tuning}\n",
    )
    with pytest.raises(
        ValidationError, match="generative tasks need a decoder-only or encoder-decoder model"
    ):
        preflight(load_spec(S.write(tmp_path, "enc", enc)))


def test_trainable_share_above_the_claim_is_refused(tmp_path):
    from slr.reproduce.specs import load_spec
    from slr.reproduce.train.preflight import preflight

    text = GOOD + (
        "checks:\n  - {claim: X, arm: lora, baseline: full, metric: accuracy, "
        "relation: not_worse, tolerance: 2, max_trainable_percent: 1.0,\n"
        "     note: 'claim source: test'}\n"
    )
    with pytest.raises(ValidationError, match=r"arm 'lora' trains \d+\.\d+% of the base"):
        preflight(load_spec(S.write(tmp_path, "share", text)))


def test_a_hub_model_that_is_not_cached_offline(tmp_path, monkeypatch):
    from slr.reproduce.specs import load_spec
    from slr.reproduce.train.preflight import preflight

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    text = GOOD.replace("{architecture: CodeBERT, tiny: true}", "{hub: nobody/no-such-model}")
    with pytest.raises(
        ValidationError, match="'nobody/no-such-model' is not in the local Hugging Face cache"
    ):
        preflight(load_spec(S.write(tmp_path, "hub", text)))


def test_cli_prints_the_report_without_a_traceback(tmp_path):
    path = S.write(tmp_path, "cli", GOOD.replace("method: LoRA}", "method: LoRA, r: 4}"))
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from slr.cli.main import main; "
            f"sys.exit(main(['train', 'check', {str(path)!r}]))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1  # a problem in the input (the spec)
    assert "cli.yaml" in proc.stderr and "unknown key 'r'" in proc.stderr
    assert "Traceback" not in proc.stderr


_keys = st.sampled_from(
    [
        "title",
        "scale",
        "model",
        "tasks",
        "arms",
        "training",
        "seeds",
        "checks",
        "proxy",
        "task",
        "data",
        "metrics",
        "method",
        "params",
        "architecture",
        "max_steps",
        "x",
    ]
)
_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.text(max_size=6),
    st.floats(allow_nan=False, width=16),
)
_values = st.recursive(
    _leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.dictionaries(_keys, _values, max_size=8))
def test_fuzzed_specs_raise_only_slr_errors(tmp_path, data):
    from slr.reproduce.specs import load_spec

    path = Path(tmp_path) / "fuzz.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with contextlib.suppress(SlrError):
        load_spec(path)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(junk=st.binary(max_size=200))
def test_junk_bytes_raise_only_slr_errors(tmp_path, junk):
    from slr.reproduce.specs import load_spec

    path = Path(tmp_path) / "junk.yaml"
    path.write_bytes(junk)
    with contextlib.suppress(SlrError):
        load_spec(path)


def test_a_check_whose_floors_cannot_be_computed_is_refused_before_training(tmp_path):
    """CodeBLEU has no per-item statistics here, so neither the paired bootstrap nor its floors
    (constant output, copy of the input) can be scored: the check is refused in preflight."""
    from slr.reproduce.specs import load_spec
    from slr.reproduce.train.preflight import preflight

    task = S.summarization_task().replace("[codexglue_bleu, rouge_l, chrf]", "[codebleu, chrf]")
    text = S.spec_text(
        "{architecture: CodeT5-small, tiny: true}",
        task,
        "  - {name: full, method: Full Fine-Tuning}\n  - {name: lora, method: LoRA}\n",
        checks="checks:\n  - {claim: X, arm: lora, baseline: full, metric: codebleu, "
        "relation: not_worse, tolerance: 2, note: 'claim source: test'}\n",
    )
    with pytest.raises(ValidationError) as err:
        preflight(load_spec(S.write(tmp_path, "floors", text)))
    assert "check 'X' on summarize:codebleu is refused" in str(err.value)
    assert "no per-item statistics" in str(err.value)


def test_a_reading_the_claim_does_not_document_is_refused_with_the_claims_readings(tmp_path):
    """A check's ``reading:`` names one of its claim's readings in corpus/claims.yaml (P31's come
    from the bundled corpus); an unknown one, or one on a claim outside the corpus, is refused
    before training, naming the line and the readings there are."""
    from slr.reproduce.specs import load_spec
    from slr.reproduce.train.preflight import preflight

    checks = (
        "checks:\n"
        "  - {claim: P31-understanding, arm: lora, baseline: full, metric: accuracy,\n"
        "     relation: not_worse, tolerance: 2, reading: head half-frozen}\n"
        "  - {claim: X, arm: lora, baseline: full, metric: accuracy, relation: not_worse,\n"
        "     tolerance: 2, reading: anything, note: 'claim source: test'}\n"
    )
    path = S.write(tmp_path, "reading", GOOD + checks)
    with pytest.raises(ValidationError) as info:
        preflight(load_spec(path))
    problems = _problems(info.value)
    assert len(problems) == 2, problems
    assert "names reading 'head half-frozen', which the claim does not document" in problems[0]
    assert "head frozen, as the artifact" in problems[0] and "head trained" in problems[0]
    assert f"{path.name}:" in problems[0]  # located in the file
    assert "outside corpus/claims.yaml" in problems[1]
    good = checks.replace("head half-frozen", "head trained").replace(", reading: anything", "")
    pf = preflight(load_spec(S.write(tmp_path, "reading-ok", GOOD + good)))
    assert pf.spec.checks[0].reading == "head trained"


def test_backbone_trained_trains_every_weight_with_the_method(tmp_path):
    """``backbone: trained`` (a soft prompt on full fine-tuning, as PT4Code's freeze_plm=False):
    every base weight trains besides the prompt; with Full Fine-Tuning it is refused."""
    from slr.reproduce.specs import load_spec
    from slr.reproduce.train.preflight import preflight

    arms = (
        "  - {name: full, method: Full Fine-Tuning}\n"
        "  - {name: prompt, method: Prompt Tuning, params: {num_virtual_tokens: 4}}\n"
        "  - {name: prompt-ft, method: Prompt Tuning, params: {num_virtual_tokens: 4},\n"
        "     backbone: trained}\n"
    )
    text = S.spec_text("{architecture: CodeT5-small, tiny: true}", S.summarization_task(), arms)
    pf = preflight(load_spec(S.write(tmp_path, "backbone", text)))
    count = {n: int(next(iter(p.counts.values()))["trainable_params"]) for n, p in pf.arms.items()}
    assert count["prompt"] < count["full"] < count["prompt-ft"]
    # the prompt on top of every weight
    assert count["prompt-ft"] - count["full"] == count["prompt"]
    bad = text.replace(
        "  - {name: full, method: Full Fine-Tuning}",
        "  - {name: full, method: Full Fine-Tuning, backbone: trained}",
    )
    with pytest.raises(ValidationError, match="backbone: trained with Full Fine-Tuning"):
        preflight(load_spec(S.write(tmp_path, "backbone-bad", bad)))
