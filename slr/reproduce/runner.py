"""Run specs (``reproductions/specs/<name>.yaml``) and measured, resumable runs.

A spec is data: model, method and hyper-parameters, the training set-up (batch, sequence length,
precision, optimizer, checkpointing), steps, device, seed, tags. ``run_specs`` executes each spec
in a fresh subprocess (``python -m slr.reproduce.worker``) so that memory peaks of different runs
never mix, records the measurement next to the analytical prediction, and writes
``reproductions/results/runs/<name>.json`` with a manifest (commit, dirty flag, package versions,
device, dtype, seeds, the full spec). A run whose stored result has the same spec hash is not
re-run (``force=True`` re-runs it). Out of memory is a result too: the figures and what to try.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from slr.errors import ConfigError, SlrError, ValidationReport
from slr.paths import project_root, reproductions_dir
from slr.reproduce.counting import HeadSpec
from slr.reproduce.memory import TrainingSetup
from slr.validation import validate_item
from slr.yamlio import load_yaml, pop_line, strip_lines

RUN_VERSION = 1  # bump when the measurement procedure changes (re-runs every spec)


class RunSpec(BaseModel):
    """One measured run (a file of ``reproductions/specs/``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str
    method: str
    hyperparameters: dict[str, Any] = Field(default_factory=dict)
    setup: TrainingSetup = TrainingSetup()
    head: HeadSpec | Literal["auto"] = "auto"
    steps: int = Field(default=10, ge=1)
    warmup_steps: int = Field(default=2, ge=1)
    device: Literal["auto", "cpu", "cuda"] = "auto"
    tiny: bool = Field(default=False, description="shrink the architecture (tests, CPU smoke runs)")
    config_overrides: dict[str, Any] = Field(default_factory=dict)
    seed: int = 0
    learning_rate: float = Field(default=1e-4, gt=0)
    tags: list[str] = Field(default_factory=list)
    claim: str | None = None
    tolerance: float = Field(
        default=0.10, gt=0, description="analytical vs measured peak, relative"
    )
    timeout_s: int = Field(default=3600, ge=10)
    description: str = ""


@dataclass(frozen=True)
class NamedSpec:
    name: str
    spec: RunSpec
    file: Path | None = None


def specs_dir(root: Path | None = None) -> Path:
    return reproductions_dir(root) / "specs"


def results_dir(root: Path | None = None) -> Path:
    return reproductions_dir(root) / "results"


def runs_dir(root: Path | None = None) -> Path:
    return results_dir(root) / "runs"


def load_specs(root: Path | None = None) -> dict[str, NamedSpec]:
    """Every run spec, validated: unknown keys, unknown model or method, bad hyper-parameters."""
    folder = specs_dir(root)
    return dict(_load_specs_cached(folder.resolve(), _mtimes(folder)))


def _mtimes(folder: Path) -> tuple[tuple[str, int], ...]:
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yaml")))


@lru_cache(maxsize=4)
def _load_specs_cached(folder: Path, _stamp: Any) -> tuple[tuple[str, NamedSpec], ...]:
    from slr.reproduce.architectures import architecture
    from slr.reproduce.methods import method_config

    report = ValidationReport()
    out: dict[str, NamedSpec] = {}
    for path in sorted(folder.glob("*.yaml")):
        raw = load_yaml(path)
        if not isinstance(raw, dict):
            report.add(path, "expected a mapping (model, method, setup, ...)", line=1)
            continue
        line = pop_line(raw)
        spec = validate_item(
            RunSpec, strip_lines(raw), report=report, file=path, line=line, what="run spec"
        )
        if spec is None:
            continue
        for what, check in (
            ("model", lambda s=spec: architecture(s.model)),
            ("method", lambda s=spec: method_config(s.method, **s.hyperparameters)),
        ):
            try:
                check()
            except ConfigError as err:
                report.add(path, f"{what}: {err}", line=line)
        out[path.stem] = NamedSpec(path.stem, spec, path)
    report.raise_if_any("reproductions/specs")
    return tuple(out.items())


def select_specs(
    specs: dict[str, NamedSpec], names: Iterable[str] = (), tags: Iterable[str] = ()
) -> list[NamedSpec]:
    names, tags = list(names), list(tags)
    unknown = [n for n in names if n not in specs]
    if unknown:
        raise ConfigError(
            f"unknown run spec(s) {', '.join(unknown)}; known: {', '.join(sorted(specs)) or 'none'}"
        )
    chosen = [specs[n] for n in names] if names else list(specs.values())
    if tags:
        chosen = [s for s in chosen if set(tags) & set(s.spec.tags)]
    return chosen


# --- resolution ---------------------------------------------------------------------------------


def cuda_available() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def resolve_device(spec: RunSpec) -> str:
    if spec.device == "auto":
        return "cuda" if cuda_available() else "cpu"
    return spec.device


def resolve_head(spec: RunSpec) -> HeadSpec:
    if isinstance(spec.head, HeadSpec):
        return spec.head
    from slr.reproduce.architectures import architecture, make_config

    config = make_config(architecture(spec.model))
    is_encoder = config.model_type in ("roberta", "bert")
    return HeadSpec(kind="classification") if is_encoder else HeadSpec()


def full_spec(named: NamedSpec, device: str) -> dict[str, Any]:
    """Everything that determines the run's outcome (its hash decides re-runs)."""
    from slr.reproduce.architectures import architecture
    from slr.reproduce.methods import method_config

    spec = named.spec
    arch = architecture(spec.model)
    cfg = method_config(spec.method, **spec.hyperparameters)
    return {
        "name": named.name,
        "run_version": RUN_VERSION,
        "run": spec.model_dump(mode="json"),
        "resolved": {
            "device": device,
            "head": resolve_head(spec).model_dump(),
            "method": {"name": cfg.method, **cfg.model_dump(mode="json")},
            "architecture": arch.model_dump(mode="json"),
        },
    }


# --- prediction ---------------------------------------------------------------------------------


def setup_for(spec: RunSpec, device: str) -> TrainingSetup:
    return spec.setup.model_copy(update={"device": device})


def predict_for(spec: RunSpec, device: str) -> dict[str, Any]:
    from slr.reproduce.memory import predict_memory
    from slr.reproduce.methods import method_config

    cfg = method_config(spec.method, **spec.hyperparameters)
    est = predict_memory(
        spec.model,
        cfg,
        setup_for(spec, device),
        head=resolve_head(spec),
        tiny=spec.tiny,
        overrides=spec.config_overrides or None,
    )
    return est.as_dict()


# --- results ------------------------------------------------------------------------------------


def result_path(name: str, root: Path | None = None) -> Path:
    return runs_dir(root) / f"{name}.json"


def read_result(name: str, root: Path | None = None) -> dict[str, Any] | None:
    path = result_path(name, root)
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise SlrError(f"{path}: not valid JSON ({err}); delete it to re-run the spec") from err


def write_json_atomic(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=False, default=str)
        fh.write("\n")
    os.replace(tmp, path)


@dataclass
class PlanRow:
    name: str
    status: str  # new | stale | up to date | needs a GPU | failed earlier
    device: str
    model: str
    method: str
    predicted_peak: int | None
    fits: bool | None
    spec_hash: str


def plan(
    selected: list[NamedSpec], root: Path | None = None, *, predict: bool = True
) -> list[PlanRow]:
    """What ``run`` would do for each spec, with the predicted peak and whether it fits."""
    from slr.reproduce.manifest import spec_hash

    rows = []
    have_cuda = cuda_available()
    for named in selected:
        spec = named.spec
        device = resolve_device(spec)
        fspec = full_spec(named, device)
        h = spec_hash(fspec)
        previous = read_result(named.name, root)
        if device == "cuda" and not have_cuda:
            status = "needs a GPU"
        elif previous is None:
            status = "new"
        elif previous.get("spec_hash") != h:
            status = "stale (spec changed)"
        else:
            status = (
                "up to date"
                if previous.get("status") == "ok"
                else f"done ({previous.get('status')})"
            )
        peak = fits = None
        if predict:
            peak = int(predict_for(spec, device)["peak"])
            capacity = device_capacity(device) if device != "cuda" or have_cuda else None
            fits = None if capacity is None else peak < capacity
        rows.append(PlanRow(named.name, status, device, spec.model, spec.method, peak, fits, h))
    return rows


def device_capacity(device: str) -> int | None:
    if device == "cuda":
        import torch

        return int(torch.cuda.get_device_properties(0).total_memory)
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except ImportError:  # pragma: no cover
        return None


OOM_ADVICE = [
    "enable gradient checkpointing (setup.gradient_checkpointing: true)",
    "halve the batch size or the sequence length (activations scale with batch x tokens)",
    "use bf16 instead of fp32 or AMP (halves weights, gradients and optimizer states)",
    "use 8-bit AdamW (optimizer states 2 bytes per trainable parameter)",
    "use a parameter-efficient method, or QLoRA for a 4-bit frozen base",
]


def run_specs(
    selected: list[NamedSpec],
    root: Path | None = None,
    *,
    force: bool = False,
    memory_limit: int | None = None,
    on_event: Callable[[str, str, dict[str, Any] | None], None] | None = None,
) -> list[dict[str, Any]]:
    """Run every selected spec that is new or changed; return the result records (all of them)."""
    from slr.reproduce.manifest import manifest, spec_hash

    root = root or project_root()
    have_cuda = cuda_available()
    out = []
    for named in selected:
        spec = named.spec
        device = resolve_device(spec)
        if device == "cuda" and not have_cuda:
            if on_event:
                on_event(named.name, "needs a GPU", None)
            out.append({"name": named.name, "status": "needs a GPU", "spec_hash": None})
            continue
        fspec = full_spec(named, device)
        h = spec_hash(fspec)
        previous = read_result(named.name, root)
        if previous is not None and previous.get("spec_hash") == h and not force:
            if on_event:
                on_event(named.name, "up to date", previous)
            out.append(previous)
            continue
        if on_event:
            on_event(named.name, "running", None)
        prediction = predict_for(spec, device)
        dtype = spec.setup.precision
        record: dict[str, Any] = {
            "name": named.name,
            "spec_hash": h,
            "manifest": manifest(
                root, device=device, dtype=dtype, seeds={"torch": spec.seed}, spec=fspec
            ),
            "prediction": prediction,
        }
        measured = _run_worker(fspec, spec.timeout_s, memory_limit)
        record.update(measured)
        record["comparison"] = compare(prediction, measured, device, spec.tolerance)
        if record["status"] == "oom":
            record["advice"] = _oom_advice(prediction, measured, device)
        write_json_atomic(result_path(named.name, root), record)
        if on_event:
            on_event(named.name, record["status"], record)
        out.append(record)
    return out


def _run_worker(
    fspec: dict[str, Any], timeout_s: int, memory_limit: int | None = None
) -> dict[str, Any]:
    env = dict(os.environ)
    if memory_limit:
        env["SLR_MEMORY_LIMIT"] = str(int(memory_limit))
    with tempfile.TemporaryDirectory(prefix="slr-run-") as tmp:
        spec_file = Path(tmp) / "spec.json"
        out_file = Path(tmp) / "result.json"
        spec_file.write_text(json.dumps(fspec), encoding="utf-8")
        cmd = [sys.executable, "-m", "slr.reproduce.worker", str(spec_file), str(out_file)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, env=env)
        except subprocess.TimeoutExpired:
            return {"status": "failed", "error": f"timed out after {timeout_s} s"}
        if out_file.exists():
            return json.loads(out_file.read_text(encoding="utf-8"))
        tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-15:]
        if proc.returncode in (-9, 137):
            return {
                "status": "oom",
                "error": "the worker was killed (SIGKILL): most likely the system ran out of memory",
                "stderr_tail": tail,
            }
        return {
            "status": "failed",
            "error": f"worker exited with {proc.returncode}",
            "stderr_tail": tail,
        }


def compare(
    prediction: dict[str, Any], measured: dict[str, Any], device: str, tolerance: float
) -> dict[str, Any]:
    """Analytical vs measured peak (CUDA: allocated; CPU: the profiler's allocated peak)."""
    m = measured.get("memory", {}) if measured.get("status") == "ok" else {}
    observed = m.get("peak_allocated") if device == "cuda" else m.get("cpu_allocated_peak")
    if not observed:
        return {
            "measured_peak": None,
            "predicted_peak": prediction["peak"],
            "within_tolerance": None,
        }
    ratio = prediction["peak"] / observed
    return {
        "measured_peak": observed,
        "predicted_peak": prediction["peak"],
        "ratio": round(ratio, 4),
        "tolerance": tolerance,
        "within_tolerance": abs(ratio - 1) <= tolerance,
    }


def _oom_advice(prediction: dict[str, Any], measured: dict[str, Any], device: str) -> list[str]:
    capacity = measured.get("device_memory") or device_capacity(device)
    gib = 1024**3
    head = (
        f"predicted peak {prediction['peak'] / gib:.1f} GiB (weights {prediction['weights'] / gib:.1f}, "
        f"optimizer states {prediction['optimizer_states'] / gib:.1f}, activations "
        f"{prediction['activations'] / gib:.1f}, gradients {prediction['gradients'] / gib:.1f})"
    )
    if capacity:
        head += f" vs {capacity / gib:.1f} GiB on the {device} device"
    return [head, *OOM_ADVICE]


def load_runs(root: Path | None = None) -> list[dict[str, Any]]:
    folder = runs_dir(root)
    out = []
    for path in sorted(folder.glob("*.json")):
        out.append(json.loads(path.read_text(encoding="utf-8")))
    return out
