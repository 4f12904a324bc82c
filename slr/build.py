"""``slr build``: the whole review from the bundled corpus into one folder, atomically.

The build writes into a temporary sibling folder (``build.tmp-*``, holding the builder's process
id) and swaps it in only when everything succeeded: an interrupted or failed build leaves the
previous ``build/`` as it was. Ctrl-C and SIGTERM remove the temporary folder on the way out; a
build killed outright (SIGKILL, power loss) leaves it, and the next build removes every
``build.tmp-*`` whose process is gone. Figure workers die with the build: they are told by the
kernel when their parent dies (Linux ``PR_SET_PDEATHSIG``) and are terminated when it fails.

The folder is replaced whole, so ``--out`` must be new, empty or an earlier build (it holds
``manifest.json``), and never a folder of the review's data or one that contains it. The output
is byte-identical from run to run (no times, no hash-order dependence).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from slr import __version__
from slr.errors import SlrError


def git_state(root: Path) -> tuple[str, bool]:
    """(commit, dirty) of the repository holding ``root``; ('unknown', False) outside git."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(root),
                    "status",
                    "--porcelain",
                    "--",
                    "corpus",
                    "taxonomy",
                    "slr",
                ],
                capture_output=True,
                text=True,
                check=True,
                timeout=10,
            ).stdout.strip()
        )
        return commit, dirty
    except (OSError, subprocess.SubprocessError):
        return "unknown", False


def build_review(
    out: Path, root: Path | None = None, *, figures: list[str] | None = None, quiet: bool = False
) -> Path:
    """Build figures, tables and ``report.html`` into ``out``; return ``out``."""
    from rich.progress import Progress

    from slr.figures.base import compute_frame, registry, setup_matplotlib, write_figure
    from slr.report.context import BuildContext, default_sections, render_report
    from slr.report.sections import REVIEW_CITATION, REVIEW_URL, paper_titles
    from slr.review import Review

    review = Review.load(root)
    repo = review.root
    out = out.resolve()
    _check_out(out, repo)
    out.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale_builds(out)
    tmp = Path(tempfile.mkdtemp(prefix=f"{out.name}.tmp-", dir=out.parent))
    (tmp / _PID_FILE).write_text(str(os.getpid()), encoding="ascii")
    try:
        setup_matplotlib()
        specs = registry()
        chosen = {n: s for n, s in specs.items() if figures is None or n in figures}
        unknown = set(figures or []) - set(specs)
        if unknown:
            raise SlrError(f"unknown figure(s) {sorted(unknown)}; known: {', '.join(specs)}")
        ctx = BuildContext(out=tmp, specs=chosen, titles=paper_titles(review))
        with Progress(disable=quiet, transient=True) as progress:
            # every number is computed here, once (the review loads each stage's data once and
            # the report's sections reuse it); only the drawing is spread over the workers
            frames = {n: compute_frame(s, review) for n, s in chosen.items()}
            task = progress.add_task("figures", total=len(chosen))
            for name, paths in _draw_all(chosen, frames, tmp / "figures", write_figure):
                progress.update(task, description=f"figure {name}")
                ctx.figures[name] = paths
                progress.advance(task)
            ctx.figures = {n: ctx.figures[n] for n in chosen}  # registry order
        commit, dirty = git_state(repo)
        html = render_report(
            review,
            ctx,
            default_sections(),
            meta={
                "title": "A Systematic Literature Review of PEFT for Large Code Models — the review as data",
                "subtitle": review.summary(),
                "version": __version__,
                "commit": commit,
                "dirty": dirty,
                "citation": REVIEW_CITATION,
                "citation_url": REVIEW_URL,
            },
        )
        (tmp / "report.html").write_text(html, encoding="utf-8")
        manifest = {
            "slr_version": __version__,
            "commit": commit,
            "dirty": dirty,
            "figures": {
                n: {k: p.relative_to(tmp).as_posix() for k, p in f.items()}
                for n, f in ctx.figures.items()
            },
            "tables": {n: p.relative_to(tmp).as_posix() for n, p in ctx.tables.items()},
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        (tmp / _PID_FILE).unlink()
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


_PID_FILE = ".slr-build-pid"
_DATA_FOLDERS = ("corpus", "taxonomy", "reproductions")


def _check_out(out: Path, repo: Path) -> None:
    """Refuse an ``--out`` whose replacement would destroy something that is not a build."""
    from slr.errors import UsageError
    from slr.outputs import check_outputs

    data = [repo / d for d in _DATA_FOLDERS if (repo / d).exists()]
    check_outputs(folders={"--out": out}, inputs=data)
    for d in data:
        if out == d.resolve() or out in d.resolve().parents:
            raise UsageError(
                f"--out {out} holds the review's data ({d}); the build replaces its output "
                "folder whole: choose a folder of its own, e.g. build/"
            )
    if out.is_dir() and any(out.iterdir()) and not (out / "manifest.json").is_file():
        raise UsageError(
            f"--out {out} is a folder with files that is not an earlier build (no "
            "manifest.json); the build replaces its output folder whole: choose a new or "
            "empty folder"
        )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_builds(out: Path) -> list[Path]:
    """Remove the temporary folders of earlier builds into ``out`` whose process is gone."""
    removed = []
    for folder in sorted(out.parent.glob(f"{out.name}.tmp-*")) + sorted(
        out.parent.glob(f"{out.name}.old-*")
    ):
        if not folder.is_dir():
            continue
        try:
            pid = int((folder / _PID_FILE).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            pid = None
        if pid is not None and pid != os.getpid() and _pid_alive(pid):
            continue  # another build is writing it
        if pid is None and time.time() - folder.stat().st_mtime < 60:
            continue  # just created by a build that has not written its id yet
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


_WORK: dict[str, Any] = {}


def _worker_init() -> None:
    """In each figure worker: die with the parent, and leave Ctrl-C and SIGTERM to it."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: killed when the parent dies
    except (OSError, AttributeError):  # not Linux: the parent's terminate() still ends them
        pass
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _draw_one(name: str) -> tuple[str, dict[str, Path]]:
    spec = _WORK["specs"][name]
    return name, _WORK["draw"](name, _WORK["frames"][name], spec.plot, _WORK["out"])


def _draw_all(
    specs: dict[str, Any], frames: dict[str, Any], out: Path, draw: Any
) -> Iterator[tuple[str, dict[str, Path]]]:
    """Draw the figures of computed frames on every core (forked workers inherit the frames);
    serial without fork. The workers are terminated if the build stops (an error, Ctrl-C,
    SIGTERM)."""
    import multiprocessing as mp

    workers = min(len(specs), os.cpu_count() or 1)
    if workers < 2 or "fork" not in mp.get_all_start_methods():
        for name, spec in specs.items():
            yield name, draw(name, frames[name], spec.plot, out)
        return
    _WORK.update(specs=specs, frames=frames, out=out, draw=draw)
    pool = mp.get_context("fork").Pool(workers, initializer=_worker_init)
    try:
        yield from pool.imap(_draw_one, list(specs))
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        _WORK.clear()


def _swap_in(new: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f"{out.name}.old-", dir=out.parent))
        os.rename(out, old / out.name)
    os.rename(new, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
