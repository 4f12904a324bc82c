"""Measured runs (``kind: measure``): a fresh process per spec, measurement next to prediction.

:func:`run_measure` executes a spec in a fresh subprocess (``python -m
slr.reproduce.measure.worker``) so that memory peaks of different runs never mix, records the
measurement next to the analytical prediction, and writes a
:class:`~slr.reproduce.results.models.MeasureResult` with its manifest (commit, dirty flag,
package versions, device, dtype, seeds, the full spec). A spec whose stored result has the same
spec hash is not re-run (``force`` re-runs it). Out of memory is a result too: the figures and
what to try. A spec that wants CUDA on a machine without it is not run (:class:`NotRun`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slr.reproduce.options import RunOptions, data_root
from slr.reproduce.results.models import MeasureResult
from slr.reproduce.results.store import read_result
from slr.reproduce.runtime.building import Head
from slr.reproduce.runtime.device import cuda_available, device_capacity, resolve_device
from slr.reproduce.specs import LoadedSpec, MeasureSpec

RUN_VERSION = 1  # bump when the measurement procedure changes (re-runs every spec)


@dataclass(frozen=True)
class NotRun:
    """A spec that was not run here, and why (e.g. ``needs a GPU``)."""

    spec: str
    status: str


def measure_spec(loaded: LoadedSpec) -> MeasureSpec:
    assert isinstance(loaded.spec, MeasureSpec), f"{loaded.name} is a {loaded.kind} spec"
    return loaded.spec


def resolve_head(spec: MeasureSpec) -> Head:
    if isinstance(spec.head, Head):
        return spec.head
    from slr.reproduce.architectures import architecture
    from slr.reproduce.runtime.building import make_config

    config = make_config(architecture(spec.model))
    is_encoder = config.model_type in ("roberta", "bert")
    return Head(kind="classification") if is_encoder else Head()


def full_spec(loaded: LoadedSpec, device: str) -> dict[str, Any]:
    """Everything that determines the run's outcome (its hash decides re-runs)."""
    from slr.reproduce.architectures import architecture
    from slr.reproduce.methods import method_config

    spec = measure_spec(loaded)
    arch = architecture(spec.model)
    cfg = method_config(spec.method, **spec.hyperparameters)
    return {
        "name": loaded.name,
        "run_version": RUN_VERSION,
        "run": loaded.hash_payload(),
        "resolved": {
            "device": device,
            "head": resolve_head(spec).model_dump(),
            "method": {"name": cfg.method, **cfg.model_dump(mode="json")},
            "architecture": arch.model_dump(mode="json"),
        },
    }


def predict_for(spec: MeasureSpec, device: str) -> dict[str, Any]:
    """The analytical estimate of the run (bytes by part)."""
    from slr.reproduce.memory import predict_memory
    from slr.reproduce.methods import method_config

    cfg = method_config(spec.method, **spec.hyperparameters)
    est = predict_memory(
        spec.model,
        cfg,
        spec.setup.model_copy(update={"device": device}),
        head=resolve_head(spec),
        tiny=spec.tiny,
        overrides=spec.config_overrides or None,
    )
    return est.as_dict()


@dataclass
class PlanRow:
    name: str
    kind: str
    status: str  # new | stale | up to date | needs a GPU | done (oom) ...
    device: str
    model: str
    method: str
    predicted_peak: int | None
    fits: bool | None
    spec_hash: str


def status_of(spec_hash: str, path: Path) -> str:
    """new / stale / up to date / done (oom) of the result in ``path`` against ``spec_hash``."""
    previous = read_result(path)
    if previous is None:
        return "new"
    if previous.spec_hash != spec_hash:
        return "stale (spec changed)"
    status = getattr(previous, "status", "ok")
    return "up to date" if status == "ok" else f"done ({status})"


def plan_row(loaded: LoadedSpec, options: RunOptions, *, predict: bool = True) -> PlanRow:
    """What ``run`` would do for a measured-run spec, with the predicted peak and if it fits."""
    from slr.reproduce.runtime.manifest import spec_hash

    spec = measure_spec(loaded)
    device = resolve_device(spec.device)
    h = spec_hash(full_spec(loaded, device))
    have_cuda = cuda_available()
    if device == "cuda" and not have_cuda:
        status = "needs a GPU"
    else:
        status = status_of(h, options.results_folder(loaded) / f"{loaded.name}.json")
    peak = fits = None
    if predict:
        peak = int(predict_for(spec, device)["peak"])
        capacity = device_capacity(device) if device != "cuda" or have_cuda else None
        fits = None if capacity is None else peak < capacity
    return PlanRow(loaded.name, "measure", status, device, spec.model, spec.method, peak, fits, h)


def run_measure(loaded: LoadedSpec, options: RunOptions) -> MeasureResult | NotRun:
    """Run one measured-run spec unless its result is up to date; write and return the result."""
    from slr.reproduce.results.store import write_result
    from slr.reproduce.runtime.manifest import manifest, spec_hash

    spec = measure_spec(loaded)
    progress = options.progress
    device = resolve_device(spec.device)
    if device == "cuda" and not cuda_available():
        progress.spec_done(loaded.name, "needs a GPU", None)
        return NotRun(loaded.name, "needs a GPU")
    fspec = full_spec(loaded, device)
    h = spec_hash(fspec)
    path = options.results_folder(loaded) / f"{loaded.name}.json"
    previous = read_result(path)
    if isinstance(previous, MeasureResult) and previous.spec_hash == h and not options.force:
        progress.spec_done(loaded.name, "up to date", previous)
        return previous
    progress.spec_started(loaded.name, "measure")
    prediction = predict_for(spec, device)
    measured = _run_worker(fspec, spec.timeout_s, options.memory_limit)
    made = manifest(
        data_root(loaded),
        device=device,
        dtype=spec.setup.precision,
        seeds={"torch": spec.seed},
        spec=fspec,
    )
    result = MeasureResult.model_validate(
        {
            "spec": loaded.name,
            "spec_hash": h,
            "manifest": made,
            "prediction": prediction,
            "comparison": compare(prediction, measured, device, spec.tolerance),
            **measured,
        }
    )
    if result.status == "oom":
        from slr.reproduce.runtime.oom import setup_advice

        capacity = measured.get("device_memory") or device_capacity(device)
        result = result.model_copy(update={"advice": setup_advice(prediction, capacity, device)})
    if options.write:
        write_result(result, path)
    progress.spec_done(loaded.name, result.status, result)
    return result


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
        cmd = [sys.executable, "-m", "slr.reproduce.measure.worker", str(spec_file), str(out_file)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, env=env)
        except subprocess.TimeoutExpired:
            return {"status": "failed", "error": f"timed out after {timeout_s} s"}
        if out_file.exists():
            result: dict[str, Any] = json.loads(out_file.read_text(encoding="utf-8"))
            return result
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
