"""Progress reporting for long steps, without tying the API to a terminal.

API functions take ``progress: ProgressCallback | None``: a callable ``(task, done, total)``.
The CLI passes :func:`rich_progress`'s callback, which draws rich progress bars; Python users
pass nothing (silent) or their own callable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

ProgressCallback = Callable[[str, int, int], None]


def report(progress: ProgressCallback | None, task: str, done: int, total: int) -> None:
    if progress is not None:
        progress(task, done, total)


@contextmanager
def rich_progress(*, transient: bool = True) -> Iterator[ProgressCallback]:
    """A callback drawing one rich progress bar per task name (on stderr)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bars = Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=transient,
    )
    tasks: dict[str, Any] = {}

    def callback(task: str, done: int, total: int) -> None:
        if task not in tasks:
            tasks[task] = bars.add_task(task, total=max(total, 1))
        bars.update(tasks[task], completed=done, total=max(total, 1))

    with bars:
        yield callback
