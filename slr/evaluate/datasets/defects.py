"""A defect-detection set: realistic bugs injected into real standard-library functions (offline).

Each function appears twice, in the same split: clean (label 0) and with one injected bug
(label 1), so labels are balanced and the only difference between the two is the bug. Both
versions are rendered with ``ast.unparse`` (docstring removed), so formatting and comments cannot
give the label away. Bug kinds (:data:`BUG_KINDS`), each verified to change the AST and to compile:

- ``off_by_one``: ``range(.., n)`` -> ``n + 1`` (or drops a ``+ 1``/``- 1``), slice bounds
  likewise, constant indices ``x[0]`` -> ``x[1]``, ``x[-1]`` -> ``x[-2]``;
- ``wrong_comparison``: ``<`` <-> ``<=``, ``>`` <-> ``>=``, ``==`` <-> ``!=``, ``is`` <-> ``is not``,
  ``in`` <-> ``not in``;
- ``swapped_arguments``: the first two positional arguments of a call exchanged;
- ``wrong_boolean_operator``: ``and`` <-> ``or``, or a ``not`` dropped;
- ``missing_return``: ``return expr`` -> ``expr`` (the function returns None there);
- ``wrong_arithmetic_operator``: ``+`` <-> ``-``, ``*`` <-> ``/``, ``//`` <-> ``%`` (not on
  string literals, so no concatenation or %-formatting is touched).

The kind for each function is the applicable one used least so far (kinds stay balanced); the site
is drawn with a generator seeded from the function's id, so the set is deterministic.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from slr.evaluate.datasets.stdlib_pairs import mine_functions
from slr.registry import Registry

_CMP_SWAP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
_ARITH_SWAP: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mod,
    ast.Mod: ast.FloorDiv,
}


def _is_str(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def _int_const(node: ast.AST | None) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value
    return None


def _shift_bound(node: ast.expr) -> ast.expr:
    """x + 1 -> x, x - 1 -> x, otherwise x -> x + 1."""
    if (
        isinstance(node, ast.BinOp)
        and _int_const(node.right) == 1
        and isinstance(node.op, ast.Add | ast.Sub)
    ):
        return node.left
    return ast.BinOp(left=node, op=ast.Add(), right=ast.Constant(1))


def _off_by_one_site(node: ast.AST) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range":
        return 1 <= len(node.args) <= 3 and not any(isinstance(a, ast.Starred) for a in node.args)
    if isinstance(node, ast.Slice):
        return node.upper is not None
    if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
        return _int_const(node.slice) is not None
    return False


def _off_by_one(node: ast.AST) -> ast.AST | None:
    if isinstance(node, ast.Call):
        idx = 0 if len(node.args) == 1 else 1
        node.args[idx] = _shift_bound(node.args[idx])
    elif isinstance(node, ast.Slice):
        assert node.upper is not None
        node.upper = _shift_bound(node.upper)
    elif isinstance(node, ast.Subscript):
        value = _int_const(node.slice)
        assert value is not None
        new = value + 1 if value >= 0 else value - 1
        node.slice = (
            ast.Constant(new)
            if new >= 0
            else ast.UnaryOp(op=ast.USub(), operand=ast.Constant(-new))
        )
    return None


def _cmp_site(node: ast.AST) -> bool:
    return isinstance(node, ast.Compare) and type(node.ops[0]) in _CMP_SWAP


def _cmp(node: ast.AST) -> ast.AST | None:
    assert isinstance(node, ast.Compare)
    node.ops[0] = _CMP_SWAP[type(node.ops[0])]()
    return None


def _swap_site(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and len(node.args) >= 2
        and not any(isinstance(a, ast.Starred) for a in node.args[:2])
        and ast.dump(node.args[0]) != ast.dump(node.args[1])
    )


def _swap(node: ast.AST) -> ast.AST | None:
    assert isinstance(node, ast.Call)
    node.args[0], node.args[1] = node.args[1], node.args[0]
    return None


def _bool_site(node: ast.AST) -> bool:
    return isinstance(node, ast.BoolOp) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
    )


def _bool(node: ast.AST) -> ast.AST | None:
    if isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        return None
    assert isinstance(node, ast.UnaryOp)
    return node.operand  # not x -> x


def _return_site(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Return)
        and node.value is not None
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
    )


def _drop_return(node: ast.AST) -> ast.AST:
    assert isinstance(node, ast.Return) and node.value is not None
    return ast.copy_location(ast.Expr(value=node.value), node)


def _arith_site(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.BinOp)
        and type(node.op) in _ARITH_SWAP
        and not (_is_str(node.left) or _is_str(node.right))
    )


def _arith(node: ast.AST) -> ast.AST | None:
    assert isinstance(node, ast.BinOp)
    node.op = _ARITH_SWAP[type(node.op)]()
    return None


@dataclass(frozen=True)
class BugKind:
    """A kind of bug: where it can be injected, and how (mutate the node in place, or return
    its replacement)."""

    name: str
    is_site: Callable[[ast.AST], bool]
    mutate: Callable[[ast.AST], ast.AST | None]


BUGS: Registry[BugKind] = Registry("bug kind")
for _kind in (
    BugKind("off_by_one", _off_by_one_site, _off_by_one),
    BugKind("wrong_comparison", _cmp_site, _cmp),
    BugKind("swapped_arguments", _swap_site, _swap),
    BugKind("wrong_boolean_operator", _bool_site, _bool),
    BugKind("missing_return", _return_site, _drop_return),
    BugKind("wrong_arithmetic_operator", _arith_site, _arith),
):
    BUGS.add(_kind.name, _kind)
BUG_KINDS = tuple(BUGS.names())  # in the order above: ties in the balancing go to the earlier


def _strip_docstring(
    fn: ast.FunctionDef | ast.AsyncFunctionDef,
) -> ast.FunctionDef | ast.AsyncFunctionDef:
    tree = copy.deepcopy(fn)
    first = tree.body[0] if tree.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        tree.body = tree.body[1:] or [ast.Pass()]
    return tree


def sites(tree: ast.AST, kind: str) -> list[ast.AST]:
    """Nodes where a bug of ``kind`` can be injected, in ``ast.walk`` order."""
    is_site = BUGS.get(kind).is_site
    return [n for n in ast.walk(tree) if is_site(n)]


def inject_bug(tree: ast.AST, kind: str, site: int) -> ast.AST:
    """A copy of ``tree`` with a bug of ``kind`` at the ``site``-th candidate node."""
    mutated = copy.deepcopy(tree)
    target = sites(mutated, kind)[site]
    replacement = BUGS.get(kind).mutate(target)
    if replacement is not None:
        _replace(mutated, target, replacement)
    return ast.fix_missing_locations(mutated)


def _replace(tree: ast.AST, target: ast.AST, new: ast.AST) -> None:
    for parent in ast.walk(tree):
        for fld, value in ast.iter_fields(parent):
            if value is target:
                setattr(parent, fld, new)
                return
            if isinstance(value, list) and any(v is target for v in value):
                value[[i for i, v in enumerate(value) if v is target][0]] = new
                return


def changes_program(original: ast.AST, mutated: ast.AST) -> bool:
    """The bug changed the AST, the code compiles and unparse/parse round-trips."""
    if ast.dump(original) == ast.dump(mutated):
        return False
    code = ast.unparse(mutated)
    try:
        compile(code, "<mutant>", "exec")
    except SyntaxError:
        return False
    return ast.dump(ast.parse(code).body[0]) == ast.dump(ast.parse(ast.unparse(mutated)).body[0])


def _rng(function_id: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(function_id.encode()).digest()[:8], "big"))


def defect_examples(
    modules: Sequence[str] | None = None,
    max_functions: int | None = None,
    min_lines: int = 4,
    max_lines: int = 60,
) -> list[dict[str, object]]:
    """Rows (id, function, code, label, bug_kind): one clean and one buggy per function."""
    # a stable order independent of file order: by hash of the id
    functions = sorted(
        (fn for fn in mine_functions(modules) if not fn.tree.name.startswith("test")),
        key=lambda fn: hashlib.sha256(fn.id.encode()).hexdigest(),
    )
    used: Counter[str] = Counter()
    rows: list[dict[str, object]] = []
    for fn in functions:
        if max_functions is not None and len(rows) // 2 >= max_functions:
            break
        clean = _strip_docstring(fn.tree)
        clean_code = ast.unparse(clean)
        if not min_lines <= len(clean_code.splitlines()) <= max_lines:
            continue
        kinds = [k for k in BUG_KINDS if sites(clean, k)]
        rng = _rng(fn.id)
        for kind in sorted(kinds, key=lambda k: (used[k], BUG_KINDS.index(k))):
            options = list(range(len(sites(clean, kind))))
            rng.shuffle(options)
            mutant = next(
                (m for i in options if changes_program(clean, m := inject_bug(clean, kind, i))),
                None,
            )
            if mutant is None:
                continue
            used[kind] += 1
            base = {"function": fn.id}
            rows.append(
                {**base, "id": f"{fn.id}#clean", "code": clean_code, "label": 0, "bug_kind": ""}
            )
            rows.append(
                {
                    **base,
                    "id": f"{fn.id}#bug",
                    "code": ast.unparse(mutant),
                    "label": 1,
                    "bug_kind": kind,
                }
            )
            break
    return rows
