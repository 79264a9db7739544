"""A program's prior under a grammar: the choices that build it, hole by hole, in the order
the top-down enumerator fills holes, and the sum of their log-probabilities.

Every engine reports a solution's log-prior with :func:`log_prior`'s unit (nats), so that
records of what different engines found compare; the top-down enumerator's own cost is
exactly ``-log_prior``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import final

from metagrow.lang._expr import App, Expr, Lam, Var, shift, spine
from metagrow.lang._grammar import Candidate, Grammar
from metagrow.lang._slots import ROOT, Slot
from metagrow.lang._types import Context, TCon, Type


@final
@dataclass(frozen=True, slots=True)
class Choice:
    """One hole of a program: the candidates that fit it, the one that filled it, and
    the hole's slot (parent production and argument index)."""

    candidates: tuple[Candidate, ...]
    chosen: Candidate
    slot: Slot


class _Unscorable(Exception):
    pass


def choices(
    program: Expr, request: Type, grammar: Grammar, *, contextual: bool = True
) -> list[Choice] | None:
    """The choices that build ``program`` (of type ``request``), or ``None`` if the grammar
    cannot produce it (a beta-redex, a primitive it lacks, an ill-typed term). Arrow-typed
    holes filled by a non-``lam`` are read eta-long, as enumeration would build them.
    Candidates are weighed by each hole's slot when ``contextual``, else by the unigram
    weights."""
    out: list[Choice] = []
    try:
        _walk(program, request, Context(), (), grammar, out, ROOT, contextual)
    except _Unscorable:
        return None
    return out


def log_prior(program: Expr, request: Type, grammar: Grammar) -> float:
    """The log-probability (nats) of ``program`` at type ``request`` under ``grammar``,
    its contextual weights included; ``-inf`` if the grammar cannot produce it."""
    found = choices(program, request, grammar)
    if found is None:
        return -math.inf
    return sum(c.chosen.log_prob for c in found)


def argument_order(types: tuple[Type, ...]) -> tuple[int, ...]:
    """Non-function arguments first, as the top-down enumerator fills them."""
    return tuple(sorted(range(len(types)), key=lambda i: types[i].is_arrow()))


def _walk(
    e: Expr,
    request: Type,
    ctx: Context,
    env: tuple[Type, ...],
    grammar: Grammar,
    out: list[Choice],
    slot: Slot,
    contextual: bool,
) -> Context:
    request = ctx.apply(request)
    if isinstance(request, TCon) and request.is_arrow():
        arg, ret = request.args
        body = e.body if isinstance(e, Lam) else App(shift(e, 1), Var(0))
        return _walk(body, ret, ctx, (arg, *env), grammar, out, slot, contextual)
    head, args = spine(e)
    cands = grammar.candidates(request, ctx, env, slot=slot if contextual else None)
    chosen = next((c for c in cands if c.expr is head), None)
    if chosen is None or len(args) != len(chosen.arguments):
        raise _Unscorable
    out.append(Choice(tuple(cands), chosen, slot))
    ctx = chosen.context
    parent = grammar.parent_name(head)
    for i in argument_order(chosen.arguments):
        ctx = _walk(args[i], chosen.arguments[i], ctx, env, grammar, out, (parent, i), contextual)
    return ctx
