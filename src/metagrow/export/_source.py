"""Plain-Python definitions copied out of metagrow's own modules, with what they use.

A domain's primitives are functions of a module that imports only the standard library
(and numpy): :func:`definitions` copies the ones a program needs, and every module-level
name they use in turn, so the exported code runs exactly what the interpreter runs. A
``from metagrow... import name`` in such a module is followed to the definition of
``name``; any other import is kept as an import.
"""

from __future__ import annotations

import ast
import copy
import functools
import importlib
import inspect
import io
import operator
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, final

from metagrow.export._errors import ExportError

_ALLOWED = frozenset(sys.stdlib_module_names) | {"numpy"}
_DEFINED = "<defined by the export>"


@final
@dataclass(frozen=True, slots=True)
class _Module:
    """One module's top-level definitions by name, and its imports."""

    name: str
    source: str
    lines: tuple[str, ...] = ()
    """The source's lines with their ends (:func:`source_lines`)."""
    defines: dict[str, ast.stmt] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)


def source_lines(source: str) -> tuple[str, ...]:
    """``source``'s lines with their ends, split on \\n, \\r and \\r\\n alone, as ``ast``
    numbers lines (``str.splitlines`` splits on more)."""
    return tuple(io.StringIO(source, newline="").readlines())


@functools.cache
def _module(name: str) -> _Module:
    source = inspect.getsource(importlib.import_module(name))
    found = _Module(name, source, source_lines(source))
    for i, stmt in enumerate(ast.parse(source).body):
        for bound in _bound(stmt):
            found.defines[bound] = stmt
            found.order[bound] = i
        if isinstance(stmt, ast.ImportFrom) and stmt.module and stmt.level == 0:
            for alias in stmt.names:
                found.imports[alias.asname or alias.name] = (stmt.module, alias.name)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                found.imports[alias.asname or alias.name] = (alias.name, None)
    return found


def _bound(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, ast.Assign):
        return [n.id for t in stmt.targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return [stmt.target.id]
    return []


def _template(stmt: ast.FunctionDef, arity: int) -> tuple[list[str], ast.expr] | None:
    """A function's parameters and ``return`` expression, if its body is just that (after
    a docstring) and no name inside rebinds a parameter."""
    a = stmt.args
    if a.posonlyargs or a.vararg or a.kwonlyargs or a.kwarg or a.defaults or len(a.args) != arity:
        return None
    body = stmt.body[1:] if _is_docstring(stmt.body[0]) else stmt.body
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        return None
    params = [p.arg for p in a.args]
    binders = (ast.Lambda, ast.comprehension, ast.NamedExpr)
    if any(isinstance(n, binders) for n in ast.walk(body[0].value)):
        return None
    return params, body[0].value


def _shape(stmt: ast.FunctionDef, arity: int) -> tuple[list[str], ast.expr] | None:
    """A function's parameters and its body as one expression: its ``return`` expression
    (see :func:`_template`), or for a body checking its arguments first, ``f(...) if
    check else value`` (``if check: raise ...`` then ``return value``) or ``value if check
    else f(...)`` (``if check: return value`` then ``raise ...``), where ``f(...)`` (marked
    ``fallback``) is the function's own call, which raises."""
    found = _template(stmt, arity)
    if found is not None:
        return found
    a = stmt.args
    if a.posonlyargs or a.vararg or a.kwonlyargs or a.kwarg or a.defaults or len(a.args) != arity:
        return None
    params = [p.arg for p in a.args]
    body = stmt.body[1:] if _is_docstring(stmt.body[0]) else stmt.body
    if len(body) != 2 or not isinstance(body[0], ast.If) or body[0].orelse:
        return None
    check, then, last = body[0].test, body[0].body, body[1]
    call = ast.Call(ast.Name(stmt.name, ast.Load()), [ast.Name(p, ast.Load()) for p in params], [])
    call.fallback = True  # type: ignore[attr-defined]
    if _raises(then) and isinstance(last, ast.Return) and last.value is not None:
        found = params, ast.IfExp(check, call, last.value)
    elif _returns(then) and isinstance(last, ast.Raise):
        found = params, ast.IfExp(check, then[0].value, call)  # type: ignore[attr-defined]
    else:
        return None
    binders = (ast.Lambda, ast.comprehension, ast.NamedExpr)
    if any(isinstance(n, binders) for n in ast.walk(found[1])):
        return None
    return found


def _raises(body: list[ast.stmt]) -> bool:
    return len(body) == 1 and isinstance(body[0], ast.Raise)


def _returns(body: list[ast.stmt]) -> bool:
    return len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None


def _sure_first(body: ast.expr, param: str) -> bool:
    """Whether the first use of ``param`` in ``body`` (in the order Python evaluates it)
    is always evaluated: in the test of a conditional, the first comparison of a chain, an
    operand."""
    node: ast.expr = body
    while not isinstance(node, ast.Name):
        if isinstance(node, ast.IfExp):
            node = node.test
        elif isinstance(node, ast.Compare):
            node = node.left if _mentions(node.left, param) else node.comparators[0]
        elif isinstance(node, ast.BinOp):
            node = node.left if _mentions(node.left, param) else node.right
        elif isinstance(node, ast.UnaryOp):
            node = node.operand
        else:
            return False
    return node.id == param


def _mentions(e: ast.expr, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(e))


_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


def _fold(e: ast.expr) -> ast.expr:
    """``e`` with a check of constants decided: ``a if 3 == 0 else b`` is ``b``."""
    if not isinstance(e, ast.IfExp) or not isinstance(e.test, ast.Compare):
        return e
    t = e.test
    if len(t.ops) != 1 or type(t.ops[0]) not in _COMPARE:
        return e
    left, right = t.left, t.comparators[0]
    if not all(
        isinstance(x, ast.Constant) and type(x.value) in (int, float) for x in (left, right)
    ):
        return e
    decided = _COMPARE[type(t.ops[0])](left.value, right.value)  # type: ignore[attr-defined]
    return e.body if decided else e.orelse


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


class _Nested(ast.NodeTransformer):
    """Writes in place the calls of the module's own functions (not a fallback call)."""

    def __init__(self, collector: Collector, found: _Module, depth: int) -> None:
        self.collector, self.found, self.depth = collector, found, depth

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        f = node.func
        if (
            isinstance(f, ast.Name)
            and f.id in self.found.defines
            and not node.keywords
            and not getattr(node, "fallback", False)
        ):
            return self.collector._inline(self.found, f.id, node.args, self.depth)
        return node


class _Constants(ast.NodeTransformer):
    """Puts a module's number constants (``MAX_INT = 1 << 62``) in place of their names."""

    def __init__(self, found: _Module) -> None:
        self.found = found

    def visit_Name(self, node: ast.Name) -> ast.expr:
        stmt = self.found.defines.get(node.id)
        if not isinstance(stmt, ast.Assign) or not isinstance(node.ctx, ast.Load):
            return node
        value = getattr(importlib.import_module(self.found.name), node.id, None)
        if type(value) is int and abs(value) < 1 << 64:
            return ast.Constant(value)
        return node


class _Substitute(ast.NodeTransformer):
    """Puts argument expressions in place of parameter names; one bound to a name
    (``(_w1 := a + b)``) is that at its first use, in the order Python evaluates them, and
    the name after."""

    def __init__(self, values: dict[str, ast.expr]) -> None:
        self.values = dict(values)

    def visit_Name(self, node: ast.Name) -> ast.expr:
        found = self.values.get(node.id)
        if isinstance(found, ast.NamedExpr):
            self.values[node.id] = ast.Name(found.target.id, ast.Load())
        return node if found is None else copy.deepcopy(found)


def _text(lines: tuple[str, ...], stmt: ast.stmt) -> str:
    """The statement's source, with its decorators (``@dataclass`` makes the class): what
    ``ast.get_source_segment`` gives for it (columns count bytes of UTF-8), from the
    module's ``lines``."""
    decorators = getattr(stmt, "decorator_list", [])
    end = stmt.end_lineno if stmt.end_lineno is not None else stmt.lineno
    if decorators:
        kept = lines[decorators[0].lineno - 1 : end]
        return "\n".join(line.rstrip("\r\n")[stmt.col_offset :] for line in kept)
    first, last = stmt.lineno - 1, end - 1
    stop = stmt.end_col_offset
    if first == last:
        return lines[first].encode()[stmt.col_offset : stop].decode()
    head = lines[first].encode()[stmt.col_offset :].decode()
    tail = lines[last].encode()[:stop].decode()
    return head + "".join(lines[first + 1 : last]) + tail


@functools.cache
def _copied(module: str, name: str) -> tuple[str, frozenset[str]]:
    """The text of ``module``'s definition of ``name`` and the names it uses, made once
    per process, not once per export (``ast.get_source_segment`` splits the whole source
    at every call, which made exporting one grid program take 0.13 s, docs/export.md)."""
    found = _module(module)
    stmt = found.defines[name]
    return _text(found.lines, stmt), frozenset(_uses(stmt))


def _uses(stmt: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}


@final
class Collector:
    """Gathers definitions (module, name) and what they need, in an order that runs."""

    def __init__(self) -> None:
        self._done: dict[tuple[str, int], str] = {}  # (module, statement) -> its text
        self._names: dict[str, str] = {}  # a copied name -> the module it came from
        self._imports: set[str] = set()
        self._visiting: set[tuple[str, str]] = set()
        self._temporaries = 0  # names ``_w1`` ... an argument used twice is bound to

    def add(self, module: str, name: str) -> str:
        """Copy ``name`` from ``module`` (and what it uses); return the name it has."""
        found = _module(module)
        if name in found.imports:
            return self._imported(found, name)
        stmt = found.defines.get(name)
        if stmt is None:
            raise ExportError(f"{module}.{name} is not a top-level definition")
        key = (module, found.order[name])
        if key in self._done or (module, name) in self._visiting:
            return name
        self._visiting.add((module, name))
        text, uses = _copied(module, name)
        for used in sorted(uses - {name}):
            if used in found.defines or used in found.imports:
                self.add(module, used)
        owner = self._names.setdefault(name, module)
        if owner != module:
            raise ExportError(f"{name} is defined in both {owner} and {module}")
        self._done[key] = text
        return name

    def define(self, name: str, text: str) -> str:
        """Add ``text``, a statement binding ``name`` to a value built from copied
        definitions; such statements come after every copied definition."""
        owner = self._names.setdefault(name, _DEFINED)
        if owner != _DEFINED:
            raise ExportError(f"{name} is defined in both {owner} and the export")
        self._done[(_DEFINED, len(self._done))] = text
        return name

    def inline(self, module: str, name: str, args: list[str]) -> str:
        """A call of ``name`` (from ``module``) on ``args`` (names, literals, lambdas)
        written in place when the function is one expression: its ``return`` expression
        with the arguments in place, or, for a function that only checks its arguments
        first (``if b == 0: raise ...``, then ``return a % b``), ``a % b`` when the check
        passes and the call itself (which raises) when it does not. The functions of
        ``module`` it calls are written in place alike; any other is copied."""
        found = _module(module)
        given = [ast.parse(a, mode="eval").body for a in args]
        done = _Constants(found).visit(self._inline(found, name, given, 2))
        for used in sorted({n.id for n in ast.walk(done) if isinstance(n, ast.Name)}):
            if used in found.defines or used in found.imports:
                self.add(module, used)
        return ast.unparse(done)

    def _inline(self, found: _Module, name: str, args: list[ast.expr], depth: int) -> ast.expr:
        call = ast.Call(ast.Name(name, ast.Load()), list(args), [])
        stmt = found.defines.get(name)
        template = _shape(stmt, len(args)) if isinstance(stmt, ast.FunctionDef) else None
        if template is None or depth == 0:
            return call
        params, body = template
        values: dict[str, ast.expr] = {}
        for param, arg in zip(params, args, strict=True):
            uses = sum(isinstance(n, ast.Name) and n.id == param for n in ast.walk(body))
            if uses > 1 and not isinstance(arg, (ast.Name, ast.Constant)):
                if not _sure_first(body, param):
                    return call
                self._temporaries += 1
                values[param] = ast.NamedExpr(ast.Name(f"_w{self._temporaries}", ast.Store()), arg)
            else:
                values[param] = arg
        done = _Substitute(values).visit(copy.deepcopy(body))
        nested = _Nested(self, found, depth - 1)
        return nested.visit(ast.Expression(_fold(done))).body  # type: ignore[no-any-return]

    def template(self, module: str, name: str, arity: int) -> tuple[list[str], ast.expr] | None:
        """The parameters and ``return`` expression of ``name`` (from ``module``) when that
        is all its body is, with the definitions it uses copied; else ``None``."""
        found = _module(module)
        stmt = found.defines.get(name)
        template = _template(stmt, arity) if isinstance(stmt, ast.FunctionDef) else None
        if template is None:
            return None
        params, body = template
        for used in sorted(_uses(ast.Return(body)) - set(params)):
            if used in found.defines or used in found.imports:
                self.add(module, used)
        return params, copy.deepcopy(body)

    def _imported(self, found: _Module, name: str) -> str:
        source, original = found.imports[name]
        if source.split(".")[0] == "metagrow":
            if original is None:
                raise ExportError(f"{found.name} imports the module {source}")
            return self.add(source, original)
        if source.split(".")[0] not in _ALLOWED:
            raise ExportError(f"{found.name} uses {source}, which an export cannot import")
        if source == "__future__":
            return name
        alias = "" if name == (original or source) else f" as {name}"
        line = (
            f"import {source}{alias}"
            if original is None
            else f"from {source} import {original}{alias}"
        )
        self._imports.add(line)
        return name

    def imports(self) -> list[str]:
        return sorted(self._imports, key=lambda s: (s.startswith("from"), s))

    def definitions(self) -> list[str]:
        """The copied definitions: each module's in its own order (which runs, as the
        module itself does), a module after those it imports from."""
        rank: dict[str, int] = {_DEFINED: len(self._done)}
        for module, _ in self._done:
            rank.setdefault(module, len(rank))
        return [self._done[k] for k in sorted(self._done, key=lambda k: (rank[k[0]], k[1]))]

    def names(self) -> set[str]:
        return set(self._names)
