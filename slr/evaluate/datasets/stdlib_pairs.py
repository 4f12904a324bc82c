"""Docstring/code pairs mined with ``ast`` from this Python's standard library (offline).

For code summarization (code -> first docstring paragraph) and code search (summary -> code), in
the shape CodeSearchNet uses: the function's source without its docstring, and the docstring's
first paragraph as the summary. Only top-level functions and methods of non-test modules; the
summary has at least 3 words, the body at least 2 lines; duplicates (same code) are dropped. The
set depends on the Python version only (``provenance`` names it), not on the machine.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
import sysconfig
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

EXCLUDED_PARTS = {
    "test",
    "tests",
    "idlelib",
    "lib2to3",
    "site-packages",
    "dist-packages",
    "turtledemo",
    "ensurepip",
    "pydoc_data",
    "__pycache__",
}


@dataclass(frozen=True)
class StdlibFunction:
    id: str  # module:qualname
    module: str
    tree: ast.FunctionDef | ast.AsyncFunctionDef
    source: str  # original source without the docstring, dedented
    docstring: str | None


def stdlib_root() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def stdlib_files(modules: Sequence[str] | None = None) -> list[Path]:
    """The standard library's .py files (sorted), or only those of the given top-level modules."""
    root = stdlib_root()
    files = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if (
            EXCLUDED_PARTS & set(rel.parts)
            or rel.name.startswith("test_")
            or rel.parts[0].startswith("config-")
        ):
            continue
        top = rel.parts[0].removesuffix(".py")
        if modules is not None and top not in modules:
            continue
        files.append(path)
    return files


def _module_name(path: Path) -> str:
    rel = path.relative_to(stdlib_root()).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _functions(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield f"{node.name}.{item.name}", item


def _source_without_docstring(
    lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef
) -> str | None:
    assert node.end_lineno is not None
    start, end = node.lineno - 1, node.end_lineno
    keep = list(range(start, end))
    doc = node.body[0] if node.body else None
    if (
        isinstance(doc, ast.Expr)
        and isinstance(doc.value, ast.Constant)
        and isinstance(doc.value.value, str)
    ):
        assert doc.end_lineno is not None
        if doc.lineno - 1 == start:  # docstring on the def line
            return None
        drop = set(range(doc.lineno - 1, doc.end_lineno))
        keep = [i for i in keep if i not in drop]
    return textwrap.dedent("".join(lines[i] for i in keep))


def mine_functions(modules: Sequence[str] | None = None) -> list[StdlibFunction]:
    """Every top-level function and method of the (selected) standard library modules."""
    return list(_mine(tuple(modules) if modules is not None else None))


@functools.cache
def _mine(modules: tuple[str, ...] | None) -> tuple[StdlibFunction, ...]:
    out = []
    for path in stdlib_files(modules):
        try:
            text = path.read_text(encoding="utf-8")
            tree = ast.parse(text)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        lines = text.splitlines(keepends=True)
        module = _module_name(path)
        for qualname, node in _functions(tree):
            source = _source_without_docstring(lines, node)
            if source is None:
                continue
            out.append(
                StdlibFunction(
                    id=f"{module}:{qualname}",
                    module=module,
                    tree=node,
                    source=source,
                    docstring=ast.get_docstring(node),
                )
            )
    return tuple(out)


_WS = re.compile(r"\s+")


def summary_of(docstring: str) -> str:
    """First paragraph of a docstring, whitespace collapsed (CodeSearchNet's summary)."""
    first = docstring.strip().split("\n\n")[0]
    return _WS.sub(" ", first).strip()


def docstring_pairs(modules: Sequence[str] | None = None) -> list[dict[str, str]]:
    """(id, code, summary) for functions with a usable docstring; deduplicated by code."""
    seen: set[str] = set()
    rows = []
    for fn in mine_functions(modules):
        if not fn.docstring or fn.tree.name.startswith("test"):
            continue
        summary = summary_of(fn.docstring)
        body_lines = [ln for ln in fn.source.splitlines()[1:] if ln.strip()]
        if len(summary.split()) < 3 or len(body_lines) < 2 or fn.source in seen:
            continue
        seen.add(fn.source)
        rows.append({"id": fn.id, "code": fn.source, "summary": summary})
    return rows


def provenance() -> str:
    return f"mined with ast from the standard library of Python {sys.version.split()[0]} ({stdlib_root()})"
