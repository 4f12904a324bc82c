"""Run specs and measured runs: subprocess per run, manifest, resumability, OOM, GPU specs."""

import shutil
from pathlib import Path

import pytest

from slr.errors import ConfigError, ValidationError
from slr.reproduce import RunOptions, run
from slr.reproduce.measure.runner import compare, full_spec, predict_for
from slr.reproduce.measure.worker import execute
from slr.reproduce.options import Progress
from slr.reproduce.specs import LoadedSpec, MeasureSpec, load_specs, select_specs

from .conftest import FAMILIES

ROOT = Path(__file__).resolve().parents[2]

TINY_SPEC = """\
kind: measure
model: CodeLlama-7B
method: {method}
setup: {{batch_size: 2, seq_len: 32, precision: fp32}}
tiny: true
steps: 2
warmup_steps: 1
device: cpu
tags: [cpu]
"""


class _Events(Progress):
    """The statuses a run reports, in order ("running" when a measurement starts)."""

    def __init__(self):
        self.seen = []

    def spec_started(self, name, kind):
        self.seen.append("running")

    def spec_done(self, name, status, result):
        self.seen.append(status)


def run_specs(root, *, on_event=None, memory_limit=None):
    """Every measured-run spec of ``root``, run through the one entry; results as dicts."""
    events = on_event or _Events()
    options = RunOptions(memory_limit=memory_limit, progress=events)
    out = []
    for loaded in select_specs(load_specs(root), kind="measure"):
        result = run(loaded, options)
        out.append(result.model_dump(mode="json") if hasattr(result, "model_dump") else result)
    return out


def _root(tmp_path, specs):
    for d in ("taxonomy", "reproductions/models"):
        shutil.copytree(ROOT / d, tmp_path / d)
    (tmp_path / "corpus").mkdir()
    folder = tmp_path / "reproductions" / "specs"
    folder.mkdir()
    for name, text in specs.items():
        (folder / f"{name}.yaml").write_text(text)
    return tmp_path


def test_repository_specs_are_valid_and_item_9_is_ready():
    specs = load_specs(ROOT)
    gpu = select_specs(specs, tags=["item-9"])
    assert {s.kind for s in gpu} == {"measure"}
    pairs = {(s.spec.model, s.spec.method, s.spec.setup.precision) for s in gpu}
    for model in ("CodeT5-base", "CodeLlama-7B"):
        for method in ("LoRA", "Full Fine-Tuning"):
            assert (model, method, "bf16") in pairs
    assert all(s.spec.device == "cuda" for s in gpu)


def test_bad_specs_are_reported_together(tmp_path):
    root = _root(
        tmp_path,
        {
            "a": "model: CodeLlama-7\nmethod: LoRA\nkind: measure\n",
            "b": "kind: measure\nmodel: CodeBERT\nmethod: LoRA\nhyperparameters: {rank: 4}\n",
            "c": "kind: measure\nmodel: CodeBERT\nmethod: LoRA\nsteps: 0\ncolour: red\n",
            "d": "model: CodeBERT\nmethod: LoRA\n",
        },
    )
    with pytest.raises(ValidationError) as err:
        load_specs(root)
    text = str(err.value)
    assert "a.yaml:1: model: unknown base model 'CodeLlama-7'" in text
    assert "unknown hyper-parameter 'rank'" in text
    assert "unknown key 'colour'" in text and "bad value at steps" in text
    assert "d.yaml:1: missing key 'kind'" in text  # every spec says what kind of run it is
    with pytest.raises(ConfigError, match="unknown run spec"):
        select_specs({}, names=["nope"])


@pytest.mark.slow
def test_run_is_measured_recorded_and_resumable(tmp_path):
    root = _root(tmp_path, {"tiny-lora": TINY_SPEC.format(method="LoRA")})
    events = _Events()
    [record] = run_specs(root, on_event=events)
    assert events.seen == ["running", "ok"], record
    m = record["manifest"]
    assert m["git"]["commit"] and m["git"]["dirty"] in (True, False)
    assert m["packages"]["torch"] and m["packages"]["peft"]
    assert m["device"]["kind"] == "cpu" and m["dtype"] == "fp32" and m["seeds"] == {"torch": 0}
    assert m["spec"]["run"]["method"] == "LoRA"
    assert record["params"]["trainable"] == 2048  # LoRA r=8 on q,v of the tiny 2-layer model
    assert record["speed"]["tokens_per_second"] > 0
    assert record["comparison"]["within_tolerance"], record["comparison"]
    assert record["kind"] == "measure" and record["spec"] == "tiny-lora"
    # unchanged spec: not re-run
    events = _Events()
    run_specs(root, on_event=events)
    assert events.seen == ["up to date"]
    # changed spec: re-run
    (root / "reproductions/specs/tiny-lora.yaml").write_text(
        TINY_SPEC.format(method="LoRA").replace("steps: 2", "steps: 3")
    )
    events = _Events()
    run_specs(root, on_event=events)
    assert events.seen == ["running", "ok"]


@pytest.mark.slow
def test_out_of_memory_is_a_result_with_figures_and_advice(tmp_path):
    big = (
        TINY_SPEC.format(method="Full Fine-Tuning")
        + "config_overrides: {hidden_size: 1024, intermediate_size: 4096, vocab_size: 32000, head_dim: 256}\n"
    )
    root = _root(tmp_path, {"too-big": big})
    [record] = run_specs(root, memory_limit=64 * 1024**2)
    assert record["status"] == "oom", (
        record.get("error"),
        record.get("traceback_tail"),
        record.get("stderr_tail"),
    )
    assert "predicted peak" in record["advice"][0]
    assert any("gradient checkpointing" in a for a in record["advice"])


def test_gpu_specs_wait_for_a_gpu(tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    root = _root(
        tmp_path, {"g": TINY_SPEC.format(method="LoRA").replace("device: cpu", "device: cuda")}
    )
    [record] = run_specs(root)
    assert record.status == "needs a GPU"
    assert not (root / "reproductions/results/runs/g.json").exists()


# a 128-wide version of each family: big enough for the profiler's allocated peak to be meaningful
WIDE = {
    "roberta": dict(hidden_size=128, intermediate_size=512, num_attention_heads=4, vocab_size=1000),
    "t5": dict(d_model=128, d_ff=512, d_kv=32, vocab_size=1000),
    "plbart": dict(d_model=128, encoder_ffn_dim=512, decoder_ffn_dim=512, vocab_size=1000),
    "gpt2": dict(n_embd=128, vocab_size=1000),
    "llama": dict(hidden_size=128, intermediate_size=512, vocab_size=1000, head_dim=32),
    "gpt_bigcode": dict(n_embd=128, n_inner=512, vocab_size=1000),
    "codegen": dict(n_embd=128, vocab_size=1000, rotary_dim=16),
    "xglm": dict(d_model=128, ffn_dim=512, vocab_size=1000),
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_analytical_peak_matches_the_cpu_profiler(family):
    """Predicted peak vs PyTorch's allocated-memory peak of a real CPU step, within 10 %."""
    spec = MeasureSpec(
        model=FAMILIES[family], method="LoRA", device="cpu", tiny=True, steps=1, warmup_steps=1,
        setup=dict(batch_size=4, seq_len=64, target_len=32, precision="fp32"),
        config_overrides=WIDE[family],
    )  # fmt: skip
    prediction = predict_for(spec, "cpu")
    measured = execute(full_spec(LoadedSpec(spec, Path("x.yaml"), {}), "cpu"))
    c = compare(prediction, measured, "cpu", 0.10)
    assert c["within_tolerance"], c


@pytest.mark.gpu
@pytest.mark.parametrize("name", ["gpu-codet5-base-lora-bf16", "gpu-codet5-base-full-bf16"])
def test_item_9_codet5_runs_on_a_gpu_within_10_percent(tmp_path, name):
    """Where a GPU is present: the item-9 CodeT5-base runs, analytical vs max_memory_allocated."""
    root = _root(tmp_path, {name: (ROOT / f"reproductions/specs/gpu/{name}.yaml").read_text()})
    [record] = run_specs(root)
    assert record["status"] == "ok", record
    assert record["comparison"]["within_tolerance"], record["comparison"]
