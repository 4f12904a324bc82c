"""Code quality of generated programs: static-analysis findings (ruff) and complexity (radon).

The multi-task QLoRA study judges generated code also by static analysis. Here each program is
linted by ``ruff`` (run as a subprocess over a temporary folder, ``--isolated`` so no project
configuration leaks in, rule set :data:`DEFAULT_RULES`) and measured by ``radon`` (McCabe
cyclomatic complexity per function or method; maintainability index). Nothing is executed: both
tools only parse the code. A program that does not parse counts one finding (ruff's syntax error)
and has no complexity.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from slr.evaluate.errors import EvaluationError
from slr.evaluate.metrics.registry import MetricInput, register_metric
from slr.evaluate.tasks import CODE_GENERATION, CODE_TRANSLATION

# ruff's default rules (pycodestyle E4/E7/E9, pyflakes F) plus flake8-bugbear (B): likely bugs
# and errors, not layout preferences such as line length.
DEFAULT_RULES: tuple[str, ...] = ("E4", "E7", "E9", "F", "B")


@dataclass(frozen=True)
class ProgramQuality:
    """Quality figures of one program."""

    findings: int
    rules: tuple[str, ...]  # rule codes found, one per finding
    parses: bool
    mean_complexity: float | None  # mean McCabe complexity over functions/methods (module if none)
    max_complexity: int | None
    maintainability: float | None  # radon maintainability index, 0-100


def _ruff_binary() -> str:
    try:
        from ruff.__main__ import find_ruff_bin
    except ImportError as err:
        raise EvaluationError("static-analysis findings need ruff: pip install 'slr[ml]'") from err
    return str(find_ruff_bin())


def ruff_findings(programs: Sequence[str], rules: Sequence[str] = DEFAULT_RULES) -> list[list[str]]:
    """Rule codes ruff reports for each program (one ruff run over all programs)."""
    if not programs:
        raise EvaluationError("no programs to lint")
    with tempfile.TemporaryDirectory(prefix="slr-ruff-") as tmp:
        names = []
        for i, code in enumerate(programs):
            name = f"p{i:06d}.py"
            (Path(tmp) / name).write_text(code, encoding="utf-8")
            names.append(name)
        cmd = [
            _ruff_binary(),
            "check",
            "--isolated",
            "--no-cache",
            "--exit-zero",
            "--output-format",
            "json",
            "--select",
            ",".join(rules),
            tmp,
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
        if proc.returncode != 0:
            raise EvaluationError(f"ruff failed ({proc.returncode}): {proc.stderr.strip()[:500]}")
        found: dict[str, list[str]] = {n: [] for n in names}
        for item in json.loads(proc.stdout or "[]"):
            code = item.get("code") or "E999"  # syntax errors carry no rule code in some versions
            found.setdefault(Path(item["filename"]).name, []).append(code)
    return [found[n] for n in names]


def radon_complexity(code: str) -> tuple[float | None, int | None, float | None]:
    """(mean, max) McCabe complexity over functions and methods, and maintainability index."""
    from radon.metrics import mi_visit
    from radon.visitors import ComplexityVisitor

    try:
        visitor = ComplexityVisitor.from_code(code)
        maintainability = float(mi_visit(code, multi=True))
    except (SyntaxError, ValueError):
        return None, None, None
    values = [f.complexity for f in visitor.functions]
    for cls in visitor.classes:
        values.extend(m.complexity for m in cls.methods)
    if not values:
        values = [visitor.complexity]
    return sum(values) / len(values), max(values), maintainability


def program_quality(
    programs: Sequence[str], rules: Sequence[str] = DEFAULT_RULES
) -> list[ProgramQuality]:
    """Findings and complexity of every program."""
    codes = ruff_findings(programs, rules)
    out = []
    for code, found in zip(programs, codes, strict=True):
        mean_cc, max_cc, mi = radon_complexity(code)
        out.append(
            ProgramQuality(
                findings=len(found),
                rules=tuple(found),
                parses=mean_cc is not None,
                mean_complexity=mean_cc,
                max_complexity=max_cc,
                maintainability=mi,
            )
        )
    return out


@register_metric(
    "static_findings",
    tasks=(CODE_GENERATION, CODE_TRANSLATION),
    inputs=MetricInput.PROGRAMS,
    unit="findings per program",
    source=f"ruff check --isolated --select {','.join(DEFAULT_RULES)} (subprocess)",
    higher_is_better=False,
)
def static_findings(programs: Sequence[str]) -> float:
    """Mean number of ruff findings per program (lower is better)."""
    codes = ruff_findings(programs)
    return sum(len(c) for c in codes) / len(codes)


@register_metric(
    "cyclomatic_complexity",
    tasks=(CODE_GENERATION, CODE_TRANSLATION),
    inputs=MetricInput.PROGRAMS,
    unit="McCabe complexity",
    source="radon ComplexityVisitor (mean over functions and methods of each parsable program)",
    higher_is_better=False,
)
def cyclomatic_complexity(programs: Sequence[str]) -> float:
    """Mean McCabe complexity over the programs that parse (lower is simpler)."""
    if not programs:
        raise EvaluationError("no programs to measure")
    values = [cc for cc, _, _ in (radon_complexity(p) for p in programs) if cc is not None]
    if not values:
        raise EvaluationError("none of the programs parses; complexity is undefined")
    return sum(values) / len(values)
