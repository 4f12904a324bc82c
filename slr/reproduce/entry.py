"""The one entry: :func:`run` executes any spec, of either kind, and returns its typed result."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from slr.reproduce.options import RunOptions

if TYPE_CHECKING:
    from slr.reproduce.measure.runner import NotRun
    from slr.reproduce.results.models import MeasureResult, TrainResult
    from slr.reproduce.specs import LoadedSpec


def resolve_spec(spec: str | Path | LoadedSpec, root: Path | None = None) -> LoadedSpec:
    """A loaded spec from a spec, a file path, or a spec name of ``reproductions/specs/``."""
    from slr.reproduce.specs import LoadedSpec, load_spec, load_specs, select_specs

    if isinstance(spec, LoadedSpec):
        return spec
    path = Path(spec)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        return load_spec(path)
    [loaded] = select_specs(load_specs(root), [str(spec)])
    return loaded


def run(
    spec: str | Path | LoadedSpec, options: RunOptions | None = None
) -> MeasureResult | TrainResult | NotRun:
    """Run one spec (a name, a file, or a loaded spec) and return its result.

    ``kind: measure``: measured in a fresh process unless its stored result is up to date
    (:func:`slr.reproduce.measure.runner.run_measure`; :class:`NotRun` when it needs a GPU
    this machine lacks). ``kind: train``: checked before training, then every job trained or
    resumed, evaluated and judged (:func:`slr.reproduce.train.runner.run_train`).
    """
    loaded = resolve_spec(spec)
    options = options or RunOptions()
    if loaded.kind == "measure":
        from slr.reproduce.measure.runner import run_measure

        return run_measure(loaded, options)
    from slr.reproduce.train.runner import run_train

    return run_train(loaded, options)
