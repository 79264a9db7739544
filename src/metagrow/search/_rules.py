"""Productions at ground types, for bottom-up search: what each costs, what it takes
(values or lambdas of a signature) and the function that builds its value."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import final

from metagrow.lang import (
    BOOL,
    FAIL,
    INT,
    Expr,
    Grammar,
    Limits,
    Prim,
    Production,
    Program,
    TCon,
    Type,
    substitute_vars,
    tlist,
)


@final
@dataclass(frozen=True, slots=True)
class Signature:
    """A function argument: parameter types (outermost first) and result type."""

    params: tuple[Type, ...]
    result: Type


@final
@dataclass(frozen=True, slots=True)
class Rule:
    """A production instantiated at ground types: how to build a value from arguments.

    ``args`` holds a ``Type`` for a value argument and a ``Signature`` for a lambda."""

    expr: Expr
    cost: int
    args: tuple[Type | Signature, ...]
    result: Type
    fn: Callable[..., object]
    lazy: bool
    commutative: bool = False
    higher: bool = False  # some argument is a lambda


def rule_name(rule: Rule) -> str:
    """The name of the primitive a rule applies (``""`` for an invention or a variable)."""
    return rule.expr.name if isinstance(rule.expr, Prim) else ""


def compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Ways to write ``total`` as an ordered sum of ``parts`` positive integers."""
    if parts == 1:
        yield (total,)
        return
    for first in range(1, total - parts + 2):
        for rest in compositions(total - first, parts - 1):
            yield (first, *rest)


def universe(request: Type, grammar: Grammar) -> frozenset[Type]:
    """Ground types programs may have: the request's parts, ints, bools, lists of ints, and
    every variable-free type a production takes or returns (such as a domain's own types)."""
    out: set[Type] = {INT, BOOL, tlist(INT)}
    stack = [*request.arguments(), request.returns()]
    for prod in grammar.productions:
        stack.extend(t for t in (*prod.type.arguments(), prod.type.returns()) if not t.poly)
    while stack:
        t = stack.pop()
        if t.is_arrow() or t in out:
            continue
        out.add(t)
        if isinstance(t, TCon):
            stack.extend(t.args)
    return frozenset(out)


def probes(
    t: Type, types: Sequence[Type], inputs: Sequence[object], positions: bool = True
) -> list[object]:
    """Values of type ``t`` to run lambda bodies on: those in an example's inputs (at most
    16), then for ints the positions in its lists (a map over the indices calls a lambda
    on those; not with ``positions=False``), or a few small ones when the inputs hold
    none."""
    found: list[object] = []
    for it, v in zip(types, inputs, strict=True):
        _collect(t, it, v, found)
    unique = list(dict.fromkeys(found))[:16]
    if t == INT and positions:
        longest = max((len(v) for v in inputs if isinstance(v, tuple)), default=0)
        unique.extend(i for i in range(min(longest, _MAX_POSITIONS)) if i not in unique)
    if unique:
        return unique
    if t == BOOL:
        return [False, True]
    if t == INT:
        return [0, 1, 2]
    return []


_MAX_POSITIONS = 12


def _collect(want: Type, t: Type, value: object, out: list[object]) -> None:
    if t == want:
        out.append(value)
    elif isinstance(t, TCon) and t.name == "list" and isinstance(value, tuple):
        for v in value:
            _collect(want, t.args[0], v, out)


def rules(grammar: Grammar, universe: frozenset[Type], limits: Limits) -> list[Rule]:
    """Every production at every ground instantiation whose types stay in ``universe``."""
    ground = sorted(universe, key=str)
    weights = [p.log_weight for p in grammar.productions]
    top = max(weights, default=0.0)
    unit = math.log(max(len(weights), 2)) / 2
    rules: list[Rule] = []
    for prod in grammar.productions:
        cost = 1 + round((top - prod.log_weight) / unit)
        fn, lazy = implementation(prod, grammar, limits)
        symmetric = isinstance(prod.expr, Prim) and grammar.primitives[prod.expr.name].commutative
        ids = sorted(set(prod.type.free_vars()))
        for choice in itertools.product(ground, repeat=len(ids)):
            t = substitute_vars(prod.type, dict(zip(ids, choice, strict=True)))
            args = rule_args(t.arguments(), universe)
            if args is not None and t.returns() in universe:
                commutative = symmetric and len(args) == 2 and args[0] == args[1]
                higher = any(isinstance(a, Signature) for a in args)
                rules.append(
                    Rule(prod.expr, cost, args, t.returns(), fn, lazy, commutative, higher)
                )
    return rules


def rule_args(
    types: tuple[Type, ...], universe: frozenset[Type]
) -> tuple[Type | Signature, ...] | None:
    out: list[Type | Signature] = []
    for a in types:
        if a.is_arrow():
            params, result = a.arguments(), a.returns()
            if any(p.is_arrow() or p not in universe for p in params) or result not in universe:
                return None
            out.append(Signature(params, result))
        elif a in universe:
            out.append(a)
        else:
            return None
    return tuple(out)


def implementation(
    prod: Production, grammar: Grammar, limits: Limits
) -> tuple[Callable[..., object], bool]:
    """An uncurried function (or the constant) for a production, and whether it is lazy.
    An invention runs through the interpreter, under ``limits`` afresh at each call."""
    expr = prod.expr
    if isinstance(expr, Prim):
        p = grammar.primitives[expr.name]
        return p.value, p.lazy  # type: ignore[return-value]
    program = Program(expr, grammar.primitives)
    if not prod.type.is_arrow():
        value = program.run((), limits)
        if value is FAIL:
            raise ValueError(f"invention {prod.label} does not evaluate")
        return value, False  # type: ignore[return-value]

    def call(*args: object) -> object:
        v = program.run(args, limits)
        if v is FAIL:
            raise ValueError(program.last_error)
        return v

    if any(a.is_arrow() for a in prod.type.arguments()):
        return call, False
    return _remembered(call), False


_REMEMBERED = 1 << 15
"""Answers an invention of value arguments keeps (it forgets them all when full)."""


def _remembered(call: Callable[..., object]) -> Callable[..., object]:
    """``call`` answering again from memory: in a lambda's context, the rows of one
    example share most argument values, and the interpreter is slow."""
    known: dict[tuple[object, ...], tuple[bool, object]] = {}

    def remembered(*args: object) -> object:
        try:
            ok, v = known[args]
        except KeyError:
            try:
                ok, v = True, call(*args)
            except ValueError as err:
                ok, v = False, str(err)
            if len(known) >= _REMEMBERED:
                known.clear()
            known[args] = ok, v
        except TypeError:  # an unhashable argument
            return call(*args)
        if not ok:
            raise ValueError(v)
        return v

    return remembered
