"""Programs drawn from a grammar's distribution: for fantasies that teach the guide, and
for the random programs that evolution starts from and mutates with."""

from __future__ import annotations

import random

from metagrow.lang._expr import Expr, Lam, apply
from metagrow.lang._grammar import Grammar
from metagrow.lang._prior import argument_order
from metagrow.lang._types import Context, TCon, Type


class _Dead(Exception):
    pass


def sample_program(
    grammar: Grammar,
    request: Type,
    rng: random.Random,
    max_depth: int = 4,
    env: tuple[Type, ...] = (),
) -> Expr | None:
    """A program of type ``request`` drawn from ``grammar``'s distribution, with at most
    ``max_depth`` nested applications; ``None`` when a draw reaches a hole nothing fits.
    ``env`` gives the types of the variables in scope (``$0`` first), for a subprogram
    drawn in place of another one; type variables in ``request`` and ``env`` are shared."""
    used = [v for t in (request, *env) for v in t.free_vars()]
    ctx = Context(max(used) + 1 if used else 0)
    try:
        program, _ = _draw(grammar, request, ctx, env, rng, 0, max_depth)
    except _Dead:
        return None
    return program


def _draw(
    g: Grammar,
    request: Type,
    ctx: Context,
    env: tuple[Type, ...],
    rng: random.Random,
    depth: int,
    max_depth: int,
) -> tuple[Expr, Context]:
    request = ctx.apply(request)
    if isinstance(request, TCon) and request.is_arrow():
        arg, ret = request.args
        body, ctx = _draw(g, ret, ctx, (arg, *env), rng, depth, max_depth)
        return Lam(body), ctx
    cand = g.sample(request, ctx, env, rng, leaves_only=depth >= max_depth)
    if cand is None:
        raise _Dead
    ctx = cand.context
    filled: dict[int, Expr] = {}
    for i in argument_order(cand.arguments):
        filled[i], ctx = _draw(g, cand.arguments[i], ctx, env, rng, depth + 1, max_depth)
    return apply(cand.expr, *(filled[i] for i in range(len(cand.arguments)))), ctx
