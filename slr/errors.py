"""One base exception and a collected report of problems.

Every message names the file, the line (or row), the bad value and the fix, e.g.
``corpus/codings.csv:14: unknown PEFT method 'Prefx Tuning'; did you mean 'Prefix Tuning'?``.
Validation collects every problem of a file into one :class:`ValidationReport` instead of
stopping at the first; the CLI prints the report without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar


class SlrError(Exception):
    """Base of every error slr raises on purpose (bad input, bad configuration).

    ``exit_status`` is the status the CLI exits with: 1 for a problem in the input (the
    default), 2 for a usage error (:class:`UsageError`), 130 for an interrupted run.
    """

    exit_status: ClassVar[int] = 1


@dataclass(frozen=True)
class Problem:
    """One problem in one place of one input file."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    fix: str | None = None

    def location(self) -> str:
        loc = self.file
        if self.line is not None:
            loc += f":{self.line}"
        return loc

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.column:
            text += f" (column '{self.column}')"
        if self.fix:
            text += f"; {self.fix}"
        return text


@dataclass
class ValidationReport:
    """Problems collected while reading or checking inputs; raise once at the end."""

    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        file: str | Path,
        message: str,
        *,
        line: int | None = None,
        column: str | None = None,
        value: object = None,
        fix: str | None = None,
    ) -> None:
        self.problems.append(
            Problem(
                file=display_path(file),
                message=message,
                line=line,
                column=column,
                value=None if value is None else str(value),
                fix=fix,
            )
        )

    def extend(self, other: ValidationReport | Iterable[Problem]) -> None:
        items = other.problems if isinstance(other, ValidationReport) else other
        self.problems.extend(items)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def __len__(self) -> int:
        return len(self.problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def raise_if_any(self, what: str = "input") -> None:
        if self.problems:
            raise ValidationError(what, list(self.problems))


class ValidationError(SlrError):
    """Inputs failed validation; carries every problem found."""

    def __init__(self, what: str, problems: list[Problem]):
        self.what = what
        self.problems = problems
        files = sorted({p.file for p in problems})
        head = f"{len(problems)} problem(s) in {what} ({', '.join(files)}):"
        body = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{head}\n{body}")


class InputFormatError(SlrError):
    """A file could not be parsed at all (wrong format, binary junk, truncated)."""


class ConfigError(SlrError):
    """A spec or configuration is unusable (unknown key, unknown model, wrong combination)."""


class UsageError(ConfigError):
    """The command was called wrongly (an output that is also an input, a folder given where a
    file is expected, an unknown option value); the CLI exits with status 2, as for a bad option."""

    exit_status: ClassVar[int] = 2


class OutputError(SlrError):
    """An output cannot be written (no permission, a file where a folder should be, disk full)."""


def display_path(path: str | Path) -> str:
    """Path relative to the current directory when possible, for short messages."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
