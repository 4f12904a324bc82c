"""``slr build``: the whole review from the bundled corpus into one folder, atomically.

The build writes into a temporary sibling folder and swaps it in only when everything succeeded:
an interrupted or failed build leaves the previous ``build/`` as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

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

    from slr.figures.base import registry, render, setup_matplotlib
    from slr.report.sections import BuildContext, default_sections, render_report
    from slr.review import Review

    started = time.perf_counter()
    review = Review.load(root)
    repo = review.corpus.folder.parent
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{out.name}.tmp-", dir=out.parent))
    try:
        setup_matplotlib()
        specs = registry()
        chosen = {n: s for n, s in specs.items() if figures is None or n in figures}
        unknown = set(figures or []) - set(specs)
        if unknown:
            raise SlrError(f"unknown figure(s) {sorted(unknown)}; known: {', '.join(specs)}")
        ctx = BuildContext(out=tmp, specs=chosen)
        with Progress(disable=quiet, transient=True) as progress:
            task = progress.add_task("figures", total=len(chosen))
            for name, spec in chosen.items():
                progress.update(task, description=f"figure {name}")
                ctx.figures[name] = render(spec, review, tmp / "figures")
                progress.advance(task)
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
            "seconds": round(time.perf_counter() - started, 3),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _swap_in(new: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f"{out.name}.old-", dir=out.parent))
        os.rename(out, old / out.name)
    os.rename(new, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
