"""A program as one standalone Python module: plain code, not an interpreter of its text.

Each lambda becomes a ``def``, each primitive a call of the very function the interpreter
runs (copied from the domain's plain-Python runtime module), each library invention a
named function. Steps, depth, time and the size of the result are bounded exactly as the
interpreter bounds them, so the module gives the same outputs and the same failures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from types import FunctionType
from typing import final

from metagrow.export._data import data_source
from metagrow.export._errors import ExportError
from metagrow.export._source import Collector
from metagrow.lang import (
    BOOL,
    INT,
    App,
    Expr,
    Grammar,
    Hole,
    Invented,
    Lam,
    Limits,
    Prim,
    Primitive,
    TCon,
    Type,
    Var,
    show,
    spine,
)

_PRELUDE = "metagrow.export._prelude"
_SET_BY_EXPORT = frozenset({"STEPS", "DEPTH", "SECONDS", "SIZE"})
_INDENT = "    "


_CODECS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "grid": ("metagrow.domains.grids._domain", ("decode_grid", "encode_grid")),
    "color": ("metagrow.domains.grids._domain", ("decode_color",)),
}
"""A domain's own value types: the module whose ``decode_<name>`` (and ``encode_<name>``,
when the value is not its own JSON form) the exported module copies to read (and write)
them, as the domain's ``decode`` and ``encode`` do."""


def type_tree(t: Type) -> tuple[object, ...]:
    """``t`` as the exported module writes types: ``("list", ("int",))``."""
    if t in (INT, BOOL, TCon("real")) or (isinstance(t, TCon) and not t.args and t.name in _CODECS):
        return (str(t),)
    if isinstance(t, TCon) and t.name == "list" and len(t.args) == 1:
        return ("list", type_tree(t.args[0]))
    if t.is_polymorphic():
        raise ExportError(f"the type {t} has type variables: give a concrete type")
    raise ExportError(f"values of type {t} have no plain-Python form in an export yet")


def codecs(t: Type) -> tuple[tuple[str, str], ...]:
    """The (module, function) definitions that read and write the domain types in ``t``."""
    return tuple(
        (module, name)
        for constructor in sorted(set(t.constructors()) & set(_CODECS))
        for module, names in [_CODECS[constructor]]
        for name in names
    )


def value_of(p: Primitive) -> tuple[str, str]:
    """The module and name of the top-level function behind primitive ``p``;
    ``ExportError`` with one line saying why there is none."""
    fn = p.value
    module, qualname = getattr(fn, "__module__", None), getattr(fn, "__qualname__", "")
    if module and qualname.isidentifier():
        return module, qualname
    raise ExportError(
        f"primitive {p.name!r} has no plain-Python form "
        "(its function is not a top-level function of a module)"
    )


def runtime_name(runtime: Collector, p: Primitive) -> str:
    """The name the exported module calls primitive ``p`` by: its top-level function,
    copied, or (for a rule fitted to one task: an instance of a top-level class) a
    module-level ``fitted_<name> = Class(<its table as data>)``."""
    fn = p.value
    if isinstance(fn, (FunctionType, partial)) or not callable(fn) or hasattr(fn, "__qualname__"):
        return runtime.add(*value_of(p))
    name = "fitted_" + re.sub(r"\W", "_", p.name)
    try:
        text = data_source(runtime, fn)
    except ExportError as err:
        raise ExportError(
            f"primitive {p.name!r} is fitted to one task and has no export form yet ({err})"
        ) from None
    return runtime.define(name, f"{name} = {text}")


def to_python(
    expr: Expr,
    request: Type,
    grammar: Grammar,
    limits: Limits,
    *,
    examples: Sequence[Mapping[str, object]] = (),
    title: str = "program",
    domain: str = "",
) -> str:
    """The source of a module that runs ``expr`` (of type ``request``) without metagrow.

    ``examples`` (task-file JSON: ``{"input": ..., "output": ...}``) are what the
    module's self-check replays. ``ExportError`` with one line if a part of the program or
    its type has no plain-Python form."""
    if any(isinstance(n, Hole) for n in _nodes(expr)):
        raise ExportError("the program has holes")
    arguments = tuple(type_tree(t) for t in request.arguments())
    returns = type_tree(request.returns())
    gen = _Generator(grammar, _may_recurse(expr, grammar, limits))
    for module, name in codecs(request):
        gen.runtime.add(module, name)
    doc = "The program's value; its arguments are applied one at a time."
    body = gen.function("program", (), expr, 0, doc)
    header = _Header(request, grammar.show(expr), limits, title, domain, arguments, returns)
    return _module(gen, body, header, examples)


def _may_recurse(expr: Expr, grammar: Grammar, limits: Limits) -> bool:
    """Whether a run's nesting of calls can reach the depth limit. A typed program
    without a primitive that takes a function of a function (a fixed point such as
    ``fix1``) cannot recurse: its calls nest at most as deep as its lambdas are many."""
    nodes = _nodes(expr)
    lambdas = sum(isinstance(n, Lam) for n in nodes)
    for n in nodes:
        if isinstance(n, Prim):
            p = grammar.primitives.get(n.name)
            if p is not None and any(_takes_function(a) for a in p.type.arguments()):
                return True
    return lambdas >= limits.depth


def _takes_function(t: Type) -> bool:
    return t.is_arrow() and any(a.is_arrow() for a in t.arguments())


def _nodes(e: Expr) -> list[Expr]:
    out, stack = [], [e]
    while stack:
        n = stack.pop()
        out.append(n)
        if isinstance(n, Lam):
            stack.append(n.body)
        elif isinstance(n, App):
            stack.extend((n.f, n.x))
        elif isinstance(n, Invented):
            stack.append(n.body)
    return out


@final
class _Generator:
    """Turns expressions into Python text, gathering what they need on the way."""

    def __init__(self, grammar: Grammar, depth: bool) -> None:
        self.grammar = grammar
        self.depth = depth  # whether lambdas count the depth of calls
        self.runtime = Collector()
        self.wrappers: dict[str, str] = {}  # primitive name -> its counted wrapper's text
        self.wrapper_names: dict[str, str] = {}
        self.inventions: dict[Expr, str] = {}  # invention -> its function's name
        self.invention_defs: list[str] = []
        self.lambdas = 0
        self.invention_labels: Mapping[Expr, str] = grammar.invention_names()

    # --- functions -------------------------------------------------------------------
    def function(
        self, name: str, params: tuple[str, ...], body: Expr, depth: int, doc: str = ""
    ) -> str:
        """A module-level or nested ``def`` with no step accounting of its own."""
        hoisted: list[str] = []
        value = self.expr(body, depth, hoisted)
        lines = [f"def {name}({', '.join(params)}):"]
        if doc:
            lines.append(f'{_INDENT}"""{doc}"""')
        lines += [_indent(h) for h in hoisted]
        lines.append(f"{_INDENT}return {value}")
        return "\n".join(lines)

    def lam(self, e: Lam, depth: int, hoisted: list[str], name: str = "") -> str:
        """A lambda as a ``def`` counting its call as a step and a level of depth."""
        self.lambdas += 1
        name = name or f"f{self.lambdas}"
        inner: list[str] = []
        value = self.expr(e.body, depth + 1, inner)
        lines = [
            f"def {name}(v{depth}):",
            f"{_INDENT}global _steps{', _depth' if self.depth else ''}",
            f"{_INDENT}_steps -= 1",
            f"{_INDENT}if _steps <= 0:",
            f"{_INDENT * 2}_refill()",
        ]
        if not self.depth:
            lines += [*(_indent(h) for h in inner), f"{_INDENT}return {value}"]
            hoisted.append("\n".join(lines))
            return name
        lines += [
            f"{_INDENT}_depth += 1",
            f"{_INDENT}if _depth > DEPTH:",
            f'{_INDENT * 2}raise RunLimit("depth limit")',
            *(_indent(h) for h in inner),
            f"{_INDENT}try:",
            f"{_INDENT * 2}return {value}",
            f"{_INDENT}finally:",
            f"{_INDENT * 2}_depth -= 1",
        ]
        hoisted.append("\n".join(lines))
        return name

    # --- expressions -----------------------------------------------------------------
    def expr(self, e: Expr, depth: int, hoisted: list[str]) -> str:
        if isinstance(e, Var):
            if e.index >= depth:
                raise ExportError(f"the program has a free variable ${e.index}")
            return f"v{depth - 1 - e.index}"
        if isinstance(e, Lam):
            return self.lam(e, depth, hoisted)
        if isinstance(e, Invented):
            return self.invention(e)
        if isinstance(e, Prim):
            return self.value(self.primitive(e.name))
        if isinstance(e, App):
            return self.application(e, depth, hoisted)
        raise ExportError(f"cannot export the node {e!r}")

    def application(self, e: App, depth: int, hoisted: list[str]) -> str:
        head, args = spine(e)
        texts = [self.expr(a, depth, hoisted) for a in args]
        if isinstance(head, Prim):
            p = self.primitive(head.name)
            if 0 < p.arity <= len(texts):
                call = self.call(p, texts[: p.arity])
                return _chain(call, texts[p.arity :])
        return _chain(self.expr(head, depth, hoisted), texts)

    def call(self, p: Primitive, args: list[str]) -> str:
        wrapper = self.wrapper(p)
        if p.lazy:
            args = [f"lambda: {a}" for a in args]
        return f"{wrapper}({', '.join(args)})"

    def value(self, p: Primitive) -> str:
        """A primitive as a value: a constant, or its function curried."""
        if p.arity == 0:
            return _literal(p)
        fn = self.function_of(p)
        params = [f"a{i}" for i in range(p.arity)]
        passed = [f"lambda: {a}" if p.lazy else a for a in params]
        text = f"_counted({fn}, {', '.join(passed)})"
        for a in reversed(params):
            text = f"(lambda {a}: {text})"
        return text

    # --- primitives and inventions ---------------------------------------------------
    def primitive(self, name: str) -> Primitive:
        try:
            return self.grammar.primitives[name]
        except KeyError:
            raise ExportError(f"unknown primitive {name!r}") from None

    def function_of(self, p: Primitive) -> str:
        return runtime_name(self.runtime, p)

    def wrapper(self, p: Primitive) -> str:
        known = self.wrapper_names.get(p.name)
        if known is not None:
            return known
        fn = self.function_of(p)
        name = f"p_{fn}"
        params = ", ".join(f"a{i}" for i in range(p.arity))
        lines = [
            f"def {name}({params}):",
            f'{_INDENT}"""{p.name}, counted as the interpreter counts it."""',
            f"{_INDENT}global _steps",
            f"{_INDENT}_steps -= 1",
            f"{_INDENT}if _steps <= 0:",
            f"{_INDENT * 2}_refill()",
        ]
        returns = p.type.returns()
        if p.lazy or returns in (INT, BOOL, TCon("real")):
            lines.append(f"{_INDENT}return {fn}({params})")
        else:
            lines += [
                f"{_INDENT}r = {fn}({params})",
                f"{_INDENT}if type(r) is tuple:",
                f"{_INDENT * 2}_steps -= len(r)",
                f"{_INDENT}return r",
            ]
        self.wrappers[p.name] = "\n".join(lines)
        self.wrapper_names[p.name] = name
        return name

    def invention(self, e: Invented) -> str:
        known = self.inventions.get(e)
        if known is not None:
            return known
        label = self.invention_labels.get(e, f"invention{len(self.inventions)}")
        name = "lib_" + re.sub(r"\W", "_", label).strip("_")
        while name in self.inventions.values():
            name += "_"
        self.inventions[e] = name
        doc = f"Library invention {label}: {show(e.body)}"
        if isinstance(e.body, Lam):
            hoisted: list[str] = []
            self.lam(e.body, 0, hoisted, name)
            text = hoisted[0].replace(":\n", f':\n{_INDENT}"""{_doc(doc)}"""\n', 1)
            self.invention_defs.append(text)
            return name
        self.invention_defs.append(self.function(name, (), e.body, 0, _doc(doc)))
        return f"{name}()"


def _chain(head: str, args: list[str]) -> str:
    for a in args:
        head = f"_apply({head}, {a})"
    return head


def _literal(p: Primitive) -> str:
    v = p.value
    if isinstance(v, bool) or v is None:
        return repr(v)
    if isinstance(v, int):
        return repr(v)
    if isinstance(v, float):
        return repr(v) if v == v and abs(v) != float("inf") else f"float({str(v)!r})"
    if isinstance(v, tuple) and not v:
        return "()"
    raise ExportError(f"the constant {p.name!r} has no plain-Python form")


def _doc(text: str) -> str:
    text = text.replace("\\", "\\\\").replace('"""', "'''")
    return text if len(text) <= 200 else text[:197] + "..."


def _indent(text: str) -> str:
    return "\n".join(_INDENT + line if line else line for line in text.splitlines())


@final
@dataclass(frozen=True, slots=True)
class _Header:
    """What the exported module says of the program besides its code."""

    request: Type
    text: str
    limits: Limits
    title: str
    domain: str
    arguments: tuple[tuple[object, ...], ...]
    returns: tuple[object, ...]


def _module(
    gen: _Generator, program: str, h: _Header, examples: Sequence[Mapping[str, object]]
) -> str:
    prelude = Collector()
    for name in ("run", "predict_one", "main", "_apply", "_counted", "RunLimit"):
        prelude.add(_PRELUDE, name)
    imports = sorted(set(prelude.imports()) | set(gen.runtime.imports()))
    clash = prelude.names() & gen.runtime.names()
    if clash:
        raise ExportError(f"the runtime and the prelude both define {sorted(clash)[0]}")
    request, text, limits, title = h.request, h.text, h.limits, h.title
    domain = f"{h.domain} " if h.domain else ""
    numpy = any("numpy" in line for line in imports)
    parts = [
        f'"""{_doc(title)}: a program learned by metagrow, exported as plain Python.\n\n'
        f"Type: {request}\nProgram: {_doc(text)}\n\n"
        f"It needs the standard library{' and numpy' if numpy else ''}, never metagrow.\n"
        "predict(x) takes one input in the task-file JSON form (several arguments: a list\n"
        "of them) and returns the output in that form, or raises RunFailed (a ValueError)\n"
        "with the reason. `python THIS.py` replays the examples it was exported with;\n"
        '`python THIS.py -` reads one JSON input per line and writes one output per line.\n"""',
        "from __future__ import annotations",
        "\n".join(imports),
        "# --- run limits, values, predict and the self-check",
        *[d for d in prelude.definitions() if not _sets_limits(d)],
        f"STEPS, DEPTH, SECONDS, SIZE = {limits.steps}, {limits.depth}, "
        f"{limits.seconds!r}, {limits.size}",
        f"# --- the {domain}primitives it uses, as the interpreter runs them",
        *gen.runtime.definitions(),
        "# --- each primitive's call counted as one step, as the interpreter counts it",
        *gen.wrappers.values(),
    ]
    if gen.invention_defs:
        parts += ["# --- library inventions", *gen.invention_defs]
    parts += [
        "# --- the program",
        program,
        f"TYPE = {str(request)!r}",
        f"PROGRAM = {text!r}",
        f"ARGUMENTS = {h.arguments!r}",
        f"RETURNS = {h.returns!r}",
        f"EXAMPLES = json.loads({json.dumps(list(examples))!r})",
        "def predict(x):\n"
        f'{_INDENT}"""The output for one input, both in the task-file JSON form."""\n'
        f"{_INDENT}return predict_one(program, ARGUMENTS, RETURNS, x)",
        f'if __name__ == "__main__":\n{_INDENT}sys.exit(main(predict, EXAMPLES))',
    ]
    if "import json" not in imports:
        parts.insert(2, "import json")
    if "import sys" not in imports:
        parts.insert(2, "import sys")
    return "\n\n\n".join(p for p in parts if p) + "\n"


def _sets_limits(definition: str) -> bool:
    return any(definition.startswith(name) for name in _SET_BY_EXPORT)
