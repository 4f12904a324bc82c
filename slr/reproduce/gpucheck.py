"""The GPU check: the paper-scale measured runs that need only random weights, in one command.

``slr reproduce gpu-check --out DIR`` runs every measured-run spec tagged ``gpu-check`` (issue 4's
item 9: LoRA vs full fine-tuning on CodeT5-base and CodeLlama-7B; P1's LoRA vs full fine-tuning
memory on the 7B-class models it names; P29's Telly-K step times on UniXcoder), each in a fresh
process, and writes their results (with manifests) to ``DIR/runs/`` and a summary with the
analytical memory model's error per run and the method-vs-baseline ratios to ``DIR/summary.*``.
It stops at once, before anything is built, on a machine whose torch sees no CUDA device. A time
budget stops starting new runs when the longest run so far would not fit in what is left of it (the
rest are listed as not run).

``--cpu`` runs the same specs shrunk to tiny configurations on the CPU (``tiny: true``, fp32, a
few short steps): every step but the CUDA kernels, on any machine (the test suite does).

``slr reproduce import-runs DIR`` turns such a folder into committed results: each result is
validated, must come from a CUDA device (``--allow-cpu`` for the tiny variant, into another
results folder) and from the spec as committed (same spec hash); all are written or none.
``slr reproduce verify`` then updates the verdicts.
"""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slr.errors import ConfigError, SlrError

TAG = "gpu-check"
DEFAULT_BUDGET_S = 450.0  # 7.5 of the 8 minutes the issue allows on one H200
GIB = 1024**3


class NoCudaDevice(SlrError):
    """gpu-check on a machine whose torch sees no CUDA device."""


def require_cuda() -> str:
    """The device name, or :class:`NoCudaDevice` with what torch sees and what to do."""
    import os

    import torch

    build = torch.version.cuda
    if build is None:
        raise NoCudaDevice(
            f"gpu-check needs a CUDA device, and torch {torch.__version__} is a CPU build; run it "
            "on the GPU machine (make gpu-wheels here, then scripts/gpu-check there), or add --cpu "
            "for the tiny variant of every run on this machine"
        )
    if not torch.cuda.is_available() or torch.cuda.device_count() == 0:
        visible = os.environ.get("CUDA_VISIBLE_DEVICES")
        raise NoCudaDevice(
            f"gpu-check needs a CUDA device, and torch {torch.__version__} (CUDA {build}) sees "
            "none"
            + (f" (CUDA_VISIBLE_DEVICES={visible!r})" if visible is not None else "")
            + "; check the driver (nvidia-smi), or add --cpu for the tiny variant"
        )
    return str(torch.cuda.get_device_name(0))


def check_specs(root: Path | None = None, only: list[str] | None = None) -> list[Any]:
    """The specs tagged ``gpu-check`` (item 9 first, then small models first), or ``only`` some."""
    from slr.registry import did_you_mean
    from slr.reproduce.specs import load_specs, select_specs

    chosen = select_specs(load_specs(root), tags=[TAG], kind="measure")
    if not chosen:
        raise ConfigError(f"no measured-run spec in reproductions/specs/ is tagged '{TAG}'")
    if only:
        names = {s.name for s in chosen}
        unknown = [n for n in only if n not in names]
        if unknown:
            raise ConfigError(
                f"--only {', '.join(unknown)}: not a spec tagged '{TAG}'"
                + "".join(f"; {did_you_mean(n, sorted(names))}".rstrip() for n in unknown)
            )
        chosen = [s for s in chosen if s.name in only]
    return sorted(
        chosen, key=lambda s: ("item-9" not in s.spec.tags, _base_size(s.spec.model), s.name)
    )


@functools.cache
def _base_size(model: str) -> int:
    """The model's parameter count (exact, from its config): small models first, so that a spent
    budget leaves out whole pairs of the largest, not a P29 pair that takes seconds."""
    from slr.reproduce.counting import count_parameters

    return int(count_parameters(model, "Full Fine-Tuning", {}).base_params)


def tiny_variant(loaded: Any) -> dict[str, Any]:
    """The spec shrunk for the CPU: tiny architecture, fp32, batch <= 2, short sequences."""
    spec: dict[str, Any] = loaded.spec.model_dump(mode="json", exclude_defaults=True)
    setup = dict(spec.get("setup", {}))
    setup["batch_size"] = min(int(setup.get("batch_size", 8)), 2)
    setup["seq_len"] = min(int(setup.get("seq_len", 512)), 32)
    if setup.get("target_len") is not None:
        setup["target_len"] = min(int(setup["target_len"]), 16)
    setup["precision"] = "fp32"
    setup["device"] = "cpu"
    spec.update(
        setup=setup, tiny=True, device="cpu", steps=2, warmup_steps=1, timeout_s=300, kind="measure"
    )
    spec["description"] = f"tiny CPU variant of {loaded.name}: " + spec.get("description", "")
    # tiny width, real depth: layer-wise methods (Telly-K's k) keep their meaning, and a method
    # run and its full fine-tuning run stay the same shape
    from slr.reproduce.architectures import load_architectures
    from slr.reproduce.runtime.building import tiny_overrides

    arch = load_architectures()[loaded.spec.model]
    depth = {k: arch.config[k] for k in tiny_overrides(arch) if "layer" in k and k in arch.config}
    spec["config_overrides"] = {**spec.get("config_overrides", {}), **depth}
    return spec


@dataclass
class CheckRun:
    spec: str
    status: str
    seconds: float
    result: Any = None  # MeasureResult | None


@dataclass
class CheckReport:
    device: str
    mode: str
    budget_s: float
    runs: list[CheckRun] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        return [run_row(r) for r in self.runs]


def run_check(
    out: Path,
    *,
    cpu: bool = False,
    budget_s: float | None = None,
    root: Path | None = None,
    only: list[str] | None = None,
) -> CheckReport:
    """Run the ``gpu-check`` specs (or their tiny variants); results under ``out/runs``.

    ``budget_s`` (default: :data:`DEFAULT_BUDGET_S` on the GPU, none with ``cpu``) stops starting
    runs when the longest so far would not fit in what is left."""
    import yaml

    from slr.atomic import atomic_write_text
    from slr.reproduce.entry import run
    from slr.reproduce.options import RunOptions
    from slr.reproduce.specs import load_spec

    device = "cpu (tiny variants)" if cpu else require_cuda()  # before anything is built
    specs = check_specs(root, only)
    options = RunOptions(results_dir=out / "runs", force=True)
    if budget_s is None:
        budget_s = float("inf") if cpu else DEFAULT_BUDGET_S
    report = CheckReport(device=device, mode="cpu" if cpu else "gpu", budget_s=budget_s)
    start, longest = time.monotonic(), 0.0
    for loaded in specs:
        if time.monotonic() - start + longest > budget_s:
            report.runs.append(CheckRun(loaded.name, "not run: time budget spent", 0.0))
            continue
        if cpu:
            path = out / "specs" / f"{loaded.name}.yaml"
            atomic_write_text(path, yaml.safe_dump(tiny_variant(loaded), sort_keys=False))
            loaded = load_spec(path)
        t0 = time.monotonic()
        result = run(loaded, options)
        status = getattr(result, "status", None) or getattr(result, "reason", "not run")
        seconds = time.monotonic() - t0
        longest = max(longest, seconds)
        report.runs.append(CheckRun(loaded.name, str(status), seconds, result))
    write_summary(report, out)
    return report


def run_row(run: CheckRun) -> dict[str, Any]:
    """One line of the summary: the run, the analytical model's error, speed."""
    row: dict[str, Any] = {"spec": run.spec, "status": run.status, "seconds": round(run.seconds, 1)}
    r = run.result
    if r is None or not hasattr(r, "comparison"):
        return row
    spec = r.manifest.spec
    row.update(
        model=spec["run"]["model"],
        method=spec["resolved"]["method"]["name"],
        claim=spec["run"].get("claim"),
        predicted_gib=round(r.comparison.predicted_peak / GIB, 3),
        measured_gib=round(r.comparison.measured_peak / GIB, 3)
        if r.comparison.measured_peak
        else None,
        model_error_percent=(
            round(100.0 * (r.comparison.ratio - 1), 1) if r.comparison.ratio is not None else None
        ),
        within_tolerance=r.comparison.within_tolerance,
        step_ms=round(1000 * r.speed.median_step_seconds, 2) if r.speed else None,
        tokens_per_second=round(r.speed.tokens_per_second, 1)
        if r.speed and r.speed.tokens_per_second
        else None,
    )
    return row


def pair_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Method vs full fine-tuning on the same model and set-up: memory and step-time reduction."""
    full = "Full Fine-Tuning"
    by_group: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for row in rows:
        if "model" not in row or row.get("status") != "ok":
            continue
        group = row["spec"].replace("-full-", "-*-")
        for token in ("-lora-", "-telly0-", "-telly11-"):
            group = group.replace(token, "-*-")
        by_group.setdefault((group, row["model"]), {})[row["spec"]] = row
    out = []
    for (group, model), members in sorted(by_group.items()):
        bases = [m for m in members.values() if m["method"] == full]
        if not bases:
            continue
        base = bases[0]
        for row in members.values():
            if row is base:
                continue
            pair: dict[str, Any] = {"group": group, "model": model, "spec": row["spec"]}
            if row.get("measured_gib") and base.get("measured_gib"):
                pair["memory_reduction_percent"] = round(
                    100.0 * (1 - row["measured_gib"] / base["measured_gib"]), 1
                )
            pair["predicted_memory_reduction_percent"] = round(
                100.0 * (1 - row["predicted_gib"] / base["predicted_gib"]), 1
            )
            if row.get("step_ms") and base.get("step_ms"):
                pair["step_time_reduction_percent"] = round(
                    100.0 * (1 - row["step_ms"] / base["step_ms"]), 1
                )
            pair["claim"] = row.get("claim")
            out.append(pair)
    return out


def write_summary(report: CheckReport, out: Path) -> None:
    from slr.atomic import atomic_write_json, atomic_write_text

    rows = report.rows()
    pairs = pair_rows(rows)
    atomic_write_json(
        out / "summary.json",
        {"device": report.device, "mode": report.mode, "budget_s": report.budget_s if report.budget_s != float("inf") else None,
         "runs": rows, "pairs": pairs},
    )  # fmt: skip
    lines = [f"# gpu-check on {report.device} ({report.mode})", ""]
    lines.append("| spec | status | s | predicted GiB | measured GiB | model error % | ms/step |")
    lines.append("|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        lines.append(
            f"| {r['spec']} | {r['status']} | {r['seconds']} | {r.get('predicted_gib', '')} | "
            f"{r.get('measured_gib') or ''} | {_signed(r.get('model_error_percent'))} | "
            f"{r.get('step_ms') or ''} |"
        )
    if pairs:
        lines += [
            "",
            "| vs full fine-tuning | memory reduction % (predicted) | step time reduction % |",
        ]
        lines.append("|---|---:|---:|")
        for p in pairs:
            lines.append(
                f"| {p['spec']} | {p.get('memory_reduction_percent', '')} "
                f"({p['predicted_memory_reduction_percent']}) | "
                f"{p.get('step_time_reduction_percent', '')} |"
            )
    atomic_write_text(out / "summary.md", "\n".join(lines) + "\n")


def _signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}"


# --- importing a folder of results ---------------------------------------------------------------


def import_runs(
    source: Path, *, allow_cpu: bool = False, root: Path | None = None, dest: Path | None = None
) -> list[Path]:
    """Copy the measured results of ``source`` (a gpu-check folder or its ``runs/``) into the
    results folder: every file validated first (CUDA device, the committed spec's hash), then all
    written together. Returns the written paths."""
    from slr.atomic import atomic_batch
    from slr.errors import ValidationReport
    from slr.reproduce.measure.runner import full_spec
    from slr.reproduce.results.models import MeasureResult
    from slr.reproduce.results.store import read_result, runs_dir
    from slr.reproduce.runtime.manifest import spec_hash
    from slr.reproduce.specs import load_specs

    folder = source / "runs" if (source / "runs").is_dir() else source
    files = sorted(folder.glob("*.json"))
    if not files:
        raise ConfigError(f"{folder}: no result files (*.json) to import")
    specs = load_specs(root)
    report = ValidationReport()
    accepted: list[tuple[Path, MeasureResult]] = []
    for path in files:
        result = read_result(path)
        if not isinstance(result, MeasureResult):
            report.add(path, "not a measured-run result (kind: measure)")
            continue
        kind = str(result.manifest.device.get("kind", ""))
        if kind != "cuda" and not allow_cpu:
            report.add(
                path,
                f"made on '{kind}', not on a CUDA device",
                fix="import GPU results only; --allow-cpu takes the tiny CPU variant (tests)",
            )
            continue
        if kind == "cuda":
            loaded = specs.get(result.spec)
            if loaded is None:
                report.add(path, f"spec '{result.spec}' is not in reproductions/specs/")
                continue
            if spec_hash(full_spec(loaded, "cuda")) != result.spec_hash:
                report.add(
                    path,
                    f"made from another version of spec '{result.spec}' (spec hash differs)",
                    fix="rerun gpu-check with the committed specs",
                )
                continue
        accepted.append((path, result))
    report.raise_if_any("gpu-check results")
    target = dest or runs_dir(root)
    written = []
    with atomic_batch() as batch:
        for _, result in accepted:
            out = target / f"{result.spec}.json"
            with batch.writer(out) as fh:  # as write_result writes it
                fh.write(json.dumps(result.model_dump(mode="json"), indent=2) + "\n")
            written.append(out)
    return written
