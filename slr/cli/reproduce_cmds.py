"""``slr reproduce``: architectures, PEFT methods, parameter counts, memory, runs and verdicts.

The registry and efficiency commands live here (list, params, memory, verify, migrate); the run
commands (run, plan, check, report, pretrain-proxy) are :mod:`slr.cli.train_cmds`'s, registered
under ``slr reproduce`` too. Only typer is imported here; torch/transformers/peft load inside the
command bodies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from slr.cli import gpu_cmds
from slr.cli.train_cmds import RUN_COMMANDS, _console, _quiet_ml

_GIB = 1024**3

app = typer.Typer(
    help="Re-check the papers' claims: architectures, PEFT methods, exact parameter counts, the "
    "analytical memory model, measured and training runs from specs, verdicts.",
    no_args_is_help=True,
)


@app.command("list")
def list_(
    what: str = typer.Argument("all", help="models, methods, specs, claims or all"),
) -> None:
    """List the registry: model architectures, PEFT methods, specs, claims."""
    from slr.errors import ConfigError

    choices = ("models", "methods", "specs", "claims", "all")
    if what not in choices:
        raise ConfigError(f"unknown list '{what}'; use one of {', '.join(choices)}")
    console = _console()
    for part, show in (
        ("models", _models_table),
        ("methods", _methods_table),
        ("specs", _specs_table),
        ("claims", _claims_table),
    ):
        if what in (part, "all"):
            console.print(show())


def _models_table() -> Any:
    from rich.table import Table

    from slr.reproduce.architectures import load_architectures
    from slr.taxonomy import load_taxonomy

    _quiet_ml()
    tax = load_taxonomy()
    t = Table(title="Architectures (reproductions/models/)")
    for col in ("model", "model_type", "class", "published", "hub id", "sources"):
        t.add_column(col)
    for name, spec in load_architectures().items():
        m = tax.model(name)
        statuses = sorted({s.status for s in spec.sources})
        t.add_row(
            name,
            spec.model_type,
            spec.model_class,
            m.params_label,
            m.hub_id or "",
            "/".join(statuses),
        )
    return t


def _methods_table() -> Any:
    from rich.table import Table

    from slr.reproduce.methods import registered_methods

    t = Table(title="PEFT methods (slr.reproduce.methods)")
    for col in ("method", "kind", "hyper-parameters (defaults)"):
        t.add_column(col)
    for name, cls in registered_methods().items():
        fields = ", ".join(
            f"{k}={v.get_default(call_default_factory=True)!r}"
            for k, v in cls.model_fields.items()
            if not v.is_required()
        )
        required = ", ".join(k for k, v in cls.model_fields.items() if v.is_required())
        t.add_row(name, cls.kind, (f"required: {required}; " if required else "") + fields)
    return t


def _specs_table() -> Any:
    from rich.table import Table

    from slr.reproduce.specs import MeasureSpec, load_specs

    _quiet_ml()
    t = Table(title="Specs (reproductions/specs/)")
    for col in ("spec", "kind", "model", "method", "device", "set-up", "tags"):
        t.add_column(col)
    for name, loaded in load_specs().items():
        s = loaded.spec
        if isinstance(s, MeasureSpec):
            setup = (
                f"b{s.setup.batch_size} x {s.setup.seq_len}, {s.setup.precision}, "
                f"{s.setup.optimizer}"
            )
            t.add_row(name, s.kind, s.model, s.method, s.device, setup, ",".join(s.tags))
        else:
            methods = ", ".join(dict.fromkeys(a.method for a in s.arms))
            setup = f"{len(s.tasks)} task(s), {len(s.seeds)} seed(s), {s.training.precision}"
            t.add_row(name, s.kind, s.model.label(), methods, "", setup, ",".join(s.tags))
    return t


def _claims_table() -> Any:
    from rich.table import Table

    from slr.reproduce.claims import load_claims

    t = Table(title="Claims (corpus/claims.yaml)")
    for col in ("claim", "kind", "model", "method", "reported", "set-up stated"):
        t.add_column(col)
    for c in load_claims():
        t.add_row(
            c.id,
            c.kind,
            ", ".join(c.models),
            c.method or "",
            c.reported,
            "yes" if c.setup_stated else "no",
        )
    return t


@app.command("params")
def params(
    model: list[str] = typer.Option(
        None, "--model", "-m", help="Model (repeatable); default: all."
    ),
    method: list[str] = typer.Option(None, "--method", help="Method (repeatable); default: all."),
    out: Path = typer.Option(None, "--out", help="Write the table as CSV."),
) -> None:
    """Exact total/trainable parameters per model x method (meta device, default set-ups)."""
    from rich.progress import Progress
    from rich.table import Table

    from slr.outputs import check_outputs

    check_outputs({"--out": out})
    _quiet_ml()
    from slr.reproduce.architectures import load_architectures
    from slr.reproduce.counting import params_table, table_methods

    n_models = len(model) if model else len(load_architectures())
    n_methods = len(method) if method else len(table_methods())
    with Progress(transient=True) as progress:
        task = progress.add_task("counting", total=n_models * n_methods)
        frame = params_table(
            models=model or None,
            methods=method or None,
            on_row=lambda row: progress.update(
                task, advance=1, description=f"{row['model']} / {row['method']}"
            ),
        )
    if out is not None:
        from slr.atomic import atomic_write_text

        atomic_write_text(out, frame.to_csv(index=False))
    t = Table(title="Parameters (LoRA r=8 on peft's default targets; 20 virtual tokens)")
    for col in ("model", "method", "total", "trainable", "% of total", "% of base", "notes"):
        t.add_column(col, overflow="fold")
    for row in frame.itertuples():
        t.add_row(
            row.model,
            row.method,
            _count(row.total_params),
            _count(row.trainable_params),
            _percent(row.trainable_percent),
            _percent(row.trainable_percent_of_base),
            str(row.notes or "")[:80],
        )
    console = _console()
    console.print(t)
    if out is not None:
        console.print(f"wrote {len(frame)} rows to {out}")


def _count(value: Any) -> str:
    return "" if value is None or str(value) == "<NA>" else f"{int(value):,}"


def _percent(value: Any) -> str:
    return "" if value is None or value != value else f"{value:.4f}"


@app.command("memory")
def memory(
    model: str = typer.Argument(..., help="Base model (any taxonomy spelling)."),
    method: str = typer.Argument("LoRA", help="PEFT method (any taxonomy spelling)."),
    batch_size: int = typer.Option(8, "--batch-size", "-b"),
    seq_len: int = typer.Option(512, "--seq-len", "-s"),
    target_len: int = typer.Option(None, "--target-len", help="Decoder tokens (seq2seq)."),
    precision: str = typer.Option("bf16", help="fp32, bf16, fp16, amp-bf16 or amp-fp16."),
    optimizer: str = typer.Option("adamw", help="adamw, adamw-8bit, sgd or adafactor."),
    checkpointing: bool = typer.Option(False, "--gradient-checkpointing"),
    set_: list[str] = typer.Option(None, "--set", help="Hyper-parameter key=value (repeatable)."),
) -> None:
    """Predicted peak training memory of one model + method, with its parts."""
    import json

    from rich.table import Table

    _quiet_ml()
    from slr.reproduce.memory import TrainingSetup, memory_reduction, predict_memory
    from slr.reproduce.methods import FULL_FINE_TUNING, method_config

    hyper = {}
    for item in set_ or []:
        key, _, value = item.partition("=")
        try:
            hyper[key] = json.loads(value)
        except json.JSONDecodeError:
            hyper[key] = value
    setup = TrainingSetup(
        batch_size=batch_size,
        seq_len=seq_len,
        target_len=target_len,
        precision=precision,  # type: ignore[arg-type]
        optimizer=optimizer,  # type: ignore[arg-type]
        gradient_checkpointing=checkpointing,
    )
    cfg = method_config(method, **hyper)
    est = predict_memory(model, cfg, setup)
    base = predict_memory(model, FULL_FINE_TUNING, setup.model_copy(update={"optimizer": "adamw"}))
    t = Table(
        title=f"{model} + {cfg.method} ({cfg.setup()}), {precision}, b{batch_size} x {seq_len}"
    )
    t.add_column("part")
    t.add_column("GiB", justify="right")
    for part in (
        "weights",
        "optimizer_states",
        "gradients",
        "activations",
        "outputs",
        "backward_transient",
        "optimizer_transient",
        "peak",
    ):
        t.add_row(part.replace("_", " "), f"{getattr(est, part) / _GIB:.3f}")
    console = _console()
    console.print(t)
    console.print(
        f"peak at the {est.peak_phase}; full fine-tuning (AdamW): {base.peak_gib:.2f} GiB; "
        f"reduction {memory_reduction(est, base):.1f} %"
    )
    for a in est.assumptions:
        console.print(f"  assumes: {a}")


@app.command("verify")
def verify_(
    force: bool = typer.Option(False, "--force", help="Re-compute every check."),
    verbose: bool = typer.Option(False, "--details", help="Show reasons and indicative figures."),
) -> None:
    """Verdict per efficiency claim: holds / does not hold / cannot be checked (+ reason)."""
    from rich.progress import Progress
    from rich.table import Table

    _quiet_ml()
    from slr.reproduce.claims import load_claims
    from slr.reproduce.verdicts import verdicts_path, verify

    n = sum(1 for c in load_claims() if c.kind == "efficiency")
    with Progress(transient=True) as progress:
        task = progress.add_task("checking claims", total=n)
        verdicts = verify(
            force=force, on_claim=lambda c, v: progress.update(task, advance=1, description=c)
        )
    t = Table(title="Efficiency claims")
    for col in ("claim", "model", "method", "reported", "ours", "verdict", "basis"):
        t.add_column(col, overflow="fold")
    style = {"holds": "green", "does not hold": "red", "cannot be checked": "yellow"}
    for v in verdicts:
        ours = "" if v.predicted is None else _fmt(v.predicted, v.unit)
        if v.measured is not None:
            ours += f" (measured {_fmt(v.measured, v.unit)})"
        t.add_row(v.claim, v.model or "", v.method or "", v.reported, ours,
                  f"[{style[v.verdict]}]{v.verdict}[/]", v.basis or "")  # fmt: skip
    console = _console()
    console.print(t)
    if verbose:
        for v in verdicts:
            console.print(f"[bold]{v.claim}[/]: {v.reason}")
            if v.indicative:
                console.print(f"    indicative: {v.indicative}")
    counts: dict[str, int] = {}
    for v in verdicts:
        counts[v.verdict] = counts.get(v.verdict, 0) + 1
    console.print(
        ", ".join(f"{k}: {n}" for k, n in counts.items()) + f"; written to {verdicts_path()}"
    )


@app.command("migrate")
def migrate() -> None:
    """Rewrite results written by older versions (schema 1) as schema 2 in results/runs/."""
    from slr.errors import display_path
    from slr.reproduce.results.store import migrate as migrate_results

    console = _console()
    moved = migrate_results()
    for old, new in moved:
        console.print(f"{display_path(old)} -> {display_path(new)}")
    console.print(f"migrated {len(moved)} result file(s)")


def _fmt(value: float, unit: str | None) -> str:
    if unit == "params":
        return f"{value / 1e6:.2f}M"
    if unit == "percent":
        return f"{value:.2f}%"
    return f"{value:g}"


for _name, _command in RUN_COMMANDS.items():
    app.command(_name)(_command)
app.command("gpu-check")(gpu_cmds.gpu_check)
app.command("import-runs")(gpu_cmds.import_runs)


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="reproduce")
