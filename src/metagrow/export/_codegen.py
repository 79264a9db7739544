"""Expressions to Python statements: each lambda a ``def``, each call bound to a name.

A function body is generated in evaluation order, one call a statement (``t1 = keep(f2,
v0)``), so that the exported code runs the calls in the interpreter's order. The
interpreter counts a step for each call and application, checking the budget, and one per
item of a list a call returns, without a check; a body charges the calls of a stretch in
one subtraction and check (see :class:`_Block`), and the items right after their call, so
that a run fails by steps exactly where the interpreter's does (an error of the program's
own in the stretch may then be reported as the step limit). A primitive whose function is
one ``return`` expression, or checks its arguments and returns one, is written in place
(``v1 > 1`` for ``gt?``); ``map``, ``filter`` and ``fold`` of a lambda become loops with
its body in place, their calls charged before the loop; ``if`` and the other lazy
primitives are written in place with the expressions of the branches whose steps do not
depend on the run. The others are called by name, their definitions copied from the
domain's plain-Python runtime module.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import final

from metagrow.export._errors import ExportError
from metagrow.export._modules import ModuleWriter
from metagrow.export._primitives import is_function, runtime_name, value_of
from metagrow.export._source import Collector
from metagrow.export._thunks import Unthunk, lazy_charge
from metagrow.fit import ModuleFunction
from metagrow.lang import (
    BOOL,
    INT,
    App,
    Expr,
    Grammar,
    Invented,
    Lam,
    Prim,
    Primitive,
    TCon,
    Var,
    show,
    spine,
)

INDENT = "    "
_SCALARS = (INT, BOOL, TCon("real"))


@final
class _Charge:
    """The steps of the calls of one stretch of a body, charged (and checked) before it."""

    def __init__(self) -> None:
        self.n = 0

    def lines(self) -> list[str]:
        return [f"_steps -= {self.n}", "if _steps <= 0:", f"{INDENT}_refill()"] if self.n else []


@final
class _Block:
    """The statements of one function body, and the steps it charges.

    The interpreter charges a step before each call and checks the budget; it charges the
    items of a list a call gives after it, without a check. A body charges the calls of a
    stretch in one subtraction and check at the stretch's start; a stretch ends after a
    call that gives a list (its items charged right after it) or that may run other code
    (a lambda, a thunk), so that the budget is checked at the same totals as the
    interpreter's last check in each stretch, and a run fails by steps exactly when the
    interpreter's does."""

    def __init__(self, generator: Generator, depth: int) -> None:
        self.gen = generator
        self.depth = depth  # variables in scope: v0 .. v{depth-1}
        self.defs: list[str] = []  # nested functions (lambdas, thunks), defined first
        self.lines: list[str | _Charge] = []
        self.first = _Charge()  # the first stretch's, at the start
        self.current = self.first
        self.ended = False  # whether the next call begins a stretch
        self.plain = True  # no list items, no other code run: one expression may do
        self.binds: list[tuple[str, str]] = []  # the lines, while each is ``name = call``

    @property
    def steps(self) -> int:
        """The steps charged at the start."""
        return self.first.n

    def charge(self, n: int) -> None:
        """Charge ``n`` calls made from here on."""
        if self.ended:
            self.current, self.ended = _Charge(), False
            self.lines.append(self.current)
            self.binds = []
        self.current.n += n

    def end(self) -> None:
        """The stretch ends: list items were charged, or other code may have run."""
        self.ended, self.plain = True, False

    def bind(self, text: str) -> str:
        name = self.gen.fresh("t")
        self.lines.append(f"{name} = {text}")
        self.binds.append((name, text))
        return name

    def statements(self, *lines: str) -> None:
        """Lines that are not one call bound to a name (a loop, a charge)."""
        self.lines += lines
        self.binds = []

    def expression(self, value: str) -> str | None:
        """The body as one expression giving ``value``, running its calls in the same
        order, when it defines nothing, charges no items, runs no other code and is only
        bound calls."""
        if self.defs or not self.plain or len(self.binds) != len(self.lines):
            return None
        text = value
        for name, call in reversed(self.binds):
            word = re.compile(rf"\b{name}\b")
            if len(word.findall(text)) != 1:
                return None
            text = word.sub(f"({call})".replace("\\", "\\\\"), text)
        return ast.unparse(ast.parse(text, mode="eval"))

    def body(self, value: str) -> list[str]:
        """The body's lines, returning ``value``."""
        lines: list[str] = []
        for line in self.lines:
            lines += line.lines() if isinstance(line, _Charge) else [line]
        if lines and lines[-1].startswith(f"{value} = "):
            value = lines.pop()[len(value) + 3 :]  # return the last call's value directly
        return [*self.defs, *self.first.lines(), *lines, f"return {value}"]

    def charges(self) -> bool:
        return bool(self.steps) or any(isinstance(line, _Charge) for line in self.lines)


@final
class Generator:
    """Turns expressions into Python text, gathering what they need on the way."""

    def __init__(self, grammar: Grammar, depth: bool, modules: ModuleWriter | None = None) -> None:
        self.grammar = grammar
        self.depth = depth  # whether lambdas count the depth of calls
        self.runtime = Collector()
        self.modules = modules or ModuleWriter(side=False)
        self.inventions: dict[Expr, str] = {}  # invention -> its function's name
        self.invention_defs: list[str] = []
        self.labels: Mapping[Expr, str] = grammar.invention_names()
        self.counter = 0

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    # --- functions -------------------------------------------------------------------
    def function(self, name: str, body: Expr, doc: str = "") -> str:
        """A ``def`` of no arguments giving ``body``'s value (charging no step itself)."""
        block = _Block(self, 0)
        value = self.value(body, block)
        counts = ["global _steps"] if block.charges() or not block.plain else []
        return _def(name, "", doc, [*counts, *block.body(value)])

    def lam(self, e: Lam, outer: int, name: str = "", doc: str = "") -> str:
        """A lambda as a ``def`` counting its call as a step (and a level of depth)."""
        name = name or self.fresh("f")
        block = _Block(self, outer + 1)
        block.charge(1)
        value = self.value(e.body, block)
        lines = block.body(value)
        if not self.depth:
            return _def(name, f"v{outer}", doc, ["global _steps", *lines])
        inner = [*block.defs]
        lines = lines[len(inner) :]
        guarded = [
            "global _steps, _depth",
            *inner,
            "_depth += 1",
            "if _depth > DEPTH:",
            f'{INDENT}raise RunLimit("depth limit")',
            "try:",
            *(INDENT + line for line in lines),
            "finally:",
            f"{INDENT}_depth -= 1",
        ]
        return _def(name, f"v{outer}", doc, guarded)

    # --- expressions -----------------------------------------------------------------
    def value(self, e: Expr, block: _Block) -> str:
        """``e``'s value in ``block``: a name, a literal or a function; the calls it makes
        are bound in ``block`` in evaluation order."""
        if isinstance(e, Var):
            if e.index >= block.depth:
                raise ExportError(f"the program has a free variable ${e.index}")
            return f"v{block.depth - 1 - e.index}"
        if isinstance(e, Lam):
            name = self.fresh("f")
            block.defs.append(self.lam(e, block.depth, name))
            return name
        if isinstance(e, Invented):
            return self.invention(e, block)
        if isinstance(e, Prim):
            return self.curried(self.primitive(e.name))
        if isinstance(e, App):
            return self.application(e, block)
        raise ExportError(f"cannot export the node {e!r}")

    def application(self, e: App, block: _Block) -> str:
        head, args = spine(e)
        if isinstance(head, Prim):
            p = self.primitive(head.name)
            if 0 < p.arity <= len(args):
                block.charge(1)
                done = self.loop(p, args[: p.arity], block)
                if done is None and p.lazy:
                    done = self.lazy(p, args[: p.arity], block)
                if done is None:
                    if p.lazy:
                        texts = [self.thunk(a, block) for a in args[: p.arity]]
                    else:
                        texts = [self.value(a, block) for a in args[: p.arity]]
                    done = self.call(p, texts, block)
                return self.apply(done, args[p.arity :], block)
        return self.apply(self.value(head, block), args, block)

    def apply(self, f: str, args: tuple[Expr, ...], block: _Block) -> str:
        """``f`` applied to ``args`` one at a time, a step each."""
        for a in args:
            block.charge(1)
            f = block.bind(f"{f}({self.value(a, block)})")
            block.end()  # the function applied runs code of its own
        return f

    def call(self, p: Primitive, args: list[str], block: _Block) -> str:
        if is_function(p) and not isinstance(p.value, ModuleFunction):
            text = self.runtime.inline(*value_of(p), args)
        else:
            text = f"{self.runtime_name(p)}({', '.join(args)})"
        return self.charged(p, block.bind(text), block)

    def charged(self, p: Primitive, name: str, block: _Block) -> str:
        """``name``, the value of a call of ``p``, with the items of a list it gives
        charged right after it (ending the stretch, as a call that may run a function
        given to it does)."""
        returns = p.type.returns()
        if p.lazy or any(a.is_arrow() for a in p.type.arguments()):
            block.end()
        if p.lazy or returns in _SCALARS:
            return name
        if isinstance(returns, TCon) and returns.name == "list":
            block.statements(f"_steps -= len({name})")
        else:  # a type variable, or a domain's own type: a tuple is charged, as it is run
            block.statements(f"if type({name}) is tuple:", f"{INDENT}_steps -= len({name})")
        block.end()
        return name

    def inner(self, e: Expr, depth: int) -> tuple[str, int] | None:
        """``e`` in scope of ``depth`` variables as one expression, and the steps it
        takes (the same on every run), if it can be written so."""
        inner = _Block(self, depth)
        text = inner.expression(self.value(e, inner))
        return None if text is None else (text, inner.steps)

    def loop(self, p: Primitive, args: tuple[Expr, ...], block: _Block) -> str | None:
        """A ``map``, ``filter`` or ``fold`` of a lambda written as a loop over the list,
        the lambda's body in place; the steps its calls would take, a fixed number per
        item, are charged before the loop (as a body charges its calls at its start)."""
        kind = _LOOPS.get(value_of(p)) if is_function(p) else None
        if kind is None or self.depth:  # with recursion, each call counts its depth
            return None
        d = block.depth
        fn = args[2] if kind == "fold" else args[0]
        if not isinstance(fn, Lam):
            return None
        if kind == "fold":  # f(x)(acc): two calls of lambdas, then the body's
            if not isinstance(fn.body, Lam):
                return None
            found = self.inner(fn.body.body, d + 2)
            per_item = None if found is None else (found[0], found[1] + 2)
        else:
            found = self.inner(fn.body, d + 1)
            per_item = None if found is None else (found[0], found[1] + 1)
        if per_item is None:
            return None
        text, steps = per_item
        if kind == "fold":
            xs, init = self.value(args[0], block), self.value(args[1], block)
        else:
            xs = self.value(args[1], block)
        out, x, acc = self.fresh("t"), f"v{d}", f"v{d + 1}"
        lines = [
            f"if {xs}:",
            f"{INDENT}_steps -= {steps} * len({xs})",
            f"{INDENT}if _steps <= 0:",
            f"{INDENT * 2}_refill()",
        ]
        if kind == "map":
            lines.append(f"{out} = tuple([({text}) for {x} in {xs}])")
        elif kind == "filter":
            lines.append(f"{out} = tuple([{x} for {x} in {xs} if ({text})])")
        else:
            lines += [
                f"{acc} = {init}",
                f"for {x} in reversed({xs}):",
                f"{INDENT}{acc} = {text}",
                f"{out} = {acc}",
            ]
        block.statements(*lines)
        return self.charged(p, out, block)

    def lazy(self, p: Primitive, args: tuple[Expr, ...], block: _Block) -> str | None:
        """A lazy primitive whose function is one ``return`` expression, written in place.
        An argument becomes its expression in place of its thunk's call when the steps it
        takes are charged at the block's start: it always runs, or it takes none, or it is
        a branch of an ``if`` taking as many steps as the other; any other stays a thunk."""
        if not is_function(p):
            return None
        template = self.runtime.template(*value_of(p), p.arity)
        if template is None:
            return None
        params, body = template
        found = dict(zip(params, (self.inner(a, block.depth) for a in args), strict=True))
        decided = lazy_charge(body, {q: None if f is None else f[1] for q, f in found.items()})
        if decided is None:
            return None
        charge, kept = decided
        texts = {}
        for q, a in zip(params, args, strict=True):
            f = found[q]
            texts[q] = f"{self.thunk(a, block)}()" if q in kept or f is None else f[0]
        block.charge(charge)
        done = block.bind(ast.unparse(Unthunk(texts).visit(body)))
        if kept:
            block.end()  # a thunk kept runs code of its own
        return done

    def thunk(self, e: Expr, block: _Block) -> str:
        """A lazy argument: a function of no arguments computing ``e`` when called."""
        inner = _Block(self, block.depth)
        value = self.value(e, inner)
        if not inner.lines and not inner.defs and not inner.steps:
            return f"lambda: {value}"
        name = self.fresh("k")
        block.defs.append(_def(name, "", "", ["global _steps", *inner.body(value)]))
        return name

    def curried(self, p: Primitive) -> str:
        """A primitive as a value: a constant, or its function taking one argument at a
        time (counted when the last one comes, as a call)."""
        if p.arity == 0:
            return _literal(p)
        fn = self.runtime_name(p)
        params = [f"a{i}" for i in range(p.arity)]
        passed = [f"lambda {a}={a}: {a}" if p.lazy else a for a in params]
        text = f"_counted({fn}, {', '.join(passed)})"
        for a in reversed(params):
            text = f"(lambda {a}: {text})"
        return text

    # --- primitives and inventions ---------------------------------------------------
    def runtime_name(self, p: Primitive) -> str:
        """What the module calls ``p`` by: a trained module's function, or the runtime's."""
        if isinstance(p.value, ModuleFunction):
            return self.modules.function(self.runtime, p.value.module)
        return runtime_name(self.runtime, p)

    def primitive(self, name: str) -> Primitive:
        try:
            return self.grammar.primitives[name]
        except KeyError:
            raise ExportError(f"unknown primitive {name!r}") from None

    def invention(self, e: Invented, block: _Block) -> str:
        known = self.invention_name(e)
        if isinstance(e.body, Lam):
            return known
        done = block.bind(f"{known}()")
        block.end()  # the invention's body runs
        return done

    def invention_name(self, e: Invented) -> str:
        """The name of the function ``e`` becomes (defined on first use)."""
        known = self.inventions.get(e)
        return known if known is not None else self._define(e)

    def _define(self, e: Invented) -> str:
        label = self.labels.get(e, f"invention{len(self.inventions)}")
        name = "lib_" + re.sub(r"\W", "_", label).strip("_")
        while name in self.inventions.values():
            name += "_"
        self.inventions[e] = name
        doc = doc_text(f"Library invention {label}: {show(e.body)}")
        if isinstance(e.body, Lam):
            self.invention_defs.append(self.lam(e.body, 0, name, doc))
        else:
            self.invention_defs.append(self.function(name, e.body, doc))
        return name


_LOOPS = {
    ("metagrow.domains.lists._runtime", "each"): "map",
    ("metagrow.domains.lists._runtime", "keep"): "filter",
    ("metagrow.domains.lists._runtime", "fold"): "fold",
}
"""The primitives written as a loop when their function is a lambda: what each does is
the runtime function's own code (``tuple(map(f, xs))``, ``tuple(filter(f, xs))``, and
``f(x)(acc)`` over the reversed list)."""


def _def(name: str, params: str, doc: str, lines: list[str]) -> str:
    head = [f"def {name}({params}):"]
    if doc:
        head.append(f'{INDENT}"""{doc}"""')
    body = "\n".join(lines)
    return "\n".join([*head, *(INDENT + line if line else line for line in body.splitlines())])


def _literal(p: Primitive) -> str:
    v = p.value
    if isinstance(v, bool) or v is None or isinstance(v, int):
        return repr(v)
    if isinstance(v, float):
        return repr(v) if v == v and abs(v) != float("inf") else f"float({str(v)!r})"
    if isinstance(v, tuple) and not v:
        return "()"
    raise ExportError(f"the constant {p.name!r} has no plain-Python form")


def doc_text(text: str) -> str:
    """``text`` made safe for a docstring, and short."""
    text = text.replace("\\", "\\\\").replace('"""', "'''")
    return text if len(text) <= 200 else text[:197] + "..."
