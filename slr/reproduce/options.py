"""How a run is made: the options and progress callbacks every kind of run takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slr.reproduce.specs import LoadedSpec


class Progress:
    """Callbacks of a run (the CLI draws rich progress bars; the default does nothing)."""

    def spec_started(self, name: str, kind: str) -> None:
        pass

    def spec_done(self, name: str, status: str, result: Any) -> None:
        pass

    def job_started(self, label: str, index: int, total: int, steps: int, resumed: bool) -> None:
        pass

    def step(self, done: int, loss: float | None) -> None:
        pass

    def job_done(self, label: str, metrics: dict[str, float], reused: bool) -> None:
        pass

    def evaluating(self, label: str) -> None:
        pass


@dataclass
class RunOptions:
    """Options of :func:`slr.reproduce.run`; each applies to the kinds it names."""

    results_dir: Path | None = None  # both: where the result goes (default: its results/runs/)
    write: bool = True  # both: write the result file
    force: bool = False  # measure: re-run a spec whose result is up to date
    memory_limit: int | None = None  # measure: cap each CPU worker's added memory (bytes)
    workdir: Path | None = None  # train: checkpoints and per-job results
    seeds: list[int] | None = None  # train: only these seeds
    arms: list[str] | None = None  # train: only these arms
    fresh: bool = False  # train: discard finished jobs and checkpoints first
    progress: Progress = field(default_factory=Progress)

    def results_folder(self, loaded: LoadedSpec) -> Path:
        """``results_dir``, else ``results/runs/`` of the ``reproductions/`` holding the spec."""
        from slr.reproduce.results.store import runs_dir

        if self.results_dir is not None:
            return self.results_dir
        folder = loaded.reproductions_root()
        return folder / "results" / "runs" if folder is not None else runs_dir()


def data_root(loaded: LoadedSpec) -> Path:
    """The repository whose data a spec belongs to (recorded in the manifest)."""
    from slr.paths import project_root

    folder = loaded.reproductions_root()
    if folder is not None:
        return folder.parent
    try:
        return project_root(loaded.path.parent)
    except Exception:
        return Path.cwd()
