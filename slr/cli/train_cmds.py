"""Commands of the effectiveness stage: train and evaluate PEFT runs from specs, verdicts.

``slr train run SPEC...`` checks, trains (resuming unfinished jobs), evaluates and judges;
``slr train check SPEC...`` runs only the checks made before training; ``slr train report``
prints the verdict table of ``reproductions/results/effectiveness/``; ``slr train
pretrain-proxy NAME`` builds a small-scale proxy model ahead of a run. Only typer at module
level: torch is imported by the command bodies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer


def _ints(text: str | None) -> list[int] | None:
    from slr.errors import ConfigError

    if not text:
        return None
    try:
        return [int(p) for p in text.split(",") if p.strip()]
    except ValueError:
        raise ConfigError(f"--seeds takes comma-separated integers, got {text!r}") from None


def _names(text: str | None) -> list[str] | None:
    return [p.strip() for p in text.split(",") if p.strip()] if text else None


def _rich_progress(console: Any) -> tuple[Any, Any]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from slr.reproduce.train.runner import Progress as RunProgress

    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[info]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )

    class RichProgress(RunProgress):
        def __init__(self) -> None:
            self.jobs = bars.add_task("jobs", total=None, info="")
            self.steps = bars.add_task("steps", total=None, info="", visible=False)

        def job_started(
            self, label: str, index: int, total: int, steps: int, resumed: bool
        ) -> None:
            bars.update(self.jobs, total=total, completed=index, info=label)
            bars.reset(
                self.steps,
                total=steps,
                visible=True,
                description="resume" if resumed else "train",
                info="",
            )

        def step(self, done: int, loss: float | None) -> None:
            if loss is None:
                bars.update(self.steps, completed=done)
            else:
                bars.update(self.steps, completed=done, info=f"loss {loss:.4f}")

        def evaluating(self, label: str) -> None:
            bars.update(self.steps, description="evaluate")

        def job_done(self, label: str, metrics: dict[str, float], reused: bool) -> None:
            bars.advance(self.jobs)
            shown = ", ".join(f"{k.split(':')[-1]} {v:.2f}" for k, v in metrics.items())
            bars.console.print(f"{'reused' if reused else 'done'} {label}: {shown}")

    return bars, RichProgress()


def _print_checks(console: Any, document: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=f"{document['spec_id']}: {document['title']}")
    for col in ("claim", "arm vs baseline", "metric", "arm", "baseline", "d (95% CI)", "verdict"):
        table.add_column(col)
    for c in document["checks"]:
        fmt = lambda m, s: "-" if m is None else f"{m:.2f} ± {s:.2f}"  # noqa: E731
        ci = (
            "-"
            if c["diff_mean"] is None
            else (f"{c['diff_mean']:+.2f} ({c['ci_low']:+.2f}..{c['ci_high']:+.2f})")
        )
        table.add_row(
            c["claim"],
            f"{c['arm']} {c['relation']} {c['baseline']} (tol {c['tolerance']:g})",
            c["metric_key"],
            fmt(c["arm_mean"], c["arm_std"]),
            fmt(c["baseline_mean"], c["baseline_std"]),
            ci,
            c["verdict"],
        )
    console.print(table)
    scale = document["scale"]
    console.print(
        f"scale: {scale['description']}"
        + (" [small-scale proxy, not the papers' setting]" if scale["proxy"] else "")
    )


def register(app: typer.Typer) -> None:
    train = typer.Typer(
        help="Train code models with PEFT methods from specs; effectiveness verdicts.",
        no_args_is_help=True,
    )
    app.add_typer(train, name="train")

    @train.command("run")
    def run(
        specs: list[Path] = typer.Argument(
            ..., help="Spec files (reproductions/specs/effectiveness/*.yaml)."
        ),
        seeds: str | None = typer.Option(None, "--seeds", help="Override the seeds, e.g. 0,1,2."),
        arms: str | None = typer.Option(None, "--arms", help="Only these arms (comma-separated)."),
        workdir: Path | None = typer.Option(
            None,
            "--workdir",
            help="Checkpoints and per-job results (default: $SLR_TRAIN_DIR or ~/.cache/slr/train-runs).",
        ),
        results_dir: Path | None = typer.Option(
            None,
            "--results-dir",
            help="Where the result JSON goes (default: reproductions/results/effectiveness).",
        ),
        fresh: bool = typer.Option(False, "--fresh", help="Discard finished jobs and checkpoints."),
        no_write: bool = typer.Option(False, "--no-write", help="Do not write the result JSON."),
    ) -> None:
        """Check, train (resuming unfinished jobs), evaluate and judge each spec."""
        from rich.console import Console

        from slr.reproduce.train.runner import RunOptions, run_spec
        from slr.reproduce.train.spec import load_spec

        console = Console()
        loaded = [load_spec(s) for s in specs]  # every spec is checked before any training
        for spec in loaded:
            bars, progress = _rich_progress(console)
            options = RunOptions(
                workdir=workdir,
                results_dir=results_dir,
                seeds=_ints(seeds),
                arms=_names(arms),
                fresh=fresh,
                write=not no_write,
                progress=progress,
            )
            with bars:
                document = run_spec(spec, options)
            _print_checks(console, document)
            if "_path" in document:
                console.print(f"wrote {document['_path']}")

    @train.command("check")
    def check(
        specs: list[Path] = typer.Argument(..., help="Spec files to check (no training)."),
    ) -> None:
        """Validate specs and everything checked before training; show arms and data."""
        from rich.console import Console
        from rich.table import Table

        from slr.reproduce.train.preflight import preflight
        from slr.reproduce.train.spec import load_spec

        console = Console()
        for path in specs:
            pf = preflight(load_spec(path))
            table = Table(title=f"{pf.loaded.id}: {pf.source.label} ({pf.source.kind})")
            for col in ("arm", "method", "set-up", "groups", "steps", "trainable", "% of base"):
                table.add_column(col)
            for name, plan in pf.arms.items():
                c = next(iter(plan.counts.values()))
                table.add_row(
                    name,
                    plan.method.method,
                    plan.method.setup(),
                    ", ".join(plan.steps),
                    ", ".join(str(v) for v in plan.steps.values()),
                    f"{int(c['trainable_params']):,}",
                    f"{float(c['method_trainable_percent_of_base']):.3f}",
                )
            console.print(table)
            for key, d in pf.data.items():
                console.print(
                    f"  task {key}: {d.task} from {d.spec.data.dataset or d.spec.data.file}"
                    f" used {d.sizes()} of {d.available}"
                )
            console.print(
                f"  claims: {', '.join(f'{k} ({v})' for k, v in pf.claims.items()) or '-'}"
            )

    @train.command("report")
    def report(
        root: Path | None = typer.Option(
            None, "--root", help="Repository root (default: found from here)."
        ),
        csv: Path | None = typer.Option(None, "--csv", help="Also write the table as CSV."),
    ) -> None:
        """The effectiveness verdicts of every result JSON, one row per check."""
        from rich.console import Console
        from rich.table import Table

        from slr.outputs import check_outputs
        from slr.reproduce.train.results import effectiveness_frame

        check_outputs({"--csv": csv})
        frame = effectiveness_frame(root)
        console = Console()
        if frame.empty:
            console.print("no results in reproductions/results/effectiveness/")
            return
        table = Table(title="Effectiveness checks")
        cols = [
            "claim",
            "arm_method",
            "baseline_method",
            "metric",
            "arm",
            "baseline",
            "n_seeds",
            "verdict",
            "scale",
        ]
        for col in cols:
            table.add_column(col)
        for row in frame.itertuples():
            table.add_row(
                row.claim,
                row.arm_method,
                row.baseline_method,
                row.metric,
                f"{row.arm_mean:.2f} ± {row.arm_std:.2f}",
                f"{row.baseline_mean:.2f} ± {row.baseline_std:.2f}",
                str(row.n_seeds),
                row.verdict,
                ("proxy: " if row.proxy else "") + row.scale[:60],
            )
        console.print(table)
        if csv is not None:
            from slr.atomic import atomic_write_text

            atomic_write_text(csv, frame.to_csv(index=False))
            console.print(f"wrote {csv}")

    @train.command("pretrain-proxy")
    def pretrain_proxy(
        name: str = typer.Argument(..., help="Proxy recipe: stdlib-gpt2 or stdlib-t5."),
        force: bool = typer.Option(False, "--force", help="Pretrain again even if cached."),
    ) -> None:
        """Pretrain a small code model on standard-library source (a small-scale proxy)."""
        import json
        import shutil

        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        from slr.reproduce.train.proxy import ensure_proxy, proxy_dir, recipe

        r = recipe(name)
        folder = proxy_dir(name)
        if force and folder.exists():
            shutil.rmtree(folder)
        console = Console()
        with Progress(
            "{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as bars:
            task = bars.add_task(f"pretrain {name}", total=r.steps)

            class _P:
                def step(self, done: int, loss: float | None) -> None:
                    bars.update(task, completed=done)

            path = ensure_proxy(name, progress=_P())
        info = json.loads((path / "recipe.json").read_text(encoding="utf-8"))
        console.print(
            f"{name}: {path} ({info['seconds']} s, final loss "
            f"{info['losses'][-1][1] if info['losses'] else '-'})"
        )
