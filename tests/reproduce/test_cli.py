"""slr reproduce: list, params (CSV), memory, plan, verify, clear errors."""

import csv

from slr.cli.main import main


def test_params_writes_the_csv(tmp_path, capsys):
    out = tmp_path / "params.csv"
    code = main(["reproduce", "params", "--model", "CodeBERT", "--model", "Llama-2-7B",
                 "--method", "LoRA", "--method", "BitFit", "--out", str(out)])  # fmt: skip
    assert code == 0
    rows = list(csv.DictReader(out.open()))
    assert [r["model"] for r in rows] == ["CodeBERT", "CodeBERT", "Llama-2-7B", "Llama-2-7B"]
    assert {"model", "method", "total_params", "trainable_params", "trainable_percent"} <= set(
        rows[0]
    )
    lora = next(r for r in rows if r["model"] == "Llama-2-7B" and r["method"] == "LoRA")
    # notes part 1c: LoRA r=8 on q,v of Llama-2-7B = (4194304, 6742609920)
    assert (int(lora["trainable_params"]), int(lora["total_params"])) == (4_194_304, 6_742_609_920)
    bitfit = next(r for r in rows if r["model"] == "Llama-2-7B" and r["method"] == "BitFit")
    assert int(bitfit["trainable_params"]) == 0 and "no bias parameters" in bitfit["notes"]
    assert "wrote 4 rows" in capsys.readouterr().out


def test_list_memory_and_plan(capsys):
    assert main(["reproduce", "list", "methods"]) == 0
    assert "Telly-K" in capsys.readouterr().out
    assert main(["reproduce", "memory", "CodeBERT", "LoRA", "-b", "4", "-s", "128"]) == 0
    text = capsys.readouterr().out
    assert "activations" in text and "reduction" in text
    assert main(["reproduce", "plan", "--tag", "item-9"]) == 0
    assert "gpu-codellama-7b-full-bf16" in capsys.readouterr().out.replace("\n", "")


def test_errors_are_one_line_without_traceback(capsys):
    assert main(["reproduce", "memory", "CodeLlama-7", "LoRA"]) == 1
    err = capsys.readouterr().err
    assert "did you mean 'CodeLlama-7B'" in err and "Traceback" not in err
    assert main(["reproduce", "params", "--model", "CodeBERT", "--method", "Prefx Tuning"]) == 1
    assert "did you mean 'Prefix Tuning'" in capsys.readouterr().err
    assert main(["reproduce", "memory", "CodeBERT", "LoRA", "-s", "4096"]) == 1
    assert "exceed the 512 positions" in capsys.readouterr().err
    assert main(["reproduce", "run", "no-such-spec"]) == 1
    assert "unknown run spec" in capsys.readouterr().err


def test_one_command_set_for_both_kinds_and_the_train_alias(capsys, tmp_path):
    assert main(["reproduce", "plan"]) == 0
    plan = capsys.readouterr().out
    # measured-run and training specs side by side; committed results are up to date
    assert "cpu-tiny-llama-lora" in plan and "defect-lora-vs-full-minilm" in plan
    assert "needs a GPU" in plan and "up to date" in plan
    assert main(["reproduce", "check", "cpu-tiny-llama-lora"]) == 0
    assert "predicted peak" in capsys.readouterr().out
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert main(["reproduce", "report", "--csv", str(a)]) == 0
    assert main(["train", "report", "--csv", str(b)]) == 0  # the alias: same table
    assert a.read_text() == b.read_text() and len(list(csv.DictReader(a.open()))) >= 16
    capsys.readouterr()
    assert main(["reproduce", "run", "--kind", "sometimes"]) == 1
    assert "unknown kind 'sometimes'" in capsys.readouterr().err
