"""``slr reproduce gpu-check`` and ``slr reproduce import-runs``: the paper-scale measured runs.

See :mod:`slr.reproduce.gpucheck`. Only typer at module level.
"""

from __future__ import annotations

from pathlib import Path

import typer


def gpu_check(
    out: Path = typer.Option(
        Path("gpu-check-out"), "--out", help="Folder for runs/, specs/ and summary.{json,md}."
    ),
    cpu: bool = typer.Option(
        False, "--cpu", help="The tiny variant of every run on the CPU (no CUDA needed)."
    ),
    only: list[str] | None = typer.Option(
        None, "--only", help="Only these specs (repeat the option); default: every gpu-check spec."
    ),
    budget: float | None = typer.Option(
        None,
        "--budget",
        help="Seconds of runs at most: no run starts that the longest so far would take past it "
        "(default 450 on the GPU, so that the check ends within 8 minutes; none with --cpu).",
    ),
) -> None:
    """Run the specs tagged gpu-check (item 9, P1 memory, P29 step times) on the CUDA device."""
    from slr.cli.train_cmds import _console, _quiet_ml
    from slr.outputs import check_outputs
    from slr.reproduce.gpucheck import require_cuda, run_check

    check_outputs(folders={"--out": out})
    _quiet_ml()
    if not cpu:
        require_cuda()  # at once, before any spec is read or model built
    console = _console()
    report = run_check(out, cpu=cpu, budget_s=budget, only=only)
    for row in report.rows():
        console.print(
            f"{row['spec']}: {row['status']} in {row['seconds']} s"
            + (
                f"; peak {row.get('measured_gib')} GiB measured, {row['predicted_gib']} GiB "
                f"predicted ({row['model_error_percent']:+.1f} %)"
                if row.get("model_error_percent") is not None
                else ""
            )
        )
    console.print(f"wrote {out / 'summary.md'} and {out / 'runs'}/")
    failed = [r.spec for r in report.runs if r.status not in ("ok",)]
    if failed:
        from slr.errors import SlrError

        raise SlrError(f"{len(failed)} run(s) did not finish ok: {', '.join(failed)}")


def import_runs(
    source: Path = typer.Argument(..., help="A gpu-check folder (or its runs/ folder)."),
    allow_cpu: bool = typer.Option(False, "--allow-cpu", help="Accept CPU results (tests)."),
    dest: Path | None = typer.Option(
        None, "--dest", help="Results folder (default: reproductions/results/runs/)."
    ),
) -> None:
    """Validate measured results from the GPU machine and commit them to results/runs/."""
    from slr.cli.train_cmds import _console
    from slr.errors import display_path
    from slr.outputs import check_outputs
    from slr.reproduce.gpucheck import import_runs as do_import

    check_outputs(folders={"--dest": dest}, inputs=[source])
    console = _console()
    written = do_import(source, allow_cpu=allow_cpu, dest=dest)
    for path in written:
        console.print(f"wrote {display_path(path)}")
    console.print(f"imported {len(written)} result(s); `slr reproduce verify` updates the verdicts")
