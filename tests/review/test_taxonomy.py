from pathlib import Path

import pytest

from slr.errors import ValidationError
from slr.taxonomy import load_taxonomy

# The methods issue #2 asks the taxonomy to cover (the PEFT methodology literature, not only the corpus).
REQUIRED_METHODS = [
    "LoRA",
    "QLoRA",
    "AdaLoRA",
    "DoRA",
    "VeRA",
    "LoHa",
    "LoKr",
    "rsLoRA",
    "PiSSA",
    "IA3",
    "Prompt Tuning",
    "Prefix Tuning",
    "P-Tuning",
    "Houlsby Adapter",
    "Pfeiffer Adapter",
    "Parallel Adapter",
    "AdapterFusion",
    "Compacter",
    "BitFit",
    "Telly-K",
    "Diff Pruning",
    "MAM Adapter",
    "UniPELT",
    "Full Fine-Tuning",
]


def test_taxonomy_covers_the_methodology_literature(root: Path):
    tax = load_taxonomy(root / "taxonomy")
    names = {m.name for m in tax.methods}
    assert set(REQUIRED_METHODS) <= names
    assert {f.name for f in tax.families} == {
        "additive",
        "selective",
        "reparameterized",
        "hybrid",
        "baseline",
    }


def test_variants_and_families(root: Path):
    tax = load_taxonomy(root / "taxonomy")
    lora = tax.variants_of("LoRA")
    assert {"QLoRA", "AdaLoRA", "FF-LoRA", "DoRA"} <= set(lora)
    assert "Prefix Tuning" not in lora
    adapters = tax.variants_of("adapters")  # a synonym resolves to Adapter
    assert {"L-Adapter", "T-Adapter"} <= set(adapters)
    assert tax.method(["QLoRA", "MFT-5Tasks)"][0]).family == "reparameterized"
    assert set(tax.tasks_of_type("non-generative")) >= {
        "Code Clone Detection",
        "Defect Detection",
        "Code Search",
    }
    assert tax.root_method("Telly-K") == "Layer Freezing"


def test_spellings_seen_in_the_data_resolve(root: Path):
    tax = load_taxonomy(root / "taxonomy")
    seen = {
        "p-tuning": "P-Tuning",
        "prefix-tuning": "Prefix Tuning",
        "FMFT": "Full Fine-Tuning",
        "Adapter Tuning": "Adapter",
        "AT": "Adapter",
        "MAM": "MAM Adapter",
        "(IA)3": "IA3",
    }
    for spelling, canon in seen.items():
        assert tax.vocab["methods"].resolve(spelling) == canon, spelling
    assert tax.vocab["venues"].resolve("ARXIV") == "arXiv"
    assert tax.vocab["gpus"].resolve("RTX 3090Ti") == "NVIDIA RTX 3090 Ti"
    assert tax.vocab["gpus"].resolve("RTX 3090") == "NVIDIA RTX 3090"


def test_peft_types_are_real_peft_members(root: Path):
    peft = pytest.importorskip("peft")
    tax = load_taxonomy(root / "taxonomy")
    members = {m.name for m in peft.PeftType}
    for m in tax.methods:
        if m.peft_type:
            assert m.peft_type in members, (m.name, m.peft_type)


def test_models_have_known_architectures_and_sizes(root: Path):
    tax = load_taxonomy(root / "taxonomy")
    for m in tax.models:
        assert m.architecture in {"encoder-only", "decoder-only", "encoder-decoder"}
        assert m.generic or m.params, m.name


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_bad_taxonomy_reports_every_problem_with_file_line_and_fix(data_copy: Path):
    tax_dir = data_copy / "taxonomy"
    _break(
        tax_dir / "peft_methods.yaml",
        "    parent: LoRA\n    synonyms: [Quantized LoRA",
        "    parent: LoRa2\n    synonyms: [Quantized LoRA",
    )
    _break(
        tax_dir / "se_tasks.yaml",
        "type: non-generative\n    synonyms: [Clone Detection]",
        "type: nongenerative\n    synonyms: [Clone Detection]",
    )
    _break(tax_dir / "models.yaml", 'source: "Feng et al.', 'sorce: "Feng et al.')
    with pytest.raises(ValidationError) as err:
        load_taxonomy(tax_dir)
    text = str(err.value)
    assert "3 problem(s)" in text
    assert "peft_methods.yaml:" in text and "LoRa2" in text and "did you mean 'LoRA'" in text
    assert "se_tasks.yaml:" in text and "task" in text
    assert "models.yaml:" in text and "unknown key 'sorce'" in text


def test_spelling_claimed_twice_is_an_error(data_copy: Path):
    tax_dir = data_copy / "taxonomy"
    _break(
        tax_dir / "peft_methods.yaml",
        "synonyms: [Adaptive LoRA]",
        "synonyms: [Adaptive LoRA, QLoRA]",
    )
    with pytest.raises(ValidationError, match="ambiguous spelling: 'QLoRA'"):
        load_taxonomy(tax_dir)


def test_yaml_syntax_error_names_the_line(data_copy: Path):
    from slr.errors import InputFormatError

    path = data_copy / "taxonomy" / "architectures.yaml"
    path.write_text("architectures:\n  - name: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"architectures.yaml:\d+: invalid YAML"):
        load_taxonomy(data_copy / "taxonomy")


def test_control_characters_in_yaml_are_a_located_error(data_copy: Path):
    from slr.errors import InputFormatError

    path = data_copy / "taxonomy" / "architectures.yaml"
    path.write_text("architectures:\n  - name: encoder\x07-only\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"architectures.yaml:2: invalid YAML: character"):
        load_taxonomy(data_copy / "taxonomy")
