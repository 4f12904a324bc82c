"""What the reproduction commands print: progress bars, run lines, check and plan tables.

Imported by the command bodies only (rich and the result models; no torch at import).
"""

from __future__ import annotations

from typing import Any

from slr.reproduce.options import Progress


def human_bytes(n: float | None) -> str:
    if n is None:
        return ""
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if abs(n) >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n:.0f} B"


class RichProgress(Progress):
    """Progress bars of one spec: the jobs of a training run and the steps of the current job."""

    def __init__(self, console: Any) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bars

        self.bars = Bars(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[info]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self.jobs = self.bars.add_task("jobs", total=None, info="", visible=False)
        self.steps = self.bars.add_task("steps", total=None, info="", visible=False)

    def spec_started(self, name: str, kind: str) -> None:
        verb = "measuring" if kind == "measure" else "training"
        self.bars.update(self.jobs, description=f"{verb} {name}", visible=True, info="")

    def job_started(self, label: str, index: int, total: int, steps: int, resumed: bool) -> None:
        self.bars.update(self.jobs, description="jobs", total=total, completed=index, info=label)
        self.bars.reset(
            self.steps,
            total=steps,
            visible=True,
            description="resume" if resumed else "train",
            info="",
        )

    def step(self, done: int, loss: float | None) -> None:
        if loss is None:
            self.bars.update(self.steps, completed=done)
        else:
            self.bars.update(self.steps, completed=done, info=f"loss {loss:.4f}")

    def evaluating(self, label: str) -> None:
        self.bars.update(self.steps, description="evaluate")

    def job_done(self, label: str, metrics: dict[str, float], reused: bool) -> None:
        self.bars.advance(self.jobs)
        shown = ", ".join(f"{k.split(':')[-1]} {v:.2f}" for k, v in metrics.items())
        self.bars.console.print(f"{'reused' if reused else 'done'} {label}: {shown}")


def describe_measure(name: str, result: Any) -> str:
    """One line per measured run: status, peak against the prediction, speed, or the advice."""
    from slr.reproduce.results.models import MeasureResult

    if not isinstance(result, MeasureResult):  # not run here (e.g. needs a GPU)
        return f"{name}: {result.status}"
    if result.status == "ok":
        c, speed, mem = result.comparison, result.speed, result.memory
        text = f"{name}: ok; "
        if c.measured_peak:
            text += (
                f"peak {human_bytes(c.measured_peak)} (predicted "
                f"{human_bytes(c.predicted_peak)}, ratio {c.ratio})"
            )
        elif mem is not None and mem.peak_rss:
            text += f"peak RSS {human_bytes(mem.peak_rss)}"
        if speed is not None and speed.tokens_per_second:
            text += (
                f", {speed.median_step_seconds * 1000:.1f} ms/step, "
                f"{speed.tokens_per_second:.0f} tokens/s"
            )
        return text
    if result.status == "oom":
        return f"{name}: out of memory - " + "; ".join(result.advice or [result.error or ""])
    return f"{name}: {result.status} - {result.error or ''}"


def print_checks(console: Any, result: Any) -> None:
    """The checks of one training result."""
    from rich.table import Table

    table = Table(title=f"{result.spec}: {result.title}")
    for col in ("claim", "arm vs baseline", "metric", "arm", "baseline", "d (95% CI)", "verdict"):
        table.add_column(col)
    for c in result.checks:
        ci = (
            "-"
            if c.diff_mean is None
            else f"{c.diff_mean:+.2f} ({c.ci_low:+.2f}..{c.ci_high:+.2f})"
        )
        table.add_row(
            c.claim,
            f"{c.arm} {c.relation} {c.baseline} (tol {c.tolerance:g})",
            c.metric_key,
            _mean_std(c.arm_mean, c.arm_std),
            _mean_std(c.baseline_mean, c.baseline_std),
            ci,
            c.verdict,
        )
    console.print(table)
    scale = result.scale
    console.print(
        f"scale: {scale.description}"
        + (" [small-scale proxy, not the papers' setting]" if scale.proxy else "")
    )


def _mean_std(mean: float | None, std: float | None) -> str:
    return "-" if mean is None else f"{mean:.2f} ± {std or 0:.2f}"


def print_preflight(console: Any, pf: Any) -> None:
    """A training spec after its pre-flight checks: arms, steps, trainable share, data."""
    from rich.table import Table

    table = Table(title=f"{pf.loaded.name}: {pf.source.label} ({pf.source.kind})")
    for col in ("arm", "method", "set-up", "groups", "steps", "trainable", "% of base"):
        table.add_column(col)
    for name, plan in pf.arms.items():
        c = next(iter(plan.counts.values()))
        extras = [f"{k} {v}" for k, v, default in (("head", plan.arm.head, "trained"),
                  ("backbone", plan.arm.backbone, "frozen")) if v != default]  # fmt: skip
        table.add_row(
            name,
            plan.method.method,
            ", ".join([plan.method.setup(), *extras]),
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
    console.print(f"  claims: {', '.join(f'{k} ({v})' for k, v in pf.claims.items()) or '-'}")


def print_measure_check(console: Any, loaded: Any) -> None:
    """A measured-run spec after its checks: the predicted peak by part."""
    from slr.reproduce.measure.runner import predict_for
    from slr.reproduce.runtime.device import resolve_device

    spec = loaded.spec
    device = resolve_device(spec.device) if spec.device != "cuda" else "cuda"
    p = predict_for(spec, device)
    parts = ", ".join(
        f"{k.replace('_', ' ')} {human_bytes(p[k])}"
        for k in ("weights", "optimizer_states", "gradients", "activations")
    )
    console.print(
        f"{loaded.name} (measure): {spec.model} + {spec.method} on {device}; predicted peak "
        f"{human_bytes(p['peak'])} ({parts})"
    )


def print_effectiveness(console: Any, frame: Any) -> None:
    """The effectiveness checks table (one row per check)."""
    from rich.table import Table

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
