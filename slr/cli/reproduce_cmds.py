"""``slr reproduce``: architectures, PEFT methods, parameter counts, memory, runs and verdicts.

Only typer is imported here; torch/transformers/peft load inside the command bodies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

_GIB = 1024**3


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


def register(app: typer.Typer) -> None:
    rep = typer.Typer(
        help="Re-check the papers' efficiency claims: architectures, PEFT methods, exact "
        "parameter counts, the analytical memory model, measured runs and verdicts.",
        no_args_is_help=True,
    )
    app.add_typer(rep, name="reproduce")

    @rep.command("list")
    def list_(
        what: str = typer.Argument("all", help="models, methods, specs, claims or all"),
    ) -> None:
        """List the registry: model architectures, PEFT methods, run specs, claims."""
        from rich.table import Table

        from slr.errors import ConfigError

        choices = ("models", "methods", "specs", "claims", "all")
        if what not in choices:
            raise ConfigError(f"unknown list '{what}'; use one of {', '.join(choices)}")
        console = _console()
        if what in ("models", "all"):
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
            console.print(t)
        if what in ("methods", "all"):
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
            console.print(t)
        if what in ("specs", "all"):
            from slr.reproduce.runner import load_specs

            t = Table(title="Run specs (reproductions/specs/)")
            for col in ("spec", "model", "method", "device", "set-up", "tags"):
                t.add_column(col)
            for name, named in load_specs().items():
                s = named.spec
                setup = f"b{s.setup.batch_size} x {s.setup.seq_len}, {s.setup.precision}, {s.setup.optimizer}"
                t.add_row(name, s.model, s.method, s.device, setup, ",".join(s.tags))
            console.print(t)
        if what in ("claims", "all"):
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
            console.print(t)

    @rep.command("params")
    def params(
        model: list[str] = typer.Option(
            None, "--model", "-m", help="Model (repeatable); default: all."
        ),
        method: list[str] = typer.Option(
            None, "--method", help="Method (repeatable); default: all."
        ),
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
            trainable = (
                ""
                if row.trainable_params is None or str(row.trainable_params) == "<NA>"
                else f"{int(row.trainable_params):,}"
            )
            total = "" if str(row.total_params) == "<NA>" else f"{int(row.total_params):,}"
            pct = (
                ""
                if row.trainable_percent != row.trainable_percent or row.trainable_percent is None
                else f"{row.trainable_percent:.4f}"
            )
            pctb = (
                ""
                if row.trainable_percent_of_base != row.trainable_percent_of_base
                or row.trainable_percent_of_base is None
                else f"{row.trainable_percent_of_base:.4f}"
            )
            t.add_row(row.model, row.method, total, trainable, pct, pctb, str(row.notes or "")[:80])
        console = _console()
        console.print(t)
        if out is not None:
            console.print(f"wrote {len(frame)} rows to {out}")

    @rep.command("memory")
    def memory(
        model: str = typer.Argument(..., help="Base model (any taxonomy spelling)."),
        method: str = typer.Argument("LoRA", help="PEFT method (any taxonomy spelling)."),
        batch_size: int = typer.Option(8, "--batch-size", "-b"),
        seq_len: int = typer.Option(512, "--seq-len", "-s"),
        target_len: int = typer.Option(None, "--target-len", help="Decoder tokens (seq2seq)."),
        precision: str = typer.Option("bf16", help="fp32, bf16, fp16, amp-bf16 or amp-fp16."),
        optimizer: str = typer.Option("adamw", help="adamw, adamw-8bit, sgd or adafactor."),
        checkpointing: bool = typer.Option(False, "--gradient-checkpointing"),
        set_: list[str] = typer.Option(
            None, "--set", help="Hyper-parameter key=value (repeatable)."
        ),
    ) -> None:
        """Predicted peak training memory of one model + method, with its parts."""
        import json

        from rich.table import Table

        _quiet_ml()
        from slr.reproduce.memory import TrainingSetup, memory_reduction, predict_memory
        from slr.reproduce.methods import method_config

        params = {}
        for item in set_ or []:
            key, _, value = item.partition("=")
            try:
                params[key] = json.loads(value)
            except json.JSONDecodeError:
                params[key] = value
        setup = TrainingSetup(
            batch_size=batch_size,
            seq_len=seq_len,
            target_len=target_len,
            precision=precision,  # type: ignore[arg-type]
            optimizer=optimizer,  # type: ignore[arg-type]
            gradient_checkpointing=checkpointing,
        )
        cfg = method_config(method, **params)
        est = predict_memory(model, cfg, setup)
        base = predict_memory(
            model, "Full Fine-Tuning", setup.model_copy(update={"optimizer": "adamw"})
        )
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

    @rep.command("plan")
    def plan_(
        spec: list[str] = typer.Argument(None, help="Run spec names; default: all."),
        tag: list[str] = typer.Option(None, "--tag", help="Only specs with this tag (repeatable)."),
    ) -> None:
        """What `run` would do: new / stale / up to date / needs a GPU, predicted peak."""
        from rich.table import Table

        _quiet_ml()
        from slr.reproduce.runner import load_specs, plan, select_specs

        rows = plan(select_specs(load_specs(), spec or [], tag or []))
        t = Table(title="Run plan")
        for col in ("spec", "status", "device", "model", "method", "predicted peak", "fits"):
            t.add_column(col, overflow="fold")
        for r in rows:
            fits = "" if r.fits is None else ("yes" if r.fits else "NO")
            peak = _human(r.predicted_peak)
            t.add_row(r.name, r.status, r.device, r.model, r.method, peak, fits)
        _console().print(t)

    @rep.command("run")
    def run(
        spec: list[str] = typer.Argument(None, help="Run spec names; default: all."),
        tag: list[str] = typer.Option(None, "--tag", help="Only specs with this tag (repeatable)."),
        force: bool = typer.Option(
            False, "--force", help="Re-run specs whose result is up to date."
        ),
        memory_limit: str = typer.Option(
            None, "--memory-limit", help="Cap each CPU worker (e.g. 8GiB)."
        ),
    ) -> None:
        """Measure the selected specs (fresh subprocess each), resumable; results in reproductions/results/runs/."""
        from rich.progress import Progress

        _quiet_ml()
        from slr.reproduce.runner import load_specs, run_specs, select_specs

        selected = select_specs(load_specs(), spec or [], tag or [])
        console = _console()
        if not selected:
            console.print("no run spec selected")
            return
        lines: list[str] = []
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("runs", total=len(selected))

            def event(name: str, status: str, record: dict | None) -> None:
                if status == "running":
                    progress.update(task, description=f"running {name}")
                    return
                progress.advance(task)
                lines.append(_describe_run(name, status, record))

            records = run_specs(
                selected, force=force, memory_limit=_parse_size(memory_limit), on_event=event
            )
        for line in lines:
            console.print(line)
        failed = [r for r in records if r.get("status") == "failed"]
        if failed:
            from slr.errors import SlrError

            raise SlrError(
                f"{len(failed)} run(s) failed: "
                + "; ".join(f"{r['name']}: {r.get('error')}" for r in failed)
            )

    @rep.command("verify")
    def verify_(
        force: bool = typer.Option(False, "--force", help="Re-compute every check."),
        verbose: bool = typer.Option(
            False, "--details", help="Show reasons and indicative figures."
        ),
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
            ours = "" if v["predicted"] is None else _fmt(v["predicted"], v.get("unit"))
            if v.get("measured") is not None:
                ours += f" (measured {_fmt(v['measured'], v.get('unit'))})"
            t.add_row(v["claim"], v["model"] or "", v["method"] or "", v["reported"], ours,
                      f"[{style[v['verdict']]}]{v['verdict']}[/]", v["basis"] or "")  # fmt: skip
        console = _console()
        console.print(t)
        if verbose:
            for v in verdicts:
                console.print(f"[bold]{v['claim']}[/]: {v['reason']}")
                if v.get("indicative"):
                    console.print(f"    indicative: {v['indicative']}")
        counts: dict[str, int] = {}
        for v in verdicts:
            counts[v["verdict"]] = counts.get(v["verdict"], 0) + 1
        console.print(
            ", ".join(f"{k}: {n}" for k, n in counts.items()) + f"; written to {verdicts_path()}"
        )


def _human(n: float | None) -> str:
    if n is None:
        return ""
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if abs(n) >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n:.0f} B"


def _fmt(value: float, unit: str | None) -> str:
    if unit == "params":
        return f"{value / 1e6:.2f}M"
    if unit == "percent":
        return f"{value:.2f}%"
    return f"{value:g}"


def _describe_run(name: str, status: str, record: dict | None) -> str:
    if record is None or status in ("needs a GPU",):
        return f"{name}: {status}"
    if record.get("status") == "ok":
        c = record.get("comparison", {})
        speed = record.get("speed", {})
        mem = record.get("memory", {})
        measured = c.get("measured_peak")
        text = f"{name}: {status}; "
        if measured:
            text += f"peak {_human(measured)} (predicted {_human(c['predicted_peak'])}, ratio {c.get('ratio')})"
        elif mem.get("peak_rss"):
            text += f"peak RSS {_human(mem['peak_rss'])}"
        if speed.get("tokens_per_second"):
            text += f", {speed['median_step_seconds'] * 1000:.1f} ms/step, {speed['tokens_per_second']:.0f} tokens/s"
        return text
    if record.get("status") == "oom":
        return f"{name}: out of memory - " + "; ".join(
            record.get("advice", [record.get("error", "")])
        )
    return f"{name}: {record.get('status')} - {record.get('error', '')}"
