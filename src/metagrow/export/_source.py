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
import sys
from dataclasses import dataclass, field
from typing import final

from metagrow.export._errors import ExportError

_ALLOWED = frozenset(sys.stdlib_module_names) | {"numpy"}
_DEFINED = "<defined by the export>"


@final
@dataclass(frozen=True, slots=True)
class _Module:
    """One module's top-level definitions by name, and its imports."""

    name: str
    source: str
    defines: dict[str, ast.stmt] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)


@functools.cache
def _module(name: str) -> _Module:
    source = inspect.getsource(importlib.import_module(name))
    found = _Module(name, source)
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


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


class _Substitute(ast.NodeTransformer):
    """Puts argument expressions in place of parameter names."""

    def __init__(self, values: dict[str, ast.expr]) -> None:
        self.values = values

    def visit_Name(self, node: ast.Name) -> ast.expr:
        found = self.values.get(node.id)
        return node if found is None else copy.deepcopy(found)


def _text(source: str, stmt: ast.stmt) -> str:
    """The statement's source, with its decorators (``@dataclass`` makes the class)."""
    decorators = getattr(stmt, "decorator_list", [])
    if not decorators:
        return ast.get_source_segment(source, stmt) or ""
    lines = source.splitlines()[decorators[0].lineno - 1 : stmt.end_lineno]
    return "\n".join(line[stmt.col_offset :] for line in lines)


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
        for used in sorted(_uses(stmt) - {name}):
            if used in found.defines or used in found.imports:
                self.add(module, used)
        owner = self._names.setdefault(name, module)
        if owner != module:
            raise ExportError(f"{name} is defined in both {owner} and {module}")
        self._done[key] = _text(found.source, stmt)
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
        """A call of ``name`` (from ``module``) on ``args`` (names, literals, lambdas):
        the function's ``return`` expression with the arguments in place when that is all
        its body is, else a call of the copied function."""
        found = _module(module)
        stmt = found.defines.get(name)
        template = _template(stmt, len(args)) if isinstance(stmt, ast.FunctionDef) else None
        if template is None:
            return f"{self.add(module, name)}({', '.join(args)})"
        params, body = template
        given = [ast.parse(a, mode="eval").body for a in args]
        uses = [n.id for n in ast.walk(body) if isinstance(n, ast.Name)]
        for param, arg in zip(params, given, strict=True):
            if uses.count(param) > 1 and not isinstance(arg, (ast.Name, ast.Constant)):
                return f"{self.add(module, name)}({', '.join(args)})"
        for used in sorted(set(uses) - set(params)):
            if used in found.defines or used in found.imports:
                self.add(module, used)
        substitute = _Substitute(dict(zip(params, given, strict=True)))
        return ast.unparse(substitute.visit(copy.deepcopy(body)))

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
