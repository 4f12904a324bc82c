"""Run one untrusted program in its own isolated subprocess (see the package docstring)."""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from slr.evaluate.errors import SandboxError

NOBODY_UID = 65534
SETUP_FAILED = 125
_STARTUP_GRACE_S = 0.5


class Isolation(StrEnum):
    AUTO = "auto"  # namespaces when the kernel allows them, else resource limits only
    NAMESPACES = "namespaces"  # require namespaces; refuse to run without them
    RLIMITS = "rlimits"  # resource limits, privilege drop and a socket blocker only


class Outcome(StrEnum):
    PASSED = "passed"  # exit status 0
    FAILED = "failed"  # non-zero exit (an exception, a failed assertion)
    TIMEOUT = "timeout"  # wall-clock or CPU-time limit
    MEMORY = "memory"  # MemoryError under the address-space limit
    OUTPUT_LIMIT = "output_limit"  # a file or the output grew past max_file_mb (SIGXFSZ)
    KILLED = "killed"  # ended by another signal


@dataclass(frozen=True)
class SandboxLimits:
    """Limits of one execution. Worst case for the machine: max_processes x memory_mb."""

    timeout_s: float = 3.0
    memory_mb: int = 512
    max_processes: int = 8
    max_file_mb: int = 16
    disk_mb: int = 64
    max_output_bytes: int = 64 * 1024

    def __post_init__(self) -> None:
        for name in (
            "timeout_s",
            "memory_mb",
            "max_processes",
            "max_file_mb",
            "disk_mb",
            "max_output_bytes",
        ):
            if getattr(self, name) <= 0:
                raise SandboxError(
                    f"sandbox limit {name} must be positive, got {getattr(self, name)}"
                )


@dataclass(frozen=True)
class ExecutionResult:
    outcome: Outcome
    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    isolation: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.PASSED


@functools.cache
def _bootstrap_source() -> str:
    return (Path(__file__).with_name("_bootstrap.py")).read_text(encoding="utf-8")


def _program_env(workdir: str) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONIOENCODING": "utf-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def _read_limited(path: Path, limit: int, tail: bool) -> str:
    with open(path, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(max(0, size - limit) if tail else 0)
        data = fh.read(limit)
    return data.decode("utf-8", errors="replace")


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait for ``proc`` up to ``timeout`` s; True if it ended. A pidfd wakes us the moment it
    exits (Popen.wait(timeout) polls with sleeps of up to 50 ms)."""
    try:
        pidfd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):
        try:
            proc.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    try:
        ready, _, _ = select.select([pidfd], [], [], timeout)
    finally:
        os.close(pidfd)
    if ready:
        proc.wait()
        return True
    return proc.poll() is not None


def _classify(returncode: int, stderr: str, timed_out: bool) -> Outcome:
    if timed_out:
        return Outcome.TIMEOUT
    if returncode == 0:
        return Outcome.PASSED
    signo = returncode - 128 if returncode > 128 else -returncode if returncode < 0 else 0
    if signo == signal.SIGXCPU:
        return Outcome.TIMEOUT
    # Python ignores SIGXFSZ, so past RLIMIT_FSIZE its writes fail with EFBIG instead
    if signo == signal.SIGXFSZ or "[Errno 27] File too large" in stderr[-4000:]:
        return Outcome.OUTPUT_LIMIT
    if "MemoryError" in stderr[-4000:]:
        return Outcome.MEMORY
    if signo:
        return Outcome.KILLED
    return Outcome.FAILED


class Sandbox:
    """Runs programs one per isolated subprocess; generated code never runs in this process."""

    def __init__(
        self,
        limits: SandboxLimits | None = None,
        isolation: Isolation | str = Isolation.AUTO,
        python: str | None = None,
        temp_root: str | Path | None = None,
    ):
        self.limits = limits or SandboxLimits()
        self.isolation = Isolation(isolation)
        self.python = python or sys.executable
        # where the per-run folders are made (default: the system temp folder); it must be
        # traversable by the program's user (nobody, in the root fallback)
        self.temp_root = None if temp_root is None else str(temp_root)

    # -- one program ------------------------------------------------------------------------

    def run_python(self, source: str, files: Mapping[str, str] | None = None) -> ExecutionResult:
        """Run ``source`` as ``python -I -B program.py`` in a fresh sandbox."""
        all_files = {**(files or {}), "program.py": source}
        argv = [self.python, "-I", "-B", "program.py"]
        return self._run(argv, all_files, python_program="program.py")

    def run(self, argv: Sequence[str], files: Mapping[str, str] | None = None) -> ExecutionResult:
        """Run a command (absolute path first) with ``files`` written into its work folder."""
        if not argv or not os.path.isabs(argv[0]):
            raise SandboxError("give the command as an absolute path, e.g. /usr/bin/java")
        return self._run(list(argv), dict(files or {}), python_program=None)

    def _run(
        self, argv: list[str], files: dict[str, str], python_program: str | None
    ) -> ExecutionResult:
        limits = self.limits
        for rel in files:
            if os.path.isabs(rel) or ".." in Path(rel).parts:
                raise SandboxError(f"sandbox file names must be relative and stay inside: {rel!r}")
        base = Path(tempfile.mkdtemp(prefix="slr-sandbox-", dir=self.temp_root))
        dropping = os.geteuid() == 0
        try:
            os.chmod(base, 0o711)  # traversable by the unprivileged child, not listable
            workdir = base / "work"
            workdir.mkdir(mode=0o700)
            if dropping:
                os.chown(workdir, NOBODY_UID, NOBODY_UID)
            out_path, err_path = base / "stdout", base / "stderr"
            status_r, status_w = os.pipe()
            watch_r, watch_w = os.pipe()
            config = self._config(argv, files, python_program, workdir, status_w, watch_r)
            start = time.perf_counter()
            with open(out_path, "wb") as out_f, open(err_path, "wb") as err_f:
                proc, timed_out = self._launch(config, out_f, err_f, (status_w, watch_r), watch_w)
            wall = time.perf_counter() - start
            with os.fdopen(status_r, "rb") as fh:
                status_line = fh.read().decode("utf-8", errors="replace").strip()
            stdout = _read_limited(out_path, limits.max_output_bytes, tail=False)
            stderr = _read_limited(err_path, limits.max_output_bytes, tail=True)
        finally:
            shutil.rmtree(base, ignore_errors=True)
        status = self._status(status_line, timed_out, proc.returncode, stderr, dropping)
        return ExecutionResult(
            outcome=_classify(proc.returncode, stderr, timed_out),
            returncode=proc.returncode,
            stdout=stdout,
            stderr=stderr,
            wall_s=wall,
            isolation=status["isolation"],
            notes=tuple(status.get("notes", ())),
        )

    def _config(
        self,
        argv: list[str],
        files: dict[str, str],
        python_program: str | None,
        workdir: Path,
        status_fd: int,
        watch_fd: int,
    ) -> dict[str, Any]:
        """What the bootstrap reads on its stdin: the program, its files and the limits."""
        limits = self.limits
        return {
            "argv": argv,
            "python": self.python,
            "python_program": python_program,
            "files": files,
            "workdir": str(workdir),
            "env": _program_env(str(workdir)),
            "isolation": self.isolation.value,
            "status_fd": status_fd,
            "watch_fd": watch_fd,
            "cpu_s": math.ceil(limits.timeout_s) + 1,
            "wall_s": limits.timeout_s + 2.0,
            "memory_mb": limits.memory_mb,
            "max_processes": limits.max_processes,
            "max_file_mb": limits.max_file_mb,
            "disk_mb": limits.disk_mb,
        }

    def _launch(
        self,
        config: dict[str, Any],
        out_f: IO[bytes],
        err_f: IO[bytes],
        child_fds: tuple[int, int],
        watch_w: int,
    ) -> tuple[subprocess.Popen[bytes], bool]:
        """Start the bootstrap, hand it ``config``, wait for it within the time limit and kill
        its whole process group; the process and whether it timed out. The child's ends of the
        pipes (``child_fds``) are closed here once it has them, ``watch_w`` once it is gone."""
        try:
            proc = subprocess.Popen(  # noqa: S603 - the bootstrap is our own code
                [self.python, "-I", "-S", "-c", _bootstrap_source()],
                stdin=subprocess.PIPE,
                stdout=out_f,
                stderr=err_f,
                pass_fds=child_fds,
                start_new_session=True,
                cwd="/",
                env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            )
        finally:
            for fd in child_fds:
                os.close(fd)
        try:
            assert proc.stdin is not None
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.write(json.dumps(config).encode("utf-8"))
                proc.stdin.close()
            timed_out = not _wait(proc, self.limits.timeout_s + _STARTUP_GRACE_S)
        finally:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            os.close(watch_w)
        return proc, timed_out

    def _status(
        self, status_line: str, timed_out: bool, returncode: int, stderr: str, dropping: bool
    ) -> dict[str, Any]:
        """The bootstrap's status report, or the error of a sandbox that failed to start."""
        if not status_line:
            if timed_out:
                raise SandboxError(
                    "the sandbox did not start within the time limit; raise timeout_s"
                )
            raise SandboxError(f"the sandbox failed to start (exit {returncode}): {stderr[-1000:]}")
        status: dict[str, Any] = json.loads(status_line)
        if status.get("error"):
            raise SandboxError(f"sandbox set-up failed: {status['error']}")
        if returncode == SETUP_FAILED and "slr sandbox:" in stderr:
            hint = ""
            if (
                status["isolation"] == Isolation.RLIMITS.value
                and dropping
                and "Permission" in stderr
            ):
                hint = (
                    "; without namespaces a root slr runs programs as nobody, who cannot read "
                    f"{self.python}: pass python= an interpreter readable by all (e.g. "
                    "/usr/bin/python3) or run slr as a normal user"
                )
            raise SandboxError(stderr.strip()[-1000:] + hint)
        return status

    # -- many programs ----------------------------------------------------------------------

    def map_python(
        self,
        sources: Iterable[str],
        workers: int | None = None,
        on_result: Callable[[int, ExecutionResult], None] | None = None,
    ) -> list[ExecutionResult]:
        """Run every source in its own sandbox, ``workers`` at a time; results in input order."""
        items = list(sources)
        n_workers = max(1, workers or os.cpu_count() or 1)
        results: list[ExecutionResult | None] = [None] * len(items)
        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            futures = {pool.submit(self.run_python, src): i for i, src in enumerate(items)}
            from concurrent.futures import as_completed

            for fut in as_completed(futures):
                i = futures[fut]
                results[i] = fut.result()
                if on_result is not None:
                    on_result(i, results[i])  # type: ignore[arg-type]
        return [r for r in results if r is not None]
