"""The choices a program makes under a grammar: at every hole, which productions (and how
many variables) could have filled it, and which one did.

This is DreamCoder's likelihood computed once per training program, so that training the
guide is tensor work only: the log-probability of a program under any weights ``w`` is the
sum over its choice points of ``w[chosen] - logsumexp(w[candidates])``, with the variables
sharing one weight split evenly among those that fit. Each choice point also records its
slot (parent production and argument index), so that the same holds under contextual
weights, which replace ``w`` at the slots they cover.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import final

from metagrow.lang import (
    ROOT,
    App,
    Context,
    Expr,
    Grammar,
    Lam,
    Slot,
    SlotWeights,
    TCon,
    Type,
    Var,
    shift,
    spine,
)

VARIABLE = -1
"""The ``chosen`` index of a choice point filled by a variable."""


@final
@dataclass(frozen=True, slots=True)
class ChoicePoint:
    """One hole of a program: the indices (into ``grammar.productions``) of the productions
    that fit it, how many variables in scope fit it, the index chosen (``VARIABLE`` for a
    variable), and the hole's slot."""

    candidates: tuple[int, ...]
    variables: int
    chosen: int
    slot: Slot = ROOT


class _Unscorable(Exception):
    pass


def choice_points(program: Expr, request: Type, grammar: Grammar) -> list[ChoicePoint] | None:
    """The choice points of ``program`` (of type ``request``) in the order the top-down
    enumerator fills holes, or ``None`` if the grammar cannot produce it (a beta-redex, a
    primitive it lacks, an ill-typed term). Arrow-typed holes filled by a non-``lam`` are
    read eta-long, as enumeration would build them."""
    index: Mapping[Expr, int] = {p.expr: i for i, p in enumerate(grammar.productions)}
    out: list[ChoicePoint] = []
    try:
        _walk(program, request, Context(), (), grammar, index, out, ROOT)
    except _Unscorable:
        return None
    return out


def _walk(
    e: Expr,
    request: Type,
    ctx: Context,
    env: tuple[Type, ...],
    grammar: Grammar,
    index: Mapping[Expr, int],
    out: list[ChoicePoint],
    slot: Slot,
) -> Context:
    request = ctx.apply(request)
    if isinstance(request, TCon) and request.is_arrow():
        arg, ret = request.args
        body = e.body if isinstance(e, Lam) else App(shift(e, 1), Var(0))
        return _walk(body, ret, ctx, (arg, *env), grammar, index, out, slot)
    head, args = spine(e)
    cands = grammar.candidates(request, ctx, env)
    chosen = next((c for c in cands if c.expr is head), None)
    if chosen is None or len(args) != len(chosen.arguments):
        raise _Unscorable
    productions = tuple(index[c.expr] for c in cands if not isinstance(c.expr, Var))
    variables = sum(isinstance(c.expr, Var) for c in cands)
    picked = VARIABLE if isinstance(head, Var) else index[head]
    out.append(ChoicePoint(productions, variables, picked, slot))
    ctx = chosen.context
    parent = grammar.parent_name(head)
    for i in argument_order(chosen.arguments):
        ctx = _walk(args[i], chosen.arguments[i], ctx, env, grammar, index, out, (parent, i))
    return ctx


def argument_order(types: tuple[Type, ...]) -> tuple[int, ...]:
    """Non-function arguments first, as the top-down enumerator fills them."""
    return tuple(sorted(range(len(types)), key=lambda i: types[i].is_arrow()))


def program_log_likelihood(
    points: Sequence[ChoicePoint],
    weights: Sequence[float],
    log_variable: float,
    contextual: Mapping[Slot, SlotWeights] | None = None,
) -> float:
    """The log-probability of a program's choices under production ``weights`` (indexed
    like the grammar's productions) and ``log_variable``, or, at the slots it covers, the
    ``contextual`` table's weights: the quantity training raises."""
    total = 0.0
    for p in points:
        w, v = weights, log_variable
        if contextual and (own := contextual.get(p.slot)) is not None:
            w, v = own.weights, own.log_variable
        row = [w[i] for i in p.candidates]
        if p.variables:
            row.append(v)
        m = max(row)
        z = m + math.log(sum(math.exp(x - m) for x in row))
        mine = v - math.log(p.variables) if p.chosen == VARIABLE else w[p.chosen]
        total += mine - z
    return total
