"""Running reproductions: ``slr reproduce run / plan / check / report / pretrain-proxy``.

One command set for both kinds of spec (``measure`` and ``train``), registered under
``slr reproduce``; ``slr train run|check|report|pretrain-proxy`` is the documented alias group
(``slr train run SPEC`` = ``slr reproduce run SPEC``; it needs its specs named). Only typer at
module level: torch is imported by the command bodies.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

SpecsArg = typer.Argument(
    None, help="Spec names or files; default: every measured-run spec (see --kind, --tag)."
)
TagOpt = typer.Option(None, "--tag", help="Only specs with this tag (repeatable).")
KindOpt = typer.Option(None, "--kind", help="Only specs of this kind: measure or train.")
SeedsOpt = typer.Option(None, "--seeds", help="train: override the seeds, e.g. 0,1,2.")
ArmsOpt = typer.Option(None, "--arms", help="train: only these arms (comma-separated).")
WorkdirOpt = typer.Option(
    None,
    "--workdir",
    help="train: checkpoints and per-job results (default: $SLR_TRAIN_DIR or "
    "~/.cache/slr/train-runs).",
)
ResultsOpt = typer.Option(
    None, "--results-dir", help="Where result files go (default: reproductions/results/runs)."
)
FreshOpt = typer.Option(False, "--fresh", help="train: discard finished jobs and checkpoints.")
NoWriteOpt = typer.Option(False, "--no-write", help="Do not write the result files.")
ForceOpt = typer.Option(False, "--force", help="measure: re-run specs whose result is up to date.")
MemoryOpt = typer.Option(None, "--memory-limit", help="measure: cap each CPU worker (e.g. 8GiB).")


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


def _parse_size(text: str | None) -> int | None:
    if not text:
        return None
    import re

    from slr.errors import ConfigError

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B?)?\s*", text, flags=re.I)
    if not m:
        raise ConfigError(f"cannot read the size '{text}'; write e.g. 8GiB or 500MB")
    unit = (m.group(2) or "B").upper().rstrip("B").rstrip("I")
    factor = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}[unit]
    return int(float(m.group(1)) * factor)


def _console() -> Any:
    from rich.console import Console

    console = Console()
    if not console.is_terminal:  # pipes and logs: wide tables instead of folded cells
        console = Console(width=160)
    return console


def _quiet_ml() -> None:
    import warnings

    warnings.simplefilter("ignore")
    try:
        import transformers

        transformers.logging.set_verbosity_error()
    except ImportError as err:  # pragma: no cover - ml extra missing
        from slr.errors import SlrError

        raise SlrError(
            "the reproduction commands need the ml extra: pip install -e '.[ml]'"
        ) from err


def select(
    specs: list[str] | None, tags: list[str] | None, kind: str | None, *, default_kind: str | None
) -> list[Any]:
    """Specs named (files or names), else those of ``reproductions/specs/`` with the tags and
    kind; ``default_kind`` applies when nothing narrows the selection."""
    from slr.errors import ConfigError
    from slr.reproduce.entry import resolve_spec
    from slr.reproduce.specs import load_specs, select_specs

    if kind not in (None, "measure", "train"):
        raise ConfigError(f"unknown kind '{kind}'; use measure or train")
    if specs:
        chosen = [resolve_spec(s) for s in specs]  # every spec is checked before any run
        chosen = [s for s in chosen if not tags or set(tags) & set(s.spec.tags)]
        return [s for s in chosen if kind is None or s.kind == kind]
    return select_specs(
        load_specs(), tags=tags or (), kind=kind or (None if tags else default_kind)
    )


def run(
    specs: list[str] = SpecsArg,
    tag: list[str] = TagOpt,
    kind: str | None = KindOpt,
    force: bool = ForceOpt,
    memory_limit: str | None = MemoryOpt,
    seeds: str | None = SeedsOpt,
    arms: str | None = ArmsOpt,
    workdir: Path | None = WorkdirOpt,
    results_dir: Path | None = ResultsOpt,
    fresh: bool = FreshOpt,
    no_write: bool = NoWriteOpt,
) -> None:
    """Run specs of either kind: measured runs (fresh process each), training runs (resumable).

    With no spec named, every measured-run spec runs (training specs run when named, tagged or
    selected with --kind train). Results go to reproductions/results/runs/.
    """
    from slr.reproduce.options import RunOptions

    _quiet_ml()
    selected = select(specs, tag, kind, default_kind="measure")
    options = RunOptions(
        results_dir=results_dir,
        write=not no_write,
        force=force,
        memory_limit=_parse_size(memory_limit),
        workdir=workdir,
        seeds=_ints(seeds),
        arms=_names(arms),
        fresh=fresh,
    )
    _run_selected(selected, options)


def train_run(
    specs: list[str] = typer.Argument(..., help="Spec files or names."),
    seeds: str | None = SeedsOpt,
    arms: str | None = ArmsOpt,
    workdir: Path | None = WorkdirOpt,
    results_dir: Path | None = ResultsOpt,
    fresh: bool = FreshOpt,
    no_write: bool = NoWriteOpt,
) -> None:
    """Check, train (resuming unfinished jobs), evaluate and judge each spec (alias of
    `slr reproduce run SPEC...`)."""
    run(specs, [], None, False, None, seeds, arms, workdir, results_dir, fresh, no_write)


def _run_selected(selected: list[Any], options: Any) -> None:
    from slr.cli.reproduce_views import RichProgress, describe_measure, print_checks
    from slr.errors import SlrError
    from slr.reproduce.entry import run as run_spec
    from slr.reproduce.results.models import MeasureResult, TrainResult

    console = _console()
    if not selected:
        console.print("no run spec selected")
        return
    failed = []
    for loaded in selected:
        progress = RichProgress(console)
        options.progress = progress
        with progress.bars:
            result = run_spec(loaded, options)
        if isinstance(result, TrainResult):
            print_checks(console, result)
            if options.write:
                console.print(f"wrote {options.results_folder(loaded) / (loaded.name + '.json')}")
        else:
            console.print(describe_measure(loaded.name, result))
            if isinstance(result, MeasureResult) and result.status == "failed":
                failed.append(result)
    if failed:
        raise SlrError(
            f"{len(failed)} run(s) failed: " + "; ".join(f"{r.spec}: {r.error}" for r in failed)
        )


def plan(
    specs: list[str] = typer.Argument(None, help="Spec names or files; default: all."),
    tag: list[str] = TagOpt,
    kind: str | None = KindOpt,
) -> None:
    """What `run` would do: new / stale / up to date / needs a GPU, predicted peak."""
    from rich.table import Table

    from slr.cli.reproduce_views import human_bytes
    from slr.reproduce.measure.runner import plan_row
    from slr.reproduce.options import RunOptions

    _quiet_ml()
    options = RunOptions()
    t = Table(title="Run plan")
    for col in ("spec", "kind", "status", "device", "model", "method", "predicted peak", "fits"):
        t.add_column(col, overflow="fold")
    for loaded in select(specs, tag, kind, default_kind=None):
        if loaded.kind == "measure":
            r = plan_row(loaded, options)
            fits = "" if r.fits is None else ("yes" if r.fits else "NO")
            row = [r.status, r.device, r.model, r.method, human_bytes(r.predicted_peak), fits]
        else:
            row = _train_plan_row(loaded, options)
        t.add_row(loaded.name, loaded.kind, *row)
    _console().print(t)


def _train_plan_row(loaded: Any, options: Any) -> list[str]:
    from slr.reproduce.measure.runner import status_of
    from slr.reproduce.runtime.manifest import spec_hash

    spec = loaded.spec
    path = options.results_folder(loaded) / f"{loaded.name}.json"
    status = status_of(spec_hash(loaded.hash_payload()), path)
    methods = ", ".join(dict.fromkeys(a.method for a in spec.arms))
    return [status, "gpu" if "gpu" in spec.tags else "", spec.model.label(), methods, "", ""]


def check(
    specs: list[str] = typer.Argument(..., help="Spec files or names to check (nothing runs)."),
) -> None:
    """Validate specs and everything checked before a run; show arms, data, predicted peaks."""
    from slr.cli.reproduce_views import print_measure_check, print_preflight

    _quiet_ml()
    console = _console()
    for loaded in select(specs, None, None, default_kind=None):
        if loaded.kind == "measure":
            print_measure_check(console, loaded)
        else:
            from slr.reproduce.train.preflight import preflight

            print_preflight(console, preflight(loaded))


def report(
    root: Path | None = typer.Option(
        None, "--root", help="Repository root (default: found from here)."
    ),
    csv: Path | None = typer.Option(None, "--csv", help="Also write the table as CSV."),
) -> None:
    """The effectiveness verdicts of every training result, one row per check."""
    from slr.cli.reproduce_views import print_effectiveness
    from slr.outputs import check_outputs
    from slr.reproduce.results.frames import effectiveness_frame

    check_outputs({"--csv": csv})
    frame = effectiveness_frame(root)
    console = _console()
    if frame.empty:
        console.print("no training results in reproductions/results/runs/")
        return
    print_effectiveness(console, frame)
    if csv is not None:
        from slr.atomic import atomic_write_text

        atomic_write_text(csv, frame.to_csv(index=False))
        console.print(f"wrote {csv}")


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


RUN_COMMANDS: dict[str, Callable[..., None]] = {
    "run": run,
    "plan": plan,
    "check": check,
    "report": report,
    "pretrain-proxy": pretrain_proxy,
}

train_app = typer.Typer(
    help="Alias of `slr reproduce run|check|report|pretrain-proxy` for training specs: train "
    "code models with PEFT methods, effectiveness verdicts.",
    no_args_is_help=True,
)
train_app.command("run")(train_run)
train_app.command("check")(check)
train_app.command("report")(report)
train_app.command("pretrain-proxy")(pretrain_proxy)


def register(app: typer.Typer) -> None:
    app.add_typer(train_app, name="train")
