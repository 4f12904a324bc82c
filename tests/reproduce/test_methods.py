"""The PEFT method registry: every method on a tiny model of every family, and exact counts."""

from pathlib import Path

import pytest
import torch

from slr.errors import ConfigError
from slr.reproduce.architectures import architecture
from slr.reproduce.counting import count_model, count_parameters
from slr.reproduce.methods import (
    MethodNotApplicable,
    apply_method,
    method_config,
    registered_methods,
)
from slr.reproduce.runtime.building import Head, build_model
from slr.taxonomy import load_taxonomy

from .conftest import FAMILIES

METHODS = sorted(registered_methods())
# peft's LoHa/LoKr do not support transformers' Conv1D (GPT-2's fused projections)
UNSUPPORTED = {("gpt2", "LoHa"), ("gpt2", "LoKr")}
# QLoRA needs bitsandbytes on CUDA; on CPU it refuses with a clear message (tested below)
CPU_REFUSED = {"QLoRA"}


def test_every_registry_name_is_a_canonical_taxonomy_method():
    tax = load_taxonomy()
    for name in registered_methods():
        assert tax.vocab["methods"].resolve(name) == name


def _batch(model, family):
    torch.manual_seed(0)
    ids = torch.randint(3, 100, (2, 8))
    if family in ("t5", "plbart"):
        return dict(input_ids=ids, labels=torch.randint(3, 100, (2, 5)))
    if family == "roberta":
        return dict(input_ids=ids)
    return dict(input_ids=ids, labels=ids)


def _loss(out, family):
    if family == "roberta":
        return out.last_hidden_state.float().pow(2).mean()
    return out.loss


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("method", METHODS)
def test_method_trains_on_a_tiny_model(family, method):
    if method in CPU_REFUSED:
        pytest.skip("QLoRA needs CUDA (see test_qlora_refuses_cpu and the gpu tests)")
    spec = architecture(FAMILIES[family])
    model = build_model(spec, device="cpu", tiny=True, seed=0)
    params = {"k": 1} if method == "Telly-K" else {}
    cfg = method_config(method, **params)
    if (family, method) in UNSUPPORTED:
        with pytest.raises(MethodNotApplicable, match="Conv1D"):
            apply_method(model, cfg)
        return
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    out = apply_method(model, cfg)
    total, trainable, _ = count_model(out)
    if method == "BitFit" and family in ("t5", "llama"):
        assert trainable == 0 and "no bias parameters" in out.slr_notes[0]
        return
    assert 0 < trainable <= total
    out.train()
    loss = _loss(out(**_batch(out, family)), family)
    loss.backward()
    grads = {n: p.grad for n, p in out.named_parameters() if p.requires_grad}
    assert any(g is not None and g.abs().sum() > 0 for g in grads.values()), "no gradient reached"
    frozen = [n for n, p in out.named_parameters() if not p.requires_grad and p.grad is not None]
    assert not frozen
    if method == "Full Fine-Tuning":
        assert trainable == total
    else:  # parameter-efficient: the backbone stays (mostly) frozen
        assert trainable < total
    del before


def test_qlora_refuses_cpu_with_a_clear_message():
    model = build_model(architecture("CodeLlama-7B"), device="cpu", tiny=True)
    with pytest.raises(MethodNotApplicable, match="CUDA"):
        apply_method(model, method_config("QLoRA"))


def test_unknown_method_and_bad_hyper_parameters():
    with pytest.raises(ConfigError, match="did you mean 'Prefix Tuning'"):
        method_config("Prefx Tuning")
    assert method_config("low-rank adaptation").method == "LoRA"  # a taxonomy synonym
    with pytest.raises(ConfigError, match="unknown hyper-parameter 'rank'.*allowed"):
        method_config("LoRA", rank=16)
    with pytest.raises(ConfigError, match="'r'"):
        method_config("LoRA", r=0)
    with pytest.raises(ConfigError, match="no implementation"):
        method_config("Compacter")  # in the taxonomy, not in the registry
    with pytest.raises(ConfigError, match="not both"):
        method_config("Adapter", bottleneck_size=16, reduction_factor=16)


def test_prefix_tuning_without_head_count_is_not_applicable():
    from types import SimpleNamespace

    from slr.reproduce.methods.base import ApplyContext
    from slr.reproduce.methods.targets import prompt_dimensions

    class NoHeads:  # a config with no head count under any name
        model_type = "custom"

        def to_dict(self):
            return {"hidden_size": 64, "num_hidden_layers": 2}

    ctx = ApplyContext(model_type="custom", task_type="CAUSAL_LM", dims=None)
    with pytest.raises(MethodNotApplicable, match="number of attention heads"):
        prompt_dimensions(ctx, SimpleNamespace(config=NoHeads()), "Prefix Tuning")


def test_telly_k_out_of_range():
    model = build_model(architecture("UniXcoder"), device="meta", tiny=True)
    with pytest.raises(MethodNotApplicable, match="k between 0 and 2"):
        apply_method(model, method_config("Telly-K", k=3))


# --- exact counts on the meta device, against figures computed in the notes --------------------


@pytest.mark.parametrize(
    "method, params, trainable, total",
    [
        # notes part 1c: Llama-2-7B, meta device, peft 0.21.2
        ("LoRA", {"target_modules": ["q_proj", "v_proj"]}, 4_194_304, 6_742_609_920),
        ("Prefix Tuning", {}, 5_242_880, None),
        ("Prompt Tuning", {}, 81_920, None),
        ("P-Tuning", {"encoder_hidden_size": 128}, 1_151_232, None),
        ("IA3", {"target_modules": ["k_proj", "v_proj", "down_proj"], "feedforward_modules": ["down_proj"]}, 614_400, None),
    ],
)  # fmt: skip
def test_llama2_counts_match_the_notes(method, params, trainable, total):
    count = count_parameters("Llama-2-7B", method, params)
    assert count.trainable_params == trainable
    assert count.base_params == 6_738_415_616
    if total is not None:
        assert count.total_params == total


def test_counts_equal_peft_own_counter():
    model = build_model(architecture("CodeT5-base"))
    out = apply_method(model, method_config("AdaLoRA"))
    trainable, total = out.get_nb_trainable_parameters()
    assert count_model(out)[:2] == (total, trainable)


@pytest.mark.parametrize(
    "model, trainable",
    [
        ("StarCoder", 204_800),  # notes 1c (iii): MQA, 20 x 40 x 2 x 128
        ("DeepSeek-Coder-33B", 2_539_520),  # notes 1c (iii): 8 KV heads
        ("CodeT5-base", 368_640),  # notes 1c (iv): embedding (20, 18432)
        ("InCoder-1B", 1_966_080),  # XGLM: heads passed explicitly (notes 1c (ii)); 20*24*2*2048
    ],
)
def test_prefix_tuning_follows_kv_heads(model, trainable):
    assert count_parameters(model, "Prefix Tuning").trainable_params == trainable


def test_t5_prompt_tuning_has_two_submodules():
    # notes 1c (iv): prompt embedding (40, 768) on CodeT5-base
    assert count_parameters("CodeT5-base", "Prompt Tuning").trainable_params == 40 * 768


def test_bitfit_counts_and_plain_no_bias_note():
    # notes 1a: CodeBERT has 102,912 bias parameters, PLBART-base 125,952, CodeT5-base none
    assert count_parameters("CodeBERT", "BitFit").trainable_params == 102_912
    assert count_parameters("PLBART-base", "BitFit").trainable_params == 125_952
    t5 = count_parameters("CodeT5-base", "BitFit")
    assert t5.trainable_params == 0
    assert "has no bias parameters" in t5.notes[0]


def test_classification_head_in_modules_to_save_is_reported_separately():
    # notes 1c (i): LoRA r8 q,v on CodeBERT with SEQ_CLS: 887,042 = 294,912 LoRA + 592,130 head copy
    count = count_parameters(
        "CodeBERT",
        "LoRA",
        {"target_modules": ["query", "value"]},
        head=Head(kind="classification"),
    )
    assert count.trainable_params == 887_042
    assert count.head_params == 592_130
    assert count.method_trainable_params == 294_912


def test_bottleneck_adapter_sizes():
    # notes 3.1: sequential adapter bn16 after the FFN of CodeBERT = 304,320
    pf = count_parameters("CodeBERT", "Pfeiffer Adapter", {"bottleneck_size": 16})
    assert pf.trainable_params == 304_320
    # notes 3.5: two bottleneck-128 adapters per layer of UniXcoder = 4,740,096
    ho = count_parameters("UniXcoder", "Houlsby Adapter", {"bottleneck_size": 128})
    assert ho.trainable_params == 4_740_096
    # AdapterHub default reduction factor 16: bottleneck 48 on hidden 768
    assert count_parameters("CodeBERT", "Pfeiffer Adapter").trainable_params == 12 * (
        2 * 768 * 48 + 48 + 768
    )


def test_telly_k_matches_the_artifact_counts():
    # notes 3.3 (T1): UniXcoder 125.93M; Telly-0 trains 85.05M; Telly-11 7.09M
    assert count_parameters("UniXcoder", "Full Fine-Tuning").trainable_params == 125_929_728
    assert count_parameters("UniXcoder", "Telly-K", {"k": 0}).trainable_params == 85_054_464
    assert count_parameters("UniXcoder", "Telly-K", {"k": 11}).trainable_params == 7_087_872
    # T3: clone detection adds the pair head: 127.11M, Telly-11 8.27M
    pair = Head(kind="pair-classification")
    assert (
        round(count_parameters("UniXcoder", "Full Fine-Tuning", head=pair).total_params / 1e6, 2)
        == 127.11
    )
    assert (
        round(
            count_parameters("UniXcoder", "Telly-K", {"k": 11}, head=pair).trainable_params / 1e6, 2
        )
        == 8.27
    )


@pytest.mark.gpu
def test_qlora_quantizes_and_trains_on_cuda():
    pytest.importorskip("bitsandbytes")
    model = build_model(
        architecture("CodeLlama-7B"), device="cuda", tiny=True, dtype="bf16", seed=0
    )
    out = apply_method(model, method_config("QLoRA"))
    assert any(type(m).__name__ == "Linear4bit" for m in out.modules())
    total, trainable, _ = count_model(out)
    assert trainable == 2048  # LoRA r=8 on q,v of the tiny 2-layer model (as on CPU with LoRA)
    ids = torch.randint(3, 100, (2, 8), device="cuda")
    out(input_ids=ids, labels=ids).loss.backward()
    assert all(p.grad is not None for p in out.parameters() if p.requires_grad)


def _method_name_tests(path: Path, names: set[str]) -> list[str]:
    """Comparisons of a value with a method's name (``== "QLoRA"``, ``in ("AdaLoRA", ...)``)."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Compare):
            continue
        for side in (node.left, *node.comparators):
            items = side.elts if isinstance(side, ast.Tuple | ast.List | ast.Set) else [side]
            for item in items:
                if isinstance(item, ast.Constant) and item.value in names:
                    found.append(f"{path}:{node.lineno}: {item.value!r}")
    return found


def test_no_code_outside_the_registry_tests_a_method_name():
    """What is special about a method is declared on its config class and asked (hooks)."""
    root = Path(__file__).resolve().parents[2] / "slr"
    names = set(registered_methods())
    files = [p for p in (root / "reproduce").rglob("*.py") if "methods" not in p.parts]
    files += [root / "cli" / "reproduce_cmds.py", root / "cli" / "train_cmds.py"]
    found = [hit for path in files for hit in _method_name_tests(path, names)]
    assert not found, found
    # and the check can fail: the code this replaced tested names like this
    sample = root.parent / "tests" / "reproduce" / "data" / "name-test-sample.py"
    assert _method_name_tests(sample, names) == [f"{sample}:3: 'AdaLoRA'", f"{sample}:5: 'QLoRA'"]


def test_method_hooks_declare_what_is_special():
    from slr.reproduce.runtime.building import dimensions, make_config

    adalora = method_config("AdaLoRA")
    assert adalora.total_steps_param == "total_step" and adalora.after_step() is not None
    assert type(adalora).bind_total_steps({"init_r": 4}, 30) == {"init_r": 4, "total_step": 30}
    assert type(adalora).bind_total_steps({"total_step": 7}, 30) == {"total_step": 7}  # as given
    assert method_config("LoRA").after_step() is None
    assert method_config("QLoRA").requires_cuda and method_config("QLoRA").quantization_bits() == 4
    assert not method_config("LoRA").requires_cuda
    assert method_config("Prompt Tuning", num_virtual_tokens=7).virtual_tokens() == 7
    assert method_config("P-Tuning").virtual_tokens() == 20  # peft's default in our table
    assert method_config("Prefix Tuning").virtual_tokens() == 0  # past key values, not inputs
    assert method_config("Prefix Tuning").requires_past_key_values
    dims = dimensions(make_config(architecture("CodeBERT")))
    telly = registered_methods()["Telly-K"].table_default(dims)
    assert telly.k == 6  # CodeBERT: 12 encoder layers, half frozen
    from slr.reproduce.counting import table_methods

    assert "Adapter" not in table_methods() and "P-Tuning v2" not in table_methods()


def test_one_generic_peft_class_builds_each_config():
    """The generic class passes peft exactly the keywords each method's wrapper passed."""
    from slr.reproduce.methods.base import context_for
    from slr.reproduce.methods.peft_methods import PeftMethod

    model = build_model(architecture("CodeGPT-small-py"), tiny=True)
    ctx = context_for(model)
    expected = {
        "LoRA": {"r": 8, "lora_alpha": 8, "lora_dropout": 0.0, "target_modules": None,
                 "bias": "none", "use_rslora": False, "task_type": "CAUSAL_LM"},
        "DoRA": {"r": 8, "lora_alpha": 8, "lora_dropout": 0.0, "target_modules": None,
                 "bias": "none", "use_rslora": False, "task_type": "CAUSAL_LM", "use_dora": True},
        "AdaLoRA": {"init_r": 12, "target_r": 8, "lora_alpha": 8, "lora_dropout": 0.0,
                    "target_modules": None, "total_step": 1000, "task_type": "CAUSAL_LM"},
        "VeRA": {"r": 256, "target_modules": None, "task_type": "CAUSAL_LM"},
        "Prompt Tuning": {"num_virtual_tokens": 20, "task_type": "CAUSAL_LM"},
        "Prefix Tuning": {"num_virtual_tokens": 20, "prefix_projection": False,
                          "task_type": "CAUSAL_LM"},
    }  # fmt: skip
    for name, kwargs in expected.items():
        cfg = method_config(name)
        assert isinstance(cfg, PeftMethod)
        assert cfg.peft_kwargs(model, ctx) == kwargs, name
    qlora = method_config("QLoRA", bits=8)
    assert "bits" not in qlora.peft_kwargs(model, ctx)  # ours only: quantization settings


def test_petl_prefix_counts_what_p31s_module_builds_and_refuses_real_weights():
    """P31's artifact prefix (petl/petl_factory.py:46-99): head-size prefixes shared by heads."""
    from slr.reproduce.methods.base import context_for
    from slr.reproduce.methods.petl_prefix import petl_prefix_params

    spec = architecture("CodeBERT")
    cfg = method_config("Prefix Tuning", num_virtual_tokens=16, implementation="petl", mid_dim=400)
    meta = build_model(spec, device="meta")
    ctx = context_for(meta)
    _, trainable, _ = count_model(apply_method(meta, cfg))
    # 16 x 64 + (64 x 400 + 400) + (400 x 12*2*64 + 12*2*64) = 642,960 (calc/p31_params.py)
    assert trainable == petl_prefix_params(ctx, 16, 400) == 642_960
    tiny = build_model(spec, device="cpu", tiny=True, seed=0)
    with pytest.raises(MethodNotApplicable, match="parameter counting only"):
        apply_method(tiny, cfg)
